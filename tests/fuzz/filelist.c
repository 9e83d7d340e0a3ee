/*
 * The list of ingested files (ingestedfiles.txt) of hostile bytes: its
 * lines are kept whole, and merging it into itself or an empty list keeps
 * one line per path.
 */
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
	struct filelist l, again, empty = { NULL, 0 };
	const char *path = fuzz_file("ingestedfiles.txt", data, size);
	size_t i;
	char *tab;

	risk_err[0] = '\0';
	if (drift_readlist(path, &l) == -1) {
		FUZZ_CHECK(risk_err[0] != '\0');
		return 0;
	}
	for (i = 0; i < l.n; i++) {
		FUZZ_CHECK(l.line[i][0] != '\0' && l.line[i][0] != '\t');
		FUZZ_CHECK(strchr(l.line[i], '\n') == NULL);
	}
	if (drift_readlist(path, &again) == -1)
		abort();
	FUZZ_CHECK(drift_mergelist(&empty, &l) <= l.n);
	FUZZ_CHECK(empty.n <= l.n);
	drift_mergelist(&again, &l);
	FUZZ_CHECK(again.n == l.n);
	for (i = 0; i < l.n; i++) {
		if ((tab = strchr(l.line[i], '\t')) == NULL)
			continue;
		*tab = '\0';
		FUZZ_CHECK(drift_isnew(&empty, l.line[i], tab + 1) !=
		    DRIFT_NEWFILE);
		*tab = '\t';
	}
	drift_freelist(&again);
	drift_freelist(&empty);
	drift_freelist(&l);
	return 0;
}
