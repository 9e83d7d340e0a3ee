/*
 * The score history (scorehistory.csv) of hostile bytes: the scores it
 * accepts are finite F1 scores, and every drift test decides on them.
 */
#include <math.h>
#include <stdlib.h>

#include "risk.h"
#include "fuzz.h"

void
fuzz_init(void)
{
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct drift d;
	double *f1;
	size_t n, i;
	int t;

	risk_err[0] = '\0';
	if (drift_history(fuzz_file("scorehistory.csv", data, size), &f1,
	    &n) == -1) {
		FUZZ_CHECK(risk_err[0] != '\0');
		return 0;
	}
	FUZZ_CHECK(n == 0 || f1 != NULL);
	for (i = 0; i < n; i++)
		FUZZ_CHECK(isfinite(f1[i]) && f1[i] >= 0 && f1[i] <= 1);
	for (t = DRIFT_RAW; t <= DRIFT_NONPARAMETRIC; t++) {
		drift_decide(&d, t, 0.5, n > 0 ? f1[n - 1] : 0.5, f1, n);
		FUZZ_CHECK(d.n == n && (d.drift == 0 || d.drift == 1));
		FUZZ_CHECK(drift_parse(drift_name(d.test)) == d.test);
	}
	free(f1);
	return 0;
}
