/*
 * A deployment of the original Python system (trainedmodel.pkl,
 * latestscore.txt, ingestedfiles.txt in prod_deployment_path): never
 * replaced, only adopted. Adoption retrains on the files its
 * ingestedfiles.txt names, with the workspace's config, on a scratch
 * workspace by the tools themselves, and checks the F1 against its
 * latestscore.txt; the original files are kept in history/ID/original/.
 */
#define _XOPEN_SOURCE 700	/* realpath */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "risk.h"

/* the names in prod that deploy did not put there, sorted */
static int
foreign(const char *prod, char ***names, size_t *n)
{
	struct dirent *e;
	size_t cap = 0;
	DIR *d;

	*names = NULL;
	*n = 0;
	if ((d = opendir(prod)) == NULL)
		return errno == ENOENT ? 0 :
		    seterr("%s: %s", prod, strerror(errno));
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
		    deploy_owns(prod, e->d_name))
			continue;
		if (*n == cap)
			*names = erealloc(*names, (cap = cap * 2 + 8) *
			    sizeof(**names));
		(*names)[(*n)++] = estrdup(e->d_name);
	}
	closedir(d);
	path_sortnames(*names, *n);
	return 0;
}

int
adopt_guard(const char *prod)
{
	char **v, list[512];
	size_t n, i, len = 0;
	int python = 0;

	if (foreign(prod, &v, &n) == -1)
		return -1;
	if (n == 0)
		return 0;
	list[0] = '\0';
	for (i = 0; i < n; i++) {
		if (strcmp(v[i], "latestscore.txt") == 0 ||
		    strcmp(v[i], "ingestedfiles.txt") == 0 ||
		    (strlen(v[i]) > 4 &&
		    strcmp(v[i] + strlen(v[i]) - 4, ".pkl") == 0))
			python = 1;
		if (len < sizeof(list) - 1)
			len += snprintf(list + len, sizeof(list) - len, "%s%s",
			    i > 0 ? ", " : "", v[i]);
	}
	if (len >= sizeof(list) - 1)
		strcpy(list + sizeof(list) - 4, "...");
	path_freenames(v, n);
	if (python)
		return seterr("%s holds files riskwatch did not make (%s): a "
		    "deployment of the Python system? Take it over with "
		    "\"deploy --adopt\" (see MIGRATING in riskwatch(7)); "
		    "nothing was changed", prod, list);
	return seterr("%s holds files riskwatch did not make (%s): move "
	    "them away, or take over a deployment of the Python system with "
	    "\"deploy --adopt\"; nothing was changed", prod, list);
}

/* The names an original's ingestedfiles.txt holds: one a line, str() of
 * a Python list, or joined by "," or ";"; a riskwatch line's path */
static int
names(const char *path, char ***v, size_t *n)
{
	char *buf, *s, *t, *end, q;
	size_t len, cap = 0, i;

	*v = NULL;
	*n = 0;
	if ((buf = path_slurp(path, &len)) == NULL)
		return -1;
	if (strlen(buf) != len || !utf8_valid(buf, len)) {
		free(buf);
		return seterr("%s: not text (a NUL byte or invalid UTF-8)",
		    path);
	}
	s = buf + strspn(buf, " \t\r\n");
	end = s + strlen(s);
	while (end > s && strchr(" \t\r\n", end[-1]) != NULL)
		end--;
	if (end > s && *s == '[' && end[-1] == ']') {
		s++;
		end--;
	}
	*end = '\0';
	for (; s != NULL && s < end; s = t) {
		if ((t = strpbrk(s, "\n,;")) != NULL)
			*t++ = '\0';
		s[strcspn(s, "\t")] = '\0';
		s += strspn(s, " \r");
		len = strlen(s);
		while (len > 0 && strchr(" \r", s[len - 1]) != NULL)
			s[--len] = '\0';
		if (len >= 2 && (*s == '\'' || *s == '"') && s[len - 1] == *s) {
			q = *s;
			s[--len] = '\0';
			s++;
			len--;
			if (strchr(s, q) != NULL || strchr(s, '\\') != NULL)
				goto bad;
		}
		if (len == 0)
			continue;
		for (i = 0; i < *n && strcmp((*v)[i], s) != 0; i++)
			;
		if (i < *n)
			continue;
		if (*n == cap)
			*v = erealloc(*v, (cap = cap * 2 + 8) * sizeof(**v));
		(*v)[(*n)++] = estrdup(s);
	}
	free(buf);
	if (*n == 0)
		return seterr("%s: names no file", path);
	return 0;
bad:
	seterr("%s: %s: a quoted name with quotes or backslashes inside",
	    path, s);
	free(buf);
	path_freenames(*v, *n);
	*v = NULL;
	*n = 0;
	return -1;
}

/* a regular file inside the workspace (the current folder) */
static int
usable(const char *path)
{
	struct stat st;
	char *real;
	int r;

	if (stat(path, &st) == -1 || !S_ISREG(st.st_mode))
		return 0;
	if ((real = realpath(path, NULL)) == NULL)
		return 0;
	r = path_under(real, ".", 0);
	free(real);
	return r;
}

/* the path of a file the original recorded: in input_folder_path by
 * its name, or where the record says inside the workspace */
static char *
find(const struct config *cfg, const char *listpath, const char *name)
{
	const char *base = strrchr(name, '/');
	char *p;

	base = base != NULL ? base + 1 : name;
	if (*base != '\0' && strcmp(base, "..") != 0 &&
	    strcmp(base, ".") != 0) {
		p = path_join(cfg->input_folder_path, base);
		if (usable(p))
			return p;
		free(p);
	}
	if (base != name && usable(name))
		return estrdup(name);
	seterr("%s: %s: no such file in %s%s%s", listpath, name,
	    cfg->input_folder_path, base != name ? " nor at that path " :
	    "", base != name ? "inside the workspace" : "");
	return NULL;
}

/* a scratch workspace: input/NNNNNN-NAME.csv links to the files in the
 * order the original read them, the test data where it is */
static char *
scratch(const struct config *cfg, char **files, size_t n)
{
	const char *sub[] = { "input", "ingesteddata", "models",
		"production_deployment" };
	char *dir, *real, link[PATH_MAX], *base;
	size_t i;

	if ((dir = scratch_make("adopt", sub, 4)) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if ((real = realpath(files[i], NULL)) == NULL) {
			seterr("%s: %s", files[i], strerror(errno));
			goto bad;
		}
		base = strrchr(files[i], '/');
		base = base != NULL ? base + 1 : files[i];
		snprintf(link, sizeof(link), "%s/input/%06zu-%.200s%s", dir,
		    i, base, strlen(base) > 4 &&
		    strcmp(base + strlen(base) - 4, ".csv") == 0 ? "" : ".csv");
		if (symlink(real, link) == -1) {
			seterr("%s: %s", link, strerror(errno));
			free(real);
			goto bad;
		}
		free(real);
	}
	if ((real = realpath(cfg->test_data_path, NULL)) == NULL) {
		seterr("%s: %s", cfg->test_data_path, strerror(errno));
		goto bad;
	}
	i = scratch_config(cfg, dir, real);
	free(real);
	if (i == 0)
		return dir;
bad:
	scratch_remove(dir);
	free(dir);
	return NULL;
}

/* a tool run on the scratch workspace; its stdout in *out when asked */
static int
run(const char *tool, const char *dir, char **out)
{
	char *exe, *argv[5];
	int st;

	if ((exe = tool_path(tool)) == NULL)
		return -1;
	argv[0] = exe;
	argv[1] = "-q";
	argv[2] = "-C";
	argv[3] = (char *)dir;
	argv[4] = NULL;
	if (out != NULL)
		*out = NULL;
	st = spawn(argv, out, out == NULL ? SPAWN_OUTNULL : 0);
	free(exe);
	if (st != 0 && out != NULL) {
		free(*out);
		*out = NULL;
	}
	if (st == -1)
		return -1;
	if (st != 0)
		return seterr("%s failed (exit %d) on the files the Python "
		    "deployment's ingestedfiles.txt names", tool, st);
	return 0;
}

/* ingestedfiles.txt in riskwatch's form: the scratch's lines (path,
 * sha256, rows, in order) with the workspace's paths */
static int
writelist(const char *scr, char **files, size_t n, const char *dst)
{
	struct filelist l;
	struct atomic a;
	char *p = path_join(scr, "ingesteddata/ingestedfiles.txt"), *tab;
	size_t i;
	int r;

	r = filelist_read(p, &l);
	free(p);
	if (r == -1)
		return -1;
	if (l.n != n) {
		filelist_free(&l);
		return seterr("adopt: ingest listed %zu files of %zu", l.n, n);
	}
	if (atomic_open(&a, dst) == -1) {
		filelist_free(&l);
		return -1;
	}
	for (i = 0; i < n; i++) {
		tab = strchr(l.line[i], '\t');
		fprintf(a.fp, "%s%s\n", files[i], tab != NULL ? tab : "");
	}
	filelist_free(&l);
	return atomic_commit(&a);
}

static int
copyfile(const char *src, const char *dir, const char *name)
{
	char *dst = path_join(dir, name), a[65], b[65];
	int r;

	r = atomic_copy(src, dst);
	if (r == 0 && (sha256_file(src, a) == -1 || sha256_file(dst, b) == -1))
		r = -1;
	else if (r == 0 && strcmp(a, b) != 0)
		r = seterr("%s: the copy of %s differs", dst, src);
	free(dst);
	return r;
}

/* an adoption under way: what it read of the Python deployment, the
 * scratch workspace it retrains in, what it puts in history/ID */
struct staged {
	const char *prod;
	char *scr;		/* the scratch workspace */
	char **files;		/* n: the files its ingestedfiles.txt names */
	char **orig;		/* norig: its files */
	size_t n, norig;
	char sums[2][65];	/* its latestscore.txt's, ingestedfiles.txt's */
};

/* dir/original/: the Python deployment's files, checked to be those the
 * model was retrained on */
static int
keeporiginals(const char *dir, const struct staged *s)
{
	char *o = path_join(dir, "original"), *p, hex[65];
	size_t i;
	int r = -1;

	if (mkdir(o, 0755) == -1) {
		seterr("%s: %s", o, strerror(errno));
		goto out;
	}
	for (i = 0; i < s->norig; i++) {
		p = path_join(s->prod, s->orig[i]);
		r = copyfile(p, o, s->orig[i]);
		free(p);
		if (r == -1)
			goto out;
	}
	/* the kept score and list are those the model was retrained on */
	for (i = 0; i < 2; i++) {
		p = path_join(o, deploy_artifacts[i + 1]);
		r = sha256_file(p, hex);
		free(p);
		if (r == 0 && strcmp(hex, s->sums[i]) != 0)
			r = seterr("%s/%s changed while the model was retrained: "
			    "nothing was adopted; run deploy --adopt again",
			    s->prod, deploy_artifacts[i + 1]);
		if (r == -1)
			goto out;
	}
	r = atomic_fsync_dir(o);
out:
	free(o);
	return r;
}

/* the new deployment folder's files: the model and its score from the
 * scratch, the converted list, the Python deployment's files */
static int
fill(const char *dir, void *arg)
{
	const struct staged *s = arg;
	char *p;
	size_t i;
	int r;

	for (i = 0; i < 2; i++) {
		p = path_join(s->scr, i == 0 ? "models/trainedmodel.json" :
		    "models/latestscore.txt");
		r = copyfile(p, dir, deploy_artifacts[i]);
		free(p);
		if (r == -1)
			return -1;
	}
	p = path_join(dir, deploy_artifacts[2]);
	r = writelist(s->scr, s->files, s->n, p);
	free(p);
	return r == -1 ? -1 : keeporiginals(dir, s);
}

/* history/ID: the model, its score, the converted list and the Python
 * deployment's files under original/ */
static int
stage(const struct config *cfg, struct staged *s, struct adoption *ad)
{
	char *data = path_join(s->scr, "ingesteddata/finaldata.csv"), *hist;
	struct staging st = { { NULL }, fill, s, data };
	int r;

	if ((r = deploy_stage(cfg, &st, ad->id, sizeof(ad->id))) == -1) {
		/* when it was made for this */
		hist = path_join(cfg->prod_deployment_path, "history");
		rmdir(hist);
		free(hist);
	}
	free(data);
	return r;
}

/* the Python deployment's files: regular files, with a score and a list */
static int
originals(const char *prod, char ***v, size_t *n)
{
	struct stat st;
	char *p;
	size_t i, have = 0;

	if (foreign(prod, v, n) == -1)
		return -1;
	for (i = 0; i < *n; i++) {
		p = path_join(prod, (*v)[i]);
		if (lstat(p, &st) == -1 || !S_ISREG(st.st_mode)) {
			seterr("%s: not a regular file: riskwatch adopts "
			    "the files of a Python deployment, nothing else",
			    p);
			free(p);
			goto bad;
		}
		free(p);
		if (strcmp((*v)[i], "latestscore.txt") == 0 ||
		    strcmp((*v)[i], "ingestedfiles.txt") == 0)
			have++;
	}
	if (have == 2)
		return 0;
	seterr("%s: no latestscore.txt and ingestedfiles.txt of the Python "
	    "system: nothing to adopt", prod);
bad:
	path_freenames(*v, *n);
	*v = NULL;
	*n = 0;
	return -1;
}

/* the Python deployment's score, the digests of its score and list, and
 * the files the list names */
static int
recorded(const struct config *cfg, struct staged *s, struct adoption *ad)
{
	const char *prod = cfg->prod_deployment_path;
	char **want = NULL, *p;
	size_t i;
	int r = 0;

	/* digests first: a change from here on is seen under the lock */
	for (i = 0; r == 0 && i < 2; i++) {
		p = path_join(prod, deploy_artifacts[i + 1]);
		r = sha256_file(p, s->sums[i]);
		free(p);
	}
	p = path_join(prod, "latestscore.txt");
	if (r == 0)
		r = deploy_readscore_python(p, &ad->deployed);
	free(p);
	p = path_join(prod, "ingestedfiles.txt");
	if (r == 0)
		r = names(p, &want, &s->n);
	s->files = ecalloc(s->n + 1, sizeof(*s->files));
	for (i = 0; r == 0 && i < s->n; i++)
		if ((s->files[i] = find(cfg, p, want[i])) == NULL)
			r = -1;
	free(p);
	path_freenames(want, s->n);
	return r;
}

/* the model retrained on the files by the tools, and its F1 */
static int
retrain(const struct config *cfg, struct staged *s, struct adoption *ad)
{
	char *out, *end;
	int r;

	if ((s->scr = scratch(cfg, s->files, s->n)) == NULL ||
	    run("ingest", s->scr, NULL) == -1 ||
	    run("train", s->scr, NULL) == -1 ||
	    run("score", s->scr, &out) == -1)
		return -1;
	errno = 0;
	ad->score = strtod(out, &end);
	r = end == out || strcmp(end, "\n") != 0 || errno != 0 ?
	    seterr("adopt: score printed \"%.40s\"", out) : 0;
	free(out);
	return r;
}

/* the retrained F1 against the Python deployment's; a difference fails
 * unless forced */
static int
compare(const char *prod, int force, size_t n, struct adoption *ad)
{
	char diff[40];

	ad->nfiles = n;
	fmt_double(ad->f1, sizeof(ad->f1), ad->score);
	fmt_double(ad->was, sizeof(ad->was), ad->deployed);
	ad->match = ad->score == ad->deployed;
	if (ad->match)
		return 0;
	fmt_double(diff, sizeof(diff), ad->score - ad->deployed);
	if (!force)
		return seterr("the model retrained on the %zu file%s of "
		    "%s/ingestedfiles.txt scores F1 %s on the test data, the "
		    "Python deployment's latestscore.txt says %s (a "
		    "difference of %s): nothing was adopted; -f adopts it "
		    "all the same", n, n == 1 ? "" : "s", prod, ad->f1,
		    ad->was, diff);
	warnx_("F1 %s, the Python deployment's %s (a difference of %s): "
	    "adopted all the same (-f)", ad->f1, ad->was, diff);
	return 0;
}

int
adopt_stage(const struct config *cfg, int force, struct adoption *ad)
{
	const char *prod = cfg->prod_deployment_path;
	struct staged s;
	char cur[256];
	size_t i;
	int r = 0;

	memset(ad, 0, sizeof(*ad));
	memset(&s, 0, sizeof(s));
	ad->lock = -1;
	s.prod = prod;
	switch (deploy_current(prod, cur, sizeof(cur))) {
	case -1:
		return -1;
	case 1:
		return seterr("%s: riskwatch's deployment %s is current: "
		    "nothing to adopt", prod, cur);
	}
	if (originals(prod, &s.orig, &s.norig) == -1)
		return -1;
	if (recorded(cfg, &s, ad) == -1 || retrain(cfg, &s, ad) == -1 ||
	    compare(prod, force, s.n, ad) == -1) {
		r = -1;
		goto out;
	}
	/* the files are checked again under the lock, then written */
	path_freenames(s.orig, s.norig);
	s.orig = NULL;
	s.norig = 0;
	if ((ad->lock = deploy_lock(prod, 0)) == -1 ||
	    deploy_current(prod, cur, sizeof(cur)) != 0 ||
	    originals(prod, &s.orig, &s.norig) == -1 ||
	    stage(cfg, &s, ad) == -1) {
		if (ad->lock != -1 && deploy_current(prod, cur,
		    sizeof(cur)) == 1)
			seterr("%s: %s was deployed meanwhile: nothing was "
			    "adopted", prod, cur);
		if (ad->lock != -1)
			close(ad->lock);
		r = -1;
	}
out:
	if (s.scr != NULL)
		scratch_remove(s.scr);
	free(s.scr);
	for (i = 0; i < s.n; i++)
		free(s.files[i]);
	free(s.files);
	path_freenames(s.orig, s.norig);
	return r;
}

int
adopt_finish(const char *prod, const char *id)
{
	char **v, *dir, *top, *o, a[65], b[65];
	size_t n, i;
	int r = 0;

	if (foreign(prod, &v, &n) == -1)
		return -1;
	dir = deploy_path(prod, id, "original");
	for (i = 0; i < n; i++) {
		top = path_join(prod, v[i]);
		o = path_join(dir, v[i]);
		if (sha256_file(top, a) == -1 || sha256_file(o, b) == -1)
			r = -1;
		else if (strcmp(a, b) != 0)
			r = seterr("%s: kept, it is not the file copied to %s",
			    top, o);
		else if (unlink(top) == -1)
			r = seterr("%s: %s", top, strerror(errno));
		free(top);
		free(o);
	}
	free(dir);
	path_freenames(v, n);
	return r == 0 ? atomic_fsync_dir(prod) : r;
}
