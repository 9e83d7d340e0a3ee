/* trainedmodel.json: written so that every number reads back bit-exact */
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "risk.h"

int
model_save(const struct model *m, const char *path)
{
	json_t *o, *feat, *coef;
	struct atomic a;
	size_t i;
	int r;

	feat = json_array();
	coef = json_array();
	for (i = 0; i < m->nfeat; i++) {
		json_array_append_new(feat, json_string(m->features[i]));
		json_array_append_new(coef, json_real(m->coef[i]));
	}
	o = json_pack("{s:s, s:o, s:s, s:o, s:f, s:f, s:f, s:i, s:I, s:s, s:s}",
	    "format", MODEL_FORMAT,
	    "features", feat,
	    "target", m->target,
	    "coefficients", coef,
	    "intercept", m->intercept,
	    "C", m->C,
	    "tol", m->tol,
	    "iterations", m->iterations,
	    "rows", (json_int_t)m->rows,
	    "data_sha256", m->data_sha256,
	    "trained_at", m->trained_at);
	if (o == NULL)
		return seterr("%s: cannot build the model's JSON", path);
	if (atomic_open(&a, path) == -1) {
		json_decref(o);
		return -1;
	}
	r = json_dumpf(o, a.fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
	    JSON_REAL_PRECISION(17));
	json_decref(o);
	if (r == -1 || putc('\n', a.fp) == EOF) {
		atomic_abort(&a);
		return seterr("%s: write failed", path);
	}
	return atomic_commit(&a);
}

static int
bad(const char *path, const char *why, const char *key)
{
	return seterr("%s: not a valid model: %s%s%s", path, why,
	    key ? " " : "", key ? key : "");
}

static int
getnum(json_t *o, const char *key, double *v)
{
	json_t *j = json_object_get(o, key);

	if (!json_is_number(j))
		return -1;
	*v = json_number_value(j);
	return isfinite(*v) ? 0 : -1;
}

static int
getstr(json_t *o, const char *key, char *dst, size_t size)
{
	json_t *j = json_object_get(o, key);

	if (!json_is_string(j) || json_string_length(j) >= size)
		return -1;
	memcpy(dst, json_string_value(j), json_string_length(j) + 1);
	return 0;
}

/* trained_at as train writes it, 2026-11-24T15:20:00Z, and a real time */
static int
istime(const char *s)
{
	static const char pat[] = "dddd-dd-ddTdd:dd:ddZ";
	struct tm tm, back;
	size_t i;

	if (strlen(s) != sizeof(pat) - 1)
		return 0;
	for (i = 0; pat[i] != '\0'; i++)
		if (pat[i] == 'd' ? s[i] < '0' || s[i] > '9' : s[i] != pat[i])
			return 0;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = atoi(s) - 1900;
	tm.tm_mon = atoi(s + 5) - 1;
	tm.tm_mday = atoi(s + 8);
	tm.tm_hour = atoi(s + 11);
	tm.tm_min = atoi(s + 14);
	tm.tm_sec = atoi(s + 17);
	back = tm;
	/* timegm normalises 02-30 or 25:00; a real time comes back as is */
	timegm(&back);
	return back.tm_year == tm.tm_year && back.tm_mon == tm.tm_mon &&
	    back.tm_mday == tm.tm_mday && back.tm_hour == tm.tm_hour &&
	    back.tm_min == tm.tm_min && back.tm_sec == tm.tm_sec;
}

/* every member but the features' names and coefficients, checked; the
 * numbers kept in m */
static int
checkmodel(json_t *o, const char *path, struct model *m)
{
	json_t *j = json_object_get(o, "format");
	json_t *feat = json_object_get(o, "features");
	json_t *coef = json_object_get(o, "coefficients");

	if (!json_is_object(o))
		return bad(path, "not a JSON object", NULL);
	if (!json_is_string(j) ||
	    strcmp(json_string_value(j), MODEL_FORMAT) != 0)
		return bad(path, "format is not", "\"" MODEL_FORMAT "\"");
	if (!json_is_array(feat) || json_array_size(feat) == 0 ||
	    json_array_size(feat) > MAXFEAT)
		return bad(path, "expected an array of 1 to " MAXFEATS
		    " names in", "features");
	if (!json_is_array(coef) ||
	    json_array_size(coef) != json_array_size(feat))
		return bad(path, "expected one number per feature in",
		    "coefficients");
	if (!json_is_string(json_object_get(o, "target")))
		return bad(path, "expected a string in", "target");
	if (getnum(o, "intercept", &m->intercept) == -1)
		return bad(path, "expected a finite number in", "intercept");
	if (getnum(o, "C", &m->C) == -1 || !(m->C > 0))
		return bad(path, "expected a positive number in", "C");
	if (getnum(o, "tol", &m->tol) == -1 || !(m->tol > 0))
		return bad(path, "expected a positive number in", "tol");
	if (!json_is_integer(json_object_get(o, "iterations")) ||
	    json_integer_value(json_object_get(o, "iterations")) < 0 ||
	    json_integer_value(json_object_get(o, "iterations")) > INT_MAX)
		return bad(path, "expected a count in", "iterations");
	if (!json_is_integer(json_object_get(o, "rows")) ||
	    json_integer_value(json_object_get(o, "rows")) < 1)
		return bad(path, "expected a positive count in", "rows");
	if (getstr(o, "data_sha256", m->data_sha256,
	    sizeof(m->data_sha256)) == -1 || strlen(m->data_sha256) != 64)
		return bad(path, "expected a sha256 digest in", "data_sha256");
	if (getstr(o, "trained_at", m->trained_at,
	    sizeof(m->trained_at)) == -1 || !istime(m->trained_at))
		return bad(path, "expected a UTC time like "
		    "2026-11-24T15:20:00Z in", "trained_at");
	if (!config_name(json_string_value(json_object_get(o, "target"))))
		return bad(path, "a control character in", "target");
	return 0;
}

/* each feature's name and coefficient, into m */
static int
readfeatures(json_t *o, const char *path, struct model *m)
{
	json_t *feat = json_object_get(o, "features");
	json_t *coef = json_object_get(o, "coefficients");
	json_t *j;
	size_t i;

	m->features = ecalloc(json_array_size(feat), sizeof(*m->features));
	m->coef = ecalloc(json_array_size(feat), sizeof(*m->coef));
	for (i = 0; i < json_array_size(feat); i++) {
		j = json_array_get(feat, i);
		if (!json_is_string(j) || json_string_length(j) == 0)
			return bad(path, "expected a name in", "features");
		if (!config_name(json_string_value(j)))
			return bad(path, "a control character in", "features");
		m->features[m->nfeat++] = estrdup(json_string_value(j));
		j = json_array_get(coef, i);
		m->coef[i] = json_is_number(j) ? json_number_value(j) : NAN;
		if (!isfinite(m->coef[i]))
			return bad(path, "expected finite numbers in",
			    "coefficients");
	}
	return 0;
}

int
model_load(struct model *m, const char *path)
{
	json_error_t jerr;
	json_t *o;
	int r;

	memset(m, 0, sizeof(*m));
	if ((o = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr)) == NULL) {
		if (jerr.line <= 0)
			return seterr("%s", jerr.text);
		return seterr("%s:%d: not a valid model: %s", path, jerr.line,
		    jerr.text);
	}
	r = checkmodel(o, path, m);
	if (r == 0)
		r = readfeatures(o, path, m);
	if (r == 0) {
		m->target = estrdup(json_string_value(json_object_get(o,
		    "target")));
		m->iterations = (int)json_integer_value(json_object_get(o,
		    "iterations"));
		m->rows = json_integer_value(json_object_get(o, "rows"));
	} else
		model_free(m);
	json_decref(o);
	return r;
}

void
model_free(struct model *m)
{
	size_t i;

	for (i = 0; i < m->nfeat; i++)
		free(m->features[i]);
	free(m->features);
	free(m->coef);
	free(m->target);
	m->nfeat = 0;
	m->features = NULL;
	m->coef = NULL;
	m->target = NULL;
}

double
model_decision(const struct model *m, const double *x)
{
	double z = 0;
	size_t i;

	for (i = 0; i < m->nfeat; i++)
		z += m->coef[i] * x[i];
	return z + m->intercept;
}

int
model_predict(const struct model *m, const double *x)
{
	return model_decision(m, x) > 0;
}

/* the model's features, in its order, must be the schema's */
int
model_check_schema(const struct model *m, const struct schema *s)
{
	size_t i;

	if (m->nfeat != s->nfeat)
		return seterr("the model has %zu features, the config %zu",
		    m->nfeat, s->nfeat);
	for (i = 0; i < m->nfeat; i++)
		if (strcmp(m->features[i], s->want[i]) != 0)
			return seterr("the model's feature %zu is \"%s\", the "
			    "config's \"%s\"", i + 1, m->features[i],
			    s->want[i]);
	return 0;
}
