/*
 * The solver against scikit-learn's own models on committed data sets
 * (tests/fixtures/golden, made by make-golden there): the same iteration
 * count and the same bits in every coefficient and the intercept.  Then the
 * data it must refuse: products that overflow a double.  Then the same bits
 * on one thread and on several.
 */
#include <errno.h>
#include <stdlib.h>

#include "risk.h"
#include "unit.h"

#define GOLDEN "tests/fixtures/golden"

struct expect {
	double C, tol, *coef;	/* coef: the features', then the intercept */
	int max_iter, n_iter;
	long rows;
	char *target, **feat;
	size_t nfeat;
};

static void
expect_free(struct expect *e)
{
	size_t i;

	for (i = 0; i < e->nfeat; i++)
		free(e->feat[i]);
	free(e->feat);
	free(e->coef);
	free(e->target);
}

/* the words of a line after its key, split on spaces */
static char **
words(char *s, size_t *n)
{
	char **w = NULL, *t;

	*n = 0;
	for (t = strtok(s, " \n"); t != NULL; t = strtok(NULL, " \n")) {
		w = erealloc(w, (*n + 1) * sizeof(*w));
		w[(*n)++] = estrdup(t);
	}
	return w;
}

static int
readexpect(const char *path, struct expect *e)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL, *val, **w;
	size_t cap = 0, n, i, ncoef = 0;
	int seen = 0;

	memset(e, 0, sizeof(*e));
	if (fp == NULL)
		return -1;
	while (getline(&line, &cap, fp) > 0) {
		if ((val = strchr(line, ' ')) == NULL)
			continue;
		*val++ = '\0';
		seen++;
		if (strcmp(line, "C") == 0)
			e->C = strtod(val, NULL);
		else if (strcmp(line, "tol") == 0)
			e->tol = strtod(val, NULL);
		else if (strcmp(line, "max_iter") == 0)
			e->max_iter = atoi(val);
		else if (strcmp(line, "n_iter") == 0)
			e->n_iter = atoi(val);
		else if (strcmp(line, "rows") == 0)
			e->rows = atol(val);
		else if (strcmp(line, "target") == 0)
			e->target = estrdup(strtok(val, " \n"));
		else if (strcmp(line, "features") == 0)
			e->feat = words(val, &e->nfeat);
		else if (strcmp(line, "coef") == 0) {
			w = words(val, &n);
			e->coef = erealloc(e->coef, (n + 1) * sizeof(double));
			for (i = 0; i < n; i++) {
				e->coef[i] = strtod(w[i], NULL);
				free(w[i]);
			}
			free(w);
			ncoef = n;
		} else if (strcmp(line, "intercept") == 0 && e->coef != NULL)
			e->coef[ncoef] = strtod(val, NULL);
		else
			seen--;
	}
	free(line);
	fclose(fp);
	return seen == 9 && ncoef == e->nfeat && e->target ? 0 : -1;
}

/* the named columns of a numbers-only CSV; NULL with risk_err */
static int
readcsv(const char *path, const struct expect *e, struct logreg *lr)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL, *f, *end, *save;
	size_t cap = 0, ncol = 0, c, k, *col = NULL;
	long *which = NULL;
	int target = -1, ret = -1;
	double v;

	if (fp == NULL)
		return seterr("%s: %s", path, strerror(errno));
	if (getline(&line, &cap, fp) <= 0)
		goto out;
	for (f = strtok_r(line, ",\n", &save); f; f = strtok_r(NULL, ",\n",
	    &save)) {
		which = erealloc(which, (ncol + 1) * sizeof(*which));
		which[ncol] = -2;
		if (strcmp(f, e->target) == 0)
			which[ncol] = -1;
		for (k = 0; k < e->nfeat; k++)
			if (strcmp(f, e->feat[k]) == 0)
				which[ncol] = (long)k;
		ncol++;
	}
	col = ecalloc(e->nfeat + 1, sizeof(*col));
	lr->d = e->nfeat;
	while (getline(&line, &cap, fp) > 0) {
		lr->x = erealloc(lr->x, (lr->n + 1) * lr->d * sizeof(double));
		lr->y = erealloc(lr->y, lr->n + 1);
		c = 0;
		for (f = strtok_r(line, ",\n", &save); f && c < ncol;
		    f = strtok_r(NULL, ",\n", &save), c++) {
			if (which[c] == -2)
				continue;
			errno = 0;
			v = strtod(f, &end);
			if (*end != '\0' || errno)
				goto out;
			if (which[c] == -1) {
				lr->y[lr->n] = v == 1 ? 1 : -1;
				target = 1;
			} else
				lr->x[lr->n * lr->d + which[c]] = v;
		}
		lr->n++;
	}
	ret = target == 1 ? 0 : -1;
out:
	if (ret == -1)
		seterr("%s: cannot read", path);
	free(line);
	free(which);
	free(col);
	fclose(fp);
	return ret;
}

static void
golden(const char *name)
{
	struct logreg lr;
	struct expect e;
	char csv[256], exp[256];
	double *w;
	size_t i, bad = 0;
	int iters;

	snprintf(csv, sizeof(csv), "%s/%s.csv", GOLDEN, name);
	snprintf(exp, sizeof(exp), "%s/%s.expect", GOLDEN, name);
	if (readexpect(exp, &e) == -1) {
		OK(0, "%s: cannot read %s", name, exp);
		expect_free(&e);
		return;
	}
	memset(&lr, 0, sizeof(lr));
	lr.C = e.C;
	lr.tol = e.tol;
	lr.max_iter = e.max_iter;
	if (readcsv(csv, &e, &lr) == -1) {
		OK(0, "%s: %s", name, risk_err);
		expect_free(&e);
		return;
	}
	w = ecalloc(lr.d + 1, sizeof(double));
	iters = logreg_train(&lr, w);
	OK((long)lr.n == e.rows, "%s: %ld rows", name, e.rows);
	OK(iters == e.n_iter, "%s: %d iterations, as scikit-learn (%d)", name,
	    iters, e.n_iter);
	for (i = 0; i <= lr.d; i++)
		if (memcmp(&w[i], &e.coef[i], sizeof(double)) != 0) {
			if (bad++ < 3)
				printf("#   %s %zu: %a, scikit-learn %a\n",
				    i < lr.d ? e.feat[i] : "intercept", i,
				    w[i], e.coef[i]);
		}
	OK(bad == 0, "%s: %zu coefficients and the intercept bit for bit as "
	    "scikit-learn's (%zu differ)", name, lr.d, bad);
	free(w);
	free(lr.x);
	free(lr.y);
	expect_free(&e);
}

/* two rows whose Hessian products overflow: an error, not a hang */
static void
overflow(void)
{
	double x[] = { 1e100, 1e100, 1e100, 2e100, 2e100, 2e100 }, w[4];
	signed char y[] = { -1, 1 };
	struct logreg lr = { 2, 3, x, y, 1, 1e-4, 100 };

	OK(logreg_train(&lr, w) == -1 && strcmp(risk_err, "a Hessian product "
	    "overflows a double at iteration 1") == 0,
	    "values of 1e100 are refused: %s", risk_err);
}

/* C so large that every product overflows */
static void
hugec(void)
{
	double x[] = { 1, 2, 3, 4, 2, 1, 5, 5 }, w[3];
	signed char y[] = { -1, 1, -1, 1 };
	struct logreg lr = { 4, 2, x, y, 1e300, 1e-4, 100 };

	OK(logreg_train(&lr, w) == -1 && strcmp(risk_err,
	    "a Hessian product overflows a double at iteration 1") == 0,
	    "C = 1e300 is refused: %s", risk_err);
}

/* rows of both classes that cancel: the gradient at 0 is 0, the model 0 */
static void
balanced(void)
{
	double x[] = { 1, 2, 1, 2 }, w[3] = { 9, 9, 9 };
	signed char y[] = { 1, -1 };
	struct logreg lr = { 2, 2, x, y, 1, 1e-4, 100 };

	OK(logreg_train(&lr, w) == 0 && w[0] == 0 && w[1] == 0 && w[2] == 0,
	    "a zero gradient at 0 gives the zero model in 0 iterations");
}

/* the rows end grouped by class, each class in its order */
static void
grouped(void)
{
	double x[] = { 1, 10, 2, 20, 3, 30, 4, 40, 5, 50 }, w[3];
	double want[] = { 2, 20, 4, 40, 1, 10, 3, 30, 5, 50 };
	double x2[] = { 1, 10, 2, 20, 3, 30, 4, 40, 5, 50 };
	double want2[] = { 2, 20, 3, 30, 4, 40, 1, 10, 5, 50 };
	signed char y[] = { 1, -1, 1, -1, 1 }, wanty[] = { -1, -1, 1, 1, 1 };
	signed char y2[] = { 1, -1, -1, -1, 1 }, wanty2[] = { -1, -1, -1, 1, 1 };
	struct logreg lr = { 5, 2, x, y, 1, 1e-4, 100 };
	struct logreg lr2 = { 5, 2, x2, y2, 1, 1e-4, 100 };

	logreg_train(&lr, w);
	OK(memcmp(x, want, sizeof(x)) == 0 && memcmp(y, wanty, 5) == 0,
	    "rows grouped by class, -1 first, stably (fewer -1 rows)");
	logreg_train(&lr2, w);
	OK(memcmp(x2, want2, sizeof(x2)) == 0 && memcmp(y2, wanty2, 5) == 0,
	    "rows grouped by class, -1 first, stably (more -1 rows)");
}

/* a number from 0 to 1, the same sequence on every machine */
static double
uniform(unsigned long long *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return (double)(*state >> 11) / 9007199254740992.0;
}

/* logreg_train on n rows of d features with RISK_THREADS=threads */
static int
trainon(size_t n, size_t d, const char *threads, double *w)
{
	unsigned long long state = 88172645463325252ULL;
	struct logreg lr = { n, d, NULL, NULL, 1, 1e-4, 100 };
	double z;
	size_t i, j;
	int iters;

	lr.x = ecalloc(n * d, sizeof(double));
	lr.y = ecalloc(n, 1);
	for (i = 0; i < n; i++) {
		z = 0;
		for (j = 0; j < d; j++) {
			lr.x[i * d + j] = floor(uniform(&state) * 100 * (j + 1));
			z += (j % 2 ? 0.02 : -0.03) * lr.x[i * d + j] / (j + 1);
		}
		lr.y[i] = z + 4 * uniform(&state) > 1.5 ? 1 : -1;
	}
	setenv("RISK_THREADS", threads, 1);
	iters = logreg_train(&lr, w);
	unsetenv("RISK_THREADS");
	free(lr.x);
	free(lr.y);
	return iters;
}

/*
 * 40000 rows, three of the parallel passes' row blocks: the same iterations
 * and bits on 1, 2 and 3 threads, with the sums of the Hessian's products
 * made in one pass (3 features) and from the per-row array (6)
 */
static void
threads(void)
{
	const char *count[] = { "2", "3" };
	double w1[7], wn[7];
	size_t d, k;
	int it1, itn;

	for (d = 3; d <= 6; d += 3) {
		it1 = trainon(40000, d, "1", w1);
		OK(it1 > 2, "%zu features: %d iterations on 1 thread", d, it1);
		for (k = 0; k < 2; k++) {
			itn = trainon(40000, d, count[k], wn);
			OK(itn == it1 && memcmp(w1, wn, (d + 1) *
			    sizeof(double)) == 0, "%zu features: the same %d "
			    "iterations and bits on %s threads as on 1", d, it1,
			    count[k]);
		}
	}
}

/*
 * 600000 rows, more than two of the blocks fun sums its losses in, the
 * last one short: the same iterations and bits on 1 and 2 threads, and the
 * model that summing every row's loss from one array of n gave (printed
 * with %a by this test before fun summed by blocks)
 */
static void
blocks(void)
{
	const double want[4] = { -0x1.745fe12cb39e5p-5, 0x1.ed4b84a35807dp-7,
	    -0x1.f1655dcb8e9ddp-7, 0x1.a89a16e7354a7p-1 };
	double w1[4], w2[4];
	int it1, it2;
	size_t j;

	it1 = trainon(600000, 3, "1", w1);
	it2 = trainon(600000, 3, "2", w2);
	OK(it1 == 11 && memcmp(w1, want, sizeof(want)) == 0,
	    "600000 rows: the model of the sum from one array (%d iterations)",
	    it1);
	for (j = 0; j < 4 && memcmp(w1, want, sizeof(want)) != 0; j++)
		printf("#   w[%zu] %a, want %a\n", j, w1[j], want[j]);
	OK(it2 == it1 && memcmp(w1, w2, sizeof(w1)) == 0,
	    "600000 rows: the same %d iterations and bits on 2 threads as on 1",
	    it1);
}

int
main(void)
{
	const char *sets[] = { "small50", "mid300", "large2000", "drift300",
	    "seedscale26", "capped300", "c01_300", "cancer", "cancer_c100",
	    "wine01", "iris12", "iris01", "digits38", "diabetes", "mixed5",
	    "mixed20", "mixed10", "mixed8cap", "mixed1", "mixed3one",
	    "wide100" };
	size_t i;

	for (i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
		golden(sets[i]);
	overflow();
	hugec();
	balanced();
	grouped();
	threads();
	blocks();
	return unit_done();
}
