/*
 * The endpoints, one function each, and the table that routing, the method
 * checks, OPTIONS and /metrics read.
 */
#include <dirent.h>

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "risk.h"
#include "serve.h"

static void scoring(struct req *, int);
static void summary(struct req *, int);
static void diagnostics(struct req *, int);
static void datadrift(struct req *, int);
static void health(struct req *, int);
static void metrics(struct req *, int);

/*
 * The read-only endpoints take POST as GET, as the originals' clients post
 * to them; their body is read and dropped.
 */
const struct route routes[] = {
	{ "/prediction", M_GET | M_POST, CHEAP, prediction, prediction_head },
	{ "/scoring", M_GET | M_POST, CHEAP, scoring, NULL },
	{ "/summarystats", M_GET | M_POST, CHEAP, summary, NULL },
	{ "/diagnostics", M_GET | M_POST, SLOW, diagnostics, NULL },
	{ "/drift", M_GET | M_POST, CHEAP, datadrift, NULL },
	{ "/health", M_GET | M_POST, QUICK, health, NULL },
	{ "/metrics", M_GET | M_POST, QUICK, metrics, NULL },
};
const size_t nroutes = NELEM(routes);
_Static_assert(NELEM(routes) <= MAXROUTE, "state.c counts MAXROUTE routes");

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
	int ok = 0;

	/* buf is the answer only when the stream opened, took the whole
	 * value and closed; it is closed exactly once */
	if (fp != NULL) {
		ok = o != NULL && jsonout(fp, o) == 0;
		if (fclose(fp) == EOF)
			ok = 0;
	}
	if (!ok) {
		free(buf);
		buf = estrdup("{\"error\":\"cannot build the answer\"}");
		status = 500;
	}
	json_decref(o);
	answer(r, status, "application/json", buf);
}

/* a message quoting bytes of a request that are not UTF-8 (a name cut in
 * the middle of a character, say), which JSON cannot carry: every byte
 * above 0x7f as \xNN, cut to fit */
static void
ascii(char *msg)
{
	char buf[1024];
	size_t i, j = 0;
	unsigned char c;

	for (i = 0; (c = msg[i]) != '\0' && j + 5 < sizeof(buf); i++)
		if (c < 0x80)
			buf[j++] = c;
		else
			j += snprintf(buf + j, sizeof(buf) - j, "\\x%02x", c);
	buf[j] = '\0';
	memcpy(msg, buf, j + 1);
}

void
answer_error(struct req *r, int status, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!utf8_valid(msg, strlen(msg)))
		ascii(msg);
	answer_json(r, status, json_pack("{s:s}", "error", msg));
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
	return r == -1 ? NULL : json_pack("{s:f}", "f1", metrics_f1(&sc.cm));
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

/* the key of /diagnostics: a digest of the keys of the input files timing
 * ingests and of finaldata, so that no count of files is cut short */
static void
diagnostics_key(char key[65])
{
	char *final, fk[PATH_MAX + 128];
	struct sha256 *h = sha256_new();
	struct dirent *e;
	DIR *d;

	final = path_join(srv.cfg.output_folder_path, "finaldata.csv");
	filekey(final, fk, sizeof(fk));
	free(final);
	sha256_add(h, fk, strlen(fk) + 1);
	if ((d = opendir(srv.cfg.input_folder_path)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			char *p;

			if (e->d_name[0] == '.')
				continue;
			p = path_join(srv.cfg.input_folder_path, e->d_name);
			filekey(p, fk, sizeof(fk));
			free(p);
			sha256_add(h, fk, strlen(fk) + 1);
		}
		closedir(d);
	}
	sha256_end(h, key);
}

static json_t *
diagnostics_of(void *arg)
{
	json_t *timing, *missing, *deps;

	(void)arg;
	/* timing runs ingest and train */
	if ((timing = timing_measure(&srv.cfg, 1)) == NULL)
		return NULL;
	if ((missing = diag_missing(&srv.cfg)) == NULL) {
		json_decref(timing);
		return NULL;
	}
	deps = deps_versions();
	return json_pack("{s:o, s:o, s:o}", "timing", timing, "missing",
	    missing, "dependencies", deps ? deps : json_array());
}

static void
diagnostics(struct req *r, int quick)
{
	char key[65];

	diagnostics_key(key);
	cached(r, &srv.diagnostics, key, quick, diagnostics_of, NULL);
}

static json_t *
drift_of(void *arg)
{
	char *final = path_join(srv.cfg.output_folder_path, "finaldata.csv");
	json_t *o = diag_drift(&srv.cfg, final, NULL);

	(void)arg;
	free(final);
	return o;
}

/* keyed by the reference profile and finaldata.csv; 503 while there is no
 * profile to measure against */
static void
datadrift(struct req *r, int quick)
{
	char key[2 * PATH_MAX + 256];

	if (state_driftkey(key, sizeof(key)) == -1)
		answer_error(r, 503, "%s", risk_err);
	else
		cached(r, &srv.drift, key, quick, drift_of, NULL);
}

/* the drift answer for /metrics: cached, or computed now; NULL when
 * there is none */
json_t *
drift_answer(void)
{
	struct req r;
	json_t *o;

	memset(&r, 0, sizeof(r));
	datadrift(&r, 0);
	o = r.status == 200 && r.out ? json_loads(r.out, 0, NULL) : NULL;
	free(r.out);
	return o;
}

/* ok only when the deployment resolves and its model loads and fits the
 * config; otherwise 503 and why; made once a deployment */
static void
health(struct req *r, int quick)
{
	struct snap *s = snap_take();
	char *body;

	(void)quick;
	pthread_mutex_lock(&srv.lock);
	body = s->health ? estrdup(s->health) : NULL;
	pthread_mutex_unlock(&srv.lock);
	if (body != NULL)
		answer(r, s->ok ? 200 : 503, "application/json", body);
	else {
		if (s->ok)
			answer_json(r, 200, json_pack("{s:s, s:s}", "status",
			    "ok", "model", s->id));
		else
			answer_json(r, 503, json_pack("{s:s, s:s?, s:s}",
			    "status", "error", "model", s->id[0] ? s->id : NULL,
			    "error", s->why));
		body = estrdup(r->out);
		pthread_mutex_lock(&srv.lock);
		if (s->health == NULL && r->status != 500) {
			s->health = body;
			body = NULL;
		}
		pthread_mutex_unlock(&srv.lock);
		free(body);
	}
	snap_put(s);
}

static void
metrics(struct req *r, int quick)
{
	char *text = state_metrics();

	(void)quick;
	if (text == NULL)
		answer_error(r, 500, "out of memory");
	else
		answer(r, 200, "text/plain; version=0.0.4", text);
}
