/* number: every text of tests/fixtures/number/corpus.tsv read to the bits
 * pandas 1.5 reads it to (see make-corpus there), and every text of
 * reread.tsv to the bits the original system reads back from its own
 * finaldata.csv (see make-reread) */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>

#include "risk.h"
#include "unit.h"

#define CORPUS "tests/fixtures/number/corpus.tsv"
#define REREAD "tests/fixtures/number/reread.tsv"

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

/*
 * Every line of REREAD, "type <tab> bits <tab> text", read back as bits;
 * *changed counts the texts whose value the round trip changes.
 */
static size_t
reread(size_t *n, size_t *changed)
{
	static const char *types[] = { "int64", "int64na", "float64" };
	FILE *fp = fopen(REREAD, "r");
	char *line = NULL, *bits, *text;
	size_t cap = 0, bad = 0, t;
	ssize_t len;
	double v, first;
	int r;

	*n = *changed = 0;
	if (fp == NULL)
		return 1;
	while ((len = getline(&line, &cap, fp)) > 0) {
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if ((bits = strchr(line, '\t')) == NULL ||
		    (text = strchr(bits + 1, '\t')) == NULL)
			continue;
		*bits++ = '\0';
		*text++ = '\0';
		for (t = 0; t < 3 && strcmp(line, types[t]) != 0; t++)
			;
		(*n)++;
		r = number_reread(text, strlen(text), (int)t, &v);
		if (number_parse(text, strlen(text), &first) == 0 &&
		    bitsof(first) != bitsof(v))
			(*changed)++;
		if (t < 3 && r != -1 && bitsof(v) == strtoull(bits, NULL, 16))
			continue;
		printf("# %s \"%s\": read back as %a, pandas %a\n", line,
		    text, v, ofbits(strtoull(bits, NULL, 16)));
		bad++;
	}
	free(line);
	fclose(fp);
	return bad;
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

	{
		size_t nre, changed, badre = reread(&nre, &changed);

		OK(nre >= 4000 && changed >= 300, "%s has %zu texts, %zu of "
		    "them read back otherwise than read", REREAD, nre, changed);
		OK(badre == 0, "every text read back as the original system "
		    "reads its finaldata.csv (%zu differ)", badre);
	}

	/* the whole field, not a prefix; the length bounds the text */
	{
		double v;

		OK(number_parse("12", 1, &v) == 0 && v == 1, "a length of 1 "
		    "reads \"1\" of \"12\"");
		OK(number_isna("NAN", 2) == 1, "\"NA\" of \"NAN\" is NA");
		OK(number_isna("N", 1) == 0 && number_isna("", 0) == 1,
		    "\"N\" is no NA word, \"\" is one");
		/* ingest asks whether a field is a number before whether it
		 * is missing */
		{
			static const char *na[] = { "", "#N/A", "#N/A N/A",
			    "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan",
			    "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA", "NULL",
			    "NaN", "n/a", "nan", "null" };
			size_t i, bad = 0;

			for (i = 0; i < sizeof(na) / sizeof(na[0]); i++)
				if (number_isna(na[i], strlen(na[i])) != 1 ||
				    number_read(na[i], strlen(na[i]), &v) != -1)
					bad++;
			OK(bad == 0, "each of the 18 NA words is NA and no "
			    "number (%zu are not)", bad);
		}
		OK(number_read("Inf", 3, &v) == 0 && v == INFINITY &&
		    number_read("-INFINITY", 9, &v) == 0 && v == -INFINITY &&
		    number_read("xinf", 4, &v) == -1, "the infinity words "
		    "in any case, and only they");
		OK(number_read("83979937318606949", 17, &v) == 1 &&
		    v == 0x1.2a5b4edc22986p+56, "an integer alone is the "
		    "nearest double");
		OK(number_float("83979937318606949", 17, &v) == 0 &&
		    v == 0x1.2a5b4edc22987p+56, "an integer beside other "
		    "numbers is its first 17 digits times 10");
		OK(number_read("0.5", 3, &v) == 0 && number_read("x", 1, &v) ==
		    -1, "number_read tells integers from other numbers");
	}
	return unit_done();
}
