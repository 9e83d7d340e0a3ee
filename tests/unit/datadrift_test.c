/*
 * The data drift statistics against scipy 1.10 and numpy 1.24 (Debian's
 * /usr/bin/python3). The expected values were printed once with
 *
 *   r = scipy.stats.ks_2samp(a, b)
 *   repr(r.statistic), repr(r.pvalue),
 *   repr(scipy.stats.wasserstein_distance(a, b)), repr(numpy.std(a))
 *   repr(scipy.stats.kstwo.sf(x, n))
 *
 * (numpy.std of a sorted, as a profile holds it) and the PSI with numpy.quantile(ref, k / 10) edges, numpy.searchsorted
 * (side="right") counts and math.log, as datadrift_psi documents it.
 * KS statistics must agree bit for bit, p-values within 1e-12.
 */
#include <stdlib.h>

#include "risk.h"
#include "unit.h"

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct pair {
	const char *name;
	double *a, *b;
	size_t na, nb;
	int exact;
	double d, p, wd, std, psi;	/* psi NaN: not checked */
};

static void
check(struct pair *c)
{
	struct ksresult r;
	double wd, psi;

	qsort(c->a, c->na, sizeof(double), cmp);
	qsort(c->b, c->nb, sizeof(double), cmp);
	OK(datadrift_ks(c->a, c->na, c->b, c->nb, &r) == 0, "%s: ks runs",
	    c->name);
	OK(r.d == c->d, "%s: ks statistic %.17g, scipy's %.17g", c->name,
	    r.d, c->d);
	OK(fabs(r.p - c->p) <= 1e-12, "%s: p-value %.17g, scipy's %.17g",
	    c->name, r.p, c->p);
	OK(r.exact == c->exact, "%s: %s, as scipy's 'auto'", c->name,
	    c->exact ? "exact" : "asymptotic");
	wd = datadrift_wasserstein(c->a, c->na, c->b, c->nb);
	OK(unit_close(wd, c->wd, 1e-12), "%s: wasserstein %.17g, scipy's "
	    "%.17g", c->name, wd, c->wd);
	OK(drift_std(c->a, c->na) == c->std, "%s: numpy.std %.17g",
	    c->name, c->std);
	if (!isnan(c->psi)) {
		psi = datadrift_psi(c->a, c->na, c->b, c->nb);
		OK(unit_close(psi, c->psi, 1e-12), "%s: psi %.17g, expected "
		    "%.17g", c->name, psi, c->psi);
	}
}

static double *
seq(size_t n, long long mul, long long mod, double add)
{
	double *v = malloc(n * sizeof(*v));
	size_t i;

	for (i = 0; i < n; i++)
		v[i] = (double)(((long long)i * mul) % mod) + add;
	return v;
}

/* --pairs: for each two lines of numbers on stdin (the two samples), one
 * line "d p exact psi wasserstein"; tests/crosscheck.py --ks reads it */
static int
pairs(void)
{
	static char line[2][1 << 24];
	double *v[2];
	size_t n[2], cap, i;
	struct ksresult r;
	char *p, *e;

	while (fgets(line[0], sizeof(line[0]), stdin) != NULL &&
	    fgets(line[1], sizeof(line[1]), stdin) != NULL) {
		for (i = 0; i < 2; i++) {
			cap = 1024;
			v[i] = malloc(cap * sizeof(double));
			for (n[i] = 0, p = line[i];; p = e) {
				double d = strtod(p, &e);

				if (e == p)
					break;
				if (n[i] == cap)
					v[i] = realloc(v[i], (cap *= 2) *
					    sizeof(double));
				v[i][n[i]++] = d;
			}
			qsort(v[i], n[i], sizeof(double), cmp);
		}
		if (datadrift_ks(v[0], n[0], v[1], n[1], &r) == -1)
			printf("error\n");
		else
			printf("%.17g %.17g %d %.17g %.17g\n", r.d, r.p, r.exact,
			    datadrift_psi(v[0], n[0], v[1], n[1]),
			    datadrift_wasserstein(v[0], n[0], v[1], n[1]));
		free(v[0]);
		free(v[1]);
	}
	return fflush(stdout) == EOF;
}

int
main(int argc, char *argv[])
{
	double a1[] = { 1, 2, 3, 4, 5 }, b1[] = { 3.5, 6, 7, 8, 9, 10 };
	double a2[] = { 0, 0, 0, 1, 1, 2 }, b2[] = { 0, 1, 1, 1, 2, 2 };
	struct pair c[] = {
		/* a = [1,2,3,4,5], b = [3.5,6,7,8,9,10] */
		{ "5 against 6", a1, b1, 5, 6, 1, 0.8333333333333334,
		    0.025974025974025972, 4.250000000000001,
		    1.4142135623730951, 8.217210257589688 },
		/* a = [0,0,0,1,1,2], b = [0,1,1,1,2,2]: n1 == n2, ties */
		{ "6 against 6, ties", a2, b2, 6, 6, 1, 0.3333333333333333,
		    0.9307359307359307, 0.5000000000000001, 0.74535599249993,
		    0.5493061443340549 },
		/* a = [float((i*37)%101) for i in range(300)],
		 * b = [float((i*41)%97)+3 for i in range(300)] */
		{ "300 against 300", seq(300, 37, 101, 0),
		    seq(300, 41, 97, 3), 300, 300, 1, 0.03,
		    0.9993001912185819, 1.2166666666666668, 29.162795171626165,
		    0.009783039509957184 },
		/* the same a for range(500), b for range(20000) */
		{ "500 against 20000 (asymptotic, n = 488)",
		    seq(500, 37, 101, 0), seq(20000, 41, 97, 3), 500, 20000, 0,
		    0.03, 0.7602836386817321, 1.2557500000000001,
		    29.180095339117724, NAN },
		/* a = [float((i*7919)%1000) for i in range(12000)],
		 * b = [float((i*104729)%1100) for i in range(15000)] */
		{ "12000 against 15000, ties (asymptotic)",
		    seq(12000, 7919, 1000, 0), seq(15000, 104729, 1100, 0),
		    12000, 15000, 0, 0.09086666666666665,
		    2.367326815997587e-48, 50.0, 288.6749902572095,
		    0.05685609900677227 },
	};
	/* scipy.stats.kstwo.sf(x, n), one case per method kolmogn picks */
	static const struct {
		long long n;
		double x, sf;
	} k[] = {
		{ 26, 0.02, 1.0 },			/* nx <= 0.5 */
		{ 26, 0.05, 0.9999988252708393 },	/* Ruben-Gambino */
		{ 26, 0.1, 0.9342269269981988 },	/* Durbin */
		{ 26, 0.3, 0.014293709651226782 },	/* Pomeranz */
		{ 26, 0.6, 1.76112906107676e-09 },	/* 2 smirnov */
		{ 26, 0.97, 5.083731656658117e-40 },	/* nx >= n - 1 */
		{ 100, 0.15, 0.019839242125643017 },	/* 2 smirnov */
		{ 1000, 0.02, 0.8108971656895577 },	/* Durbin */
		{ 1000, 0.05, 0.013012074781090332 },	/* 2 smirnov */
		{ 1000, 0.6, 0.0 },			/* nx^2 >= 370 */
		{ 5000, 0.003, 0.9999999999740126 },	/* Durbin */
		{ 5000, 0.02, 0.03613941395325637 },	/* 2 smirnov */
		{ 200000, 0.001, 0.9881500208855729 },	/* Pelz-Good */
		{ 200000, 0.003, 0.0545369786611305 },	/* Pelz-Good */
	};
	struct ksresult r;
	size_t i;
	double sf;
	int st;

	if (argc == 2 && strcmp(argv[1], "--pairs") == 0) {
		st = pairs();
	} else {
		for (i = 0; i < NELEM(c); i++)
			check(&c[i]);
		for (i = 0; i < NELEM(k); i++) {
			sf = datadrift_kolmogn_sf(k[i].n, k[i].x);
			OK(fabs(sf - k[i].sf) <= 1e-12, "kstwo.sf(%g, %lld) "
			    "%.17g, scipy's %.17g", k[i].x, k[i].n, sf,
			    k[i].sf);
		}
		OK(datadrift_ks(a1, 0, b1, 6, &r) == -1, "an empty sample is "
		    "an error, as scipy raises one");
		st = unit_done();
	}
	/* the samples seq made, in either mode: make check-asan finds a
	 * leak otherwise */
	for (i = 2; i < NELEM(c); i++) {
		free(c[i].a);
		free(c[i].b);
	}
	return st;
}
