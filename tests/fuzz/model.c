/*
 * The model loader on a trainedmodel.json of hostile bytes; a model it
 * accepts must save and load back the same, bit for bit.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "risk.h"
#include "fuzz.h"

void
fuzz_init(void)
{
}

static void
same(const struct model *a, const struct model *b)
{
	size_t i;

	FUZZ_CHECK(a->nfeat == b->nfeat);
	for (i = 0; i < a->nfeat; i++) {
		FUZZ_CHECK(strcmp(a->features[i], b->features[i]) == 0);
		FUZZ_CHECK(memcmp(&a->coef[i], &b->coef[i], sizeof(double)) ==
		    0);
	}
	FUZZ_CHECK(strcmp(a->target, b->target) == 0);
	FUZZ_CHECK(memcmp(&a->intercept, &b->intercept, sizeof(double)) == 0);
	FUZZ_CHECK(memcmp(&a->C, &b->C, sizeof(double)) == 0);
	FUZZ_CHECK(memcmp(&a->tol, &b->tol, sizeof(double)) == 0);
	FUZZ_CHECK(a->iterations == b->iterations);
	FUZZ_CHECK(a->rows == b->rows);
	FUZZ_CHECK(strcmp(a->data_sha256, b->data_sha256) == 0);
	FUZZ_CHECK(strcmp(a->trained_at, b->trained_at) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct model m, back;
	double *x;
	char *saved;
	size_t i;

	risk_err[0] = '\0';
	if (model_load(&m, fuzz_file("trainedmodel.json", data, size)) ==
	    -1) {
		FUZZ_CHECK(risk_err[0] != '\0');
		return 0;
	}
	FUZZ_CHECK(m.nfeat >= 1 && m.nfeat <= MAXFEAT);
	x = ecalloc(m.nfeat, sizeof(*x));
	for (i = 0; i < m.nfeat; i++) {
		FUZZ_CHECK(isfinite(m.coef[i]));
		x[i] = 1;
	}
	FUZZ_CHECK(isfinite(m.intercept) && m.C > 0 && m.tol > 0);
	FUZZ_CHECK(m.iterations >= 0 && m.rows >= 1);
	FUZZ_CHECK(strlen(m.data_sha256) == 64);
	(void)model_predict(&m, x);
	free(x);
	saved = path_join(fuzz_dir(), "saved.json");
	FUZZ_CHECK(model_save(&m, saved) == 0);
	FUZZ_CHECK(model_load(&back, saved) == 0);
	same(&m, &back);
	free(saved);
	model_free(&back);
	model_free(&m);
	return 0;
}
