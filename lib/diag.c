/*
 * The diagnostics of diagnose(1), report(1) and serve(1) as JSON values in
 * the shapes SPEC.md fixes: summary and missing data of finaldata.csv
 * (predictions: predict.c, timing: timing.c, dependencies: deps.c).
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

static int
oncolumns(const struct record *r, void *arg)
{
	struct columns *c = arg;
	size_t i;

	if (r == NULL) {	/* the rows come again */
		if (c->missing != NULL)
			memset(c->missing, 0, c->ncol * sizeof(*c->missing));
		c->nrow = 0;
		return 0;
	}
	if (c->nrow == 0 && c->ncol == 0) {
		c->ncol = r->nfield;
		c->missing = ecalloc(c->ncol, sizeof(*c->missing));
	}
	for (i = 0; i < r->nfield; i++)
		if (csv_ismissing(r->field[i], r->len[i]))
			c->missing[i]++;
	if (c->values) {
		if (c->nrow == c->cap) {
			c->cap = c->cap ? 2 * c->cap : 4096;
			for (i = 0; i < c->nfeat; i++)
				c->x[i] = erealloc(c->x[i],
				    c->cap * sizeof(*c->x[i]));
		}
		for (i = 0; i < c->nfeat; i++)
			c->x[i][c->nrow] = r->x[i];
	}
	c->nrow++;
	return 0;
}

/* path's columns from its column file, when that matches path */
static int
fromcolfile(struct columns *c, const char *path, const struct config *cfg,
    int values)
{
	struct colfile f;
	char *cols = colfile_path(path);
	size_t i, j, *at;
	int r;

	r = colfile_load(&f, cols, path);
	free(cols);
	if (r == -1)
		return -1;
	at = emalloc((cfg->nfeat + 1) * sizeof(*at));
	if (colfile_find(&f, cfg, at) == -1) {
		free(at);
		colfile_free(&f);
		return -1;
	}
	memset(c, 0, sizeof(*c));
	c->values = values;
	c->nrow = c->cap = f.nrow;
	c->ncol = f.ncol;
	c->nfeat = cfg->nfeat;
	c->name = f.name;
	c->missing = f.missing;
	f.name = NULL;
	f.missing = NULL;
	c->feat = ecalloc(c->nfeat + 1, sizeof(*c->feat));
	c->x = ecalloc(c->nfeat + 1, sizeof(*c->x));
	for (i = 0; i < c->nfeat; i++) {
		c->feat[i] = f.feat[at[i]];
		if (!values)
			continue;
		c->x[i] = emalloc((c->nrow ? c->nrow : 1) * sizeof(*c->x[i]));
		for (j = 0; j < c->nrow; j++)
			c->x[i][j] = f.x[j * f.nfeat + at[i]];
	}
	free(at);
	colfile_free(&f);
	return 0;
}

int
columns_load(struct columns *c, const char *path, const struct config *cfg,
    int flags)
{
	struct schema s;
	size_t i;

	if ((flags & COLUMNS_FINALDATA) && fromcolfile(c, path, cfg,
	    (flags & COLUMNS_VALUES) != 0) == 0)
		return 0;
	memset(c, 0, sizeof(*c));
	c->values = (flags & COLUMNS_VALUES) != 0;
	c->nfeat = cfg->nfeat;
	c->feat = ecalloc(c->nfeat + 1, sizeof(*c->feat));
	c->x = ecalloc(c->nfeat + 1, sizeof(*c->x));
	schema_init(&s, cfg, 0);
	if (flags & COLUMNS_FINALDATA)
		schema_reread(&s);
	if (csvread(path, &s, oncolumns, c) == -1) {
		schema_free(&s);
		columns_free(c);
		return -1;
	}
	/* the header alone: no record said how many columns */
	if (c->ncol == 0) {
		c->ncol = s.ncol;
		c->missing = ecalloc(c->ncol ? c->ncol : 1,
		    sizeof(*c->missing));
	}
	c->name = emalloc((c->ncol ? c->ncol : 1) * sizeof(*c->name));
	for (i = 0; i < c->ncol; i++)
		c->name[i] = estrdup(s.col[i]);
	for (i = 0; i < c->nfeat; i++)
		c->feat[i] = s.feat[i];
	schema_free(&s);
	return 0;
}

void
columns_free(struct columns *c)
{
	size_t i;

	for (i = 0; c->name && i < c->ncol; i++)
		free(c->name[i]);
	free(c->name);
	free(c->missing);
	for (i = 0; c->x && i < c->nfeat; i++)
		free(c->x[i]);
	free(c->x);
	free(c->feat);
	memset(c, 0, sizeof(*c));
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
