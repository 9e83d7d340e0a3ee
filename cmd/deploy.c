/*
 * deploy: the trained model, its score and the list of ingested files
 * become the production deployment in one rename; --list, --rollback.
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "risk.h"

#define SYNOPSIS "[-hqV] [-C dir] [-c file] [--list | --rollback]"

static const char *artifacts[] = {
	"trainedmodel.json", "latestscore.txt", "ingestedfiles.txt"
};

/* a half-made deployment folder goes: it holds at most the artifacts */
static void
rmtmp(const char *dir)
{
	char *p;
	size_t i;

	for (i = 0; i < 3; i++) {
		p = path_join(dir, artifacts[i]);
		unlink(p);
		free(p);
	}
	rmdir(dir);
}

static int
copyto(const char *src, const char *dir, const char *name)
{
	char *data, *dst;
	size_t len;
	int r;

	if ((data = slurp(src, &len)) == NULL)
		return -1;
	dst = path_join(dir, name);
	r = atomic_write(dst, data, len);
	free(data);
	free(dst);
	return r;
}

/* prod/NAME -> current/NAME, for readers that want the top-level names */
static int
toplinks(const char *prod)
{
	char *link, *tmp, *target, buf[256];
	size_t i;
	ssize_t n;
	int r = 0;

	for (i = 0; r == 0 && i < 3; i++) {
		link = path_join(prod, artifacts[i]);
		target = path_join("current", artifacts[i]);
		n = readlink(link, buf, sizeof(buf) - 1);
		if (n < 0 || (size_t)n != strlen(target) ||
		    memcmp(buf, target, n) != 0) {
			tmp = path_join(prod, ".link.tmp");
			unlink(tmp);
			if (symlink(target, tmp) == -1 ||
			    rename(tmp, link) == -1) {
				r = seterr("%s: %s", link, strerror(errno));
				unlink(tmp);
			}
			free(tmp);
		}
		free(link);
		free(target);
	}
	return r == 0 ? fsync_dir(prod) : r;
}

static int
history_add(const char *prod, const char *when, const char *f1,
    const char *id, const char *event)
{
	char *path = path_join(prod, "scorehistory.csv"), *old, *buf;
	size_t len = 0, n;
	int r;

	if ((old = slurp(path, &len)) == NULL) {
		if (access(path, F_OK) == 0) {
			free(path);
			return -1;
		}
		old = estrdup("time,f1,model,event\n");
		len = strlen(old);
	}
	n = len + strlen(when) + strlen(f1) + strlen(id) + strlen(event) + 8;
	buf = emalloc(n);
	n = snprintf(buf, n, "%s%s%s,%s,%s,%s\n", old,
	    len > 0 && old[len - 1] != '\n' ? "\n" : "", when, f1, id, event);
	r = atomic_write(path, buf, n);
	free(old);
	free(buf);
	free(path);
	return r;
}

static int
deploy(const struct config *cfg)
{
	const char *prod = cfg->prod_deployment_path;
	char *src[3], *hist, *tmpdir, *final, id[96], hex[65], when[32];
	char f1[40];
	struct model m;
	struct timespec ts;
	struct tm tm;
	double score;
	size_t i;
	int r = -1;

	src[0] = path_join(cfg->output_model_path, artifacts[0]);
	src[1] = path_join(cfg->output_model_path, artifacts[1]);
	src[2] = path_join(cfg->output_folder_path, artifacts[2]);
	if (model_load(&m, src[0]) == -1)
		goto out;
	model_free(&m);
	if (deploy_readscore(src[1], &score) == -1) {
		if (access(src[1], F_OK) == -1)
			seterr("%s: no score: run score first", src[1]);
		goto out;
	}
	if (access(src[2], R_OK) == -1) {
		seterr("%s: %s: run ingest first", src[2], strerror(errno));
		goto out;
	}
	if (sha256_file(src[0], hex) == -1)
		goto out;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(id, sizeof(id), "%Y%m%dT%H%M%S", &tm);
	snprintf(id + strlen(id), sizeof(id) - strlen(id), ".%06ldZ-%.12s",
	    ts.tv_nsec / 1000, hex);
	hist = path_join(prod, "history");
	tmpdir = path_join(hist, ".new-XXXXXX");
	final = path_join(hist, id);
	if (mkdirs(hist) == -1)
		goto out2;
	if (mkdtemp(tmpdir) == NULL) {
		seterr("%s: %s", tmpdir, strerror(errno));
		goto out2;
	}
	chmod(tmpdir, 0755);
	for (i = 0; i < 3; i++)
		if (copyto(src[i], tmpdir, artifacts[i]) == -1) {
			rmtmp(tmpdir);
			goto out2;
		}
	if (rename(tmpdir, final) == -1) {
		seterr("%s: %s", final, strerror(errno));
		rmtmp(tmpdir);
		goto out2;
	}
	if (fsync_dir(hist) == -1 || deploy_switch(prod, id) == -1 ||
	    toplinks(prod) == -1)
		goto out2;
	deploy_time(id, when, sizeof(when));
	if (history_add(prod, when, fmt_double(f1, sizeof(f1), score), id,
	    "deploy") == -1)
		goto out2;
	printf("%s\n", final);
	infox("deployed %s (F1 %s)", final, f1);
	r = 0;
out2:
	free(hist);
	free(tmpdir);
	free(final);
out:
	for (i = 0; i < 3; i++)
		free(src[i]);
	return r;
}

static int
list(const char *prod)
{
	char **ids, cur[256], when[32], f1[40], *dir, *p;
	struct model m;
	size_t n, i;
	double score;
	int hascur;

	if (deploy_list(prod, &ids, &n) == -1 ||
	    (hascur = deploy_current(prod, cur, sizeof(cur))) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		dir = path_join(prod, "history");
		p = path_join(dir, ids[i]);
		free(dir);
		dir = p;
		deploy_time(ids[i], when, sizeof(when));
		p = path_join(dir, "latestscore.txt");
		if (deploy_readscore(p, &score) == 0)
			fmt_double(f1, sizeof(f1), score);
		else
			strcpy(f1, "?");
		free(p);
		p = path_join(dir, "trainedmodel.json");
		if (model_load(&m, p) == -1)
			m.rows = -1;
		else
			model_free(&m);
		free(p);
		free(dir);
		printf("%s\t%s\t%lld\t%s\t%s\n", when, f1, m.rows, ids[i],
		    hascur && strcmp(cur, ids[i]) == 0 ? "*" : "-");
	}
	deploy_freelist(ids, n);
	return 0;
}

static int
rollback(const char *prod)
{
	char **ids, cur[256];
	size_t n, i;
	int r = -1;

	if (deploy_list(prod, &ids, &n) == -1)
		return -1;
	switch (deploy_current(prod, cur, sizeof(cur))) {
	case -1:
		goto out;
	case 0:
		seterr("%s: nothing is deployed", prod);
		goto out;
	}
	for (i = 0; i < n && strcmp(ids[i], cur) != 0; i++)
		;
	if (i == n)
		seterr("%s/current: %s is not in the history", prod, cur);
	else if (i == 0)
		seterr("%s: no deployment before %s", prod, cur);
	else if (deploy_switch(prod, ids[i - 1]) == 0 && toplinks(prod) == 0) {
		printf("%s/history/%s\n", prod, ids[i - 1]);
		infox("rolled back from %s to %s", cur, ids[i - 1]);
		r = 0;
	}
out:
	deploy_freelist(ids, n);
	return r;
}

int
main(int argc, char *argv[])
{
	enum { DEPLOY, LIST, ROLLBACK } verb = DEPLOY;
	enum { OPT_LIST = TOOL_OPT_JSON + 1, OPT_ROLLBACK };
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "list", no_argument, NULL, OPT_LIST },
		{ "rollback", no_argument, NULL, OPT_ROLLBACK },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct toolopt opt = { SYNOPSIS, NULL, NULL, 0 };
	struct config cfg;
	int ch, ret, r;

	setprogname_(argv[0]);
	while ((ch = getopt_long(argc, argv, TOOL_OPTS "", longopts,
	    NULL)) != -1) {
		if (tool_opt(&opt, ch, optarg))
			continue;
		switch (ch) {
		case OPT_LIST:
		case OPT_ROLLBACK:
			if (verb != DEPLOY)
				tool_usage(&opt);
			verb = ch == OPT_LIST ? LIST : ROLLBACK;
			break;
		default:
			tool_usage(&opt);
		}
	}
	if (optind != argc)
		tool_usage(&opt);
	if ((ret = tool_start(&opt, &cfg)) != EXIT_OK)
		return ret;
	if (verb == DEPLOY)
		r = deploy(&cfg);
	else if (verb == LIST)
		r = list(cfg.prod_deployment_path);
	else
		r = rollback(cfg.prod_deployment_path);
	if (r == -1)
		warnx_("%s", risk_err);
	else if (fflush(stdout) == EOF || ferror(stdout)) {
		warnx_("stdout: write error");
		r = -1;
	}
	config_free(&cfg);
	return r == -1 ? EXIT_FAIL : EXIT_OK;
}
