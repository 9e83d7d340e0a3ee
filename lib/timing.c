/*
 * diagnose timing: ingest and train, timed on a scratch copy of the
 * workspace in a temp folder, so that the real one is never touched.
 */
#define _XOPEN_SOURCE 700	/* nftw */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "risk.h"

static int
copyfile(const char *src, const char *dst)
{
	char buf[1 << 16];
	ssize_t n, w, off;
	int in, out, r = 0;

	if ((in = open(src, O_RDONLY)) == -1)
		return seterr("%s: %s", src, strerror(errno));
	if ((out = open(dst, O_WRONLY | O_CREAT | O_EXCL, 0600)) == -1) {
		close(in);
		return seterr("%s: %s", dst, strerror(errno));
	}
	while (r == 0 && (n = read(in, buf, sizeof(buf))) != 0) {
		if (n == -1) {
			if (errno != EINTR)
				r = seterr("%s: read: %s", src, strerror(errno));
			continue;
		}
		for (off = 0; r == 0 && off < n; off += w)
			if ((w = write(out, buf + off, n - off)) == -1)
				r = seterr("%s: write: %s", dst,
				    strerror(errno));
	}
	close(in);
	if (close(out) == -1 && r == 0)
		r = seterr("%s: close: %s", dst, strerror(errno));
	return r;
}

/* the input folder's *.csv files, as ingest reads them */
static int
copyinput(const char *from, const char *to)
{
	struct dirent *e;
	struct stat st;
	char *s, *d;
	size_t n;
	DIR *dir;
	int r = 0;

	if ((dir = opendir(from)) == NULL)
		return seterr("config: key \"input_folder_path\": %s: %s", from,
		    strerror(errno));
	while (r == 0 && (e = readdir(dir)) != NULL) {
		n = strlen(e->d_name);
		if (e->d_name[0] == '.' || n < 5 ||
		    strcmp(e->d_name + n - 4, ".csv") != 0)
			continue;
		s = path_join(from, e->d_name);
		d = path_join(to, e->d_name);
		if (stat(s, &st) == 0 && S_ISREG(st.st_mode))
			r = copyfile(s, d);
		free(s);
		free(d);
	}
	closedir(dir);
	return r;
}

/* the workspace's settings with every path inside the scratch folder */
static int
writeconfig(const struct config *cfg, const char *path)
{
	json_t *o, *feat = json_array();
	char *s;
	size_t i;
	int r;

	for (i = 0; i < cfg->nfeat; i++)
		json_array_append_new(feat, json_string(cfg->features[i]));
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, "
	    "s:{s:f, s:f, s:i}}",
	    "input_folder_path", "input",
	    "output_folder_path", "ingesteddata",
	    "test_data_path", "testdata",
	    "output_model_path", "models",
	    "prod_deployment_path", "production_deployment",
	    "target", cfg->target, "features", feat,
	    "model", "C", cfg->C, "tol", cfg->tol, "max_iter", cfg->max_iter);
	if (o == NULL || (s = json_dumps(o, JSON_INDENT(2))) == NULL) {
		json_decref(o);
		return seterr("timing: cannot make the scratch config");
	}
	r = atomic_write(path, s, strlen(s));
	free(s);
	json_decref(o);
	return r;
}

static int
rmentry(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)f;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static int
rmtree(const char *dir)
{
	return nftw(dir, rmentry, 16, FTW_DEPTH | FTW_PHYS);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* seconds that tool took on the scratch workspace, -1 on failure */
static double
timed(const char *exe, const char *ws)
{
	char *argv[] = { (char *)exe, "-q", "-C", (char *)ws, NULL };
	double t0 = now();
	int st;

	if ((st = spawn(argv, NULL, SPAWN_OUTNULL)) == -1)
		return -1;
	if (st != 0) {
		seterr("timing: %s failed (exit %d) on the scratch copy", exe,
		    st);
		return -1;
	}
	return now() - t0;
}

json_t *
diag_timing(const struct config *cfg, int runs)
{
	const char *tmp = getenv("TMPDIR");
	const char *sub[] = { "input", "testdata", "production_deployment" };
	char *dir, *p, *ingest = NULL, *train = NULL;
	double t[2], sum[2] = { 0, 0 }, min[2] = { 0, 0 };
	json_t *o = NULL;
	size_t i;
	int k, j;

	if (runs < 1)
		runs = 1;
	if ((ingest = tool_path("ingest")) == NULL ||
	    (train = tool_path("train")) == NULL) {
		free(ingest);
		return NULL;
	}
	dir = path_join(tmp && *tmp ? tmp : "/tmp", "riskwatch-timing.XXXXXX");
	if (mkdtemp(dir) == NULL) {
		seterr("%s: %s", dir, strerror(errno));
		goto out;
	}
	for (i = 0; i < sizeof(sub) / sizeof(sub[0]); i++) {
		p = path_join(dir, sub[i]);
		j = mkdir(p, 0700);
		free(p);
		if (j == -1) {
			seterr("%s: %s", dir, strerror(errno));
			goto clean;
		}
	}
	p = path_join(dir, "input");
	j = copyinput(cfg->input_folder_path, p);
	free(p);
	p = path_join(dir, "config.json");
	if (j == -1 || writeconfig(cfg, p) == -1) {
		free(p);
		goto clean;
	}
	free(p);
	for (k = 0; k < runs; k++) {
		if ((t[0] = timed(ingest, dir)) < 0 ||
		    (t[1] = timed(train, dir)) < 0)
			goto clean;
		for (j = 0; j < 2; j++) {
			sum[j] += t[j];
			if (k == 0 || t[j] < min[j])
				min[j] = t[j];
		}
	}
	o = json_pack("{s:f, s:f}", "ingest", sum[0] / runs,
	    "train", sum[1] / runs);
	if (runs > 1) {
		json_object_set_new(o, "runs", json_integer(runs));
		json_object_set_new(o, "ingest_min", json_real(min[0]));
		json_object_set_new(o, "train_min", json_real(min[1]));
	}
clean:
	rmtree(dir);
out:
	free(dir);
	free(ingest);
	free(train);
	return o;
}
