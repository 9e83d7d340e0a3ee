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

static const char *
num(char *buf, size_t size, json_t *v)
{
	if (json_is_integer(v))
		snprintf(buf, size, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		fmt_double(buf, size, json_real_value(v));
	else if (json_is_string(v))
		snprintf(buf, size, "%s", json_string_value(v));
	else
		snprintf(buf, size, "NA");
	return buf;
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

/* the rows of part's table under its heading row */
static void
fillcells(int part, json_t *v, char ***cell)
{
	char buf[4][64];
	const char *k;
	json_t *e;
	size_t i;

	switch (part) {
	case SUMMARY:
		cell[0][0] = estrdup("column");
		cell[0][1] = estrdup("mean");
		cell[0][2] = estrdup("median");
		cell[0][3] = estrdup("std");
		i = 1;
		json_object_foreach(v, k, e) {
			cell[i][0] = estrdup(k);
			cell[i][1] = estrdup(num(buf[1], 64,
			    json_object_get(e, "mean")));
			cell[i][2] = estrdup(num(buf[2], 64,
			    json_object_get(e, "median")));
			cell[i][3] = estrdup(num(buf[3], 64,
			    json_object_get(e, "std")));
			i++;
		}
		break;
	case MISSING:
		cell[0][0] = estrdup("column");
		cell[0][1] = estrdup("missing %");
		i = 1;
		json_object_foreach(v, k, e) {
			cell[i][0] = estrdup(k);
			cell[i++][1] = estrdup(num(buf[1], 64, e));
		}
		break;
	case TIMING:
		cell[0][0] = estrdup("step");
		cell[0][1] = estrdup("seconds");
		i = 1;
		json_object_foreach(v, k, e) {
			cell[i][0] = estrdup(k);
			if (json_is_real(e))
				snprintf(buf[1], 64, "%.3f", json_real_value(e));
			else
				num(buf[1], 64, e);
			cell[i++][1] = estrdup(buf[1]);
		}
		break;
	case DEPS:
		cell[0][0] = estrdup("name");
		cell[0][1] = estrdup("version");
		cell[0][2] = estrdup("latest");
		json_array_foreach(v, i, e) {
			cell[i + 1][0] = estrdup(json_string_value(
			    json_object_get(e, "name")));
			cell[i + 1][1] = estrdup(json_string_value(
			    json_object_get(e, "version")));
			cell[i + 1][2] = estrdup(json_string_value(
			    json_object_get(e, "latest")));
		}
		break;
	}
}

static void
printpart(int part, json_t *v)
{
	char ***cell;
	size_t n = 1, i, j, ncol;

	ncol = part == SUMMARY ? 4 : part == DEPS ? 3 : 2;
	n += json_is_object(v) ? json_object_size(v) : json_array_size(v);
	cell = emalloc(n * sizeof(*cell));
	for (i = 0; i < n; i++)
		cell[i] = ecalloc(ncol, sizeof(**cell));
	fillcells(part, v, cell);
	table(cell, n, ncol);
	for (i = 0; i < n; i++) {
		for (j = 0; j < ncol; j++)
			free(cell[i][j]);
		free(cell[i]);
	}
	free(cell);
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
		    "%s\n", k, num(a, 40, json_object_get(x, "ks")),
		    num(b, 40, json_object_get(x, "ks_pvalue")),
		    num(c, 40, json_object_get(x, "psi")),
		    num(d, 40, json_object_get(x, "wasserstein")),
		    num(e, 40, json_object_get(x, "reference_missing")),
		    num(f, 40, json_object_get(x, "missing")),
		    json_is_true(json_object_get(x, "drifted")) ? "drifted" :
		    "ok");
	printf("target: class 1 share %s -> %s\n",
	    num(a, 40, json_object_get(t, "reference_share")),
	    num(b, 40, json_object_get(t, "share")));
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
		    path_join(d->cfg.prod_deployment_path, "trainedmodel.json");
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
