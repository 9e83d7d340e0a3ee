/*
 * A scratch workspace in TMPDIR, for running the tools on a copy (diagnose
 * timing) or on chosen files (deploy --adopt) without touching the real
 * workspace.
 */
#define _XOPEN_SOURCE 700	/* nftw */
#include <sys/stat.h>

#include <errno.h>
#include <ftw.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "risk.h"

char *
scratch_make(const char *name, const char *const *sub, size_t nsub)
{
	const char *tmp = getenv("TMPDIR");
	char *dir, *p;
	size_t i;

	p = emalloc(strlen(name) + 20);
	sprintf(p, "riskwatch-%s.XXXXXX", name);
	dir = path_join(tmp && *tmp ? tmp : "/tmp", p);
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
