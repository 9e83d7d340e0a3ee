/* number: every text of tests/fixtures/number/corpus.tsv read to the bits
 * pandas 1.5 reads it to (see make-corpus there) */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>

#include "risk.h"
#include "unit.h"

#define CORPUS "tests/fixtures/number/corpus.tsv"

static uint64_t
bitsof(double v)
{
	uint64_t u;

	memcpy(&u, &v, sizeof(u));
	return u;
}

static double
ofbits(uint64_t u)
{
	double v;

	memcpy(&v, &u, sizeof(v));
	return v;
}

/* one case: 0 when it agrees, a note on stdout when not */
static int
check(const char *kind, const char *text)
{
	size_t n = strlen(text);
	double v = 0;
	int na = number_isna(text, n), r = na ? -1 : number_parse(text, n, &v);
	uint64_t want;

	if (strcmp(kind, "NA") == 0) {
		if (na)
			return 0;
		printf("# \"%s\": not an NA word, pandas says NA\n", text);
	} else if (strcmp(kind, "TEXT") == 0) {
		if (!na && r == -1)
			return 0;
		printf("# \"%s\": read as %s%a, pandas keeps it text\n", text,
		    na ? "NA " : "", v);
	} else {
		want = strtoull(kind, NULL, 16);
		if (!na && r == 0 && bitsof(v) == want)
			return 0;
		printf("# \"%s\": %s %a, pandas %a\n", text, na ? "NA" : r ?
		    "no number" : "read as", v, ofbits(want));
	}
	return 1;
}

int
main(void)
{
	FILE *fp = fopen(CORPUS, "r");
	char *line = NULL, *tab;
	size_t cap = 0, n = 0, bad = 0, nbits = 0, nna = 0, ntext = 0;
	ssize_t len;

	OK(fp != NULL, "%s opens (run from the top folder)", CORPUS);
	if (fp == NULL)
		return 1;
	while ((len = getline(&line, &cap, fp)) > 0) {
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if ((tab = strchr(line, '\t')) == NULL)
			continue;
		*tab = '\0';
		n++;
		if (strcmp(line, "NA") == 0)
			nna++;
		else if (strcmp(line, "TEXT") == 0)
			ntext++;
		else
			nbits++;
		bad += check(line, tab + 1);
	}
	free(line);
	fclose(fp);
	OK(n >= 5000, "the corpus has %zu texts: %zu numbers, %zu NA words, "
	    "%zu texts", n, nbits, nna, ntext);
	OK(bad == 0, "every text read as pandas reads it (%zu differ)", bad);

	/* the whole field, not a prefix; the length bounds the text */
	{
		double v;

		OK(number_parse("12", 1, &v) == 0 && v == 1, "a length of 1 "
		    "reads \"1\" of \"12\"");
		OK(number_isna("NAN", 2) == 1, "\"NA\" of \"NAN\" is NA");
		OK(number_isna("N", 1) == 0 && number_isna("", 0) == 1,
		    "\"N\" is no NA word, \"\" is one");
	}
	return unit_done();
}
