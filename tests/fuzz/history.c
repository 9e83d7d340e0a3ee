/*
 * The score history (scorehistory.csv) of hostile bytes: the lines it
 * accepts hold finite F1 scores, and every drift test decides on them.
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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scorehistory h, lax;
	struct drift d;
	double *f1;
	size_t n, i;
	int t;

	risk_err[0] = '\0';
	fuzz_file(HISTORY_FILE, data, size);
	FUZZ_CHECK(history_read(fuzz_dir(), &lax, 0) == 0);
	if (history_read(fuzz_dir(), &h, 1) == -1) {
		FUZZ_CHECK(risk_err[0] != '\0');
		history_free(&lax);
		return 0;
	}
	/* a file the strict read takes, the lax read takes whole */
	FUZZ_CHECK(lax.n == h.n);
	n = h.n;
	f1 = emalloc((n + 1) * sizeof(*f1));
	for (i = 0; i < n; i++) {
		f1[i] = h.line[i].f1;
		FUZZ_CHECK(isfinite(f1[i]) && f1[i] >= 0 && f1[i] <= 1);
		FUZZ_CHECK(strchr(h.line[i].model, ',') == NULL &&
		    strchr(h.line[i].event, '\n') == NULL);
	}
	for (t = DRIFT_RAW; t <= DRIFT_NONPARAMETRIC; t++) {
		drift_decide(&d, t, 0.5, n > 0 ? f1[n - 1] : 0.5, f1, n);
		FUZZ_CHECK(d.n == n && (d.drift == 0 || d.drift == 1));
		FUZZ_CHECK(drift_parse(drift_name(d.test)) == d.test);
	}
	free(f1);
	history_free(&h);
	history_free(&lax);
	return 0;
}
