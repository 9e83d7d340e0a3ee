/*
 * A scratch workspace in TMPDIR, for running the tools on a copy (diagnose
 * timing) or on chosen files (deploy --adopt) without touching the real
 * workspace.
 */
#define _XOPEN_SOURCE 700	/* nftw */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "risk.h"

/*
 * Scratch folders of killed runs: riskwatch-NAME.PID.XXXXXX folders of
 * this user whose PID is gone. A live run's folder is never touched.
 */
static void
scratch_clean(const char *tmp)
{
	struct dirent *e;
	struct stat st;
	char *p, *dot, *end;
	long pid;
	DIR *d;

	if ((d = opendir(tmp)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, "riskwatch-", 10) != 0 ||
		    (dot = strchr(e->d_name + 10, '.')) == NULL)
			continue;
		errno = 0;
		pid = strtol(dot + 1, &end, 10);
		if (end == dot + 1 || *end != '.' || strlen(end) != 7 ||
		    pid <= 0 || errno != 0 || pid == (long)getpid() ||
		    kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		p = path_join(tmp, e->d_name);
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode) &&
		    st.st_uid == geteuid())
			scratch_remove(p);
		free(p);
	}
	closedir(d);
}

char *
scratch_make(const char *name, const char *const *sub, size_t nsub)
{
	const char *tmp = getenv("TMPDIR");
	char *dir, *p;
	size_t i;

	tmp = tmp && *tmp ? tmp : "/tmp";
	scratch_clean(tmp);
	p = emalloc(strlen(name) + 40);
	sprintf(p, "riskwatch-%s.%ld.XXXXXX", name, (long)getpid());
	dir = path_join(tmp, p);
	free(p);
	if (mkdtemp(dir) == NULL) {
		seterr("%s: %s", dir, strerror(errno));
		free(dir);
		return NULL;
	}
	for (i = 0; i < nsub; i++) {
		p = path_join(dir, sub[i]);
		if (mkdir(p, 0700) == -1) {
			seterr("%s: %s", p, strerror(errno));
			free(p);
			scratch_remove(dir);
			free(dir);
			return NULL;
		}
		free(p);
	}
	return dir;
}

int
scratch_config(const struct config *cfg, const char *dir, const char *test)
{
	json_t *o, *feat = json_array();
	char *s, *p;
	size_t i;
	int r;

	for (i = 0; i < cfg->nfeat; i++)
		json_array_append_new(feat, json_string(cfg->features[i]));
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, "
	    "s:{s:f, s:f, s:i}}",
	    "input_folder_path", "input",
	    "output_folder_path", "ingesteddata",
	    "test_data_path", test,
	    "output_model_path", "models",
	    "prod_deployment_path", "production_deployment",
	    "target", cfg->target, "features", feat,
	    "model", "C", cfg->C, "tol", cfg->tol, "max_iter", cfg->max_iter);
	if (o == NULL || (s = json_dumps(o, JSON_INDENT(2))) == NULL) {
		json_decref(o);
		return seterr("%s: cannot make the scratch config", dir);
	}
	p = path_join(dir, "config.json");
	r = atomic_write(p, s, strlen(s));
	free(p);
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

void
scratch_remove(const char *dir)
{
	nftw(dir, rmentry, 16, FTW_DEPTH | FTW_PHYS);
}
