/*
 * The diagnostics of diagnose(1), report(1) and serve(1) as JSON values in
 * the shapes SPEC.md fixes: summary and missing data of finaldata.csv
 * (the file read as columns: columns.c, predictions: predict.c, timing:
 * timing.c, dependencies: deps.c).
 */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "risk.h"

json_t *
diag_number(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

json_t *
diag_summary_of(struct columns *c)
{
	struct colstats st;
	json_t *o = json_object();
	size_t i;

	for (i = 0; i < c->nfeat; i++) {
		stats_describe(c->x[i], c->nrow, &st);
		json_object_set_new(o, c->name[c->feat[i]], json_pack(
		    "{s:o, s:o, s:o}", "mean", diag_number(st.mean),
		    "median", diag_number(st.median),
		    "std", diag_number(st.std)));
	}
	return o;
}

json_t *
diag_missing_of(const struct columns *c)
{
	json_t *o = json_object();
	size_t i;

	/* as pandas' isna().mean() * 100, to the last bit */
	for (i = 0; i < c->ncol; i++)
		json_object_set_new(o, c->name[i], json_real(c->nrow == 0 ?
		    0. : (double)c->missing[i] / (double)c->nrow * 100.));
	return o;
}

static json_t *
finaldata(const struct config *cfg, int values,
    json_t *(*fn)(struct columns *))
{
	struct columns c;
	char *path = path_join(cfg->output_folder_path, "finaldata.csv");
	json_t *o = NULL;

	if (columns_load(&c, path, cfg, values | COLUMNS_FINALDATA) == 0) {
		o = fn(&c);
		columns_free(&c);
	}
	free(path);
	/* cppcheck-suppress returnDanglingLifetime ; fn makes a new object,
	 * which points nowhere into c */
	return o;
}

static json_t *
missingof(struct columns *c)
{
	return diag_missing_of(c);
}

json_t *
diag_summary(const struct config *cfg)
{
	return finaldata(cfg, COLUMNS_VALUES, diag_summary_of);
}

json_t *
diag_missing(const struct config *cfg)
{
	return finaldata(cfg, 0, missingof);
}

/*
 * The data drift of data against the reference profile of the deployment
 * that holds model, or of the current deployment when model is NULL.
 */
json_t *
diag_drift(const struct config *cfg, const char *data, const char *model)
{
	struct profile ref, cur;
	char id[256], why[sizeof(risk_err)], *dir, *path;
	json_t *o = NULL;

	if (model != NULL) {
		dir = path_dir(model);
		snprintf(id, sizeof(id), "%s", dir);
	} else {
		switch (deploy_current(cfg->prod_deployment_path, id,
		    sizeof(id))) {
		case -1:
			return NULL;
		case 0:
			seterr("%s: nothing is deployed: no reference to "
			    "measure data drift against", cfg->prod_deployment_path);
			return NULL;
		}
		dir = deploy_path(cfg->prod_deployment_path, id, NULL);
	}
	path = path_join(dir, PROFILE_FILE);
	free(dir);
	if (profile_load(&ref, path) == -1) {
		free(path);
		return NULL;
	}
	if (profile_make(&cur, data, cfg, cfg->drift_rows) == 0) {
		if ((o = datadrift_report(&ref, id, &cur, cfg)) == NULL) {
			snprintf(why, sizeof(why), "%s", risk_err);
			seterr("%s: %s", path, why);
		}
		profile_free(&cur);
	}
	profile_free(&ref);
	free(path);
	return o;
}
