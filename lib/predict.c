/*
 * Prediction: the deployed model (or any) over the rows of a data file,
 * each row's class and probability of 1, as diagnose(1)'s predictions and
 * serve(1)'s /prediction give them. A row with a feature missing gets no
 * prediction (-1, null in JSON).
 */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "risk.h"

struct predicting {
	const struct model *m;
	int (*fn)(const struct record *, int, double, void *);
	void *arg;
};

static int
onpredict(const struct record *r, void *arg)
{
	struct predicting *p = arg;
	double z;
	size_t i;

	for (i = 0; i < p->m->nfeat; i++)
		if (isnan(r->x[i]))
			return p->fn(r, -1, NAN, p->arg);
	z = model_decision(p->m, r->x);
	return p->fn(r, z > 0, 1 / (1 + exp(-z)), p->arg);
}

int
predict_file(const struct model *m, const char *path,
    int (*fn)(const struct record *, int, double, void *), void *arg)
{
	FILE *fp;
	int r;

	if (strcmp(path, "-") == 0)
		return predict_fp(m, stdin, "(stdin)", fn, arg);
	if ((fp = fopen(path, "r")) == NULL)
		return seterr("%s: %s", path, strerror(errno));
	r = predict_fp(m, fp, path, fn, arg);
	fclose(fp);
	return r;
}

int
predict_fp(const struct model *m, FILE *fp, const char *name,
    int (*fn)(const struct record *, int, double, void *), void *arg)
{
	struct predicting p = { m, fn, arg };
	struct schema s;
	int r;

	memset(&s, 0, sizeof(s));
	s.want = (char **)m->features;
	s.nfeat = m->nfeat;
	s.feat = ecalloc(s.nfeat + 1, sizeof(*s.feat));
	s.target = m->target;
	s.tcol = (size_t)-1;
	r = csvread_fp(fp, name, &s, onpredict, &p);
	csvread_free(&s);
	return r;
}

struct predlists {
	json_t *pred, *proba;
};

static int
onpred(const struct record *r, int pred, double p, void *arg)
{
	struct predlists *l = arg;

	(void)r;
	if (json_array_append_new(l->pred, pred < 0 ? json_null() :
	    json_integer(pred)) == -1)
		return seterr("out of memory");
	if (l->proba && json_array_append_new(l->proba, diag_number(p)) == -1)
		return seterr("out of memory");
	return 0;
}

json_t *
predict_json(const struct model *m, const char *path, json_t **proba)
{
	struct predlists l;

	l.pred = json_array();
	l.proba = proba ? json_array() : NULL;
	if (predict_file(m, path, onpred, &l) == -1) {
		json_decref(l.pred);
		json_decref(l.proba);
		return NULL;
	}
	if (proba)
		*proba = l.proba;
	return l.pred;
}
