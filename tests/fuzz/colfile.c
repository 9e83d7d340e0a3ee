/*
 * The column file loader on hostile bytes: what it accepts has the
 * counts, names and values its format allows, and its features are found
 * by name without reading past its arrays.
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
	struct colfile c;
	struct config cfg;
	size_t i, j, at[MAXFEAT];
	long long nan;

	risk_err[0] = '\0';
	if (colfile_load(&c, fuzz_file("finaldata.cols", data, size),
	    NULL) == -1) {
		FUZZ_CHECK(risk_err[0] != '\0');
		return 0;
	}
	FUZZ_CHECK(c.ncol >= 1 && c.nfeat <= MAXFEAT);
	FUZZ_CHECK(c.tcol < c.ncol && strlen(c.sha256) == 64);
	for (i = 0; i < c.ncol; i++) {
		FUZZ_CHECK(utf8_valid(c.name[i], strlen(c.name[i])));
		FUZZ_CHECK(c.missing[i] >= 0 &&
		    (size_t)c.missing[i] <= c.nrow);
	}
	for (j = 0; j < c.nfeat; j++) {
		FUZZ_CHECK(c.feat[j] < c.ncol);
		for (nan = 0, i = 0; i < c.nrow; i++) {
			FUZZ_CHECK(isfinite(c.x[i * c.nfeat + j]) ||
			    isnan(c.x[i * c.nfeat + j]));
			nan += isnan(c.x[i * c.nfeat + j]) != 0;
		}
		FUZZ_CHECK(nan == c.missing[c.feat[j]]);
	}
	for (i = 0; i < c.nrow; i++)
		FUZZ_CHECK(c.y[i] >= -1 && c.y[i] <= 1);
	/* every column asked for as a feature, the last as the target */
	memset(&cfg, 0, sizeof(cfg));
	cfg.features = c.name;
	cfg.nfeat = c.ncol < MAXFEAT ? c.ncol : MAXFEAT;
	cfg.target = c.name[c.ncol - 1];
	if (colfile_find(&c, &cfg, at) == 0)
		for (i = 0; i < cfg.nfeat; i++)
			FUZZ_CHECK(at[i] < c.nfeat);
	colfile_free(&c);
	return 0;
}
