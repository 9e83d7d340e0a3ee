/*
 * Model drift: who decides it. The raw, parametric and nonparametric
 * tests on the score history (history.c) with numpy's arithmetic;
 * drift_decide is the decision deploy --check (and so fullprocess) acts on.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "risk.h"

static const char *testname[] = { "raw", "parametric", "nonparametric" };

int
drift_parse(const char *name)
{
	int i;

	for (i = 0; i < 3; i++)
		if (strcmp(name, testname[i]) == 0)
			return i;
	return -1;
}

const char *
drift_name(int test)
{
	return test >= 0 && test < 3 ? testname[test] : "?";
}

/* numpy's pairwise sums (not pandas' blocks of them), so that the
 * thresholds are numpy's to the bit */
double
drift_mean(const double *a, size_t n)
{
	return stats_pairwise(a, n) / (double)n;
}

/* population standard deviation (ddof 0), as numpy.std computes it */
double
drift_std(const double *a, size_t n)
{
	double *d = emalloc(n * sizeof(*d)), m = drift_mean(a, n), v;
	size_t i;

	for (i = 0; i < n; i++)
		d[i] = (a[i] - m) * (a[i] - m);
	v = stats_pairwise(d, n) / (double)n;
	free(d);
	return sqrt(v);
}

/* numpy.quantile's default (linear) method on sorted data */
double
drift_quantile(const double *s, size_t n, double q)
{
	double v = (double)(n - 1) * q, t, diff;
	size_t lo = (size_t)floor(v), hi = lo + 1 < n ? lo + 1 : n - 1;

	t = v - (double)lo;
	diff = s[hi] - s[lo];
	if (t >= 0.5)
		return s[hi] - diff * (1 - t);
	return s[lo] + diff * t;
}

static int
cmpdouble(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

void
drift_decide(struct drift *d, int test, double score, double deployed,
    const double *hist, size_t n)
{
	double *s;

	memset(d, 0, sizeof(*d));
	d->asked = test;
	d->test = n < 2 ? DRIFT_RAW : test;
	d->score = score;
	d->n = n;
	switch (d->test) {
	case DRIFT_PARAMETRIC:
		d->center = drift_mean(hist, n);
		d->spread = drift_std(hist, n);
		d->threshold = d->center - 2 * d->spread;
		break;
	case DRIFT_NONPARAMETRIC:
		s = emalloc(n * sizeof(*s));
		memcpy(s, hist, n * sizeof(*s));
		qsort(s, n, sizeof(*s), cmpdouble);
		d->center = drift_quantile(s, n, 0.25);
		d->spread = drift_quantile(s, n, 0.75) - d->center;
		d->threshold = d->center - d->spread * 1.5;
		free(s);
		break;
	default:
		d->center = deployed;
		d->threshold = deployed;
		break;
	}
	d->drift = score < d->threshold;
}

/*
 * The configured score test of score against the current deployment:
 * its latestscore.txt and the score history. id gets the deployment.
 */
int
drift_scoretest(const struct config *cfg, double score, struct drift *d,
    char *id, size_t size)
{
	const char *prod = cfg->prod_deployment_path;
	struct scorehistory h;
	double deployed, *f1;
	char *dir, *p;
	size_t i;
	int r;

	if ((dir = deploy_currentdir(prod, id, size)) == NULL)
		return -1;
	p = path_join(dir, "latestscore.txt");
	r = deploy_readscore(p, &deployed);
	free(p);
	free(dir);
	if (r == -1 || history_read(prod, &h, 1) == -1)
		return -1;
	f1 = emalloc((h.n + 1) * sizeof(*f1));
	for (i = 0; i < h.n; i++)
		f1[i] = h.line[i].f1;
	drift_decide(d, drift_parse(cfg->drift_test), score, deployed, f1,
	    h.n);
	free(f1);
	history_free(&h);
	return 0;
}
