/*
 * The endpoints, one function each, and the table that routing, the method
 * checks, OPTIONS and /metrics read.
 */
#include <dirent.h>

#include <errno.h>
#include <jansson.h>
#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "risk.h"
#include "serve.h"

static void prediction(struct req *, int);
static int prediction_head(struct req *, struct MHD_Connection *);
static void scoring(struct req *, int);
static void summary(struct req *, int);
static void diagnostics(struct req *, int);
static void health(struct req *, int);
static void metrics(struct req *, int);

const struct route routes[] = {
	{ "/prediction", M_POST, SLOW, prediction, prediction_head },
	{ "/scoring", M_GET, CACHED, scoring, NULL },
	{ "/summarystats", M_GET, CACHED, summary, NULL },
	{ "/diagnostics", M_GET, SLOW, diagnostics, NULL },
	{ "/health", M_GET, QUICK, health, NULL },
	{ "/metrics", M_GET, QUICK, metrics, NULL },
};
const size_t nroutes = sizeof(routes) / sizeof(routes[0]);

void
answer(struct req *r, int status, const char *type, char *out)
{
	free(r->out);
	r->status = status;
	r->type = type;
	r->out = out;
}

void
answer_json(struct req *r, int status, json_t *o)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	if (o == NULL || fp == NULL || jsonout(fp, o) == -1 ||
	    fclose(fp) == EOF) {
		if (fp != NULL && buf == NULL)
			fclose(fp);
		free(buf);
		buf = estrdup("{\"error\":\"cannot build the answer\"}");
		status = 500;
	}
	json_decref(o);
	answer(r, status, "application/json", buf);
}

void
answer_error(struct req *r, int status, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	answer_json(r, status, json_pack("{s:s}", "error", msg));
}

/* predictions of rows read from fp, written as JSON as they come */
struct predout {
	FILE *fp;
	long long n;
};

static int
onpred(const struct record *rec, int pred, double p, void *arg)
{
	struct predout *o = arg;

	(void)rec;
	(void)p;
	if (fputs(o->n++ > 0 ? "," : "", o->fp) == EOF ||
	    fputs(pred < 0 ? "null" : pred ? "1" : "0", o->fp) == EOF)
		return seterr("out of memory");
	return 0;
}

static void
predict(struct req *r, FILE *in, const char *name)
{
	struct snap *s;
	struct predout out = { NULL, 0 };
	char *buf = NULL;
	size_t len = 0;
	int ok;

	if ((s = snap_get()) == NULL) {
		answer_error(r, 500, "%s", risk_err);
		return;
	}
	if ((out.fp = open_memstream(&buf, &len)) == NULL) {
		snap_put(s);
		answer_error(r, 500, "out of memory");
		return;
	}
	fputs("{\"predictions\":[", out.fp);
	ok = diag_predict_fp(&s->m, in, name, onpred, &out) == 0;
	fputs("]}", out.fp);
	fclose(out.fp);
	snap_put(s);
	if (ok)
		answer(r, 200, "application/json", buf);
	else {
		free(buf);
		answer_error(r, 400, "%s", risk_err);
	}
}

static void
predict_dataset(struct req *r)
{
	json_error_t jerr;
	json_t *o, *v;
	char *path;
	FILE *fp;

	o = json_loadb(r->body ? r->body : "", r->len, JSON_REJECT_DUPLICATES,
	    &jerr);
	if (o == NULL) {
		answer_error(r, 400, "body: %s", jerr.text);
		return;
	}
	v = json_object_get(o, "dataset");
	if (!json_is_object(o) || json_object_size(o) != 1 ||
	    !json_is_string(v)) {
		json_decref(o);
		answer_error(r, 400, "body: expected {\"dataset\": \"path\"}");
		return;
	}
	if (strlen(json_string_value(v)) != json_string_length(v) ||
	    dataset_path(json_string_value(v), &path) == -1) {
		json_decref(o);
		answer_error(r, 400, "%s", risk_err);
		return;
	}
	if ((fp = fopen(path, "r")) == NULL)
		answer_error(r, 400, "dataset: %s", strerror(errno));
	else {
		predict(r, fp, json_string_value(v));
		fclose(fp);
	}
	free(path);
	json_decref(o);
}

static void
predict_body(struct req *r)
{
	FILE *fp;

	if (r->len == 0) {
		answer_error(r, 400, "body: empty");
		return;
	}
	if ((fp = fmemopen(r->body, r->len, "r")) == NULL) {
		answer_error(r, 500, "%s", strerror(errno));
		return;
	}
	predict(r, fp, "body");
	fclose(fp);
}

static int
is_type(const char *value, const char *type)
{
	size_t n = strlen(type);

	return value != NULL && strncasecmp(value, type, n) == 0 &&
	    (value[n] == '\0' || value[n] == ';' || value[n] == ' ');
}

static int
prediction_head(struct req *r, struct MHD_Connection *c)
{
	const char *ctype;

	ctype = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_TYPE);
	if (is_type(ctype, "text/csv"))
		r->csv = 1;
	else if (!is_type(ctype, "application/json")) {
		answer_error(r, 415, "send application/json "
		    "({\"dataset\": \"path\"}) or text/csv");
		return -1;
	}
	r->keep = 1;
	return 0;
}

/* a CSV body is parsed on a job too: its header alone can take long */
static void
prediction(struct req *r, int quick)
{
	(void)quick;
	if (r->csv)
		predict_body(r);
	else
		predict_dataset(r);
}

/*
 * The cached answer of c under key, or, unless quick, computed by fn: one
 * request computes, the others wait for its answer.
 */
static void
cached(struct req *r, struct cache *c, const char *key, int quick,
    json_t *(*fn)(void *), void *arg)
{
	char *body;
	json_t *o;

	if ((body = cache_get(c, key)) != NULL) {
		answer(r, 200, "application/json", body);
		return;
	}
	if (quick)
		return;
	pthread_mutex_lock(&c->busy);
	if ((body = cache_get(c, key)) != NULL)
		answer(r, 200, "application/json", body);
	else if ((o = fn(arg)) == NULL)
		answer_error(r, 500, "%s", risk_err);
	else {
		answer_json(r, 200, o);
		if (r->status == 200)
			cache_put(c, key, r->out);
	}
	pthread_mutex_unlock(&c->busy);
}

static json_t *
scoring_of(void *arg)
{
	struct snap *s = arg;
	struct scored sc;
	char *test = path_join(srv.cfg.test_data_path, "testdata.csv");
	int r = score_file(&s->m, &srv.cfg, test, s->id, &sc);

	free(test);
	return r == -1 ? NULL : json_pack("{s:f}", "f1", metric_f1(&sc.cm));
}

/* keyed by the deployment and the test data file */
static void
scoring(struct req *r, int quick)
{
	struct snap *s;
	char key[sizeof(s->key) + 512], fk[512], *test;

	if ((s = snap_get()) == NULL) {
		answer_error(r, 500, "%s", risk_err);
		return;
	}
	test = path_join(srv.cfg.test_data_path, "testdata.csv");
	filekey(test, fk, sizeof(fk));
	free(test);
	snprintf(key, sizeof(key), "%s|%s", s->key, fk);
	cached(r, &srv.scoring, key, quick, scoring_of, s);
	snap_put(s);
}

static json_t *
summary_of(void *arg)
{
	(void)arg;
	return diag_summary(&srv.cfg);
}

static void
summary(struct req *r, int quick)
{
	char key[1024], *final;

	final = path_join(srv.cfg.output_folder_path, "finaldata.csv");
	filekey(final, key, sizeof(key));
	free(final);
	cached(r, &srv.summary, key, quick, summary_of, NULL);
}

/* the key of /diagnostics: the input files timing ingests, and finaldata */
static void
diagnostics_key(char *key, size_t size)
{
	char *final, fk[512];
	size_t n = 0;
	struct dirent *e;
	DIR *d;

	final = path_join(srv.cfg.output_folder_path, "finaldata.csv");
	filekey(final, key, size);
	free(final);
	n = strlen(key);
	if ((d = opendir(srv.cfg.input_folder_path)) == NULL)
		return;
	while ((e = readdir(d)) != NULL && n + 1 < size) {
		char *p = path_join(srv.cfg.input_folder_path, e->d_name);

		if (e->d_name[0] != '.') {
			filekey(p, fk, sizeof(fk));
			n += snprintf(key + n, size - n, "|%s", fk);
		}
		free(p);
	}
	closedir(d);
}

static json_t *
diagnostics_of(void *arg)
{
	json_t *timing, *missing, *deps;

	(void)arg;
	/* timing runs ingest and train */
	if ((timing = diag_timing(&srv.cfg, 1)) == NULL)
		return NULL;
	if ((missing = diag_missing(&srv.cfg)) == NULL) {
		json_decref(timing);
		return NULL;
	}
	deps = diag_deps();
	return json_pack("{s:o, s:o, s:o}", "timing", timing, "missing",
	    missing, "dependencies", deps ? deps : json_array());
}

static void
diagnostics(struct req *r, int quick)
{
	char key[4096];

	diagnostics_key(key, sizeof(key));
	cached(r, &srv.diagnostics, key, quick, diagnostics_of, NULL);
}

/* ok only when the deployment resolves and its model loads and fits the
 * config; otherwise 503 and why */
static void
health(struct req *r, int quick)
{
	struct snap *s = snap_take();

	(void)quick;
	if (s->ok)
		answer_json(r, 200, json_pack("{s:s, s:s}", "status", "ok",
		    "model", s->id));
	else
		answer_json(r, 503, json_pack("{s:s, s:s?, s:s}", "status",
		    "error", "model", s->id[0] ? s->id : NULL, "error",
		    s->why));
	snap_put(s);
}

static void
metrics(struct req *r, int quick)
{
	char *text = metrics_text();

	(void)quick;
	if (text == NULL)
		answer_error(r, 500, "out of memory");
	else
		answer(r, 200, "text/plain; version=0.0.4", text);
}
