/* data files: streamed through libcsv, validated row by row */
#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "risk.h"

struct reader {
	struct schema *s;
	const char *path;
	char epath[LOG_ESCMAX];	/* the path as messages show it */
	csvread_fn fn;
	void *arg;
	long line;		/* physical line being parsed */
	long recline;		/* line where the current record began */
	long startline;		/* line where the parser's open row began */
	int rowopen;		/* the parser holds part of a row */
	int inrec;
	long lastend;		/* line where the last record ended */
	int header;		/* the header has been read */
	int failed;
	char *buf;		/* field bytes, each NUL-terminated */
	size_t buflen, bufcap;
	size_t *off, *len;
	char **field;
	size_t nfield, fieldcap;
	int headeronly;		/* csvread_header: stop after the header */
	size_t fcol;		/* columns in this file's header */
	size_t *map;		/* each schema column's file column, or NONE */
	size_t *tosch;		/* each file column's schema column */
	char **out;		/* a record's fields in schema order */
	size_t *outlen, outcap;
	double *x;		/* a record's features */
};

#define NONE ((size_t)-1)
enum { TNUM = 1, TBOOL };

/* a map of names to numbers, for headers of any width */
struct names {
	char **key;
	size_t *val;
	size_t cap, n;
};

static size_t *
names_get(struct names *m, const char *k, int add)
{
	size_t j, i, n = strlen(k);

	if (m->n * 2 >= m->cap && add) {
		struct names g = { NULL, NULL, m->cap ? m->cap * 2 : 64, 0 };

		g.key = ecalloc(g.cap, sizeof(*g.key));
		g.val = ecalloc(g.cap, sizeof(*g.val));
		for (i = 0; i < m->cap; i++)
			if (m->key[i] != NULL) {
				j = rowset_hash(m->key[i], strlen(m->key[i])) &
				    (g.cap - 1);
				while (g.key[j] != NULL)
					j = (j + 1) & (g.cap - 1);
				g.key[j] = m->key[i];
				g.val[j] = m->val[i];
			}
		g.n = m->n;
		free(m->key);
		free(m->val);
		*m = g;
	}
	if (m->cap == 0)
		return NULL;
	for (j = rowset_hash(k, n) & (m->cap - 1); m->key[j] != NULL;
	    j = (j + 1) & (m->cap - 1))
		if (strcmp(m->key[j], k) == 0)
			return &m->val[j];
	if (!add)
		return NULL;
	m->key[j] = estrdup(k);
	m->val[j] = 0;
	m->n++;
	return &m->val[j];
}

static size_t
names_count(struct names *m, const char *k)
{
	size_t *v = names_get(m, k, 0);

	return v ? *v : 0;
}

static void
names_free(struct names *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->cap; i++)
		free(m->key[i]);
	free(m->key);
	free(m->val);
	memset(m, 0, sizeof(*m));
}

/*
 * Repeated names renamed as pandas 1.5's C parser renames them: the
 * second "a" becomes "a.1", the third "a.2", skipping a suffixed name the
 * header already holds ("a,a,a.1" is "a,a.2,a.1").
 */
static void
mangle(char **name, size_t n)
{
	struct names counts = { 0 }, present = { 0 };
	size_t i, cur, len;
	char *col, *old;

	for (i = 0; i < n; i++)
		(*names_get(&present, name[i], 1))++;
	for (i = 0; i < n; i++) {
		old = name[i];
		col = NULL;
		cur = names_count(&counts, old);
		while (cur > 0) {
			*names_get(&counts, old, 1) = cur + 1;
			free(col);
			len = strlen(old) + 24;
			col = emalloc(len);
			snprintf(col, len, "%s.%zu", old, cur);
			if (names_count(&present, col) > 0)
				cur++;
			else
				cur = names_count(&counts, col);
		}
		if (col != NULL) {
			(*names_get(&present, old, 1))--;
			(*names_get(&present, col, 1))++;
			free(old);
			name[i] = col;
		}
		*names_get(&counts, name[i], 1) = cur + 1;
	}
	names_free(&counts);
	names_free(&present);
}

int
csvread_ismissing(const char *s, size_t n)
{
	return number_isna(s, n);
}

/* a number as pandas reads it, and finite (scikit-learn refuses inf) */
static int
number(const char *s, size_t n, double *v)
{
	return number_parse(s, n, v) == 0 && isfinite(*v);
}

void
csvread_init(struct schema *s, const struct config *c, int need_target)
{
	memset(s, 0, sizeof(*s));
	s->want = (char **)c->features;
	s->nfeat = c->nfeat;
	s->feat = ecalloc(s->nfeat + 1, sizeof(*s->feat));
	s->target = c->target;
	s->need_target = need_target;
	s->tcol = (size_t)-1;
}

/* forget the header, keep the wanted columns */
static void
clearheader(struct schema *s)
{
	size_t i;

	for (i = 0; i < s->ncol; i++)
		free(s->col[i]);
	free(s->col);
	free(s->headerline);
	free(s->first);
	names_free(s->index);
	free(s->index);
	s->index = NULL;
	s->col = NULL;
	s->headerline = s->first = NULL;
	s->ncol = 0;
}

void
csvread_free(struct schema *s)
{
	clearheader(s);
	free(s->feat);
	free(s->type);
	free(s->bigint);
	s->feat = NULL;
	s->type = s->bigint = NULL;
}

void
csvread_reread(struct schema *s)
{
	s->reread = 1;
	s->type = ecalloc(s->nfeat + 1, 1);
	s->bigint = ecalloc(s->nfeat + 1, 1);
}

/*
 * Feature i's field as the original system's later steps read it from its
 * own finaldata.csv (csvread_reread), the column's type as pandas infers it
 * over the whole column; an integer of 9e14 or more read before the type
 * rose was read wrong, and the read starts over (see csvread_changedtype).
 */
static int
feature(struct schema *s, size_t i, const char *f, size_t n, double *v)
{
	int r;

	if (!s->reread)
		return number(f, n, v);
	if ((r = number_reread(f, n, s->type[i], v)) == -1)
		return 0;
	if (r == 0)
		s->type[i] = NUMBER_FLOAT64;
	else if (fabs(*v) >= 9e14 && s->bigint[i] == 0)
		s->bigint[i] = s->type[i] + 1;
	return isfinite(*v);
}

int
csvread_value(struct schema *s, size_t i, const char *f, size_t n, double *v)
{
	if (feature(s, i, f, n, v))
		return 1;
	if (!csvread_ismissing(f, n))
		return -1;
	*v = NAN;
	if (s->reread && s->type[i] == NUMBER_INT64)
		s->type[i] = NUMBER_INT64NA;
	return 0;
}

static int
fail(struct reader *r, const char *fmt, ...) RISK_PRINTF(2, 3);

static int
fail(struct reader *r, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r->failed = 1;
	return seterr("%s:%ld: %s", r->epath, r->recline, msg);
}

/* a field or name as a message quotes it (fields end in a NUL) */
static const char *
shown(char *buf, size_t size, const char *v, size_t n)
{
	if (!utf8_valid(v, n))
		return "(not UTF-8)";
	return log_esc(buf, size, v, n);
}

/* the first file lacks a column the config names: a config error (a
 * later file without a column the first has is bad data) */
static int
nocolumn(struct reader *r, const char *name, const char *what)
{
	char e[LOG_ESCMAX];

	fail(r, "no column \"%s\" (%s)", log_esc(e, sizeof(e), name,
	    strlen(name)), what);
	risk_status = EXIT_USAGE;
	return -1;
}

static char *
joinheader(char **col, size_t n)
{
	char *buf = NULL;
	size_t len = 0, i;
	FILE *fp = open_memstream(&buf, &len);

	if (fp == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (i > 0)
			putc(',', fp);
		csvwrite_field(fp, col[i], strlen(col[i]));
	}
	fclose(fp);
	return buf;
}

/* the header's names, checked and renamed as pandas renames repeats */
static char **
headernames(struct reader *r)
{
	char **name;
	size_t i;

	for (i = 0; i < r->nfield; i++)
		if (!utf8_valid(r->field[i], r->len[i])) {
			fail(r, "header field %zu: not UTF-8 text, or a NUL byte",
			    i + 1);
			return NULL;
		}
	name = emalloc((r->nfield ? r->nfield : 1) * sizeof(*name));
	for (i = 0; i < r->nfield; i++)
		name[i] = estrdup(r->field[i]);
	mangle(name, r->nfield);
	return name;
}

/*
 * r->map: each of this file's columns' schema column. A column the schema
 * lacks is added at its end while it may grow (the first file, or a header
 * alone); later it means the file changed while it was read. The names
 * are taken or freed.
 */
static int
placecolumns(struct reader *r, char **name, int grow)
{
	struct schema *s = r->s;
	char e[64];
	size_t i, *at;

	r->map = erealloc(r->map, (s->ncol + r->nfield + 1) *
	    sizeof(*r->map));
	for (i = 0; i < r->nfield; i++) {
		if ((at = names_get(s->index, name[i], 0)) != NULL) {
			r->map[i] = *at;
			free(name[i]);
			continue;
		}
		if (!grow) {
			fail(r, "column \"%s\" is new: the file changed while "
			    "it was read", log_esc(e, sizeof(e), name[i],
			    strlen(name[i])));
			while (i < r->nfield)
				free(name[i++]);
			return -1;
		}
		/* a column only this file has: added at the end */
		s->col = erealloc(s->col, (s->ncol + 1) * sizeof(*s->col));
		s->col[s->ncol] = name[i];
		*names_get(s->index, name[i], 1) = s->ncol;
		r->map[i] = s->ncol++;
		free(s->headerline);
		s->headerline = NULL;
	}
	return 0;
}

/* r->map turned around: each schema column's column in this file, and
 * r->tosch the other way */
static void
turnmap(struct reader *r)
{
	struct schema *s = r->s;
	size_t *fmap = emalloc((s->ncol + 1) * sizeof(*fmap));
	size_t i, j;

	for (j = 0; j < s->ncol; j++)
		fmap[j] = NONE;
	for (i = 0; i < r->nfield; i++)
		fmap[r->map[i]] = i;
	free(r->tosch);
	r->tosch = r->map;
	r->map = fmap;
	r->fcol = r->nfield;
	s->realigned = r->fcol != s->ncol;
	for (j = 0; j < s->ncol && !s->realigned; j++)
		s->realigned = r->map[j] != j;
	if (s->headerline == NULL)
		s->headerline = joinheader(s->col, s->ncol);
}

/* the first file finds the features and the target; every file must have
 * them (pandas would fill a file without one with NA) */
static int
findcolumns(struct reader *r)
{
	struct schema *s = r->s;
	char e[64];
	size_t j, *at;

	if (!s->found) {
		for (j = 0; j < s->nfeat; j++) {
			if ((at = names_get(s->index, s->want[j], 0)) == NULL)
				return nocolumn(r, s->want[j], "a feature");
			s->feat[j] = *at;
		}
		at = names_get(s->index, s->target, 0);
		s->tcol = at != NULL ? *at : (size_t)-1;
		if (s->tcol == (size_t)-1 && s->need_target)
			return nocolumn(r, s->target, "the target");
		s->found = 1;
	}
	for (j = 0; j < s->nfeat; j++)
		if (r->map[s->feat[j]] == NONE)
			return fail(r, "no column \"%s\" (a feature)",
			    log_esc(e, sizeof(e), s->col[s->feat[j]],
			    strlen(s->col[s->feat[j]])));
	if (s->tcol != (size_t)-1 && r->map[s->tcol] == NONE)
		return fail(r, "no column \"%s\" (the target)",
		    log_esc(e, sizeof(e), s->col[s->tcol],
		    strlen(s->col[s->tcol])));
	return 0;
}

static int
header(struct reader *r)
{
	struct schema *s = r->s;
	char **name;
	int grow, ret;

	if ((name = headernames(r)) == NULL)
		return -1;
	grow = !s->fixed || r->headeronly;
	if (!s->fixed) {
		clearheader(s);
		s->index = ecalloc(1, sizeof(*s->index));
		s->first = estrdup(r->path);
		s->fixed = 1;
	}
	ret = placecolumns(r, name, grow);
	free(name);
	if (ret == -1)
		return -1;
	turnmap(r);
	return findcolumns(r);
}

/* pandas' true and false words, of a column it reads as boolean */
static int
truth(const char *v, size_t n)
{
	if ((n == 4 && (memcmp(v, "True", 4) == 0 || memcmp(v, "TRUE",
	    4) == 0 || memcmp(v, "true", 4) == 0)))
		return 1;
	if ((n == 5 && (memcmp(v, "False", 5) == 0 || memcmp(v, "FALSE",
	    5) == 0 || memcmp(v, "false", 5) == 0)))
		return 0;
	return -1;
}

/* a record no wider than the header, all of its fields text; a short
 * row's missing trailing fields are missing values */
static int
checkfields(struct reader *r)
{
	struct schema *s = r->s;
	char e[64];
	size_t i;

	if (r->nfield > r->fcol)
		return fail(r, "expected %zu fields, found %zu", r->fcol,
		    r->nfield);
	if (r->nfield < r->fcol)
		s->nshort++;
	for (i = 0; i < r->nfield; i++)
		if (!utf8_valid(r->field[i], r->len[i]))
			return fail(r, "field %zu (%s): not UTF-8 text, or a "
			    "NUL byte", i + 1, log_esc(e, sizeof(e),
			    s->col[r->tosch[i]], strlen(s->col[r->tosch[i]])));
	return 0;
}

/* r->out: the record's fields in schema order, "" where it has none */
static void
toschema(struct reader *r)
{
	struct schema *s = r->s;
	size_t i, j;

	if (r->outcap < s->ncol) {
		r->outcap = s->ncol;
		r->out = erealloc(r->out, r->outcap * sizeof(*r->out));
		r->outlen = erealloc(r->outlen, r->outcap *
		    sizeof(*r->outlen));
	}
	for (j = 0; j < s->ncol; j++) {
		i = r->map[j];
		if (i == NONE || i >= r->nfield) {
			r->out[j] = "";
			r->outlen[j] = 0;
		} else {
			r->out[j] = r->field[i];
			r->outlen[j] = r->len[i];
		}
	}
}

/* each feature a number or missing (the record then incomplete) */
static int
features(struct reader *r, struct record *rec)
{
	struct schema *s = r->s;
	char e1[64], e2[64];
	size_t i, c;
	int t;

	for (i = 0; i < s->nfeat; i++) {
		c = s->feat[i];
		if ((t = csvread_value(s, i, r->out[c], r->outlen[c],
		    &rec->x[i])) == 0)
			rec->complete = 0;
		else if (t == -1)
			return fail(r, "field %zu (%s): \"%s\" is not a number",
			    r->map[c] + 1, log_esc(e1, sizeof(e1), s->col[c],
			    strlen(s->col[c])), shown(e2, sizeof(e2),
			    r->out[c], r->outlen[c]));
	}
	return 0;
}

/*
 * The target: 0 and 1 in any numeric spelling; True and False in a column
 * of only those, which pandas reads as boolean; -1 when missing or when
 * there is no target column.
 */
static int
target(struct reader *r, int *y)
{
	struct schema *s = r->s;
	char e1[64], e2[64];
	const char *f;
	size_t n, c = s->tcol;
	int t, kind = 0;
	double v;

	*y = -1;
	if (c == (size_t)-1)
		return 0;
	f = r->out[c];
	n = r->outlen[c];
	if (number(f, n, &v) && (v == 0 || v == 1))
		t = v == 1, kind = TNUM;
	else if ((t = truth(f, n)) != -1)
		kind = TBOOL;
	else if (!csvread_ismissing(f, n))
		return fail(r, "field %zu (%s): \"%s\" is not 0 or 1",
		    r->map[c] + 1, log_esc(e1, sizeof(e1), s->col[c],
		    strlen(s->col[c])), shown(e2, sizeof(e2), f, n));
	if (kind != 0 && s->tkind != 0 && kind != s->tkind)
		return fail(r, "field %zu (%s): \"%s\" in a column of %s",
		    r->map[c] + 1, log_esc(e1, sizeof(e1), s->col[c],
		    strlen(s->col[c])), shown(e2, sizeof(e2), f, n),
		    s->tkind == TBOOL ? "True and False" : "numbers");
	if (kind != 0)
		s->tkind = kind;
	*y = t;
	return 0;
}

static int
record(struct reader *r)
{
	struct schema *s = r->s;
	struct record rec;

	if (checkfields(r) == -1)
		return -1;
	toschema(r);
	rec.x = r->x;
	rec.path = r->path;
	rec.line = r->recline;
	rec.nfield = s->ncol;
	rec.field = r->out;
	rec.len = r->outlen;
	rec.complete = 1;
	if (features(r, &rec) == -1 || target(r, &rec.y) == -1)
		return -1;
	if (rec.y == -1 && s->need_target)
		rec.complete = 0;
	if (r->fn(&rec, r->arg) == -1) {
		r->failed = 1;
		return -1;
	}
	return 0;
}

static void
onfield(void *f, size_t n, void *arg)
{
	struct reader *r = arg;

	if (r->failed)
		return;
	if (!r->inrec) {
		r->inrec = 1;
		r->recline = r->rowopen ? r->startline : r->line;
		r->nfield = 0;
		r->buflen = 0;
	}
	if (r->nfield == r->fieldcap) {
		r->fieldcap = r->fieldcap ? 2 * r->fieldcap : 16;
		r->off = erealloc(r->off, r->fieldcap * sizeof(*r->off));
		r->len = erealloc(r->len, r->fieldcap * sizeof(*r->len));
		r->field = erealloc(r->field, r->fieldcap * sizeof(*r->field));
	}
	if (r->bufcap - r->buflen < n + 1) {
		while (r->bufcap - r->buflen < n + 1)
			r->bufcap = r->bufcap ? 2 * r->bufcap : 256;
		r->buf = erealloc(r->buf, r->bufcap);
	}
	memcpy(r->buf + r->buflen, f, n);
	r->buf[r->buflen + n] = '\0';
	r->off[r->nfield] = r->buflen;
	r->len[r->nfield++] = n;
	r->buflen += n + 1;
}

static void
onrow(int c, void *arg)
{
	struct reader *r = arg;
	size_t i;

	(void)c;
	if (r->failed || !r->inrec)
		return;
	r->inrec = 0;
	r->rowopen = 0;
	r->lastend = r->line;
	for (i = 0; i < r->nfield; i++)
		r->field[i] = r->buf + r->off[i];
	if (!r->header) {
		r->header = 1;
		header(r);
	} else
		record(r);
}

static int
nospace(unsigned char c)
{
	(void)c;
	return 0;
}

/* a feature's type rose after it read a big integer: that integer was
 * read wrong; the next read knows each column's type from the start */
int
csvread_changedtype(struct schema *s)
{
	size_t i;
	int changed = 0;

	for (i = 0; i < s->nfeat; i++) {
		if (s->bigint[i] != 0 && s->bigint[i] - 1 != s->type[i])
			changed = 1;
		s->bigint[i] = 0;
	}
	return changed;
}

int
csvread(const char *path, struct schema *s, csvread_fn fn, void *arg)
{
	char e[LOG_ESCMAX];
	FILE *fp;
	int r;

	if (strcmp(path, "-") == 0)
		return csvread_fp(stdin, "(stdin)", s, fn, arg);
	if ((fp = fopen(path, "r")) == NULL)
		return seterr("%s: %s", log_escs(e, path), strerror(errno));
	r = csvread_fp(fp, path, s, fn, arg);
	if (r == 0 && s->reread && csvread_changedtype(s)) {
		if (fseek(fp, 0, SEEK_SET) == -1)
			r = seterr("%s: %s", log_escs(e, path),
			    strerror(errno));
		else if ((r = fn(NULL, arg)) == 0)
			r = csvread_fp(fp, path, s, fn, arg);
	}
	fclose(fp);
	return r;
}

static void
parse(struct csv_parser *p, struct reader *r, const char *b, size_t n)
{
	if (r->failed || n == 0)
		return;
	/* a line that is more than a line end starts a row, unless one is
	 * open (a quoted field spanning lines) */
	if (!r->rowopen && b[0] != '\r' && b[0] != '\n') {
		r->rowopen = 1;
		r->startline = r->line;
	}
	if (csv_parse(p, b, n, onfield, onrow, r) != n && !r->failed) {
		r->recline = r->line;
		fail(r, "%s%s", csv_strerror(csv_error(p)),
		    csv_error(p) == CSV_EPARSE ?
		    " (a stray or unclosed quote)" : "");
	}
}

/* the reader has failed, or has read the header it was asked for */
static int
done(const struct reader *r)
{
	return r->failed || (r->headeronly && r->header);
}

/*
 * A block fed to the parser a line at a time, so that the line counter is
 * right when the parser calls back: LF, CRLF and a lone CR each end a
 * line. *atstart and *crpending carry a line's start, and a CR that ends
 * the block, over to the next block.
 */
static void
parseblock(struct csv_parser *p, struct reader *r, const char *b,
    const char *e, int *atstart, int *crpending)
{
	const char *q;

	if (*crpending && *b == '\n')
		parse(p, r, b++, 1);
	*crpending = 0;
	while (b < e && !done(r)) {
		if (*atstart)
			r->line++;
		*atstart = 0;
		for (q = b; q < e && *q != '\n' && *q != '\r'; q++)
			;
		if (q == e) {
			parse(p, r, b, e - b);
			break;
		}
		if (*q == '\r' && q + 1 < e && q[1] == '\n')
			q++;
		else if (*q == '\r' && q + 1 == e)
			*crpending = 1;
		parse(p, r, b, q + 1 - b);
		b = q + 1;
		*atstart = 1;
	}
}

/*
 * The file is read in blocks, each byte parsed once and added to the
 * digest as it goes by, so the digest is that of exactly the bytes read;
 * no more than s->limit bytes when that is set.
 */
static void
readblocks(FILE *fp, struct csv_parser *p, struct reader *r,
    struct sha256 *h)
{
	enum { BLOCK = 65536 };
	struct schema *s = r->s;
	char *buf = emalloc(BLOCK), *b;
	size_t n;
	int first = 1, atstart = 1, crpending = 0;

	while (!done(r) && (s->limit == 0 || s->nbytes < s->limit) &&
	    (n = fread(buf, 1, s->limit == 0 || s->limit - s->nbytes >
	    BLOCK ? BLOCK : (size_t)(s->limit - s->nbytes), fp)) > 0) {
		sha256_add(h, buf, n);
		s->nbytes += n;
		b = buf;
		if (first && n >= 3 && memcmp(b, "\xef\xbb\xbf", 3) == 0)
			b += 3;
		first = 0;
		parseblock(p, r, b, buf + n, &atstart, &crpending);
	}
	free(buf);
}

/* the end of the input: the row the parser still holds, and what went
 * wrong; a read error is an error, never an end of file */
static int
finish(FILE *fp, struct csv_parser *p, struct reader *r)
{
	int ret = 0;

	if (!r->failed && ferror(fp))
		ret = seterr("%s: read: %s", r->epath, strerror(errno));
	if (ret == 0 && !done(r) && csv_fini(p, onfield, onrow, r) != 0 &&
	    !r->failed) {
		if (!r->inrec)
			r->recline = r->rowopen ? r->startline : r->lastend + 1;
		fail(r, "%s", "unclosed quote at end of file");
	}
	if (!r->failed && ret == 0 && !r->header)
		ret = seterr("%s: empty file: no header", r->epath);
	return r->failed ? -1 : ret;
}

static void
reader_free(struct reader *r)
{
	free(r->buf);
	free(r->off);
	free(r->len);
	free(r->field);
	free(r->map);
	free(r->tosch);
	free(r->out);
	free(r->outlen);
	free(r->x);
}

static int
readfp(FILE *fp, const char *name, struct schema *s, csvread_fn fn,
    void *arg, int headeronly)
{
	struct csv_parser p;
	struct reader r;
	struct sha256 *h;
	int ret;

	memset(&r, 0, sizeof(r));
	r.s = s;
	r.path = name;
	log_escs(r.epath, name);
	r.fn = fn;
	r.arg = arg;
	r.headeronly = headeronly;
	s->digest[0] = '\0';
	s->nshort = 0;
	s->realigned = 0;
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
		return seterr("%s: out of memory", r.epath);
	csv_set_space_func(&p, nospace);
	r.x = ecalloc(s->nfeat + 1, sizeof(*r.x));
	h = sha256_new();
	s->nbytes = 0;
	readblocks(fp, &p, &r, h);
	ret = finish(fp, &p, &r);
	sha256_end(h, s->digest);
	if (ret == -1)
		s->digest[0] = '\0';
	csv_free(&p);
	reader_free(&r);
	return ret;
}

int
csvread_fp(FILE *fp, const char *name, struct schema *s, csvread_fn fn,
    void *arg)
{
	return readfp(fp, name, s, fn, arg, 0);
}

int
csvread_header(const char *path, struct schema *s)
{
	char e[LOG_ESCMAX];
	FILE *fp;
	int r;

	if ((fp = fopen(path, "r")) == NULL)
		return seterr("%s: %s", log_escs(e, path), strerror(errno));
	r = readfp(fp, path, s, NULL, NULL, 1);
	fclose(fp);
	return r;
}
