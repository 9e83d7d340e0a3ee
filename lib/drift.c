/*
 * Model drift: who decides it. The score history, and the raw, parametric
 * and nonparametric tests on it with numpy's arithmetic; drift_decide is
 * the decision deploy --check (and so fullprocess) acts on.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* the f1 column of scorehistory.csv; no file is an empty history */
int
drift_history(const char *path, double **f1, size_t *n)
{
	char *buf, *line, *next, *eol, *s, *end;
	size_t cap = 0, len;
	long lineno = 0;

	*f1 = NULL;
	*n = 0;
	if (access(path, F_OK) == -1 && errno == ENOENT)
		return 0;
	if ((buf = path_slurp(path, &len)) == NULL)
		return -1;
	/* by length: a NUL byte is a malformed line, not the end */
	for (line = buf; line < buf + len; line = next) {
		if ((eol = memchr(line, '\n', buf + len - line)) != NULL)
			next = eol + 1;
		else
			next = eol = buf + len;
		*eol = '\0';
		lineno++;
		if (memchr(line, '\0', eol - line) != NULL)
			goto bad;
		if (lineno == 1 && strcmp(line, "time,f1,model,event") == 0)
			continue;
		if (*line == '\0')
			continue;
		if ((s = strchr(line, ',')) == NULL)
			goto bad;
		errno = 0;
		if (*n == cap)
			*f1 = erealloc(*f1, (cap = cap * 2 + 16) * sizeof(**f1));
		(*f1)[*n] = strtod(++s, &end);
		if (end == s || *end != ',' || errno != 0 ||
		    !isfinite((*f1)[*n]) || (*f1)[*n] < 0 || (*f1)[*n] > 1)
			goto bad;
		(*n)++;
	}
	free(buf);
	return 0;
bad:
	seterr("%s:%ld: expected time,f1,model,event with an F1 from 0 to 1",
	    path, lineno);
	free(buf);
	free(*f1);
	*f1 = NULL;
	*n = 0;
	return -1;
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
	double deployed, *hist;
	char *p, *q;
	size_t n;
	int r;

	switch (deploy_current(prod, id, size)) {
	case -1:
		return -1;
	case 0:
		return seterr("%s: nothing is deployed", prod);
	}
	p = path_join(prod, "history");
	q = path_join(p, id);
	free(p);
	p = path_join(q, "latestscore.txt");
	free(q);
	r = deploy_readscore(p, &deployed);
	free(p);
	if (r == -1)
		return -1;
	p = path_join(prod, "scorehistory.csv");
	r = drift_history(p, &hist, &n);
	free(p);
	if (r == -1)
		return -1;
	drift_decide(d, drift_parse(cfg->drift_test), score, deployed, hist,
	    n);
	free(hist);
	return 0;
}
