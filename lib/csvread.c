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
};

int
csv_ismissing(const char *s, size_t n)
{
	return number_isna(s, n);
}

int
utf8_valid(const char *str, size_t n)
{
	static const unsigned min[] = { 0, 0x80, 0x800, 0x10000 };
	const unsigned char *s = (const unsigned char *)str, *e = s + n;
	unsigned c;
	int k, i;

	while (s < e) {
		c = *s++;
		if (c < 0x80) {
			if (c == 0)
				return 0;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			k = 1, c &= 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			k = 2, c &= 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			k = 3, c &= 0x07;
		else
			return 0;
		if (e - s < k)
			return 0;
		for (i = 0; i < k; i++) {
			if ((*s & 0xc0) != 0x80)
				return 0;
			c = c << 6 | (*s++ & 0x3f);
		}
		if (c < min[k] || (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
			return 0;
	}
	return 1;
}

/* a number as pandas reads it, and finite (scikit-learn refuses inf) */
static int
number(const char *s, size_t n, double *v)
{
	return number_parse(s, n, v) == 0 && isfinite(*v);
}

int
csvwrite_field(FILE *fp, const char *s, size_t n)
{
	size_t i;

	if (strcspn(s, ",\"\r\n") >= n)
		return fwrite(s, 1, n, fp) == n ? 0 : -1;
	if (putc('"', fp) == EOF)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] == '"' && putc('"', fp) == EOF)
			return -1;
		if (putc(s[i], fp) == EOF)
			return -1;
	}
	return putc('"', fp) == EOF ? -1 : 0;
}

void
schema_init(struct schema *s, const struct config *c, int need_target)
{
	memset(s, 0, sizeof(*s));
	s->want = (char **)c->features;
	s->nfeat = c->nfeat;
	s->target = c->target;
	s->need_target = need_target;
	s->tcol = (size_t)-1;
}

void
schema_free(struct schema *s)
{
	size_t i;

	for (i = 0; i < s->ncol; i++)
		free(s->col[i]);
	free(s->col);
	free(s->headerline);
	free(s->first);
	s->col = NULL;
	s->headerline = s->first = NULL;
	s->ncol = 0;
}

static int
fail(struct reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

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

/* where a later file's header first differs from the first file's */
static int
mismatch(struct reader *r)
{
	struct schema *s = r->s;
	char e1[64], e2[64], first[LOG_ESCMAX];
	size_t i;

	log_esc(first, sizeof(first), s->first, strlen(s->first));
	for (i = 0; i < s->ncol && i < r->nfield; i++)
		if (strcmp(s->col[i], r->field[i]) != 0)
			return fail(r, "header differs from %s's: column %zu is "
			    "\"%s\", not \"%s\"", first, i + 1,
			    shown(e1, sizeof(e1), r->field[i], r->len[i]),
			    log_esc(e2, sizeof(e2), s->col[i], strlen(s->col[i])));
	if (r->nfield > s->ncol)
		return fail(r, "header differs from %s's: an extra column "
		    "%zu \"%s\"", first, i + 1,
		    shown(e1, sizeof(e1), r->field[i], r->len[i]));
	return fail(r, "header differs from %s's: no column %zu \"%s\"",
	    first, i + 1, log_esc(e2, sizeof(e2), s->col[i],
	    strlen(s->col[i])));
}

static int
header(struct reader *r)
{
	struct schema *s = r->s;
	struct rowset names;
	char e[64];
	size_t i, j;
	int k = 1;

	for (i = 0; i < r->nfield; i++)
		if (!utf8_valid(r->field[i], r->len[i]))
			return fail(r, "header field %zu: not UTF-8 text, or a "
			    "NUL byte", i + 1);
	if (s->fixed) {
		int same = r->nfield == s->ncol;

		for (i = 0; same && i < s->ncol; i++)
			same = strcmp(s->col[i], r->field[i]) == 0;
		return same ? 0 : mismatch(r);
	}
	rowset_init(&names);
	rowset_reserve(&names, r->nfield);
	for (i = 0; i < r->nfield && k == 1; i++)
		k = rowset_add(&names, r->field[i], r->len[i]);
	rowset_free(&names);
	if (k == -1)
		return fail(r, "%s", risk_err);
	if (k == 0)
		return fail(r, "column \"%s\" named twice",
		    log_esc(e, sizeof(e), r->field[i - 1], r->len[i - 1]));
	for (j = 0; j < s->nfeat; j++) {
		for (i = 0; i < r->nfield; i++)
			if (strcmp(s->want[j], r->field[i]) == 0)
				break;
		if (i == r->nfield)
			return fail(r, "no column \"%s\" (a feature)",
			    log_esc(e, sizeof(e), s->want[j], strlen(s->want[j])));
		s->feat[j] = i;
	}
	s->tcol = (size_t)-1;
	for (i = 0; i < r->nfield; i++)
		if (strcmp(s->target, r->field[i]) == 0)
			s->tcol = i;
	if (s->tcol == (size_t)-1 && s->need_target)
		return fail(r, "no column \"%s\" (the target)",
		    log_esc(e, sizeof(e), s->target, strlen(s->target)));
	schema_free(s);
	s->ncol = r->nfield;
	s->col = emalloc(s->ncol * sizeof(*s->col));
	for (i = 0; i < s->ncol; i++)
		s->col[i] = estrdup(r->field[i]);
	s->headerline = joinheader(s->col, s->ncol);
	s->first = estrdup(r->path);
	s->fixed = 1;
	return 0;
}

static int
record(struct reader *r)
{
	struct schema *s = r->s;
	struct record rec;
	char e1[64], e2[64];
	size_t i, c;
	double v;

	if (r->nfield != s->ncol)
		return fail(r, "expected %zu fields, found %zu", s->ncol,
		    r->nfield);
	for (i = 0; i < r->nfield; i++)
		if (!utf8_valid(r->field[i], r->len[i]))
			return fail(r, "field %zu (%s): not UTF-8 text, or a "
			    "NUL byte", i + 1, log_esc(e1, sizeof(e1),
			    s->col[i], strlen(s->col[i])));
	rec.path = r->path;
	rec.line = r->recline;
	rec.nfield = r->nfield;
	rec.field = r->field;
	rec.len = r->len;
	rec.complete = 1;
	for (i = 0; i < s->nfeat; i++) {
		c = s->feat[i];
		if (number(r->field[c], r->len[c], &v))
			rec.x[i] = v;
		else if (csv_ismissing(r->field[c], r->len[c])) {
			rec.x[i] = NAN;
			rec.complete = 0;
		} else
			return fail(r, "field %zu (%s): \"%s\" is not a number",
			    c + 1, log_esc(e1, sizeof(e1), s->col[c],
			    strlen(s->col[c])), shown(e2, sizeof(e2),
			    r->field[c], r->len[c]));
	}
	rec.y = -1;
	if ((c = s->tcol) != (size_t)-1) {
		if (r->len[c] == 1 && (r->field[c][0] == '0' ||
		    r->field[c][0] == '1'))
			rec.y = r->field[c][0] - '0';
		else if (!csv_ismissing(r->field[c], r->len[c]))
			return fail(r, "field %zu (%s): \"%s\" is not 0 or 1",
			    c + 1, log_esc(e1, sizeof(e1), s->col[c],
			    strlen(s->col[c])), shown(e2, sizeof(e2),
			    r->field[c], r->len[c]));
	}
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

/*
 * The file is read in blocks, each byte parsed once and added to the
 * digest as it goes by, so the digest is that of exactly the bytes read;
 * a read error is an error, never an end of file. Blocks are fed to the
 * parser a line at a time so that the line counter is right when the
 * parser calls back: LF, CRLF and a lone CR each end a line.
 */
int
csvread_fp(FILE *fp, const char *name, struct schema *s, csvread_fn fn,
    void *arg)
{
	enum { BLOCK = 65536 };
	struct csv_parser p;
	struct reader r;
	struct sha256 *h;
	char *buf, *b, *e, *q;
	size_t n;
	int ret = 0, first = 1, atstart = 1, crpending = 0;

	memset(&r, 0, sizeof(r));
	r.s = s;
	r.path = name;
	log_escs(r.epath, name);
	r.fn = fn;
	r.arg = arg;
	s->digest[0] = '\0';
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
		return seterr("%s: out of memory", r.epath);
	csv_set_space_func(&p, nospace);
	buf = emalloc(BLOCK);
	h = sha256_new();
	while (!r.failed && (n = fread(buf, 1, BLOCK, fp)) > 0) {
		sha256_add(h, buf, n);
		b = buf;
		e = buf + n;
		if (first && n >= 3 && memcmp(b, "\xef\xbb\xbf", 3) == 0)
			b += 3;
		first = 0;
		if (crpending && *b == '\n')
			parse(&p, &r, b++, 1);
		crpending = 0;
		while (b < e && !r.failed) {
			if (atstart)
				r.line++;
			atstart = 0;
			for (q = b; q < e && *q != '\n' && *q != '\r'; q++)
				;
			if (q == e) {
				parse(&p, &r, b, e - b);
				break;
			}
			if (*q == '\r' && q + 1 < e && q[1] == '\n')
				q++;
			else if (*q == '\r' && q + 1 == e)
				crpending = 1;
			parse(&p, &r, b, q + 1 - b);
			b = q + 1;
			atstart = 1;
		}
	}
	if (!r.failed && ferror(fp))
		ret = seterr("%s: read: %s", r.epath, strerror(errno));
	if (!r.failed && ret == 0 &&
	    csv_fini(&p, onfield, onrow, &r) != 0 && !r.failed) {
		if (!r.inrec)
			r.recline = r.rowopen ? r.startline : r.lastend + 1;
		fail(&r, "%s", "unclosed quote at end of file");
	}
	if (!r.failed && ret == 0 && !r.header)
		ret = seterr("%s: empty file: no header", r.epath);
	if (r.failed)
		ret = -1;
	sha256_end(h, s->digest);
	if (ret == -1)
		s->digest[0] = '\0';
	csv_free(&p);
	free(buf);
	free(r.buf);
	free(r.off);
	free(r.len);
	free(r.field);
	return ret;
}
