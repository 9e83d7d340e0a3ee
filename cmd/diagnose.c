/*
 * diagnose: predictions of the deployed model, summary statistics and
 * missing data of the ingested data, timings of ingest and train, the
 * versions of the dependencies, and the data drift of new data against
 * the deployed model's training data.
 */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "risk.h"

#define SYNOPSIS "[-hoqV] [-C dir] [-c file] [-d data] [-m model] " \
	"[-n runs] [--json] [--proba] [predictions | summary | missing | " \
	"timing | deps | drift ...]"

enum { PREDICTIONS, SUMMARY, MISSING, TIMING, DEPS, DRIFT, NPART };
enum { OPT_PROBA = TOOL_OPT_JSON + 1 };

static const char *parts[NPART] = {
	"predictions", "summary", "missing", "timing", "deps", "drift"
};
static const char *keys[NPART] = {
	"predictions", "summary", "missing", "timing", "dependencies", "drift"
};

struct printing {
	int proba;
	long long rows;
};

static int
printpred(const struct record *r, int pred, double p, void *arg)
{
	struct printing *pr = arg;
	char nbuf[40];

	(void)r;
	pr->rows++;
	if (pred < 0)
		fputs("NA", stdout);
	else
		putchar('0' + pred);
	if (pr->proba)
		printf("\t%s", pred < 0 ? "NA" : fmt_double(nbuf, sizeof(nbuf), p));
	if (putchar('\n') == EOF)
		return seterr("stdout: %s", "write error");
	return 0;
}

/* rows of cells, each column as wide as its widest cell */
static void
table(char ***cell, size_t nrow, size_t ncol)
{
	size_t w[8] = { 0 }, i, j, n;

	for (i = 0; i < nrow; i++)
		for (j = 0; j < ncol; j++)
			if ((n = strlen(cell[i][j])) > w[j])
				w[j] = n;
	for (i = 0; i < nrow; i++) {
		for (j = 0; j < ncol; j++)
			if (j + 1 < ncol)
				printf("%-*s  ", (int)w[j], cell[i][j]);
			else
				printf("%s\n", cell[i][j]);
	}
}

/* the tables' headings; the summary's and the dependencies' name the
 * members of a row's object, the first column of the others is the key */
static const char *const heads[NPART][4] = {
	[SUMMARY] = { "column", "mean", "median", "std" },
	[MISSING] = { "column", "missing %" },
	[TIMING] = { "step", "seconds" },
	[DEPS] = { "name", "version", "latest" },
};

/* the cell of column head for a row's value e */
static char *
cell(int part, const char *head, json_t *e)
{
	char buf[64];

	if (part == SUMMARY || part == DEPS)
		e = json_object_get(e, head);
	if (json_is_string(e))
		return estrdup(json_string_value(e));
	if (part == TIMING && json_is_real(e))
		snprintf(buf, sizeof(buf), "%.3f", json_real_value(e));
	else
		jsonout_cell(buf, sizeof(buf), e);
	return estrdup(buf);
}

static void
printpart(int part, json_t *v)
{
	char ***c;
	const char *k;
	json_t *e;
	size_t n = 1, i, j, ncol = 0;

	while (ncol < 4 && heads[part][ncol] != NULL)
		ncol++;
	n += json_is_object(v) ? json_object_size(v) : json_array_size(v);
	c = emalloc(n * sizeof(*c));
	for (i = 0; i < n; i++)
		c[i] = ecalloc(ncol, sizeof(**c));
	for (j = 0; j < ncol; j++)
		c[0][j] = estrdup(heads[part][j]);
	if (part == DEPS) {
		json_array_foreach(v, i, e)
			for (j = 0; j < ncol; j++)
				c[i + 1][j] = cell(part, heads[part][j], e);
	} else {
		i = 1;
		json_object_foreach(v, k, e) {
			c[i][0] = estrdup(k);
			for (j = 1; j < ncol; j++)
				c[i][j] = cell(part, heads[part][j], e);
			i++;
		}
	}
	table(c, n, ncol);
	for (i = 0; i < n; i++) {
		for (j = 0; j < ncol; j++)
			free(c[i][j]);
		free(c[i]);
	}
	free(c);
}

/* one line per feature, the target's class share, the verdict */
static void
printdrift(json_t *v)
{
	char a[40], b[40], c[40], d[40], e[40], f[40];
	const char *k;
	json_t *x, *t = json_object_get(v, "target");

	json_object_foreach(json_object_get(v, "features"), k, x)
		printf("%s: ks %s p %s psi %s wasserstein %s missing %s -> %s: "
		    "%s\n", k, jsonout_cell(a, 40, json_object_get(x, "ks")),
		    jsonout_cell(b, 40, json_object_get(x, "ks_pvalue")),
		    jsonout_cell(c, 40, json_object_get(x, "psi")),
		    jsonout_cell(d, 40, json_object_get(x, "wasserstein")),
		    jsonout_cell(e, 40, json_object_get(x,
		    "reference_missing")),
		    jsonout_cell(f, 40, json_object_get(x, "missing")),
		    json_is_true(json_object_get(x, "drifted")) ? "drifted" :
		    "ok");
	printf("target: class 1 share %s -> %s\n",
	    jsonout_cell(a, 40, json_object_get(t, "reference_share")),
	    jsonout_cell(b, 40, json_object_get(t, "share")));
	printf("data: %s (%lld of %lld features)\n",
	    json_is_true(json_object_get(v, "drifted")) ? "drifted" :
	    "no drift", (long long)json_integer_value(json_object_get(v,
	    "drifted_features")), (long long)json_integer_value(
	    json_object_get(v, "tested_features")));
}

/* part i as text, under its heading when more than one part is shown */
static void
showpart(int i, json_t *v, json_t *proba, struct printing *pr, int nwant,
    const char *modelpath, const char *data)
{
	if (i == PREDICTIONS) {
		/* collected first; now printed as lines */
		size_t k;
		json_t *e;

		if (nwant > 1)
			printf("predictions (%s on %s)\n", modelpath, data);
		json_array_foreach(v, k, e) {
			printpred(NULL, json_is_integer(e) ?
			    (int)json_integer_value(e) : -1,
			    proba ? json_real_value(json_array_get(proba, k)) :
			    0, pr);
		}
	} else if (i == DRIFT) {
		if (nwant > 1)
			printf("drift\n");
		printdrift(v);
	} else {
		if (nwant > 1)
			printf("%s\n", i == SUMMARY ?
			    "summary (finaldata.csv)" : i == MISSING ?
			    "missing (finaldata.csv)" : i == TIMING ?
			    "timing (on a scratch copy)" : "dependencies");
		printpart(i, v);
	}
}

/* output_model_path/diagnostics.json, or exit */
static void
esave(const struct config *cfg, json_t *all)
{
	struct atomic a;
	char *outpath = path_join(cfg->output_model_path, "diagnostics.json");

	if (config_mkdir("output_model_path", cfg->output_model_path) == -1 ||
	    atomic_open(&a, outpath) == -1)
		errx_(EXIT_FAIL, "%s", risk_err);
	if (jsonout(a.fp, all) == -1 || putc('\n', a.fp) == EOF) {
		atomic_abort(&a);
		errx_(EXIT_FAIL, "%s: write error", outpath);
	}
	if (atomic_commit(&a) == -1)
		errx_(EXIT_FAIL, "%s", risk_err);
	infox("saved %s", outpath);
	free(outpath);
}

/* what the command line asks for, and what was made of it */
struct diag {
	struct config cfg;
	const char *dataopt, *modelopt;
	char *data, *modelpath;	/* predictions': the rows and the model */
	long runs;
	int want[NPART], nwant, last;
	struct printing pr;
	json_t *all;		/* the parts made, by key */
};

/* the parts named as operands, or all but drift */
static void
wantparts(struct diag *d, char **names, int n, const struct toolopt *opt)
{
	int i, k;

	for (k = 0; k < n; k++) {
		for (i = 0; i < NPART; i++)
			if (strcmp(names[k], parts[i]) == 0)
				break;
		if (i == NPART) {
			warnx_("%s: not a part (predictions, summary, missing, "
			    "timing, deps, drift)", names[k]);
			tool_usage(opt);
		}
		d->nwant += !d->want[i];
		d->want[i] = 1;
	}
	if (d->nwant == 0)
		for (i = 0; i < NPART; i++)
			if (i != DRIFT)
				d->want[i] = 1, d->nwant++;
	for (i = 0; i < NPART; i++)
		if (d->want[i])
			d->last = i;
}

static void
failed(int i, int *ret)
{
	warnx_("%s: %s", parts[i], risk_err);
	if (*ret < risk_status)	/* 2: the config names a column the data
				 * lacks */
		*ret = risk_status;
}

static json_t *
predictions(struct diag *d, json_t **proba, int *ret)
{
	struct model m;
	json_t *v;

	/* the deployed model not there at all: say how to get one */
	if (d->modelopt == NULL && access(d->modelpath, F_OK) == -1 &&
	    errno == ENOENT) {
		warnx_("%s: no deployed model: deploy one, or name one with -m",
		    d->modelpath);
		*ret = EXIT_FAIL;
		return NULL;
	}
	if (model_load(&m, d->modelpath) == -1) {
		warnx_("%s", risk_err);
		*ret = EXIT_FAIL;
		return NULL;
	}
	/* all or nothing: a bad row after good ones prints none of them */
	v = predict_json(&m, d->data, d->pr.proba ? proba : NULL);
	model_free(&m);
	if (v == NULL)
		failed(PREDICTIONS, ret);
	return v;
}

/* part i; NULL when it failed, said so and raised *ret */
static json_t *
part(struct diag *d, int i, json_t **proba, int *ret)
{
	json_t *v = NULL;
	char *final;

	switch (i) {
	case PREDICTIONS:
		return predictions(d, proba, ret);
	case SUMMARY:
		v = diag_summary(&d->cfg);
		break;
	case MISSING:
		v = diag_missing(&d->cfg);
		break;
	case TIMING:
		v = timing_measure(&d->cfg, (int)d->runs);
		break;
	case DEPS:
		v = deps_versions();
		break;
	case DRIFT:
		final = path_join(d->cfg.output_folder_path, "finaldata.csv");
		v = diag_drift(&d->cfg, d->dataopt ? d->dataopt : final,
		    d->modelopt);
		free(final);
		break;
	}
	if (v == NULL)
		failed(i, ret);
	return v;
}

/* each part wanted into d->all, and as text unless json */
static int
makeparts(struct diag *d, int json)
{
	json_t *v, *proba;
	int i, ret = EXIT_OK;

	if (d->want[PREDICTIONS]) {
		d->data = d->dataopt ? estrdup(d->dataopt) :
		    path_join(d->cfg.test_data_path, "testdata.csv");
		d->modelpath = d->modelopt ? estrdup(d->modelopt) :
		    deploy_file(d->cfg.prod_deployment_path, "trainedmodel.json");
	}
	for (i = 0; i < NPART; i++) {
		if (!d->want[i])
			continue;
		proba = NULL;
		if ((v = part(d, i, &proba, &ret)) == NULL)
			continue;
		json_object_set_new(d->all, keys[i], v);
		if (proba != NULL)
			json_object_set_new(d->all, "probabilities", proba);
		if (json)
			continue;
		showpart(i, v, proba, &d->pr, d->nwant, d->modelpath, d->data);
		if (d->nwant > 1 && i != d->last)
			putchar('\n');
	}
	return ret;
}

/* the parts as one JSON object, or exit */
static void
eprintjson(const struct diag *d, int ret)
{
	json_t *v;

	/* drift alone is its object, as serve's /drift answers it */
	if (d->nwant == 1 && d->want[DRIFT] && ret == EXIT_OK)
		v = json_object_get(d->all, keys[DRIFT]);
	else
		v = d->all;
	if (jsonout(stdout, v) == -1)
		errx_(EXIT_FAIL, "cannot write the JSON result");
	putchar('\n');
}

int
main(int argc, char *argv[])
{
	struct diag d = { .runs = 1 };
	int ret, save = 0, json = 0, first;
	const struct toolarg args[] = {
		{ 'd', NULL, "data", "predict the rows of data, - for standard "
		    "input (default: the test data); drift: test data for "
		    "drift (default: finaldata.csv)", .str = &d.dataopt },
		{ 'm', NULL, "model", "predict with that model; drift: against "
		    "the reference profile beside it (default: the deployed "
		    "one)", .str = &d.modelopt },
		{ 'n', NULL, "runs", "time ingest and train runs times, 1 to "
		    "1000 (default: 1)", .num = &d.runs, .min = 1, .max = 1000,
		    .bad = "expected a number of runs from 1 to 1000" },
		{ 'o', NULL, NULL, "also save the JSON object in "
		    "diagnostics.json (default: off)", .flag = &save },
		{ TOOL_OPT_JSON, "json", NULL, "print one JSON object of the "
		    "parts asked for (default: tables)", .flag = &json },
		{ OPT_PROBA, "proba", NULL, "add the probability of 1 to each "
		    "prediction (default: off)", .flag = &d.pr.proba },
		{ 0 }
	};
	struct toolopt opt = { SYNOPSIS, args, 1, NULL, NULL };

	first = tool_parse(&opt, argc, argv);
	wantparts(&d, argv + first, argc - first, &opt);
	if (tool_start(&opt, &d.cfg) == -1)
		errx_(risk_status, "%s", risk_err);
	d.all = json_object();
	ret = makeparts(&d, json);
	if (json)
		eprintjson(&d, ret);
	if (tool_flush() == -1)
		errx_(EXIT_FAIL, "%s", risk_err);
	if (save && ret == EXIT_OK)
		esave(&d.cfg, d.all);
	else if (save)
		warnx_("diagnostics.json not saved: a part failed");
	json_decref(d.all);
	free(d.data);
	free(d.modelpath);
	config_free(&d.cfg);
	return ret;
}
