/*
 * score: the F1 of a model on test data, written to latestscore.txt
 * beside the model.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "risk.h"

#define SYNOPSIS "[-hnqV] [-C dir] [-c file] [-d data] [-m model] [--json]"

static const char *const help[] = {
	"-d data",
	    "score on the CSV file data, - for standard input (default: test_data_path/testdata.csv)",
	"-m model",
	    "score that model (default: output_model_path/trainedmodel.json)",
	"-n",
	    "print the score, write nothing (default: write latestscore.txt)",
	"--json",
	    "print F1, precision, recall, accuracy, confusion as JSON (default: the F1 alone)",
	NULL
};

/* is dir the deployment folder or inside it? */
static int
indeployment(const char *dir, const char *prod)
{
	char *d = realpath(dir, NULL);
	int in = d != NULL && path_under(d, prod, 1);

	free(d);
	return in;
}

/* the F1 and the counts as JSON, or the F1's line; or exit */
static void
eprintscore(const struct scored *s, const char *line, int json)
{
	json_t *o;

	if (json) {
		o = json_pack("{s:f, s:f, s:f, s:f, s:[[I,I],[I,I]], s:I, s:I}",
		    "f1", metric_f1(&s->cm),
		    "precision", metric_precision(&s->cm),
		    "recall", metric_recall(&s->cm),
		    "accuracy", metric_accuracy(&s->cm),
		    "confusion", (json_int_t)s->cm.tn, (json_int_t)s->cm.fp,
		    (json_int_t)s->cm.fn, (json_int_t)s->cm.tp,
		    "rows", (json_int_t)(s->cm.tp + s->cm.tn + s->cm.fp +
		    s->cm.fn),
		    "left_out", (json_int_t)s->left);
		if (o == NULL || jsonout(stdout, o) == -1)
			errx_(EXIT_FAIL, "cannot write the JSON result");
		json_decref(o);
		putchar('\n');
	} else
		fputs(line, stdout);
	if (tool_flush() == -1)
		errx_(EXIT_FAIL, "%s", risk_err);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, TOOL_OPT_JSON },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct toolopt opt = { SYNOPSIS, NULL, NULL, 0, help };
	struct config cfg;
	struct model m;
	struct scored s;
	const char *dataopt = NULL, *modelopt = NULL;
	char *data, *modelpath, *scorepath, *mdir, f1[40], line[48];
	int ch, ret, dry = 0;

	setprogname_(argv[0]);
	while ((ch = getopt_long(argc, argv, TOOL_OPTS "d:m:n", longopts,
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
			dry = 1;
			break;
		default:
			tool_usage(&opt);
		}
	}
	if (optind != argc)
		tool_usage(&opt);
	if ((ret = tool_start(&opt, &cfg)) != EXIT_OK)
		return ret;
	if (dataopt == NULL &&
	    config_dir("test_data_path", cfg.test_data_path) == -1) {
		warnx_("%s", risk_err);
		config_free(&cfg);
		return EXIT_USAGE;
	}
	data = dataopt ? estrdup(dataopt) :
	    path_join(cfg.test_data_path, "testdata.csv");
	modelpath = modelopt ? estrdup(modelopt) :
	    path_join(cfg.output_model_path, "trainedmodel.json");
	mdir = path_dir(modelpath);
	scorepath = path_join(mdir, "latestscore.txt");

	if (!dry && indeployment(mdir, cfg.prod_deployment_path))
		errx_(EXIT_FAIL, "%s: a deployed model: its score is not "
		    "rewritten (score -n scores without writing)", modelpath);
	if (model_load(&m, modelpath) == -1 ||
	    score_file(&m, &cfg, data, modelpath, &s) == -1)
		errx_(risk_status, "%s", risk_err);
	fmt_double(f1, sizeof(f1), metric_f1(&s.cm));
	snprintf(line, sizeof(line), "%s\n", f1);
	if (!dry && (atomic_lock(mdir) == -1 || atomic_sweep(scorepath) == -1 ||
	    atomic_write(scorepath, line, strlen(line)) == -1))
		errx_(EXIT_FAIL, "%s", risk_err);
	eprintscore(&s, line, opt.json);
	infox("F1 %s on %lld rows of %s (%lld left out)%s%s", f1,
	    s.cm.tp + s.cm.tn + s.cm.fp + s.cm.fn,
	    strcmp(data, "-") == 0 ? "(stdin)" : data, s.left,
	    dry ? "" : ": ", dry ? "" : scorepath);
	model_free(&m);
	free(data);
	free(modelpath);
	free(mdir);
	free(scorepath);
	config_free(&cfg);
	return EXIT_OK;
}
