/*
 * train: finaldata.csv into trainedmodel.json, a logistic regression equal
 * to scikit-learn's LogisticRegression(solver="liblinear").
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "risk.h"

#define SYNOPSIS "[-hqV] [-C dir] [-c file] [--json]"

struct rows {
	struct logreg lr;
	size_t cap;
	long long left;
	struct progress prog;
};

static int
onrecord(const struct record *r, void *arg)
{
	struct rows *t = arg;
	size_t d = t->lr.d;

	if (r == NULL) {	/* the rows come again */
		t->lr.n = 0;
		t->left = 0;
		return 0;
	}
	progress_rows(&t->prog, t->lr.n + t->left);
	if (!r->complete) {
		t->left++;
		return 0;
	}
	if (t->lr.n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 4096;
		t->lr.x = erealloc(t->lr.x, t->cap * d * sizeof(double));
		t->lr.y = erealloc(t->lr.y, t->cap);
	}
	memcpy(t->lr.x + t->lr.n * d, r->x, d * sizeof(double));
	t->lr.y[t->lr.n++] = r->y ? 1 : -1;
	return 0;
}

/* the complete rows of data, two classes of them, or exit */
static void
ereadrows(struct rows *t, struct schema *schema, const struct config *cfg,
    const char *data, const char *out)
{
	size_t i, pos = 0;

	memset(t, 0, sizeof(*t));
	t->lr.d = cfg->nfeat;
	t->lr.C = cfg->C;
	t->lr.tol = cfg->tol;
	t->lr.max_iter = cfg->max_iter;
	csvread_init(schema, cfg, 1);
	csvread_reread(schema);
	progress_start(&t->prog, "read");
	if (colfile_read(data, schema, onrecord, t) == -1)
		errx_(risk_status, "%s", risk_err);
	progress_clear();
	for (i = 0; i < t->lr.n; i++)
		pos += t->lr.y[i] > 0;
	if (t->lr.n == 0)
		errx_(EXIT_FAIL, "%s: no complete rows to train on (%lld left "
		    "out); %s not changed", data, t->left, out);
	if (pos == 0 || pos == t->lr.n)
		errx_(EXIT_FAIL, "%s: only one class (%s = %d) in %zu rows; "
		    "%s not changed", data, cfg->target, pos > 0, t->lr.n, out);
}

/* the model of the rows saved as out, or exit; m->coef is w */
static void
etrain(struct model *m, double *w, struct rows *t,
    const struct schema *schema, const struct config *cfg,
    const char *data, const char *out)
{
	memset(m, 0, sizeof(*m));
	if ((m->iterations = logreg_train(&t->lr, w)) == -1)
		errx_(EXIT_FAIL, "%s: %s: the values or model.C are too large "
		    "to train on; %s not changed", data, risk_err, out);
	m->nfeat = cfg->nfeat;
	m->features = cfg->features;
	m->coef = w;
	m->intercept = w[m->nfeat];
	m->target = cfg->target;
	m->C = cfg->C;
	m->tol = cfg->tol;
	m->rows = (long long)t->lr.n;
	fmt_utc_iso(m->trained_at, sizeof(m->trained_at));
	/* the digest of the bytes trained on, not of the file now */
	memcpy(m->data_sha256, schema->digest, sizeof(m->data_sha256));
	if (config_mkdir("output_model_path", cfg->output_model_path) == -1 ||
	    atomic_lock(cfg->output_model_path) == -1 ||
	    atomic_sweep(out) == -1 || model_save(m, out) == -1)
		errx_(EXIT_FAIL, "%s", risk_err);
}

/* the model file as saved, or a table of its numbers; or exit */
static void
eprintmodel(const struct model *m, const struct rows *t, const char *out,
    int json)
{
	char num[40], *text;
	size_t i;

	if (json) {
		if ((text = path_slurp(out, NULL)) == NULL)
			errx_(EXIT_FAIL, "%s", risk_err);
		fputs(text, stdout);
		free(text);
	} else {
		printf("rows\t%zu\nleft_out\t%lld\niterations\t%d\n", t->lr.n,
		    t->left, m->iterations);
		for (i = 0; i < m->nfeat; i++)
			printf("%s\t%s\n", m->features[i],
			    fmt_double(num, sizeof(num), m->coef[i]));
		printf("intercept\t%s\n", fmt_double(num, sizeof(num),
		    m->intercept));
	}
	if (tool_flush() == -1)
		errx_(EXIT_FAIL, "%s", risk_err);
}

int
main(int argc, char *argv[])
{
	int json = 0;
	const struct toolarg args[] = {
		{ TOOL_OPT_JSON, "json", NULL, "print the model as JSON "
		    "(default: a table)", .flag = &json },
		{ 0 }
	};
	struct toolopt opt = { SYNOPSIS, args, 0, NULL, NULL };
	struct config cfg;
	struct schema schema;
	struct model m;
	struct rows t;
	char *data, *out;
	double *w;

	tool_parse(&opt, argc, argv);
	if (tool_start(&opt, &cfg) == -1)
		errx_(risk_status, "%s", risk_err);
	data = path_join(cfg.output_folder_path, "finaldata.csv");
	out = path_join(cfg.output_model_path, "trainedmodel.json");
	ereadrows(&t, &schema, &cfg, data, out);
	w = ecalloc(cfg.nfeat + 1, sizeof(*w));
	etrain(&m, w, &t, &schema, &cfg, data, out);
	eprintmodel(&m, &t, out, json);
	infox("%zu rows (%lld left out), %d iterations: %s", t.lr.n, t.left,
	    m.iterations, out);
	free(w);
	free(t.lr.x);
	free(t.lr.y);
	free(data);
	free(out);
	csvread_free(&schema);
	config_free(&cfg);
	return EXIT_OK;
}
