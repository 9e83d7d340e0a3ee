/* a data file read as columns: each feature's values, each column's
 * missing fields (diagnose's summaries, report's figures); finaldata.csv
 * from its column file when that matches it */
#include <stdlib.h>
#include <string.h>

#include "risk.h"

static int
oncolumns(const struct record *r, void *arg)
{
	struct columns *c = arg;
	size_t i;

	if (r == NULL) {	/* the rows come again */
		if (c->missing != NULL)
			memset(c->missing, 0, c->ncol * sizeof(*c->missing));
		c->nrow = 0;
		return 0;
	}
	if (c->nrow == 0 && c->ncol == 0) {
		c->ncol = r->nfield;
		c->missing = ecalloc(c->ncol, sizeof(*c->missing));
	}
	for (i = 0; i < r->nfield; i++)
		if (csvread_ismissing(r->field[i], r->len[i]))
			c->missing[i]++;
	if (c->values) {
		if (c->nrow == c->cap) {
			c->cap = c->cap ? 2 * c->cap : 4096;
			for (i = 0; i < c->nfeat; i++)
				c->x[i] = erealloc(c->x[i],
				    c->cap * sizeof(*c->x[i]));
		}
		for (i = 0; i < c->nfeat; i++)
			c->x[i][c->nrow] = r->x[i];
	}
	c->nrow++;
	return 0;
}

/* the features' values from the column file, a chunk at a time */
static int
fill(struct columns *c, const struct colfile *f, const size_t *at)
{
	size_t lo, n, i, j, chunk = colfile_chunk(f);
	double *x = emalloc(chunk * (f->nfeat ? f->nfeat : 1) * sizeof(*x));
	signed char *y = emalloc(chunk);
	int r = 0;

	for (i = 0; i < c->nfeat; i++)
		c->x[i] = emalloc((c->nrow ? c->nrow : 1) * sizeof(*c->x[i]));
	for (lo = 0; r == 0 && lo < c->nrow; lo += n) {
		n = c->nrow - lo < chunk ? c->nrow - lo : chunk;
		if ((r = colfile_rows(f, lo, n, x, y)) == -1)
			break;
		for (i = 0; i < c->nfeat; i++)
			for (j = 0; j < n; j++)
				c->x[i][lo + j] = x[j * f->nfeat + at[i]];
	}
	free(x);
	free(y);
	return r;
}

/* path's columns from its column file, when that matches path */
static int
fromcolfile(struct columns *c, const char *path, const struct config *cfg,
    int values)
{
	struct colfile f;
	char *cols = colfile_path(path);
	size_t i, *at;
	int r;

	r = colfile_open(&f, cols, path);
	free(cols);
	if (r == -1)
		return -1;
	at = emalloc((cfg->nfeat + 1) * sizeof(*at));
	if (colfile_find(&f, cfg, at) == -1) {
		free(at);
		colfile_free(&f);
		return -1;
	}
	memset(c, 0, sizeof(*c));
	c->values = values;
	c->nrow = c->cap = f.nrow;
	c->ncol = f.ncol;
	c->nfeat = cfg->nfeat;
	c->name = f.name;
	c->missing = f.missing;
	f.name = NULL;
	f.missing = NULL;
	c->feat = ecalloc(c->nfeat + 1, sizeof(*c->feat));
	c->x = ecalloc(c->nfeat + 1, sizeof(*c->x));
	for (i = 0; i < c->nfeat; i++)
		c->feat[i] = f.feat[at[i]];
	r = values ? fill(c, &f, at) : 0;
	free(at);
	colfile_free(&f);
	if (r == -1)
		columns_free(c);
	return r;
}

int
columns_load(struct columns *c, const char *path, const struct config *cfg,
    int flags)
{
	struct schema s;
	size_t i;

	if ((flags & COLUMNS_FINALDATA) && fromcolfile(c, path, cfg,
	    (flags & COLUMNS_VALUES) != 0) == 0)
		return 0;
	memset(c, 0, sizeof(*c));
	c->values = (flags & COLUMNS_VALUES) != 0;
	c->nfeat = cfg->nfeat;
	c->feat = ecalloc(c->nfeat + 1, sizeof(*c->feat));
	c->x = ecalloc(c->nfeat + 1, sizeof(*c->x));
	csvread_init(&s, cfg, 0);
	if (flags & COLUMNS_FINALDATA)
		csvread_reread(&s);
	if (csvread(path, &s, oncolumns, c) == -1) {
		csvread_free(&s);
		columns_free(c);
		return -1;
	}
	/* the header alone: no record said how many columns */
	if (c->ncol == 0) {
		c->ncol = s.ncol;
		c->missing = ecalloc(c->ncol ? c->ncol : 1,
		    sizeof(*c->missing));
	}
	c->name = emalloc((c->ncol ? c->ncol : 1) * sizeof(*c->name));
	for (i = 0; i < c->ncol; i++)
		c->name[i] = estrdup(s.col[i]);
	for (i = 0; i < c->nfeat; i++)
		c->feat[i] = s.feat[i];
	csvread_free(&s);
	return 0;
}

void
columns_free(struct columns *c)
{
	size_t i;

	for (i = 0; c->name && i < c->ncol; i++)
		free(c->name[i]);
	free(c->name);
	free(c->missing);
	for (i = 0; c->x && i < c->nfeat; i++)
		free(c->x[i]);
	free(c->x);
	free(c->feat);
	memset(c, 0, sizeof(*c));
}
