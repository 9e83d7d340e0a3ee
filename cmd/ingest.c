/*
 * ingest: every *.csv of input_folder_path, in byte order of name, into
 * finaldata.csv without exact duplicate rows, and ingestedfiles.txt;
 * -n lists the files the deployment has not seen.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "risk.h"

#define SYNOPSIS "[-hnqV] [-C dir] [-c file] [-o dir]"

/* 2^53: below it a double with no fraction is an integer of 54 bits */
#define TWO53 9007199254740992.0

/* rows are looked up a batch at a time, their slots prefetched */
#define BATCH 64

struct ingest {
	struct rowset seen;
	struct atomic out;
	struct colbuild cols;	/* finaldata.cols beside it */
	struct schema schema;
	int headerdone;
	char *buf;		/* the batch's rows as written out */
	size_t len, cap;
	size_t off[BATCH + 1];
	int nrow;
	long long read, written, filerows;
	char *key;		/* the batch's rows as compared */
	size_t klen, kcap;
	size_t koff[BATCH + 1];
	int mode;		/* how a file's rows are taken: M_* */
	int broken;		/* a kind changed after a row was keyed by it */
	unsigned char *seen_as;	/* each column's values in this file */
	unsigned char *kind;	/* each column's kind in this file */
	unsigned char *used;	/* the kind each column's keyed values had */
	unsigned char *cls;	/* the row's values: C_* */
	double *val;		/* the row's numbers */
	size_t ncol;
	size_t rowbytes;	/* the file's first rows' bytes, about */
	size_t ahead;		/* bytes of this file and the later ones */
	struct progress prog;
	char *final, *listpath;
	struct atomic list;	/* ingestedfiles.txt */
	FILE *realigned;	/* the names of files realigned by name */
	char *names;
	size_t nameslen, nrealigned;
	long long nshort;	/* short rows, their missing fields NA */
};

/*
 * Each file is read once: its rows are keyed by each column's kind so far
 * (M_ONE). pandas infers a column's type per file, from all its values,
 * which decides how duplicates compare: when a kind changes after a row
 * was keyed by the old one, the rest of the file only finds the kinds
 * (broken), what the file added is taken back and it is read again with
 * its kinds known (M_KEYS).
 */
enum { M_ONE, M_KEYS };
/* what a column's values were, and so its kind */
enum { SAW_NUM = 1, SAW_BOOL = 2, SAW_TEXT = 4, SAW_FLOAT = 8 };
enum { K_NA, K_NUM, K_FLOAT, K_BOOL, K_TEXT };
/* what one value is */
enum { C_NA, C_INT, C_FLOAT, C_BOOL, C_TEXT };
_Static_assert((int)C_NA == (int)COLFILE_NA &&
    (int)C_INT == (int)COLFILE_INT, "colfile_stage reads the classes");
/* the first rows of a file, whose length tells how many it may hold */
#define SAMPLE 1024

static const char *
kind(mode_t m)
{
	return S_ISDIR(m) ? "a folder" : S_ISFIFO(m) ? "a FIFO" :
	    S_ISSOCK(m) ? "a socket" : S_ISCHR(m) || S_ISBLK(m) ? "a device" :
	    "not a regular file";
}

/* a control byte would split the path's line in ingestedfiles.txt */
static int
badname(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/* the *.csv regular files of dir, sorted by byte order of name; other
 * *.csv entries are skipped with a warning; a name with a control byte
 * is an error */
static int
listcsv(const char *dir, char ***files, size_t *n)
{
	DIR *d;
	struct dirent *e;
	struct stat st;
	char **v = NULL, *p, esc[LOG_ESCMAX];
	size_t len, cap = 0, all = 0, i;
	int bad = 0;

	*n = 0;
	*files = NULL;
	if ((d = opendir(dir)) == NULL)
		return seterr("%s: %s", dir, strerror(errno));
	while ((e = readdir(d)) != NULL) {
		len = strlen(e->d_name);
		if (e->d_name[0] == '.' || len < 5 ||
		    strcmp(e->d_name + len - 4, ".csv") != 0)
			continue;
		if (all == cap)
			v = erealloc(v, (cap = cap * 2 + 16) * sizeof(*v));
		v[all++] = path_join(dir, e->d_name);
	}
	closedir(d);
	path_sortnames(v, all);
	for (i = 0; i < all; i++) {
		p = v[i];
		log_escs(esc, p);
		if (stat(p, &st) == -1) {
			if (errno == ENOENT && lstat(p, &st) == 0)
				warnx_("%s: a link to nothing, skipped", esc);
			else
				warnx_("%s: %s, skipped", esc, strerror(errno));
			free(p);
		} else if (!S_ISREG(st.st_mode)) {
			warnx_("%s: %s, skipped", esc, kind(st.st_mode));
			free(p);
		} else {
			if (badname(p + strlen(dir))) {
				warnx_("%s: a control character in the name "
				    "(it would break ingestedfiles.txt): "
				    "rename the file", esc);
				bad = 1;
			}
			v[(*n)++] = p;
		}
	}
	if (*n == 0 || bad) {
		while (*n > 0)
			free(v[--*n]);
		free(v);
		return bad ? seterr("nothing written") :
		    seterr("%s: no *.csv files", dir);
	}
	*files = v;
	return 0;
}

static int
needquotes(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
			return 1;
	return 0;
}

/* the row as csvwrite_field would write it, appended to the batch */
static void
formatrow(struct ingest *g, const struct record *r)
{
	size_t i, j, most;
	const char *s;
	char *p;

	/* each field quoted with every byte doubled, a comma or newline */
	for (i = 0, most = 0; i < r->nfield; i++)
		most += 2 * r->len[i] + 3;
	if (g->cap - g->len < most + 1) {
		g->cap = (g->cap + most) * 2 + 4096;
		g->buf = erealloc(g->buf, g->cap);
	}
	p = g->buf + g->len;
	for (i = 0; i < r->nfield; i++) {
		if (i > 0)
			*p++ = ',';
		s = r->field[i];
		if (!needquotes(s, r->len[i])) {
			memcpy(p, s, r->len[i]);
			p += r->len[i];
			continue;
		}
		*p++ = '"';
		for (j = 0; j < r->len[i]; j++) {
			if (s[j] == '"')
				*p++ = '"';
			*p++ = s[j];
		}
		*p++ = '"';
	}
	*p++ = '\n';
	g->len = p - g->buf;
	g->off[++g->nrow] = g->len;
}

/* the batch's new rows to the output, each run of them at once */
static int
flush(struct ingest *g)
{
	unsigned long long h[BATCH];
	size_t from = 0, n;
	int i, isnew;

	for (i = 0; i < g->nrow; i++) {
		h[i] = g->seen.hash(g->key + g->koff[i],
		    g->koff[i + 1] - g->koff[i]);
		rowset_prefetch(&g->seen, h[i]);
	}
	for (i = 0; i <= g->nrow; i++) {
		isnew = 0;
		if (i < g->nrow && (isnew = rowset_addh(&g->seen, g->key +
		    g->koff[i], g->koff[i + 1] - g->koff[i], h[i])) == -1)
			return -1;
		if (isnew) {
			g->written++;
			colfile_take(&g->cols, i);
			colfile_text(&g->cols, g->buf + g->off[i],
			    g->off[i + 1] - g->off[i]);
			continue;
		}
		n = g->off[i] - from;
		if (n > 0 && fwrite(g->buf + from, 1, n, g->out.fp) != n)
			return seterr("%s: write: %s", g->out.path,
			    strerror(errno));
		if (i < g->nrow)
			from = g->off[i + 1];
	}
	colfile_unstage(&g->cols);
	g->nrow = 0;
	g->len = 0;
	g->klen = 0;
	return 0;
}

static int
writeheader(struct ingest *g)
{
	if (g->headerdone)
		return 0;
	g->headerdone = 1;
	if (fputs(g->schema.headerline, g->out.fp) == EOF ||
	    putc('\n', g->out.fp) == EOF)
		return seterr("%s: write: %s", g->out.path, strerror(errno));
	colfile_text(&g->cols, g->schema.headerline,
	    strlen(g->schema.headerline));
	colfile_text(&g->cols, "\n", 1);
	return 0;
}

static int
truthword(const char *v, size_t n)
{
	static const char *w[] = { "False", "FALSE", "false", "True", "TRUE",
	    "true" };
	size_t i;

	if (n != 4 && n != 5)
		return -1;
	for (i = 0; i < 6; i++)
		if (n == 5 - (i >= 3) && memcmp(w[i], v, n) == 0)
			return i >= 3;
	return -1;
}

/*
 * The row as drop_duplicates compares it: a missing value equals a
 * missing value; in a column of numbers (or of True and False, which
 * equal 1 and 0) a value by its double, -0.0 as 0; in a text column by
 * its bytes; a number never equals a text. Written compactly, and so
 * that two rows have the same key exactly when they compare equal: two
 * bits a column (missing, number, text) first, then each value in column
 * order: a number with no fraction below 2^53 as a varint of its zigzag
 * code times two (an even first byte), any other number as the byte 1 and
 * its 8 bytes, a text as a varint of its length and its bytes.
 */
static void
keyrow(struct ingest *g, const struct record *r)
{
	unsigned char *k, *head;
	unsigned long long z;
	long long w;
	double v;
	size_t i, hn = (r->nfield + 3) / 4;

	/* the most a row's key takes: its head, 10 bytes a column of
	 * numbers, 10 and the bytes a text */
	for (i = 0, z = hn; i < r->nfield; i++)
		z += 10 + r->len[i];
	if (g->kcap - g->klen < z) {
		g->kcap = (g->kcap + z) * 2 + 4096;
		g->key = erealloc(g->key, g->kcap);
	}
	head = (unsigned char *)g->key + g->klen;
	memset(head, 0, hn);
	k = head + hn;
	for (i = 0; i < r->nfield; i++) {
		if (g->cls[i] == C_NA)
			continue;
		switch (g->kind[i]) {
		case K_NUM:
		case K_FLOAT:
		case K_BOOL:
			/* in a column of other numbers pandas reads an
			 * integer through its float parser */
			v = g->val[i];
			if (g->kind[i] == K_FLOAT && g->cls[i] == C_INT &&
			    number_float(r->field[i], r->len[i], &v) == -1)
				v = 0;
			/* a value of another kind: the file changed while
			 * it was read again, which its digest will tell */
			if (g->cls[i] == C_TEXT || (g->cls[i] == C_BOOL) !=
			    (g->kind[i] == K_BOOL))
				v = 0;
			head[i / 4] |= 1 << (i % 4 * 2);
			/* -0 is 0 here, as pandas counts them one key */
			if (fabs(v) < TWO53 && v == (double)(w =
			    (long long)v)) {
				z = w < 0 ? ~((unsigned long long)w << 1) :
				    (unsigned long long)w << 1;
				k += rowset_varint(k, z << 1);
			} else {
				*k++ = 1;
				memcpy(k, &v, sizeof(v));
				k += sizeof(v);
			}
			break;
		default:
			head[i / 4] |= 2 << (i % 4 * 2);
			k += rowset_varint(k, r->len[i]);
			memcpy(k, r->field[i], r->len[i]);
			k += r->len[i];
		}
	}
	g->klen = (char *)k - g->key;
	g->koff[g->nrow + 1] = g->klen;
}

static int
kindof(unsigned f)
{
	return (f & SAW_TEXT) || (f & SAW_NUM && f & SAW_BOOL) ? K_TEXT :
	    f & SAW_BOOL ? K_BOOL : f & SAW_FLOAT ? K_FLOAT : f & SAW_NUM ?
	    K_NUM : K_NA;
}

/* what each value of the row is, its number, and so each column's kind */
static void
classify(struct ingest *g, const struct record *r)
{
	static const unsigned char saw[] = { 0, SAW_NUM, SAW_NUM | SAW_FLOAT,
	    SAW_BOOL, SAW_TEXT };
	size_t i;
	int t;

	for (i = 0; i < r->nfield; i++) {
		/* no missing-value word is a number (number_test) */
		if ((t = number_read(r->field[i], r->len[i], &g->val[i])) != -1)
			t = t == 1 ? C_INT : C_FLOAT;
		else if (csvread_ismissing(r->field[i], r->len[i]))
			t = C_NA;
		else if ((t = truthword(r->field[i], r->len[i])) != -1) {
			g->val[i] = t;
			t = C_BOOL;
		} else
			t = C_TEXT;
		g->cls[i] = t;
		if (g->mode == M_KEYS || t == C_NA)
			continue;
		if ((g->seen_as[i] & saw[t]) != saw[t]) {
			g->seen_as[i] |= saw[t];
			g->kind[i] = kindof(g->seen_as[i]);
		}
		if (g->used[i] == K_NA)
			g->used[i] = g->kind[i];
		else if (g->used[i] != g->kind[i])
			g->broken = 1;
	}
}

/* room in the row table for the rows the file and the later ones may
 * hold, judged by the length of the file's first rows: the table then
 * grows at most once a file */
static void
reserve(struct ingest *g, const struct record *r)
{
	size_t i;

	for (i = 0; i < r->nfield; i++)
		g->rowbytes += r->len[i] + 1;
	if (g->filerows == SAMPLE)
		rowset_reserve(&g->seen, g->seen.count + g->ahead /
		    (g->rowbytes / SAMPLE + 1));
}

static int
onrecord(const struct record *r, void *arg)
{
	struct ingest *g = arg;

	g->filerows++;
	classify(g, r);
	if (g->broken)
		return 0;
	if (g->filerows <= SAMPLE && g->mode == M_ONE)
		reserve(g, r);
	g->read++;
	progress_rows(&g->prog, g->read);
	keyrow(g, r);
	formatrow(g, r);
	colfile_stage(&g->cols, r, g->cls, g->val);
	if (g->nrow == BATCH)
		return flush(g);
	return 0;
}

/*
 * The rows of one file: read once, and again only when a column's kind
 * changed after rows were keyed by the old one, what the first read added
 * to the table and the output taken back first. ahead: the bytes of this
 * file and the later ones.
 */
static int
readrows(struct ingest *g, const char *path, size_t ahead)
{
	size_t len, count;
	long long read, written;
	char digest[65];
	off_t at;
	int r;

	/* where the table and the output are before the file */
	if (writeheader(g) == -1 || flush(g) == -1)
		return -1;
	if ((at = ftello(g->out.fp)) == -1)
		return seterr("%s: %s", g->out.path, strerror(errno));
	len = g->seen.len;
	count = g->seen.count;
	colfile_mark(&g->cols);
	read = g->read;
	written = g->written;
	if (g->ncol > 0) {
		memset(g->seen_as, 0, g->ncol);
		memset(g->kind, K_NA, g->ncol);
		memset(g->used, K_NA, g->ncol);
	}
	g->mode = M_ONE;
	g->broken = 0;
	g->filerows = 0;
	g->rowbytes = 0;
	g->ahead = ahead;
	g->schema.limit = 0;
	r = csvread(path, &g->schema, onrecord, g);
	if (r == 0 && !g->broken)
		return 0;
	/* the rows this file added are taken back */
	g->nrow = 0;
	g->len = 0;
	g->klen = 0;
	colfile_back(&g->cols);
	g->read = read;
	g->written = written;
	rowset_truncate(&g->seen, len, count);
	if (fflush(g->out.fp) == EOF || ftruncate(fileno(g->out.fp), at) ==
	    -1 || fseeko(g->out.fp, at, SEEK_SET) == -1)
		return seterr("%s: %s", g->out.path, strerror(errno));
	if (r == -1)
		return -1;
	/* read again, each column's kind known, the same bytes */
	memcpy(digest, g->schema.digest, sizeof(digest));
	g->mode = M_KEYS;
	g->broken = 0;
	g->filerows = 0;
	g->schema.limit = g->schema.nbytes;
	if (csvread(path, &g->schema, onrecord, g) == -1)
		return -1;
	if (strcmp(digest, g->schema.digest) != 0) {
		risk_status = EXIT_FAIL;
		return seterr("%s: changed while it was read", path);
	}
	return 0;
}

/* the files the deployment's ingestedfiles.txt does not record with
 * this content: "path<TAB>new" or "path<TAB>changed" */
static int
newfiles(const struct config *cfg, char **files, size_t n)
{
	struct filelist seen = { NULL, 0 };
	char *list, hex[65];
	size_t i, count = 0;
	int k, r = 0, deployed;

	list = deploy_file(cfg->prod_deployment_path, "ingestedfiles.txt");
	if ((deployed = (access(list, F_OK) == 0)) &&
	    filelist_read(list, &seen) == -1)
		r = -1;
	for (i = 0; r == 0 && i < n; i++) {
		if (sha256_file(files[i], hex) == -1)
			r = -1;
		else if ((k = filelist_isnew(&seen, files[i], hex)) != 0) {
			printf("%s\t%s\n", files[i],
			    k == FILELIST_CHANGED ? "changed" : "new");
			count++;
		}
	}
	if (r == 0)
		r = tool_flush();
	if (r == 0)
		infox("%zu of %zu file%s new to %s%s", count, n,
		    n == 1 ? "" : "s", list, deployed ? "" : " (none yet)");
	filelist_free(&seen);
	free(list);
	return r;
}

/* finaldata.csv and ingestedfiles.txt in outdir opened under temp
 * names, or exit */
static void
eopen(struct ingest *g, const struct config *cfg, const char *outdir)
{
	if (config_mkdir("output_folder_path", outdir) == -1)
		errx_(EXIT_FAIL, "%s", risk_err);
	g->final = path_join(outdir, "finaldata.csv");
	g->listpath = path_join(outdir, "ingestedfiles.txt");
	if (atomic_lock(outdir) == -1 || atomic_sweep(g->final) == -1 ||
	    atomic_sweep(g->listpath) == -1)
		errx_(EXIT_FAIL, "%s", risk_err);
	rowset_init(&g->seen);
	csvread_init(&g->schema, cfg, 1);
	if (atomic_open(&g->out, g->final) == -1)
		errx_(EXIT_FAIL, "%s", risk_err);
	if (atomic_open(&g->list, g->listpath) == -1) {
		atomic_abort(&g->out);
		errx_(EXIT_FAIL, "%s", risk_err);
	}
}

/* the headers first: the output's columns are all files' columns, in the
 * order pandas' concat gives; bad[i] marks a file whose header failed */
static int
readheaders(struct ingest *g, char **files, size_t n, char *bad)
{
	size_t i;
	int ret = EXIT_OK;

	for (i = 0; i < n; i++)
		if (csvread_header(files[i], &g->schema) == -1) {
			warnx_("%s", risk_err);
			bad[i] = 1;
			if (ret < risk_status)
				ret = risk_status;
		}
	g->ncol = g->schema.ncol;
	colfile_begin(&g->cols, &g->schema, g->final);
	g->seen_as = ecalloc(g->ncol, 1);
	g->kind = ecalloc(g->ncol, 1);
	g->used = ecalloc(g->ncol, 1);
	g->cls = ecalloc(g->ncol, 1);
	g->val = ecalloc(g->ncol + 1, sizeof(*g->val));
	return ret;
}

/* the rows of file, ahead bytes of it and the files after it; a failure
 * raises *ret */
static void
readfile(struct ingest *g, const char *file, size_t ahead, int *ret)
{
	if (readrows(g, file, ahead) == -1) {
		warnx_("%s", risk_err);
		if (*ret < risk_status)
			*ret = risk_status;
		return;
	}
	g->nshort += g->schema.nshort;
	if (g->schema.realigned)
		fprintf(g->realigned, "%s%s", g->nrealigned++ ? ", " : "",
		    file);
	if (fprintf(g->list.fp, "%s\t%s\t%lld\n", file, g->schema.digest,
	    g->filerows) < 0) {
		warnx_("%s: write: %s", g->listpath, strerror(errno));
		*ret = EXIT_FAIL;
	}
}

/* every file's rows, the bad ones left out */
static int
readfiles(struct ingest *g, char **files, size_t n)
{
	size_t i, rest, *size;
	struct stat st;
	char *bad;
	int ret;

	/* the files' sizes: room in the row table for the rows they may hold */
	size = ecalloc(n, sizeof(*size));
	for (i = 0, rest = 0; i < n; i++)
		if (stat(files[i], &st) == 0)
			rest += size[i] = st.st_size;
	bad = ecalloc(n, 1);
	ret = readheaders(g, files, n, bad);
	g->realigned = open_memstream(&g->names, &g->nameslen);
	progress_start(&g->prog, "read");
	for (i = 0; i < n; i++) {
		rest -= size[i];
		if (!bad[i])
			readfile(g, files[i], size[i] + rest, &ret);
	}
	progress_clear();
	fclose(g->realigned);
	free(bad);
	free(size);
	return ret;
}

/* both outputs on disk under their temp names, then both renamed, and
 * the column file after them; or none */
static int
finish(struct ingest *g, size_t nfiles, int ret)
{
	char shortrows[24];

	snprintf(shortrows, sizeof(shortrows), "%lld row%s", g->nshort,
	    g->nshort == 1 ? "" : "s");
	if (ret == EXIT_OK && (writeheader(g) == -1 || flush(g) == -1 ||
	    atomic_sync(&g->out) == -1 || atomic_sync(&g->list) == -1)) {
		warnx_("%s", risk_err);
		ret = EXIT_FAIL;
	}
	if (ret != EXIT_OK) {
		atomic_abort(&g->out);
		atomic_abort(&g->list);
		warnx_("nothing written");
	} else if (colfile_remove(&g->cols) == -1 ||
	    atomic_commit(&g->out) == -1 || atomic_commit(&g->list) == -1 ||
	    colfile_commit(&g->cols, g->final) == -1) {
		warnx_("%s", risk_err);
		atomic_abort(&g->out);
		atomic_abort(&g->list);
		ret = EXIT_FAIL;
	} else
		infox("%zu file%s, %lld rows read, %lld duplicates dropped, "
		    "%lld rows written to %s%s%s%s%s%s", nfiles,
		    nfiles == 1 ? "" : "s", g->read, g->read - g->written,
		    g->written, g->final, g->nshort ? "; " : "",
		    g->nshort ? shortrows : "", g->nshort ? " short, missing "
		    "fields as NA" : "", g->nrealigned ? "; realigned by "
		    "column name: " : "", g->nrealigned ? g->names : "");
	return ret;
}

static void
freeingest(struct ingest *g)
{
	free(g->final);
	free(g->listpath);
	free(g->names);
	free(g->buf);
	free(g->key);
	free(g->seen_as);
	free(g->kind);
	free(g->used);
	free(g->cls);
	free(g->val);
	colfile_end(&g->cols);
	rowset_free(&g->seen);
	csvread_free(&g->schema);
}

static void
freefiles(char **files, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(files[i]);
	free(files);
}

int
main(int argc, char *argv[])
{
	const char *outdir = NULL;
	int listnew = 0;
	const struct toolarg args[] = {
		{ 'n', NULL, NULL, "list the input files the deployment has "
		    "not seen; write nothing (default: ingest them)",
		    .flag = &listnew },
		{ 'o', NULL, "dir", "write finaldata.csv and ingestedfiles.txt "
		    "in dir (default: output_folder_path)", .str = &outdir },
		{ 0 }
	};
	struct toolopt opt = { SYNOPSIS, args, 0, NULL, NULL };
	struct config cfg;
	struct ingest g;
	char **files;
	size_t nfiles;
	int ret = EXIT_OK;

	tool_parse(&opt, argc, argv);
	if (tool_start(&opt, &cfg) == -1)
		errx_(risk_status, "%s", risk_err);
	if (config_dir("input_folder_path", cfg.input_folder_path) == -1)
		errx_(EXIT_USAGE, "%s", risk_err);
	if (listcsv(cfg.input_folder_path, &files, &nfiles) == -1)
		errx_(EXIT_FAIL, "%s", risk_err);
	if (listnew) {
		if (newfiles(&cfg, files, nfiles) == -1)
			errx_(EXIT_FAIL, "%s", risk_err);
	} else {
		memset(&g, 0, sizeof(g));
		eopen(&g, &cfg, outdir ? outdir : cfg.output_folder_path);
		ret = finish(&g, nfiles, readfiles(&g, files, nfiles));
		freeingest(&g);
	}
	freefiles(files, nfiles);
	config_free(&cfg);
	return ret;
}
