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
	if (filelist_read(path, &l) == -1) {
		FUZZ_CHECK(risk_err[0] != '\0');
		return 0;
	}
	for (i = 0; i < l.n; i++) {
		FUZZ_CHECK(l.line[i][0] != '\0' && l.line[i][0] != '\t');
		FUZZ_CHECK(strchr(l.line[i], '\n') == NULL);
	}
	if (filelist_read(path, &again) == -1)
		abort();
	FUZZ_CHECK(filelist_merge(&empty, &l) <= l.n);
	FUZZ_CHECK(empty.n <= l.n);
	filelist_merge(&again, &l);
	FUZZ_CHECK(again.n == l.n);
	for (i = 0; i < l.n; i++) {
		if ((tab = strchr(l.line[i], '\t')) == NULL)
			continue;
		*tab = '\0';
		FUZZ_CHECK(filelist_isnew(&empty, l.line[i], tab + 1) !=
		    FILELIST_NEW);
		*tab = '\t';
	}
	filelist_free(&again);
	filelist_free(&empty);
	filelist_free(&l);
	return 0;
}
