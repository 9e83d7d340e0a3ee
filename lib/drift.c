/*
 * Model drift: the score history, the raw, parametric and nonparametric
 * tests with numpy's arithmetic, and the lists of ingested files that
 * tell new data from data already seen.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "risk.h"

static const char *testname[] = { "raw", "parametric", "nonparametric" };

int
drift_parse(const char *name)
{
	int i;

	for (i = 0; i < 3; i++)
		if (strcmp(name, testname[i]) == 0)
			return i;
	return -1;
}

const char *
drift_name(int test)
{
	return test >= 0 && test < 3 ? testname[test] : "?";
}

/* numpy's pairwise sums (not pandas' blocks of them), so that the
 * thresholds are numpy's to the bit */
double
drift_mean(const double *a, size_t n)
{
	return stats_pairwise(a, n) / (double)n;
}

/* population standard deviation (ddof 0), as numpy.std computes it */
double
drift_std(const double *a, size_t n)
{
	double *d = emalloc(n * sizeof(*d)), m = drift_mean(a, n), v;
	size_t i;

	for (i = 0; i < n; i++)
		d[i] = (a[i] - m) * (a[i] - m);
	v = stats_pairwise(d, n) / (double)n;
	free(d);
	return sqrt(v);
}

/* numpy.quantile's default (linear) method on sorted data */
double
drift_quantile(const double *s, size_t n, double q)
{
	double v = (double)(n - 1) * q, t, diff;
	size_t lo = (size_t)floor(v), hi = lo + 1 < n ? lo + 1 : n - 1;

	t = v - (double)lo;
	diff = s[hi] - s[lo];
	if (t >= 0.5)
		return s[hi] - diff * (1 - t);
	return s[lo] + diff * t;
}

static int
cmpdouble(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

void
drift_decide(struct drift *d, int test, double score, double deployed,
    const double *hist, size_t n)
{
	double *s;

	memset(d, 0, sizeof(*d));
	d->asked = test;
	d->test = n < 2 ? DRIFT_RAW : test;
	d->score = score;
	d->n = n;
	switch (d->test) {
	case DRIFT_PARAMETRIC:
		d->center = drift_mean(hist, n);
		d->spread = drift_std(hist, n);
		d->threshold = d->center - 2 * d->spread;
		break;
	case DRIFT_NONPARAMETRIC:
		s = emalloc(n * sizeof(*s));
		memcpy(s, hist, n * sizeof(*s));
		qsort(s, n, sizeof(*s), cmpdouble);
		d->center = drift_quantile(s, n, 0.25);
		d->spread = drift_quantile(s, n, 0.75) - d->center;
		d->threshold = d->center - d->spread * 1.5;
		free(s);
		break;
	default:
		d->center = deployed;
		d->threshold = deployed;
		break;
	}
	d->drift = score < d->threshold;
}

/* the f1 column of scorehistory.csv; no file is an empty history */
int
drift_history(const char *path, double **f1, size_t *n)
{
	char *buf, *line, *next, *eol, *s, *end;
	size_t cap = 0, len;
	long lineno = 0;

	*f1 = NULL;
	*n = 0;
	if (access(path, F_OK) == -1 && errno == ENOENT)
		return 0;
	if ((buf = slurp(path, &len)) == NULL)
		return -1;
	/* by length: a NUL byte is a malformed line, not the end */
	for (line = buf; line < buf + len; line = next) {
		if ((eol = memchr(line, '\n', buf + len - line)) != NULL)
			next = eol + 1;
		else
			next = eol = buf + len;
		*eol = '\0';
		lineno++;
		if (memchr(line, '\0', eol - line) != NULL)
			goto bad;
		if (lineno == 1 && strcmp(line, "time,f1,model,event") == 0)
			continue;
		if (*line == '\0')
			continue;
		if ((s = strchr(line, ',')) == NULL)
			goto bad;
		errno = 0;
		if (*n == cap)
			*f1 = erealloc(*f1, (cap = cap * 2 + 16) * sizeof(**f1));
		(*f1)[*n] = strtod(++s, &end);
		if (end == s || *end != ',' || errno != 0 ||
		    !isfinite((*f1)[*n]) || (*f1)[*n] < 0 || (*f1)[*n] > 1)
			goto bad;
		(*n)++;
	}
	free(buf);
	return 0;
bad:
	seterr("%s:%ld: expected time,f1,model,event with an F1 from 0 to 1",
	    path, lineno);
	free(buf);
	free(*f1);
	*f1 = NULL;
	*n = 0;
	return -1;
}

/* ingestedfiles.txt: path, sha256, rows, tab-separated */
int
drift_readlist(const char *path, struct filelist *l)
{
	char *buf, *line, *next;
	size_t cap = 0;

	l->line = NULL;
	l->n = 0;
	if ((buf = slurp(path, NULL)) == NULL)
		return -1;
	for (line = buf; *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		else
			next = line + strlen(line);
		if (*line == '\0' || *line == '\t')
			continue;
		if (l->n == cap)
			l->line = erealloc(l->line, (cap = cap * 2 + 16) *
			    sizeof(*l->line));
		l->line[l->n++] = estrdup(line);
	}
	free(buf);
	return 0;
}

void
drift_freelist(struct filelist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->line[i]);
	free(l->line);
	l->line = NULL;
	l->n = 0;
}

/* the line recording path, or NULL */
static char *
lookup(const struct filelist *l, const char *path, size_t *at)
{
	size_t i, n = strlen(path);

	for (i = 0; i < l->n; i++)
		if (strncmp(l->line[i], path, n) == 0 &&
		    (l->line[i][n] == '\t' || l->line[i][n] == '\0')) {
			if (at)
				*at = i;
			return l->line[i];
		}
	return NULL;
}

int
drift_isnew(const struct filelist *l, const char *path, const char *sha)
{
	const char *s = lookup(l, path, NULL);
	size_t n = strlen(sha);

	if (s == NULL)
		return DRIFT_NEWFILE;
	s += strlen(path);
	if (*s == '\t' && strncmp(s + 1, sha, n) == 0 &&
	    (s[1 + n] == '\t' || s[1 + n] == '\0'))
		return 0;
	return DRIFT_CHANGED;
}

size_t
drift_mergelist(struct filelist *dst, const struct filelist *src)
{
	size_t i, at, added = 0;
	char *p, *tab, *old;

	for (i = 0; i < src->n; i++) {
		p = estrdup(src->line[i]);
		if ((tab = strchr(p, '\t')) != NULL)
			*tab = '\0';
		old = lookup(dst, p, &at);
		free(p);
		if (old != NULL && strcmp(old, src->line[i]) == 0)
			continue;
		added++;
		if (old != NULL) {
			free(dst->line[at]);
			dst->line[at] = estrdup(src->line[i]);
			continue;
		}
		dst->line = erealloc(dst->line, (dst->n + 1) *
		    sizeof(*dst->line));
		dst->line[dst->n++] = estrdup(src->line[i]);
	}
	return added;
}
