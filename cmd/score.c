/*
 * score: the F1 of a model on test data, written to latestscore.txt
 * beside the model.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "risk.h"

#define SYNOPSIS "[-hnqV] [-C dir] [-c file] [-d data] [-m model] [--json]"

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
		    "f1", metrics_f1(&s->cm),
		    "precision", metrics_precision(&s->cm),
		    "recall", metrics_recall(&s->cm),
		    "accuracy", metrics_accuracy(&s->cm),
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
	const char *dataopt = NULL, *modelopt = NULL;
	int dry = 0, json = 0;
	const struct toolarg args[] = {
		{ 'd', NULL, "data", "score on the CSV file data, - for "
		    "standard input (default: test_data_path/testdata.csv)",
		    .str = &dataopt },
		{ 'm', NULL, "model", "score that model (default: "
		    "output_model_path/trainedmodel.json)", .str = &modelopt },
		{ 'n', NULL, NULL, "print the score, write nothing (default: "
		    "write latestscore.txt)", .flag = &dry },
		{ TOOL_OPT_JSON, "json", NULL, "print F1, precision, recall, "
		    "accuracy, confusion as JSON (default: the F1 alone)",
		    .flag = &json },
		{ 0 }
	};
	struct toolopt opt = { SYNOPSIS, args, 0, NULL, NULL };
	struct config cfg;
	struct model m;
	struct scored s;
	char *data, *modelpath, *scorepath, *mdir, f1[40], line[48];

	tool_parse(&opt, argc, argv);
	if (tool_start(&opt, &cfg) == -1)
		errx_(risk_status, "%s", risk_err);
	if (dataopt == NULL &&
	    config_dir("test_data_path", cfg.test_data_path) == -1)
		errx_(EXIT_USAGE, "%s", risk_err);
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
	fmt_double(f1, sizeof(f1), metrics_f1(&s.cm));
	snprintf(line, sizeof(line), "%s\n", f1);
	if (!dry && (atomic_lock(mdir) == -1 || atomic_sweep(scorepath) == -1 ||
	    atomic_write(scorepath, line, strlen(line)) == -1))
		errx_(EXIT_FAIL, "%s", risk_err);
	eprintscore(&s, line, json);
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
