/*
 * The deployment folder and all it holds: every deployment kept in
 * history/ID/, "current", a symlink to one of them, replaced by a single
 * rename, the artifacts' links through it, the IDs and their times, the
 * lock, and which names in it are deploy's. The score history's lines
 * are history.c's.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "risk.h"

/* what a deployment folder holds, each linked from the top of prod
 * through current: the deployed model is prod/trainedmodel.json */
const char *const deploy_artifacts[DEPLOY_NARTIFACT] = {
	"trainedmodel.json", "latestscore.txt", "ingestedfiles.txt"
};

/* prod/name, the deployed artifact name: a link into current/ */
char *
deploy_file(const char *prod, const char *name)
{
	return path_join(prod, name);
}

/* prod/history/ID/name, or the folder prod/history/ID when name is NULL */
char *
deploy_path(const char *prod, const char *id, const char *name)
{
	char *hist = path_join(prod, "history"), *dir = path_join(hist, id);
	char *p;

	free(hist);
	if (name == NULL)
		return dir;
	p = path_join(dir, name);
	free(dir);
	return p;
}

int
deploy_list(const char *prod, char ***ids, size_t *n)
{
	char *hist = path_join(prod, "history");
	struct dirent *e;
	size_t cap = 0;
	DIR *d;

	*ids = NULL;
	*n = 0;
	if ((d = opendir(hist)) == NULL) {
		free(hist);
		if (errno == ENOENT)
			return 0;
		return seterr("%s/history: %s", prod, strerror(errno));
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (*n == cap)
			*ids = erealloc(*ids, (cap = 2 * cap + 16) *
			    sizeof(**ids));
		(*ids)[(*n)++] = estrdup(e->d_name);
	}
	closedir(d);
	free(hist);
	path_sortnames(*ids, *n);
	return 0;
}

void
deploy_freelist(char **ids, size_t n)
{
	path_freenames(ids, n);
}

int
deploy_current(const char *prod, char *id, size_t size)
{
	char *link = path_join(prod, "current"), buf[512];
	ssize_t n;

	n = readlink(link, buf, sizeof(buf) - 1);
	free(link);
	if (n == -1) {
		if (errno == ENOENT)
			return 0;
		return seterr("%s/current: %s", prod, strerror(errno));
	}
	buf[n] = '\0';
	/* "", "." and ".." would make the deployment folder itself current */
	if (strncmp(buf, "history/", 8) != 0 || strchr(buf + 8, '/') != NULL ||
	    buf[8] == '\0' || buf[8] == '.' || strlen(buf + 8) >= size)
		return seterr("%s/current: unexpected target %s", prod, buf);
	strcpy(id, buf + 8);
	return 1;
}

/* the current deployment's folder, or NULL with risk_err */
char *
deploy_currentdir(const char *prod, char *id, size_t size)
{
	switch (deploy_current(prod, id, size)) {
	case -1:
		return NULL;
	case 0:
		seterr("%s: nothing is deployed", prod);
		return NULL;
	}
	return deploy_path(prod, id, NULL);
}

/*
 * Every writer of the deployment folder holds this lock for the whole
 * write, so that none loses another's score history line or link.
 * Without create, a missing folder is "nothing is deployed".
 */
int
deploy_lock(const char *prod, int create)
{
	char *path;
	int fd;

	if (create && path_mkdirs(prod) == -1)
		return -1;
	path = path_join(prod, ".deploy.lock");
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (fd == -1) {
		if (errno == ENOENT)
			seterr("%s: nothing is deployed", prod);
		else
			seterr("%s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	while (flock(fd, LOCK_EX) == -1)
		if (errno != EINTR) {
			seterr("%s: flock: %s", path, strerror(errno));
			close(fd);
			free(path);
			return -1;
		}
	free(path);
	return fd;
}

/* dir/name becomes a symbolic link to target in one rename, made under a
 * name no other run can have */
int
deploy_link(const char *dir, const char *target, const char *name)
{
	char *tmp = path_join(dir, ".tmp.XXXXXX"), *l = NULL;
	char *link = path_join(dir, name);
	int r = 0;

	if (mkdtemp(tmp) == NULL)
		r = seterr("%s: %s", tmp, strerror(errno));
	else {
		l = path_join(tmp, name);
		if (symlink(target, l) == -1)
			r = seterr("%s: %s", link, strerror(errno));
		else if (rename(l, link) == -1) {
			r = seterr("%s: %s", link, strerror(errno));
			unlink(l);
		}
		rmdir(tmp);
	}
	free(tmp);
	free(l);
	free(link);
	return r;
}

int
deploy_switch(const char *prod, const char *id)
{
	char *target = path_join("history", id);
	int r;

	r = deploy_link(prod, target, "current");
	free(target);
	return r == 0 ? atomic_fsync_dir(prod) : r;
}

/* prod/NAME -> current/NAME, for readers that want the top-level names */
int
deploy_toplinks(const char *prod)
{
	char *link, *target, buf[256];
	size_t i;
	ssize_t n;
	int r = 0;

	for (i = 0; r == 0 && i < DEPLOY_NARTIFACT; i++) {
		link = path_join(prod, deploy_artifacts[i]);
		target = path_join("current", deploy_artifacts[i]);
		n = readlink(link, buf, sizeof(buf) - 1);
		if (n < 0 && errno == EINVAL)
			r = seterr("%s: kept, it is not a link deploy made",
			    link);
		else if (n < 0 || (size_t)n != strlen(target) ||
		    memcmp(buf, target, n) != 0)
			r = deploy_link(prod, target, deploy_artifacts[i]);
		free(link);
		free(target);
	}
	return r == 0 ? atomic_fsync_dir(prod) : r;
}

/* is prod/name something deploy puts there? */
int
deploy_owns(const char *prod, const char *name)
{
	char *p = path_join(prod, name), buf[64], want[64];
	struct stat st;
	ssize_t n;
	size_t i;
	int r = 0;

	if (lstat(p, &st) == -1) {
		free(p);
		return 1;	/* gone meanwhile */
	}
	/* the names only deploy uses, a temp file a crash left */
	if (strcmp(name, "history") == 0 ||
	    strcmp(name, HISTORY_FILE) == 0 ||
	    strcmp(name, DECISIONS_FILE) == 0 ||
	    strcmp(name, ".deploy.lock") == 0 ||
	    strncmp(name, ".tmp.", 5) == 0)
		r = 1;
	else if (strcmp(name, "current") == 0 ||
	    strcmp(name, ".current.tmp") == 0 ||
	    strcmp(name, ".link.tmp") == 0)
		r = S_ISLNK(st.st_mode);
	else
		for (i = 0; i < DEPLOY_NARTIFACT; i++) {
			if (strcmp(name, deploy_artifacts[i]) != 0 ||
			    !S_ISLNK(st.st_mode))
				continue;
			snprintf(want, sizeof(want), "current/%s",
			    deploy_artifacts[i]);
			n = readlink(p, buf, sizeof(buf) - 1);
			r = n > 0 && (size_t)n == strlen(want) &&
			    memcmp(buf, want, n) == 0;
		}
	free(p);
	return r;
}

/* a temp folder's files and the folder; it holds no folder of its own */
static int
rmflat(const char *dir)
{
	struct dirent *e;
	DIR *d;
	char *p;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		p = path_join(dir, e->d_name);
		unlink(p);
		free(p);
	}
	closedir(d);
	return rmdir(dir);
}

static int
istemp(const char *name, const char *prefix)
{
	return strncmp(name, prefix, strlen(prefix)) == 0 &&
	    name[strlen(prefix)] != '\0';
}

/* the temp files and folders in dir of runs that were killed */
static void
cleandir(const char *dir, const char *prefix, const char *why)
{
	struct dirent *e;
	struct stat st;
	DIR *d;
	char *p;
	int r;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (!istemp(e->d_name, prefix) &&
		    !istemp(e->d_name, ".tmp.") &&
		    strcmp(e->d_name, ".current.tmp") != 0 &&
		    strcmp(e->d_name, ".link.tmp") != 0)
			continue;
		p = path_join(dir, e->d_name);
		if (lstat(p, &st) == -1)
			r = -1;
		else if (S_ISDIR(st.st_mode))
			r = rmflat(p);
		else
			r = unlink(p);
		if (r == -1)
			warnx_("%s, %s: cannot remove it: %s", p, why,
			    strerror(errno));
		else
			infox("removed %s, %s", p, why);
		free(p);
	}
	closedir(d);
}

/* what killed runs left: called with the lock held, when no writer runs */
void
deploy_clean(const char *prod)
{
	const char *why = "left by an interrupted run";
	char **ids, *hist, *dir;
	size_t n, i;

	cleandir(prod, ".tmp.", why);
	hist = path_join(prod, "history");
	cleandir(hist, ".new-", why);
	if (deploy_list(prod, &ids, &n) == 0) {
		for (i = 0; i < n; i++) {
			dir = path_join(hist, ids[i]);
			cleandir(dir, ".tmp.", why);
			free(dir);
		}
		deploy_freelist(ids, n);
	}
	free(hist);
}

/* a score file: one number from 0 to 1; riskwatch's end in a newline at
 * most, the original system's (python) may end in any white space and
 * must not underflow */
static int
readscore(const char *path, double *f1, int python)
{
	char *s, *end;

	if ((s = path_slurp(path, NULL)) == NULL)
		return -1;
	errno = 0;
	*f1 = strtod(s, &end);
	if (end == s || strspn(end, python ? " \t\r\n" : "\n") !=
	    strlen(end) || (python && errno != 0) || !isfinite(*f1) ||
	    *f1 < 0 || *f1 > 1) {
		free(s);
		return seterr("%s: not an F1 score (one number from 0 to 1)",
		    path);
	}
	free(s);
	return 0;
}

int
deploy_readscore(const char *path, double *f1)
{
	return readscore(path, f1, 0);
}

int
deploy_readscore_python(const char *path, double *f1)
{
	return readscore(path, f1, 1);
}

/* can the config score the model at path? */
int
deploy_fits(const struct model *m, const struct config *cfg,
    const char *path)
{
	struct schema schema;
	int r;

	if (strcmp(m->target, cfg->target) != 0)
		return seterr("%s: the model predicts \"%s\", the config's "
		    "target is \"%s\"", path, m->target, cfg->target);
	csvread_init(&schema, cfg, 1);
	r = model_check_schema(m, &schema);
	csvread_free(&schema);
	if (r == -1) {
		char why[sizeof(risk_err)];

		memcpy(why, risk_err, sizeof(why));
		return seterr("%s: %s", path, why);
	}
	return 0;
}

/*
 * Was history/ID ever current? deploy adds its score history line only
 * once current names it; a deploy killed before that left a folder that
 * never was.
 */
int
deploy_recorded(const char *prod, const char *id)
{
	struct scorehistory h;
	size_t i;
	int found = 0;

	if (history_read(prod, &h, 0) == -1)
		return 0;
	for (i = 0; !found && i < h.n; i++)
		found = strcmp(h.line[i].model, id) == 0;
	history_free(&h);
	return found;
}

/* is history/ID whole, and its model one the config can score? */
int
deploy_valid(const struct config *cfg, const char *id)
{
	char *dir = deploy_path(cfg->prod_deployment_path, id, NULL), *p;
	struct model m;
	double f1;
	int r = -1;

	p = path_join(dir, "trainedmodel.json");
	if (model_load(&m, p) == 0) {
		r = deploy_fits(&m, cfg, p);
		model_free(&m);
	}
	free(p);
	p = path_join(dir, "latestscore.txt");
	if (r == 0)
		r = deploy_readscore(p, &f1);
	free(p);
	p = path_join(dir, "ingestedfiles.txt");
	if (r == 0 && access(p, R_OK) == -1)
		r = seterr("%s: %s", p, strerror(errno));
	free(p);
	free(dir);
	return r;
}

/*
 * prod/name gets line (ending in a newline) appended by one write, the
 * file made with header first when there is none: the lines already
 * there are never read nor rewritten, whatever bytes they hold. A write
 * that fails is undone. The caller holds deploy_lock.
 */
int
deploy_append(const char *prod, const char *name, const char *header,
    const char *line)
{
	char *path = path_join(prod, name), *buf, last;
	size_t n = strlen(line);
	ssize_t w;
	struct stat st;
	int fd, r = 0;

	fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC);
	if (fd == -1 && errno == ENOENT) {
		buf = emalloc(strlen(header) + n + 1);
		strcpy(buf, header);
		strcat(buf, line);
		r = atomic_write(path, buf, strlen(buf));
		free(buf);
		goto out;
	}
	if (fd == -1 || fstat(fd, &st) == -1) {
		r = seterr("%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = seterr("%s: not a regular file", path);
		goto out;
	}
	last = '\n';
	if (st.st_size > 0 && pread(fd, &last, 1, st.st_size - 1) != 1) {
		r = seterr("%s: read: %s", path, strerror(errno));
		goto out;
	}
	buf = emalloc(n + 2);
	n = sprintf(buf, "%s%s", last == '\n' ? "" : "\n", line);
	if ((w = write(fd, buf, n)) != (ssize_t)n || fsync(fd) == -1) {
		r = seterr("%s: write: %s", path,
		    w >= 0 && (size_t)w < n ? "short write" : strerror(errno));
		if (ftruncate(fd, st.st_size) == -1)
			warnx_("%s: cannot undo a part-written line: %s", path,
			    strerror(errno));
	}
	free(buf);
out:
	if (fd != -1)
		close(fd);
	free(path);
	return r;
}

/* a decision line appended to decisions.csv; the caller holds deploy_lock */
int
deploy_decide(const char *prod, const char *event, const char *model,
    const char *test, double f1, int below, double threshold,
    const char *score, const char *drifted, const char *features,
    const char *data, const char *decision)
{
	char when[32], a[40], b[40], *line;
	int r;

	fmt_utc_iso(when, sizeof(when));
	line = emalloc(strlen(model) + strlen(test) + strlen(score) +
	    strlen(drifted) + strlen(features) + strlen(data) +
	    strlen(decision) + 200);
	sprintf(line, "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", when, event,
	    model, test, fmt_double(a, sizeof(a), f1), below ? "<" : ">=",
	    fmt_double(b, sizeof(b), threshold), score, drifted, features,
	    data, decision);
	r = deploy_append(prod, DECISIONS_FILE, DECISION_HEADER, line);
	free(line);
	return r;
}

/* a field of a decision line: any bytes but a comma or a newline, cut to
 * fit */
static void
decision_field(char *dst, size_t size, const char *s, size_t n)
{
	if (n >= size)
		n = size - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/*
 * decisions.csv: a line at every drift check and every gate decision, in
 * DECISION_HEADER's columns. fn gets each well-formed line, oldest first;
 * lines of another shape are skipped. No file is no decision.
 */
int
deploy_decisions(const char *prod, int (*fn)(const struct decision *,
    void *), void *arg)
{
	char *path = path_join(prod, DECISIONS_FILE), *buf, *line, *eol, *f;
	char *field[DECISION_NFIELD];
	size_t len, sizes[DECISION_NFIELD], k;
	struct decision d;
	int r = 0;

	if (access(path, F_OK) == -1 && errno == ENOENT) {
		free(path);
		return 0;
	}
	buf = path_slurp(path, &len);
	free(path);
	if (buf == NULL)
		return -1;
	for (line = buf; r == 0 && line < buf + len; line = eol + 1) {
		if ((eol = memchr(line, '\n', buf + len - line)) == NULL)
			eol = buf + len;
		for (f = line, k = 0; k < DECISION_NFIELD; k++) {
			field[k] = f;
			if (k + 1 < DECISION_NFIELD &&
			    (f = memchr(f, ',', eol - f)) == NULL)
				break;
			if (k + 1 < DECISION_NFIELD)
				sizes[k] = f++ - field[k];
			else
				sizes[k] = eol - field[k];
		}
		if (k < DECISION_NFIELD || memchr(field[DECISION_NFIELD - 1],
		    ',', sizes[DECISION_NFIELD - 1]) != NULL ||
		    (line == buf && memcmp(line, "time,", 5) == 0))
			continue;
		decision_field(d.time, sizeof(d.time), field[0], sizes[0]);
		decision_field(d.event, sizeof(d.event), field[1], sizes[1]);
		decision_field(d.model, sizeof(d.model), field[2], sizes[2]);
		decision_field(d.test, sizeof(d.test), field[3], sizes[3]);
		decision_field(d.f1, sizeof(d.f1), field[4], sizes[4]);
		decision_field(d.op, sizeof(d.op), field[5], sizes[5]);
		decision_field(d.threshold, sizeof(d.threshold), field[6],
		    sizes[6]);
		decision_field(d.score, sizeof(d.score), field[7], sizes[7]);
		decision_field(d.drifted, sizeof(d.drifted), field[8],
		    sizes[8]);
		decision_field(d.features, sizeof(d.features), field[9],
		    sizes[9]);
		decision_field(d.data, sizeof(d.data), field[10], sizes[10]);
		decision_field(d.decision, sizeof(d.decision), field[11],
		    sizes[11]);
		r = fn(&d, arg);
	}
	free(buf);
	return r;
}

/*
 * A new deployment folder, history/ID: made as history/.new-X, the
 * artifacts st->src names copied in, st->fill's files written, the
 * reference profile of st->data beside them; then ID (the time and the
 * model's digest) is made, and the folder renamed to it whole. On
 * failure nothing of it is left. The caller holds deploy_lock.
 */
int
deploy_stage(const struct config *cfg, const struct staging *st, char *id,
    size_t size)
{
	char *hist = path_join(cfg->prod_deployment_path, "history");
	char *tmp = path_join(hist, ".new-XXXXXX"), *p, *final = NULL;
	char hex[65];
	size_t i;
	int r = -1;

	if (path_mkdirs(hist) == -1 || atomic_mkdtemp(tmp) == -1)
		goto out;
	for (i = 0; i < DEPLOY_NARTIFACT; i++) {
		if (st->src[i] == NULL)
			continue;
		p = path_join(tmp, deploy_artifacts[i]);
		r = atomic_copy(st->src[i], p);
		free(p);
		if (r == -1)
			goto bad;
	}
	p = path_join(tmp, deploy_artifacts[0]);
	/* what the data drift tests compare new data with */
	if ((st->fill != NULL && st->fill(tmp, st->arg) == -1) ||
	    profile_write(cfg, st->data, tmp) == -1 ||
	    sha256_file(p, hex) == -1 || deploy_newid(id, size, hex) == -1) {
		free(p);
		goto bad;
	}
	free(p);
	final = path_join(hist, id);
	if (atomic_fsync_dir(tmp) == -1)
		goto bad;
	if (rename(tmp, final) == -1) {
		seterr("%s: %s", final, strerror(errno));
		goto bad;
	}
	r = atomic_fsync_dir(hist);
	goto out;
bad:
	r = -1;
	scratch_remove(tmp);
out:
	free(hist);
	free(tmp);
	free(final);
	return r;
}

/* 20261124T154500.123456Z-... to 2026-11-24T15:45:00Z */
void
deploy_time(const char *id, char *iso, size_t size)
{
	if (strlen(id) < 15 || id[8] != 'T') {
		snprintf(iso, size, "?");
		return;
	}
	snprintf(iso, size, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", id, id + 4,
	    id + 6, id + 9, id + 11, id + 13);
}

/* 2026-11-24T15:45:00Z, as deploy_time and fmt_utc_iso write it, in
 * seconds since the epoch; -1 for any other text */
time_t
deploy_isotime(const char *iso)
{
	struct tm tm;
	int n = 0;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &tm.tm_year,
	    &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec,
	    &n) != 6 || n != 20 || iso[n] != '\0' || tm.tm_mon < 1 ||
	    tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
	    tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return timegm(&tm);
}

/* the deployment's time in seconds since the epoch, 0 when id holds none */
time_t
deploy_epoch(const char *id)
{
	char iso[32];
	time_t t;

	deploy_time(id, iso, sizeof(iso));
	return (t = deploy_isotime(iso)) == -1 ? 0 : t;
}

int
deploy_newid(char *id, size_t size, const char *hex)
{
	struct timespec ts;
	struct tm tm;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	if ((n = strftime(id, size, "%Y%m%dT%H%M%S", &tm)) == 0 ||
	    (size_t)snprintf(id + n, size - n, ".%06ldZ-%.12s",
	    ts.tv_nsec / 1000, hex) >= size - n)
		return seterr("deployment ID: too long");
	return 0;
}
