/*
 * finaldata.cols: the values of finaldata.csv as train and diagnose read
 * them back (the features as number_reread gives them, the target, each
 * column's missing fields), in binary, beside the text. ingest writes it
 * with finaldata.csv; a reader takes it only when it was made from the
 * finaldata.csv now in place, and reads the text otherwise.
 *
 * The format, version 1, in the machine's byte order (a file of another
 * order is refused by its order mark), every size checked against the
 * file's own size before anything is allocated:
 *
 *	off  size  field
 *	0    8     magic "RWCOLS\0\n"
 *	8    4     version (1)
 *	12   4     order mark 0x01020304
 *	16   8     nrow: data rows of finaldata.csv
 *	24   8     ncol: its columns
 *	32   8     nfeat: features stored
 *	40   8     nameslen: bytes of the names
 *	48   8     finaldata.csv's size,
 *	56   16    device and inode,
 *	72   32    mtime and ctime (seconds, nanoseconds), when written
 *	104  64    SHA-256 of finaldata.csv's bytes, lowercase hex
 *	168        ncol names, each ending in NUL; zeros to a multiple of 8
 *	           nfeat + 1 u64: each feature's column, the target's column
 *	           nrow * nfeat doubles, a row at a time, NaN where missing
 *	           nrow signed bytes: the target, 0, 1 or -1 where missing;
 *	           zeros to a multiple of 8
 *	           ncol u64: each column's missing fields
 *
 * The size, device, inode and times tie the file to finaldata.csv at the
 * price of a stat: hashing the text again would cost a good part of what
 * reading it costs. The digest is the data_sha256 train records, and what
 * colfile_verify checks.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "risk.h"

#define MAGIC "RWCOLS\0\n"
#define ORDER 0x01020304u
#define HEADER 168
/* what colfile_open checks and a reader reads at a time: about 1 MB */
#define CHUNKBYTES (1 << 20)

/* the header's fields, as they sit in the file */
struct head {
	char magic[8];
	uint32_t version, order;
	uint64_t nrow, ncol, nfeat, nameslen;
	uint64_t size, dev, ino;
	int64_t mtime, mtime_ns, ctime, ctime_ns;
	char sha256[64];
};

_Static_assert(sizeof(struct head) == HEADER, "the header is 168 bytes");

static uint64_t
pad8(uint64_t n)
{
	return (n + 7) & ~(uint64_t)7;
}

char *
colfile_path(const char *csv)
{
	size_t n = strlen(csv);
	char *p = emalloc(n + 6);

	if (n >= 4 && strcmp(csv + n - 4, ".csv") == 0)
		n -= 4;
	memcpy(p, csv, n);
	memcpy(p + n, ".cols", 6);
	return p;
}

static void
tie(struct head *h, const struct stat *st)
{
	h->size = (uint64_t)st->st_size;
	h->dev = (uint64_t)st->st_dev;
	h->ino = (uint64_t)st->st_ino;
	h->mtime = st->st_mtim.tv_sec;
	h->mtime_ns = st->st_mtim.tv_nsec;
	h->ctime = st->st_ctim.tv_sec;
	h->ctime_ns = st->st_ctim.tv_nsec;
}

/* the bytes the counts call for, or 0 when they overflow */
static uint64_t
expected(const struct head *h)
{
	uint64_t n = HEADER, t;

	if (__builtin_add_overflow(n, pad8(h->nameslen), &n) ||
	    __builtin_mul_overflow(h->nfeat + 1, 8, &t) ||
	    __builtin_add_overflow(n, t, &n) ||
	    __builtin_mul_overflow(h->nrow, h->nfeat, &t) ||
	    __builtin_mul_overflow(t, 8, &t) ||
	    __builtin_add_overflow(n, t, &n) ||
	    __builtin_add_overflow(n, pad8(h->nrow), &n) ||
	    __builtin_mul_overflow(h->ncol, 8, &t) ||
	    __builtin_add_overflow(n, t, &n))
		return 0;
	return n;
}

/* n bytes of fd at off, all of them */
static int
readat(int fd, void *buf, size_t n, uint64_t off, const char *path)
{
	char *p = buf;
	ssize_t k;

	while (n > 0) {
		k = pread(fd, p, n > (1u << 30) ? 1u << 30 : n, (off_t)off);
		if (k == -1) {
			if (errno == EINTR)
				continue;
			return seterr("%s: read: %s", path, strerror(errno));
		}
		if (k == 0)
			return seterr("%s: truncated", path);
		p += k;
		off += (uint64_t)k;
		n -= (size_t)k;
	}
	return 0;
}

static int
ishex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' &&
		    s[i] <= 'f')))
			return 0;
	return 1;
}

/* the header's own checks, the counts against the file's size */
static int
checkhead(const struct head *h, uint64_t size, const char *path)
{
	if (memcmp(h->magic, MAGIC, 8) != 0)
		return seterr("%s: not a column file", path);
	if (h->order != ORDER)
		return seterr("%s: written on a machine of another byte order",
		    path);
	if (h->version != COLFILE_VERSION)
		return seterr("%s: version %u, not %d", path, h->version,
		    COLFILE_VERSION);
	if (h->ncol == 0 || h->ncol > h->nameslen || h->nameslen > size ||
	    h->nfeat > MAXFEAT || h->nrow > size)
		return seterr("%s: counts out of range", path);
	if (expected(h) != size)
		return seterr("%s: %llu bytes, its counts call for %llu "
		    "(truncated or damaged)", path, (unsigned long long)size,
		    (unsigned long long)expected(h));
	if (!ishex(h->sha256, 64))
		return seterr("%s: the digest is not hex", path);
	return 0;
}

static int
names(struct colfile *c, char *buf, size_t len, const char *path)
{
	size_t i, k, start;

	if (buf[len - 1] != '\0')
		return seterr("%s: the names do not end", path);
	c->name = ecalloc(c->ncol, sizeof(*c->name));
	for (i = 0, k = 0, start = 0; i < len; i++) {
		if (buf[i] != '\0')
			continue;
		if (k == c->ncol || !utf8_valid(buf + start, i - start))
			return seterr("%s: bad column names", path);
		c->name[k++] = estrdup(buf + start);
		start = i + 1;
	}
	if (k != c->ncol)
		return seterr("%s: %zu column names, not %zu", path, k,
		    c->ncol);
	return 0;
}

/* the columns the file names for its features and target, and its
 * missing counts, in range */
static int
checkmeta(const struct colfile *c, const char *path)
{
	size_t j;

	for (j = 0; j < c->nfeat; j++)
		if (c->feat[j] >= c->ncol)
			return seterr("%s: a feature's column out of range",
			    path);
	if (c->tcol >= c->ncol)
		return seterr("%s: the target's column out of range", path);
	for (j = 0; j < c->ncol; j++)
		if (c->missing[j] < 0 || (uint64_t)c->missing[j] > c->nrow)
			return seterr("%s: missing counts out of range", path);
	return 0;
}

/* n rows' values, each one that ingest could have written; nan[j] counts
 * feature j's missing values, nan[nfeat] the target's */
static int
checkrows(const struct colfile *c, const double *x, const signed char *y,
    size_t n, long long *nan, const char *path)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < c->nfeat; j++) {
			if (isnan(x[i * c->nfeat + j]))
				nan[j]++;
			else if (!isfinite(x[i * c->nfeat + j]))
				return seterr("%s: an infinite value", path);
		}
		if (y[i] == -1)
			nan[c->nfeat]++;
		else if (y[i] != 0 && y[i] != 1)
			return seterr("%s: a target not 0, 1 or missing",
			    path);
	}
	return 0;
}

/* the missing values counted agree with the file's counts */
static int
agree(const struct colfile *c, const long long *nan, const char *path)
{
	size_t j;

	for (j = 0; j < c->nfeat; j++)
		if (nan[j] != c->missing[c->feat[j]])
			return seterr("%s: the missing values of column %zu "
			    "disagree", path, c->feat[j] + 1);
	if (nan[c->nfeat] != c->missing[c->tcol])
		return seterr("%s: the missing targets disagree", path);
	return 0;
}

/* rows of about CHUNKBYTES: 13 at least, as nfeat <= MAXFEAT */
size_t
colfile_chunk(const struct colfile *c)
{
	return CHUNKBYTES / (c->nfeat * sizeof(double) + 1);
}

/* n rows from row lo into x and y, checked, their missing values added
 * to nan */
static int
readrows(const struct colfile *c, size_t lo, size_t n, double *x,
    signed char *y, long long *nan)
{
	if (lo > c->nrow || n > c->nrow - lo)
		return seterr("%s: rows %zu to %zu of %zu", c->path, lo,
		    lo + n, c->nrow);
	if (readat(c->fd, x, n * c->nfeat * sizeof(*x), c->xoff +
	    (uint64_t)lo * c->nfeat * sizeof(*x), c->path) == -1 ||
	    readat(c->fd, y, n, c->yoff + lo, c->path) == -1)
		return -1;
	return checkrows(c, x, y, n, nan, c->path);
}

int
colfile_rows(const struct colfile *c, size_t lo, size_t n, double *x,
    signed char *y)
{
	long long *nan = ecalloc(c->nfeat + 1, sizeof(*nan));
	int r;

	/* checked again: the file may have changed since colfile_open */
	r = readrows(c, lo, n, x, y, nan);
	free(nan);
	return r;
}

/* the names, the stored columns and the missing counts */
static int
prefix(struct colfile *c, const struct head *h)
{
	uint64_t off = HEADER, *cols;
	size_t i, n;
	char *buf;
	int r;

	n = pad8(h->nameslen);
	buf = emalloc(n);
	if ((r = readat(c->fd, buf, n, off, c->path)) == 0)
		r = names(c, buf, h->nameslen, c->path);
	free(buf);
	if (r == -1)
		return -1;
	off += n;
	n = (c->nfeat + 1) * sizeof(*cols);
	cols = emalloc(n);
	if (readat(c->fd, cols, n, off, c->path) == -1) {
		free(cols);
		return -1;
	}
	c->xoff = off + n;
	c->yoff = c->xoff + (uint64_t)c->nrow * c->nfeat * sizeof(double);
	c->feat = emalloc((c->nfeat + 1) * sizeof(*c->feat));
	for (i = 0; i < c->nfeat; i++)
		c->feat[i] = cols[i] < c->ncol ? cols[i] : c->ncol;
	c->tcol = cols[c->nfeat] < c->ncol ? cols[c->nfeat] : c->ncol;
	free(cols);
	c->missing = emalloc(c->ncol * sizeof(*c->missing));
	if (readat(c->fd, c->missing, c->ncol * sizeof(*c->missing),
	    c->yoff + pad8(c->nrow), c->path) == -1)
		return -1;
	return checkmeta(c, c->path);
}

/* every row checked a chunk at a time, in memory of a chunk */
static int
checkall(const struct colfile *c)
{
	long long *nan = ecalloc(c->nfeat + 1, sizeof(*nan));
	size_t lo, n, chunk = colfile_chunk(c);
	double *x = emalloc(chunk * (c->nfeat ? c->nfeat : 1) * sizeof(*x));
	signed char *y = emalloc(chunk);
	int r = 0;

	for (lo = 0; r == 0 && lo < c->nrow; lo += n) {
		n = c->nrow - lo < chunk ? c->nrow - lo : chunk;
		r = readrows(c, lo, n, x, y, nan);
	}
	if (r == 0)
		r = agree(c, nan, c->path);
	free(x);
	free(y);
	free(nan);
	return r;
}

/* the file's stat and header; with csv, made from the csv now in place */
static int
openhead(struct colfile *c, const char *csv, struct head *h)
{
	struct stat st, cst;
	struct head now;
	char one;
	int cfd, r;

	if ((c->fd = open(c->path, O_RDONLY | O_CLOEXEC)) == -1)
		return seterr("%s: %s", c->path, strerror(errno));
	if (fstat(c->fd, &st) == -1 || !S_ISREG(st.st_mode))
		return seterr("%s: not a regular file", c->path);
	if ((uint64_t)st.st_size < HEADER)
		return seterr("%s: truncated", c->path);
	if (readat(c->fd, h, HEADER, 0, c->path) == -1 ||
	    checkhead(h, (uint64_t)st.st_size, c->path) == -1)
		return -1;
	/* the file did not grow since fstat */
	if (pread(c->fd, &one, 1, st.st_size) != 0)
		return seterr("%s: longer than its counts", c->path);
	if (csv == NULL)
		return 0;
	/* opened, as a reader of the text would open it */
	if ((cfd = open(csv, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(cfd, &cst) == -1) {
		r = seterr("%s: %s", csv, strerror(errno));
		if (cfd != -1)
			close(cfd);
		return r;
	}
	close(cfd);
	memset(&now, 0, sizeof(now));
	tie(&now, &cst);
	if (now.size != h->size || now.dev != h->dev || now.ino != h->ino ||
	    now.mtime != h->mtime || now.mtime_ns != h->mtime_ns ||
	    now.ctime != h->ctime || now.ctime_ns != h->ctime_ns)
		return seterr("%s: made from another %s", c->path, csv);
	return 0;
}

int
colfile_open(struct colfile *c, const char *path, const char *csv)
{
	struct head h;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->path = estrdup(path);
	if (openhead(c, csv, &h) == -1)
		goto fail;
	c->nrow = h.nrow;
	c->ncol = h.ncol;
	c->nfeat = h.nfeat;
	memcpy(c->sha256, h.sha256, 64);
	c->sha256[64] = '\0';
	if (prefix(c, &h) == -1 || checkall(c) == -1)
		goto fail;
	return 0;
fail:
	colfile_free(c);
	return -1;
}

int
colfile_load(struct colfile *c, const char *path, const char *csv)
{
	size_t n;

	if (colfile_open(c, path, csv) == -1)
		return -1;
	n = c->nrow * c->nfeat;
	c->x = emalloc((n > 0 ? n : 1) * sizeof(*c->x));
	c->y = emalloc(c->nrow > 0 ? c->nrow : 1);
	if (colfile_rows(c, 0, c->nrow, c->x, c->y) == -1) {
		colfile_free(c);
		return -1;
	}
	return 0;
}

int
colfile_verify(const struct colfile *c, const char *csv)
{
	char hex[65];

	if (sha256_file(csv, hex) == -1)
		return -1;
	if (strcmp(hex, c->sha256) != 0)
		return seterr("%s: its digest is not the column file's", csv);
	return 0;
}

void
colfile_free(struct colfile *c)
{
	size_t i;

	for (i = 0; c->name != NULL && i < c->ncol; i++)
		free(c->name[i]);
	free(c->name);
	free(c->feat);
	free(c->x);
	free(c->y);
	free(c->missing);
	free(c->path);
	if (c->fd >= 0)
		close(c->fd);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

/* the column of name, or ncol */
static size_t
column(const struct colfile *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->ncol; i++)
		if (strcmp(c->name[i], name) == 0)
			return i;
	return c->ncol;
}

int
colfile_find(const struct colfile *c, const struct config *cfg, size_t *at)
{
	size_t i, j, col;

	for (i = 0; i < cfg->nfeat; i++) {
		col = column(c, cfg->features[i]);
		for (j = 0; j < c->nfeat && c->feat[j] != col; j++)
			;
		if (j == c->nfeat)
			return seterr("no stored values of \"%s\"",
			    cfg->features[i]);
		at[i] = j;
	}
	if (column(c, cfg->target) != c->tcol)
		return seterr("the stored target is not \"%s\"", cfg->target);
	return 0;
}

/* the file's rows to fn as records, a chunk at a time */
static int
feed(const struct colfile *c, const size_t *at, const struct schema *s,
    const char *csv, csvread_fn fn, void *arg)
{
	struct record rec;
	size_t lo, n, i, j, chunk = colfile_chunk(c);
	double *x = emalloc(chunk * (c->nfeat ? c->nfeat : 1) * sizeof(*x));
	signed char *y = emalloc(chunk);
	int r = 0;

	memset(&rec, 0, sizeof(rec));
	rec.path = csv;
	rec.x = emalloc((s->nfeat + 1) * sizeof(*rec.x));
	for (lo = 0; r == 0 && lo < c->nrow; lo += n) {
		n = c->nrow - lo < chunk ? c->nrow - lo : chunk;
		r = colfile_rows(c, lo, n, x, y);
		for (i = 0; r == 0 && i < n; i++) {
			rec.complete = 1;
			for (j = 0; j < s->nfeat; j++)
				if (isnan(rec.x[j] = x[i * c->nfeat + at[j]]))
					rec.complete = 0;
			rec.y = y[i];
			if (rec.y == -1 && s->need_target)
				rec.complete = 0;
			r = fn(&rec, arg);
		}
	}
	free(rec.x);
	free(x);
	free(y);
	return r;
}

/*
 * The records of csv as csvread gives them under csvread_reread, from its
 * column file when one matches it, else from the text. From the column
 * file a record has no fields (nfield 0) and no line; the schema gets
 * the digest and nothing else.
 */
int
colfile_read(const char *csv, struct schema *s, csvread_fn fn, void *arg)
{
	struct colfile c;
	struct config want;
	char *path = colfile_path(csv);
	size_t *at;
	int r;

	r = colfile_open(&c, path, csv);
	free(path);
	if (r == -1)
		return csvread(csv, s, fn, arg);
	memset(&want, 0, sizeof(want));
	want.features = s->want;
	want.nfeat = s->nfeat;
	want.target = (char *)s->target;
	at = emalloc((s->nfeat + 1) * sizeof(*at));
	if (colfile_find(&c, &want, at) == -1) {
		free(at);
		colfile_free(&c);
		return csvread(csv, s, fn, arg);
	}
	r = feed(&c, at, s, csv, fn, arg);
	memcpy(s->digest, c.sha256, sizeof(s->digest));
	free(at);
	colfile_free(&c);
	return r;
}

/* the writer: ingest's rows staged a batch at a time, those kept added */

static int header(struct colbuild *);

void
colfile_begin(struct colbuild *b, const struct schema *s, const char *csv)
{
	size_t i;

	memset(b, 0, sizeof(*b));
	b->path = colfile_path(csv);
	b->ncol = s->ncol;
	b->nfeat = s->nfeat;
	b->tcol = s->tcol;
	b->feat = emalloc((b->nfeat + 1) * sizeof(*b->feat));
	for (i = 0; i < b->nfeat; i++)
		b->feat[i] = s->feat[i];
	b->missing = ecalloc(b->ncol + 1, sizeof(*b->missing));
	b->names = emalloc((b->ncol + 1) * sizeof(*b->names));
	for (i = 0; i < b->ncol; i++)
		b->names[i] = estrdup(s->col[i]);
	b->row = emalloc((b->nfeat + 1) * sizeof(*b->row));
	b->rs.nfeat = b->nfeat;
	csvread_reread(&b->rs);
	b->sha = sha256_new();
	/* a row of one empty field is an empty line, which a reader skips */
	b->ok = b->ncol > 1 && b->tcol != (size_t)-1;
	if (!b->ok)
		return;
	if (atomic_sweep(b->path) == -1 || atomic_open(&b->out, b->path) ==
	    -1) {
		b->ok = 0;
		return;
	}
	b->ok = header(b) == 0;
}

/* room for n more staged bytes; where they go */
static char *
stageroom(struct colbuild *b, size_t n)
{
	if (b->scap - b->slen < n) {
		b->scap = (b->scap + n) * 2 + 256;
		b->stage = erealloc(b->stage, b->scap);
	}
	return b->stage + b->slen;
}

/*
 * A row staged: its target, the columns where it is missing, and each
 * feature's text, or the number itself when the text is an integer of at
 * most 12 characters other than a negative zero: such a text reads back
 * as that integer whatever its column's type (number_reread), and moves
 * no type.
 */
void
colfile_stage(struct colbuild *b, const struct record *r,
    const unsigned char *cls, const double *val)
{
	uint32_t n, nmiss, fast = UINT32_MAX;
	size_t i, k, most;
	char *p, *q;

	if (!b->ok)
		return;
	if (b->nstage == b->ocap) {
		b->ocap = b->ocap ? 2 * b->ocap : 64;
		b->soff = erealloc(b->soff, b->ocap * sizeof(*b->soff));
	}
	b->soff[b->nstage++] = b->slen;
	most = 1 + 4 + 4 * b->ncol;
	for (i = 0; i < b->nfeat; i++)
		most += 4 + 8 + r->len[b->feat[i]];
	p = stageroom(b, most);
	*p++ = (char)r->y;
	q = p;
	p += 4;
	for (i = 0, nmiss = 0; i < b->ncol; i++)
		if (cls != NULL ? cls[i] == COLFILE_NA :
		    csvread_ismissing(r->field[i], r->len[i])) {
			n = (uint32_t)i;
			memcpy(p, &n, 4);
			p += 4;
			nmiss++;
		}
	memcpy(q, &nmiss, 4);
	for (i = 0; i < b->nfeat; i++) {
		k = b->feat[i];
		if (cls != NULL && cls[k] == COLFILE_INT && r->len[k] <= 12 &&
		    (val[k] != 0 || memchr(r->field[k], '-', r->len[k]) ==
		    NULL)) {
			memcpy(p, &fast, 4);
			memcpy(p + 4, &val[k], 8);
			p += 12;
			continue;
		}
		n = (uint32_t)r->len[k];
		memcpy(p, &n, 4);
		memcpy(p + 4, r->field[k], n);
		p += 4 + n;
	}
	b->slen = p - b->stage;
}

void
colfile_take(struct colbuild *b, size_t k)
{
	const char *p;
	uint32_t n, nmiss, j;
	size_t i;
	int y;

	if (!b->ok)
		return;
	p = b->stage + b->soff[k];
	y = (signed char)*p++;
	memcpy(&nmiss, p, 4);
	p += 4;
	for (j = 0; j < nmiss; j++, p += 4) {
		memcpy(&n, p, 4);
		b->missing[n]++;
	}
	for (i = 0; i < b->nfeat; i++) {
		memcpy(&n, p, 4);
		p += 4;
		if (n == UINT32_MAX) {
			memcpy(&b->row[i], p, 8);
			p += 8;
			continue;
		}
		/* what csvread gives of this field, the rows before it read */
		if (csvread_value(&b->rs, i, p, n, &b->row[i]) == -1) {
			b->ok = 0;	/* a reader fails where ingest did not */
			return;
		}
		p += n;
	}
	if (b->nrow == b->ycap) {
		b->ycap = b->ycap ? 2 * b->ycap : 4096;
		b->y = erealloc(b->y, b->ycap);
	}
	b->y[b->nrow++] = (signed char)y;
	if (b->nfeat > 0 && fwrite(b->row, sizeof(*b->row), b->nfeat,
	    b->out.fp) != b->nfeat)
		b->ok = 0;
}

/* where a file's rows begin, to take them back if it is read again */
void
colfile_mark(struct colbuild *b)
{
	char junk[65];
	off_t at;

	if (!b->ok)
		return;
	if (fflush(b->out.fp) == EOF || (at = ftello(b->out.fp)) == -1) {
		b->ok = 0;
		return;
	}
	b->mark.at = at;
	b->mark.nrow = b->nrow;
	b->mark.bytes = b->bytes;
	if (b->mark.missing == NULL) {
		b->mark.missing = emalloc((b->ncol + 1) *
		    sizeof(*b->mark.missing));
		b->mark.type = emalloc(b->nfeat + 1);
		b->mark.bigint = emalloc(b->nfeat + 1);
	}
	memcpy(b->mark.missing, b->missing, b->ncol * sizeof(*b->missing));
	memcpy(b->mark.type, b->rs.type, b->nfeat);
	memcpy(b->mark.bigint, b->rs.bigint, b->nfeat);
	if (b->mark.sha != NULL)
		sha256_end(b->mark.sha, junk);
	b->mark.sha = sha256_copy(b->sha);
}

/* the rows since colfile_mark taken back */
void
colfile_back(struct colbuild *b)
{
	char junk[65];

	b->nstage = 0;
	b->slen = 0;
	if (!b->ok)
		return;
	if (b->mark.sha == NULL || fflush(b->out.fp) == EOF ||
	    ftruncate(fileno(b->out.fp), b->mark.at) == -1 ||
	    fseeko(b->out.fp, b->mark.at, SEEK_SET) == -1) {
		b->ok = 0;
		return;
	}
	b->nrow = b->mark.nrow;
	b->bytes = b->mark.bytes;
	memcpy(b->missing, b->mark.missing, b->ncol * sizeof(*b->missing));
	memcpy(b->rs.type, b->mark.type, b->nfeat);
	memcpy(b->rs.bigint, b->mark.bigint, b->nfeat);
	sha256_end(b->sha, junk);
	b->sha = sha256_copy(b->mark.sha);
}

void
colfile_unstage(struct colbuild *b)
{
	b->nstage = 0;
	b->slen = 0;
}

void
colfile_text(struct colbuild *b, const void *s, size_t n)
{
	b->bytes += n;
	sha256_add(b->sha, s, n);
}

/* the header and the names, the counts to come */
static int
header(struct colbuild *b)
{
	struct head h;
	uint64_t cols[1];
	size_t i;

	memset(&h, 0, sizeof(h));
	memcpy(h.magic, MAGIC, 8);
	h.version = COLFILE_VERSION;
	h.order = ORDER;
	h.ncol = b->ncol;
	h.nfeat = b->nfeat;
	for (i = 0; i < b->ncol; i++)
		h.nameslen += strlen(b->names[i]) + 1;
	if (fwrite(&h, HEADER, 1, b->out.fp) != 1)
		return -1;
	for (i = 0; i < b->ncol; i++)
		if (fwrite(b->names[i], 1, strlen(b->names[i]) + 1,
		    b->out.fp) != strlen(b->names[i]) + 1)
			return -1;
	for (i = h.nameslen; i < pad8(h.nameslen); i++)
		if (putc(0, b->out.fp) == EOF)
			return -1;
	for (i = 0; i <= b->nfeat; i++) {
		cols[0] = i < b->nfeat ? b->feat[i] : b->tcol;
		if (fwrite(cols, sizeof(cols), 1, b->out.fp) != 1)
			return -1;
	}
	b->nameslen = h.nameslen;
	return 0;
}

/* the header as csvread reads it back: the same names */
static int
samenames(const struct colbuild *b, const char *csv)
{
	struct schema s;
	size_t i;
	int same;

	memset(&s, 0, sizeof(s));
	s.target = b->names[b->tcol];
	s.tcol = (size_t)-1;
	if (csvread_header(csv, &s) == -1) {
		csvread_free(&s);
		return 0;
	}
	same = s.ncol == b->ncol;
	for (i = 0; same && i < b->ncol; i++)
		same = strcmp(s.col[i], b->names[i]) == 0;
	csvread_free(&s);
	return same;
}

static int
finish(struct colbuild *b, const char *csv)
{
	struct stat st;
	struct head h;
	uint64_t *missing;
	size_t i;
	long pos;
	int r;

	if (!b->ok || csvread_changedtype(&b->rs) || stat(csv, &st) == -1 ||
	    (uint64_t)st.st_size != b->bytes || !samenames(b, csv))
		return -1;
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, MAGIC, 8);
	h.version = COLFILE_VERSION;
	h.order = ORDER;
	h.nrow = b->nrow;
	h.ncol = b->ncol;
	h.nfeat = b->nfeat;
	h.nameslen = b->nameslen;
	tie(&h, &st);
	memcpy(h.sha256, b->hex, 64);
	if (b->nrow > 0 && fwrite(b->y, 1, b->nrow, b->out.fp) != b->nrow)
		return -1;
	for (i = b->nrow; i < pad8(b->nrow); i++)
		if (putc(0, b->out.fp) == EOF)
			return -1;
	missing = emalloc((b->ncol + 1) * sizeof(*missing));
	for (i = 0; i < b->ncol; i++)
		missing[i] = (uint64_t)b->missing[i];
	r = fwrite(missing, sizeof(*missing), b->ncol, b->out.fp) == b->ncol;
	free(missing);
	if (!r || (pos = ftell(b->out.fp)) == -1 || (uint64_t)pos !=
	    expected(&h) || fseek(b->out.fp, 0, SEEK_SET) == -1 ||
	    fwrite(&h, HEADER, 1, b->out.fp) != 1)
		return -1;
	return atomic_commit(&b->out);
}

/*
 * After csv is in place: the column file of its rows, or none when a
 * reader of the text would see what the rows cannot tell (an error, a
 * second read with other types): the old one is gone then, and readers
 * read the text. -1 only when the old one cannot be removed.
 */
int
colfile_commit(struct colbuild *b, const char *csv)
{
	sha256_end(b->sha, b->hex);
	b->sha = NULL;
	if (finish(b, csv) == -1) {
		atomic_abort(&b->out);
		if (unlink(b->path) == -1 && errno != ENOENT)
			return seterr("%s: %s", b->path, strerror(errno));
	}
	return 0;
}

/* before csv is replaced: no column file that could pass for the new */
int
colfile_remove(struct colbuild *b)
{
	if (unlink(b->path) == -1 && errno != ENOENT)
		return seterr("%s: %s", b->path, strerror(errno));
	return 0;
}

void
colfile_end(struct colbuild *b)
{
	size_t i;

	atomic_abort(&b->out);
	if (b->sha != NULL)
		sha256_end(b->sha, b->hex);
	if (b->mark.sha != NULL)
		sha256_end(b->mark.sha, b->hex);
	free(b->mark.missing);
	free(b->mark.type);
	free(b->mark.bigint);
	for (i = 0; b->names != NULL && i < b->ncol; i++)
		free(b->names[i]);
	free(b->names);
	free(b->feat);
	free(b->missing);
	free(b->row);
	free(b->y);
	free(b->stage);
	free(b->soff);
	free(b->path);
	csvread_free(&b->rs);
	memset(b, 0, sizeof(*b));
}
