/*
 * The reference profile: what the data drift tests keep of a deployment's
 * training data, so that no deployment depends on finaldata.csv staying
 * put. Its file, history/ID/reference.json, is
 *
 *   {"format":"riskwatch-reference/1","data_sha256":HEX,"rows":N,
 *    "sample_rows":K,"target":{"name":T,"missing":M,"counts":[C0,C1]},
 *    "features":[{"name":F,"missing":M,"values":[...]},...]}
 *
 * rows is every row of the data, missing counts over all of them; values
 * are a feature's values in a sample of at most drift.reference_rows rows,
 * missing ones left out, in ascending order. The sample is reservoir
 * sampling (Algorithm R) driven by splitmix64 from a fixed seed: the same
 * data in the same order always gives the same sample, in one pass and
 * memory for the sample only.
 */
#include <sys/stat.h>

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "risk.h"

/* a file larger than this is not a profile: 10000 features of 10000
 * values each take about 2 GB, far past any sample worth keeping */
#define PROFILE_MAXBYTES (512LL << 20)
#define PROFILE_SEED 0x5eed0f5a3b1e5eedULL

struct sampling {
	struct profile *p;
	size_t cap;		/* rows kept at most */
	double *row;		/* cap rows of nfeat values */
	uint64_t state;
	long long seen;
};

static uint64_t
splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int
onrow(const struct record *r, void *arg)
{
	struct sampling *s = arg;
	struct profile *p = s->p;
	uint64_t j;
	size_t i;

	for (i = 0; i < p->nfeat; i++)
		if (isnan(r->x[i]))
			p->missing[i]++;
	if (r->y == 0 || r->y == 1)
		p->classes[r->y]++;
	else
		p->tmissing++;
	if ((uint64_t)s->seen < s->cap)
		j = s->seen;
	else
		j = splitmix64(&s->state) % ((uint64_t)s->seen + 1);
	if (j < s->cap)
		memcpy(s->row + j * p->nfeat, r->x, p->nfeat * sizeof(double));
	s->seen++;
	return 0;
}

static int
cmpdouble(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
profile_make(struct profile *p, const char *path, const struct config *cfg,
    size_t cap)
{
	struct sampling s;
	struct schema sch;
	size_t i, k, n;
	int r;

	memset(p, 0, sizeof(*p));
	p->nfeat = cfg->nfeat;
	p->name = ecalloc(p->nfeat, sizeof(*p->name));
	p->missing = ecalloc(p->nfeat, sizeof(*p->missing));
	p->x = ecalloc(p->nfeat, sizeof(*p->x));
	p->n = ecalloc(p->nfeat, sizeof(*p->n));
	for (i = 0; i < p->nfeat; i++)
		p->name[i] = estrdup(cfg->features[i]);
	p->target = estrdup(cfg->target);
	memset(&s, 0, sizeof(s));
	s.p = p;
	s.cap = cap;
	s.state = PROFILE_SEED;
	s.row = emalloc((cap ? cap : 1) * (p->nfeat ? p->nfeat : 1) *
	    sizeof(double));
	csvread_init(&sch, cfg, 0);
	r = csvread(path, &sch, onrow, &s);
	if (r == 0) {
		p->hastarget = sch.tcol != (size_t)-1;
		memcpy(p->data_sha256, sch.digest, sizeof(p->data_sha256));
	}
	csvread_free(&sch);
	if (r == -1) {
		free(s.row);
		profile_free(p);
		return -1;
	}
	p->rows = s.seen;
	p->sample = (uint64_t)s.seen < cap ? (size_t)s.seen : cap;
	for (i = 0; i < p->nfeat; i++) {
		p->x[i] = emalloc((p->sample ? p->sample : 1) * sizeof(double));
		for (k = n = 0; k < p->sample; k++)
			if (!isnan(s.row[k * p->nfeat + i]))
				p->x[i][n++] = s.row[k * p->nfeat + i];
		qsort(p->x[i], n, sizeof(double), cmpdouble);
		p->n[i] = n;
	}
	free(s.row);
	return 0;
}

void
profile_free(struct profile *p)
{
	size_t i;

	for (i = 0; i < p->nfeat; i++) {
		if (p->name)
			free(p->name[i]);
		if (p->x)
			free(p->x[i]);
	}
	free(p->name);
	free(p->x);
	free(p->n);
	free(p->missing);
	free(p->target);
	memset(p, 0, sizeof(*p));
}

static json_t *
tojson(const struct profile *p)
{
	json_t *feats = json_array(), *v;
	size_t i, k;

	for (i = 0; i < p->nfeat; i++) {
		v = json_array();
		for (k = 0; k < p->n[i]; k++)
			json_array_append_new(v, json_real(p->x[i][k]));
		json_array_append_new(feats, json_pack("{s:s, s:I, s:o}",
		    "name", p->name[i], "missing", (json_int_t)p->missing[i],
		    "values", v));
	}
	return json_pack("{s:s, s:s, s:I, s:I, s:{s:s, s:I, s:[I, I]}, s:o}",
	    "format", PROFILE_FORMAT, "data_sha256", p->data_sha256,
	    "rows", (json_int_t)p->rows, "sample_rows", (json_int_t)p->sample,
	    "target", "name", p->target, "missing", (json_int_t)p->tmissing,
	    "counts", (json_int_t)p->classes[0], (json_int_t)p->classes[1],
	    "features", feats);
}

int
profile_save(const struct profile *p, const char *path)
{
	struct atomic a;
	json_t *o = tojson(p);

	if (o == NULL)
		return seterr("%s: cannot build the profile", path);
	if (atomic_open(&a, path) == -1) {
		json_decref(o);
		return -1;
	}
	if (jsonout(a.fp, o) == -1 || putc('\n', a.fp) == EOF) {
		json_decref(o);
		atomic_abort(&a);
		return seterr("%s: write error", path);
	}
	json_decref(o);
	return atomic_commit(&a);
}

int
profile_write(const struct config *cfg, const char *data, const char *dir)
{
	struct profile p;
	char *path;
	int r;

	if (profile_make(&p, data, cfg, cfg->drift_rows) == -1)
		return -1;
	path = path_join(dir, PROFILE_FILE);
	r = profile_save(&p, path);
	free(path);
	profile_free(&p);
	return r;
}

/* a count: an integer from 0 to max */
static int
count(const char *path, const char *key, json_t *v, long long max,
    long long *dst)
{
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > max)
		return seterr("%s: key \"%s\": expected an integer from 0 to "
		    "%lld", path, key, max);
	*dst = json_integer_value(v);
	return 0;
}

static int
name(const char *path, const char *key, json_t *v, char **dst)
{
	const char *s = json_string_value(v);

	if (s == NULL || *s == '\0' || strlen(s) != json_string_length(v) ||
	    !config_name(s))
		return seterr("%s: key \"%s\": expected a name (a non-empty "
		    "string without control characters)", path, key);
	*dst = estrdup(s);
	return 0;
}

static int
feature(struct profile *p, size_t i, json_t *f, const char *path)
{
	char key[64];
	json_t *vals, *e;
	long long m;
	size_t k;
	double d;

	snprintf(key, sizeof(key), "features[%zu].name", i);
	if (!json_is_object(f))
		return seterr("%s: key \"features[%zu]\": expected an object",
		    path, i);
	if (name(path, key, json_object_get(f, "name"), &p->name[i]) == -1)
		return -1;
	snprintf(key, sizeof(key), "features[%zu].missing", i);
	if (count(path, key, json_object_get(f, "missing"), p->rows, &m) == -1)
		return -1;
	p->missing[i] = m;
	vals = json_object_get(f, "values");
	if (!json_is_array(vals) || json_array_size(vals) > p->sample ||
	    (long long)json_array_size(vals) > p->rows - m)
		return seterr("%s: key \"features[%zu].values\": expected an "
		    "array of at most %zu numbers", path, i, p->sample);
	p->x[i] = emalloc((json_array_size(vals) + 1) * sizeof(double));
	json_array_foreach(vals, k, e) {
		d = json_number_value(e);
		if (!json_is_number(e) || !isfinite(d))
			return seterr("%s: key \"features[%zu].values[%zu]\": "
			    "expected a finite number", path, i, k);
		if (k > 0 && d < p->x[i][k - 1])
			return seterr("%s: key \"features[%zu].values[%zu]\": "
			    "%.17g is below the value before it (the values "
			    "are sorted)", path, i, k, d);
		p->x[i][k] = d;
		p->n[i]++;
	}
	for (k = 0; k < i; k++)
		if (strcmp(p->name[k], p->name[i]) == 0)
			return seterr("%s: key \"features[%zu].name\": \"%s\" "
			    "named twice", path, i, p->name[i]);
	return 0;
}

static int
fromjson(struct profile *p, json_t *o, const char *path)
{
	json_t *t, *c, *f;
	const char *s;
	long long v[2];
	size_t i;

	s = json_string_value(json_object_get(o, "format"));
	if (s == NULL || strcmp(s, PROFILE_FORMAT) != 0)
		return seterr("%s: key \"format\": expected \"%s\"", path,
		    PROFILE_FORMAT);
	s = json_string_value(json_object_get(o, "data_sha256"));
	if (s == NULL || strlen(s) != 64 || strspn(s, "0123456789abcdef") !=
	    64)
		return seterr("%s: key \"data_sha256\": expected 64 hex "
		    "digits", path);
	memcpy(p->data_sha256, s, 65);
	if (count(path, "rows", json_object_get(o, "rows"), 1LL << 53,
	    &p->rows) == -1 || count(path, "sample_rows", json_object_get(o,
	    "sample_rows"), p->rows, &v[0]) == -1)
		return -1;
	p->sample = (size_t)v[0];
	t = json_object_get(o, "target");
	c = json_object_get(t, "counts");
	if (!json_is_object(t) || name(path, "target.name",
	    json_object_get(t, "name"), &p->target) == -1)
		return json_is_object(t) ? -1 : seterr("%s: key \"target\": "
		    "expected an object", path);
	if (count(path, "target.missing", json_object_get(t, "missing"),
	    p->rows, &p->tmissing) == -1)
		return -1;
	if (json_array_size(c) != 2 || count(path, "target.counts[0]",
	    json_array_get(c, 0), p->rows, &p->classes[0]) == -1 ||
	    count(path, "target.counts[1]", json_array_get(c, 1), p->rows,
	    &p->classes[1]) == -1)
		return json_array_size(c) != 2 ? seterr("%s: key "
		    "\"target.counts\": expected [count of 0, count of 1]",
		    path) : -1;
	if (p->classes[0] + p->classes[1] + p->tmissing != p->rows)
		return seterr("%s: key \"target\": the counts and missing do "
		    "not add up to rows %lld", path, p->rows);
	p->hastarget = 1;
	f = json_object_get(o, "features");
	if (!json_is_array(f) || json_array_size(f) == 0 ||
	    json_array_size(f) > MAXFEAT)
		return seterr("%s: key \"features\": expected an array of 1 "
		    "to %d features", path, MAXFEAT);
	p->nfeat = json_array_size(f);
	p->name = ecalloc(p->nfeat, sizeof(*p->name));
	p->missing = ecalloc(p->nfeat, sizeof(*p->missing));
	p->x = ecalloc(p->nfeat, sizeof(*p->x));
	p->n = ecalloc(p->nfeat, sizeof(*p->n));
	for (i = 0; i < p->nfeat; i++)
		if (feature(p, i, json_array_get(f, i), path) == -1)
			return -1;
	return 0;
}

int
profile_load(struct profile *p, const char *path)
{
	json_error_t jerr;
	struct stat st;
	json_t *o;
	int r;

	memset(p, 0, sizeof(*p));
	if (stat(path, &st) == -1) {
		if (errno == ENOENT)
			return seterr("%s: no reference profile: the "
			    "deployment was made before deploy kept one; "
			    "deploy again to measure data drift", path);
		return seterr("%s: %s", path, strerror(errno));
	}
	if (!S_ISREG(st.st_mode) || st.st_size > PROFILE_MAXBYTES)
		return seterr("%s: not a reference profile (a regular file "
		    "of at most %lld bytes)", path, PROFILE_MAXBYTES);
	if ((o = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr)) ==
	    NULL)
		return seterr("%s:%d: %s", path, jerr.line, jerr.text);
	if (!json_is_object(o))
		r = seterr("%s: expected a JSON object", path);
	else
		r = fromjson(p, o, path);
	json_decref(o);
	if (r == -1)
		profile_free(p);
	return r;
}
