/*
 * The column file holds what a reader of finaldata.csv gets, bit for bit,
 * and refuses a file that is truncated, foreign, damaged or stale.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "risk.h"
#include "unit.h"

static char dir[] = "/tmp/colfile_test.XXXXXX";
static char csv[64], cols[64];

/* a header line with a repeated name, integers, a missing value, a float
 * column whose integers read back through the float parser, a feature
 * pandas reads as 0.30000000000000004 written with 17 digits */
static const char text[] =
    "corp,a,b,b,exited\n"
    "x,1,0.1,5,0\n"
    "y,,2,6,1\n"
    "\"z,w\",3,0.30000000000000004,NA,1\n"
    "v,4,123456789012345678,7,\n"
    "u,5,1e-5,8,0\n"
    "s,-0,-0,000000000007,1\n"
    "t,123456789012,1234567890123,8,0\n";

struct rows {
	struct colbuild *b;
	double x[16][3];
	int y[16];
	size_t n;
};

static int
build(const struct record *r, void *arg)
{
	struct rows *t = arg;

	unsigned char cls[8];
	double val[8];
	size_t i;

	/* as ingest classifies the fields: missing, integer, other */
	for (i = 0; i < r->nfield; i++)
		cls[i] = csvread_ismissing(r->field[i], r->len[i]) ? COLFILE_NA :
		    number_read(r->field[i], r->len[i], &val[i]) == 1 ?
		    COLFILE_INT : 2;
	colfile_stage(t->b, r, cls, val);
	colfile_take(t->b, 0);
	colfile_unstage(t->b);
	return 0;
}

static int
expect(const struct record *r, void *arg)
{
	struct rows *t = arg;

	if (r == NULL) {
		t->n = 0;
		return 0;
	}
	memcpy(t->x[t->n], r->x, 3 * sizeof(double));
	t->y[t->n++] = r->y;
	return 0;
}

static void
cfginit(struct config *c)
{
	static char *feat[] = { "a", "b", "b.1" };

	memset(c, 0, sizeof(*c));
	c->features = feat;
	c->nfeat = 3;
	c->target = "exited";
}

static void
writefile(const char *path, const void *data, size_t n)
{
	FILE *fp = fopen(path, "w");

	fwrite(data, 1, n, fp);
	fclose(fp);
}

static char *
slurp(const char *path, size_t *n)
{
	return path_slurp(path, n);
}

/* the good file with bytes at off replaced by n bytes of p */
static int
loads_patched(const char *good, size_t len, size_t off, const void *p,
    size_t n, const char *want)
{
	struct colfile c;
	char *bad = emalloc(len);
	int r;

	memcpy(bad, good, len);
	memcpy(bad + off, p, n);
	writefile(cols, bad, len);
	free(bad);
	r = colfile_load(&c, cols, NULL);
	if (r == 0)
		colfile_free(&c);
	return r == -1 && strstr(risk_err, want) != NULL;
}

static int
loads_cut(const char *good, size_t len, size_t n)
{
	struct colfile c;
	int r;

	writefile(cols, good, n);
	r = colfile_load(&c, cols, NULL);
	if (r == 0)
		colfile_free(&c);
	(void)len;
	return r == -1;
}

int
main(void)
{
	struct config cfg;
	struct schema s;
	struct colbuild b;
	struct colfile c;
	struct rows t, want;
	size_t at[3], i, j, len, cut, off;
	char *good, hex[65], *p;
	uint64_t big;
	double inf = 1. / 0.;
	signed char two = 2;
	int same;

	argv0 = "colfile_test";
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(csv, sizeof(csv), "%s/finaldata.csv", dir);
	snprintf(cols, sizeof(cols), "%s/finaldata.cols", dir);
	p = colfile_path(csv);
	OK(strcmp(p, cols) == 0, "finaldata.csv's column file is "
	    "finaldata.cols beside it");
	free(p);
	writefile(csv, text, sizeof(text) - 1);
	cfginit(&cfg);

	/* written as ingest writes it: the rows read, all kept */
	csvread_init(&s, &cfg, 1);
	OK(csvread_header(csv, &s) == 0, "the header reads");
	colfile_begin(&b, &s, csv);
	OK(b.ok, "the writer starts");
	memset(&t, 0, sizeof(t));
	t.b = &b;
	OK(csvread(csv, &s, build, &t) == 0, "the text reads");
	colfile_text(&b, text, sizeof(text) - 1);
	OK(colfile_remove(&b) == 0 && colfile_commit(&b, csv) == 0,
	    "the column file is committed");
	colfile_end(&b);
	csvread_free(&s);

	/* what train and diagnose read from the text */
	csvread_init(&s, &cfg, 1);
	csvread_reread(&s);
	memset(&want, 0, sizeof(want));
	OK(csvread(csv, &s, expect, &want) == 0, "the text reads back");
	OK(want.n == 7, "7 rows: %zu", want.n);
	csvread_free(&s);

	OK(colfile_load(&c, cols, csv) == 0, "it loads: %s", risk_err);
	OK(c.nrow == 7 && c.ncol == 5 && c.nfeat == 3, "7 rows, 5 columns, "
	    "3 features");
	OK(strcmp(c.name[2], "b") == 0 && strcmp(c.name[3], "b.1") == 0,
	    "the repeated name as the reader renames it");
	OK(colfile_find(&c, &cfg, at) == 0 && at[0] == 0 && at[2] == 2,
	    "the features found by name");
	same = 1;
	for (i = 0; i < 7; i++) {
		for (j = 0; j < 3; j++)
			same &= memcmp(&c.x[i * 3 + at[j]], &want.x[i][j],
			    sizeof(double)) == 0;
		same &= c.y[i] == want.y[i];
	}
	OK(same, "every value bit for bit the one the text reads back");
	OK(c.x[3 * 3 + 1] == 123456789012345680. && c.x[0 * 3 + 1] == 0.1,
	    "an integer in a float column as the float parser reads it");
	OK(c.missing[0] == 0 && c.missing[1] == 1 && c.missing[3] == 1 &&
	    c.missing[4] == 1, "the missing fields of each column");
	OK(sha256_file(csv, hex) == 0 && strcmp(hex, c.sha256) == 0,
	    "the digest is finaldata.csv's");
	OK(colfile_verify(&c, csv) == 0, "colfile_verify agrees");
	OK(c.x[5 * 3 + 1] == 0 && signbit(c.x[5 * 3 + 1]) &&
	    !signbit(c.x[5 * 3]), "-0 is -0.0 in a float column, 0 in "
	    "another");
	colfile_free(&c);

	/* the reader's way: opened and checked, then read rows at a time */
	OK(colfile_open(&c, cols, csv) == 0 && c.x == NULL && c.y == NULL,
	    "it opens, holding no values: %s", risk_err);
	{
		double x3[2 * 3];
		signed char y3[2];

		OK(colfile_rows(&c, 4, 2, x3, y3) == 0 &&
		    memcmp(&x3[0 * 3 + at[1]], &want.x[4][1], sizeof(double))
		    == 0 && memcmp(&x3[1 * 3 + at[2]], &want.x[5][2],
		    sizeof(double)) == 0 && y3[0] == want.y[4] &&
		    y3[1] == want.y[5], "rows 5 and 6 read alone, bit for bit");
		OK(colfile_rows(&c, 6, 2, x3, y3) == -1 && strcmp(risk_err,
		    "") != 0 && strstr(risk_err, "rows 6 to 8 of 7") != NULL,
		    "rows past the end refused: %s", risk_err);
	}
	OK(colfile_chunk(&c) == (1 << 20) / 25, "a chunk of about 1 MB: %zu",
	    colfile_chunk(&c));
	colfile_free(&c);

	good = slurp(cols, &len);
	OK(good != NULL && len == 168 + 24 + 32 + 7 * 24 + 8 + 40,
	    "the file's size: %zu", len);

	/* refused: truncated anywhere, foreign, damaged, lying counts */
	for (cut = 0, same = 1; cut < len; cut++)
		same &= loads_cut(good, len, cut);
	OK(same, "every truncation refused");
	OK(loads_patched(good, len, 0, "RWCOLT", 6, "not a column file"),
	    "a foreign magic refused");
	OK(loads_patched(good, len, 8, "\2\0\0\0", 4, "version 2"),
	    "another version refused");
	OK(loads_patched(good, len, 12, "\1\2\3\4", 4, "byte order"),
	    "another byte order refused");
	big = (uint64_t)1 << 61;
	OK(loads_patched(good, len, 16, &big, 8, "counts out of range"),
	    "a huge row count refused before any allocation");
	big = 6;
	OK(loads_patched(good, len, 16, &big, 8, "counts call for"),
	    "a row count the size does not hold refused");
	big = 4;
	OK(loads_patched(good, len, 24, &big, 8, "counts call for"),
	    "a column count the size does not hold refused");
	OK(loads_patched(good, len, 168 + 4, "x", 1, "4 column names, not"),
	    "names one short of the column count refused");
	big = (uint64_t)-1 / 8 + 2;
	OK(loads_patched(good, len, 32, &big, 8, "counts out of range"),
	    "an overflowing feature count refused");
	OK(loads_patched(good, len, 104, "G", 1, "not hex"),
	    "a digest that is not hex refused");
	OK(loads_patched(good, len, 168 + 19, "x", 1, "do not end"),
	    "names without their end refused");
	OK(loads_patched(good, len, 168, "\xff", 1, "bad column names"),
	    "a name not UTF-8 refused");
	big = 9;
	OK(loads_patched(good, len, 168 + 24, &big, 8, "out of range"),
	    "a feature's column out of range refused");
	off = 168 + 24 + 32;
	OK(loads_patched(good, len, off, &inf, 8, "infinite"),
	    "an infinite value refused");
	{
		double nan = 0. / 0.;

		OK(loads_patched(good, len, off, &nan, 8, "disagree"),
		    "a NaN the missing counts do not count refused");
	}
	OK(loads_patched(good, len, off + 7 * 24, &two, 1, "not 0, 1"),
	    "a target of 2 refused");
	big = 8;
	OK(loads_patched(good, len, len - 40, &big, 8, "out of range"),
	    "a missing count above the rows refused");
	{
		char *longer = emalloc(len + 1);

		memcpy(longer, good, len);
		longer[len] = 0;
		writefile(cols, longer, len + 1);
		free(longer);
		OK(colfile_load(&c, cols, NULL) == -1 && strstr(risk_err,
		    "counts call for"), "a byte more refused");
	}

	/* stale: the column file of another finaldata.csv */
	writefile(cols, good, len);
	OK(colfile_load(&c, cols, csv) == 0, "the good file loads again");
	colfile_free(&c);
	{
		struct timespec ts[2] = { { 1000000000, 0 },
		    { 1000000000, 0 } };
		char other[80];

		writefile(csv, text, sizeof(text) - 1);
		utimensat(AT_FDCWD, csv, ts, 0);
		OK(colfile_load(&c, cols, csv) == -1 && strstr(risk_err,
		    "made from another"), "the same bytes written again, "
		    "another mtime: stale");
		writefile(cols, good, len);
		snprintf(other, sizeof(other), "%s.new", csv);
		writefile(other, text, sizeof(text) - 1);
		rename(other, csv);
		OK(colfile_load(&c, cols, csv) == -1 && strstr(risk_err,
		    "made from another"), "the same bytes renamed over it: "
		    "stale");
	}
	free(good);

	unlink(cols);
	unlink(csv);
	rmdir(dir);
	return unit_done();
}
