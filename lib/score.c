/*
 * Scoring: a model over a data file with its target, the confusion matrix
 * that F1 comes from (score(1), serve's /scoring, deploy --adopt).
 */
#include <string.h>

#include "risk.h"

struct acc {
	const struct model *m;
	struct scored *out;
};

static int
onrecord(const struct record *r, void *arg)
{
	struct acc *a = arg;

	if (!r->complete)
		a->out->left++;
	else
		metrics_tally(&a->out->cm, r->y, model_predict(a->m, r->x));
	return 0;
}

int
score_file(const struct model *m, const struct config *cfg, const char *path,
    const char *modelname, struct scored *out)
{
	struct schema schema;
	/* cppcheck-suppress ctuuninitvar ; out is cleared below, before any
	 * read */
	struct acc a = { m, out };
	int r;

	memset(out, 0, sizeof(*out));
	csvread_init(&schema, cfg, 1);
	if (model_check_schema(m, &schema) == -1) {
		char why[sizeof(risk_err)];

		memcpy(why, risk_err, sizeof(why));
		csvread_free(&schema);
		return seterr("%s: %s", modelname, why);
	}
	r = csvread(path, &schema, onrecord, &a);
	csvread_free(&schema);
	if (r == 0 && out->cm.tp + out->cm.tn + out->cm.fp + out->cm.fn == 0)
		r = seterr("%s: no complete rows to score",
		    strcmp(path, "-") == 0 ? "(stdin)" : path);
	return r;
}
