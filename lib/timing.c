/*
 * diagnose timing: ingest and train, timed on a scratch copy of the
 * workspace in a temp folder, so that the real one is never touched.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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
timing_measure(const struct config *cfg, int runs)
{
	const char *sub[] = { "input", "testdata", "production_deployment" };
	char *dir = NULL, *p, *ingest = NULL, *train = NULL;
	double t[2], sum[2] = { 0, 0 }, min[2] = { 0, 0 };
	json_t *o = NULL;
	int k, j;

	if (runs < 1)
		runs = 1;
	if ((ingest = tool_path("ingest")) == NULL ||
	    (train = tool_path("train")) == NULL) {
		free(ingest);
		return NULL;
	}
	if ((dir = scratch_make("timing", sub, 3)) == NULL)
		goto out;
	p = path_join(dir, "input");
	j = copyinput(cfg->input_folder_path, p);
	free(p);
	if (j == -1 || scratch_config(cfg, dir, "testdata") == -1)
		goto clean;
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
	scratch_remove(dir);
out:
	free(dir);
	free(ingest);
	free(train);
	return o;
}
