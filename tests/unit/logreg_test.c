/*
 * The solver against scikit-learn's own coefficients on committed data sets
 * (tests/fixtures/golden, made by make-golden there): same iterations, and
 * coefficients within 1e-6 relative.  Then the data it must refuse:
 * products that overflow a double.
 */
#include <dirent.h>
#include <stdlib.h>

#include "risk.h"
#include "unit.h"

#define GOLDEN "tests/fixtures/golden"

struct expect {
	double C, tol, coef[MAXFEAT + 1];
	int max_iter, n_iter;
	long rows;
};

static int
readexpect(const char *path, struct expect *e)
{
	FILE *fp = fopen(path, "r");
	int n = 0;

	if (fp == NULL)
		return -1;
	n += fscanf(fp, " C %lf", &e->C);
	n += fscanf(fp, " tol %lf", &e->tol);
	n += fscanf(fp, " max_iter %d", &e->max_iter);
	n += fscanf(fp, " coef %lf %lf %lf", &e->coef[0], &e->coef[1],
	    &e->coef[2]);
	n += fscanf(fp, " intercept %lf", &e->coef[3]);
	n += fscanf(fp, " n_iter %d", &e->n_iter);
	n += fscanf(fp, " rows %ld", &e->rows);
	fclose(fp);
	return n == 9 ? 0 : -1;
}

static int
onrec(const struct record *r, void *arg)
{
	struct logreg *lr = arg;

	if (!r->complete)
		return 0;
	lr->x = erealloc(lr->x, (lr->n + 1) * 3 * sizeof(double));
	lr->y = erealloc(lr->y, lr->n + 1);
	memcpy(lr->x + lr->n * 3, r->x, 3 * sizeof(double));
	lr->y[lr->n++] = r->y ? 1 : -1;
	return 0;
}

static void
golden(const char *name)
{
	struct config cfg;
	struct schema sc;
	struct logreg lr;
	struct expect e;
	char csv[256], exp[256];
	double w[MAXFEAT + 1], worst = 0, rel;
	int i, iters;

	snprintf(csv, sizeof(csv), "%s/%s.csv", GOLDEN, name);
	snprintf(exp, sizeof(exp), "%s/%s.expect", GOLDEN, name);
	if (readexpect(exp, &e) == -1) {
		OK(0, "%s: cannot read %s", name, exp);
		return;
	}
	config_init(&cfg);
	memset(&lr, 0, sizeof(lr));
	lr.d = 3;
	lr.C = e.C;
	lr.tol = e.tol;
	lr.max_iter = e.max_iter;
	schema_init(&sc, &cfg, 1);
	if (csvread(csv, &sc, onrec, &lr) == -1) {
		OK(0, "%s: %s", name, risk_err);
		return;
	}
	iters = logreg_train(&lr, w);
	for (i = 0; i < 4; i++) {
		rel = fabs(w[i] - e.coef[i]) / fmax(fabs(e.coef[i]), 1e-300);
		if (rel > worst)
			worst = rel;
	}
	OK((long)lr.n == e.rows, "%s: %ld rows", name, e.rows);
	OK(iters == e.n_iter, "%s: %d iterations, as scikit-learn (%d)", name,
	    iters, e.n_iter);
	OK(worst <= 1e-6, "%s: coefficients within 1e-6 of scikit-learn's "
	    "(worst %.2g)", name, worst);
	free(lr.x);
	free(lr.y);
	schema_free(&sc);
	config_free(&cfg);
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

/* C so large that every product overflows: an error, not a zero model */
static void
hugec(void)
{
	double x[] = { 1, 2, 3, 4, 2, 1, 5, 5 }, w[3];
	signed char y[] = { -1, 1, -1, 1 };
	struct logreg lr = { 4, 2, x, y, 1e300, 1e-4, 100 };

	OK(logreg_train(&lr, w) == -1 && strcmp(risk_err,
	    "the gradient's norm overflows a double at iteration 1") == 0,
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

int
main(void)
{
	const char *sets[] = { "small50", "mid300", "large2000", "drift300",
	    "seedscale26", "capped300", "c01_300" };
	size_t i;

	for (i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
		golden(sets[i]);
	overflow();
	hugec();
	balanced();
	return unit_done();
}
