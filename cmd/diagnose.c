/*
 * diagnose: predictions of the deployed model, summary statistics and
 * missing data of the ingested data, timings of ingest and train, the
 * versions of the dependencies, and the data drift of new data against
 * the deployed model's training data.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "risk.h"

#define SYNOPSIS "[-hoqV] [-C dir] [-c file] [-d data] [-m model] " \
	"[-n runs] [--json] [--proba] [predictions | summary | missing | " \
	"timing | deps | drift ...]"

static const char *const help[] = {
	"-d data",
	    "predict the rows of data, - for standard input (default: the test data); drift: test data for drift (default: finaldata.csv)",
	"-m model",
	    "predict with that model; drift: against the reference profile beside it (default: the deployed one)",
	"-n runs",
	    "time ingest and train runs times, 1 to 1000 (default: 1)",
	"-o",
	    "also save the JSON object in diagnostics.json (default: off)",
	"--json",
	    "print one JSON object of the parts asked for (default: tables)",
	"--proba",
	    "add the probability of 1 to each prediction (default: off)",
	NULL
};

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

static void
printpart(int part, json_t *v)
{
	char ***cell, buf[4][64];
	const char *k;
	json_t *e;
	size_t n = 1, i, j, ncol;

	ncol = part == SUMMARY ? 4 : part == DEPS ? 3 : 2;
	n += json_is_object(v) ? json_object_size(v) : json_array_size(v);
	cell = emalloc(n * sizeof(*cell));
	for (i = 0; i < n; i++)
		cell[i] = ecalloc(ncol, sizeof(**cell));
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

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, TOOL_OPT_JSON },
		{ "proba", no_argument, NULL, OPT_PROBA },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct toolopt opt = { SYNOPSIS, NULL, NULL, 0, help };
	struct printing pr = { 0, 0 };
	struct config cfg;
	struct model m;
	const char *dataopt = NULL, *modelopt = NULL;
	char *data = NULL, *modelpath = NULL, *end, *final;
	int want[NPART] = { 0 }, ch, i, ret, nwant = 0, save = 0, runs = 1;
	int last = 0;
	json_t *all = json_object(), *v, *proba;
	long n;

	setprogname_(argv[0]);
	while ((ch = getopt_long(argc, argv, TOOL_OPTS "d:m:n:o", longopts,
	    NULL)) != -1) {
		if (tool_opt(&opt, ch, optarg))
			continue;
		switch (ch) {
		case 'd':
			dataopt = optarg;
			break;
		case 'm':
			modelopt = optarg;
			break;
		case 'n':
			n = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || n < 1 ||
			    n > 1000) {
				warnx_("-n %s: expected a number of runs from "
				    "1 to 1000", optarg);
				tool_usage(&opt);
			}
			runs = n;
			break;
		case 'o':
			save = 1;
			break;
		case OPT_PROBA:
			pr.proba = 1;
			break;
		default:
			tool_usage(&opt);
		}
	}
	for (; optind < argc; optind++) {
		for (i = 0; i < NPART; i++)
			if (strcmp(argv[optind], parts[i]) == 0)
				break;
		if (i == NPART) {
			warnx_("%s: not a part (predictions, summary, missing, "
			    "timing, deps, drift)", argv[optind]);
			tool_usage(&opt);
		}
		nwant += !want[i];
		want[i] = 1;
	}
	if (nwant == 0)
		for (i = 0; i < NPART; i++)
			if (i != DRIFT)
				want[i] = 1, nwant++;
	for (i = 0; i < NPART; i++)
		if (want[i])
			last = i;
	if ((ret = tool_start(&opt, &cfg)) != EXIT_OK)
		return ret;

	if (want[PREDICTIONS]) {
		if (dataopt == NULL)
			data = path_join(cfg.test_data_path, "testdata.csv");
		else
			data = estrdup(dataopt);
		modelpath = modelopt ? estrdup(modelopt) :
		    path_join(cfg.prod_deployment_path, "trainedmodel.json");
	}
	for (i = 0; i < NPART; i++) {
		if (!want[i])
			continue;
		v = proba = NULL;
		switch (i) {
		case PREDICTIONS:
			/* the deployed model not there at all: say how to
			 * get one */
			if (modelopt == NULL && access(modelpath, F_OK) == -1 &&
			    errno == ENOENT) {
				warnx_("%s: no deployed model: deploy one, or "
				    "name one with -m", modelpath);
				ret = EXIT_FAIL;
				continue;
			}
			if (model_load(&m, modelpath) == -1) {
				warnx_("%s", risk_err);
				ret = EXIT_FAIL;
				continue;
			}
			/* all or nothing: a bad row after good ones prints
			 * none of them */
			v = predict_json(&m, data, pr.proba ? &proba :
			    NULL);
			model_free(&m);
			break;
		case SUMMARY:
			v = diag_summary(&cfg);
			break;
		case MISSING:
			v = diag_missing(&cfg);
			break;
		case TIMING:
			v = timing_measure(&cfg, runs);
			break;
		case DEPS:
			v = deps_versions();
			break;
		case DRIFT:
			final = path_join(cfg.output_folder_path,
			    "finaldata.csv");
			v = diag_drift(&cfg, dataopt ? dataopt : final,
			    modelopt);
			free(final);
			break;
		}
		if (v == NULL) {
			warnx_("%s: %s", parts[i], risk_err);
			if (ret < risk_status)	/* 2: the config names a column
						 * the data lacks */
				ret = risk_status;
			continue;
		}
		json_object_set_new(all, keys[i], v);
		if (proba != NULL)
			json_object_set_new(all, "probabilities", proba);
		if (opt.json)
			continue;
		showpart(i, v, proba, &pr, nwant, modelpath, data);
		if (nwant > 1 && i != last)
			putchar('\n');
	}
	if (opt.json) {
		/* drift alone is its object, as serve's /drift answers it */
		if (nwant == 1 && want[DRIFT] && ret == EXIT_OK)
			v = json_object_get(all, keys[DRIFT]);
		else
			v = all;
		if (jsonout(stdout, v) == -1)
			errx_(EXIT_FAIL, "cannot write the JSON result");
		putchar('\n');
	}
	if (tool_flush() == -1)
		errx_(EXIT_FAIL, "%s", risk_err);
	if (save && ret == EXIT_OK)
		esave(&cfg, all);
	else if (save)
		warnx_("diagnostics.json not saved: a part failed");
	json_decref(all);
	free(data);
	free(modelpath);
	config_free(&cfg);
	return ret;
}
