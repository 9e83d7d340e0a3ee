/* what the server keeps: the deployed model, cached answers, counters */
#include <sys/stat.h>

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "risk.h"
#include "serve.h"

static void
snap_free(struct snap *s)
{
	if (s->ok)
		model_free(&s->m);
	free(s->health);
	free(s);
}

/* the model of deployment id read and checked against the config */
static void
snap_load(struct snap *s, const char *model, const struct stat *st)
{
	struct schema sch;
	char *dir, *p;

	if (st == NULL) {
		snprintf(s->why, sizeof(s->why), "%s: %s", model,
		    strerror(errno));
		return;
	}
	if (!S_ISREG(st->st_mode) || st->st_size > MAXMODEL) {
		snprintf(s->why, sizeof(s->why), "%s: not a model file "
		    "(a regular file under %d bytes)", model, MAXMODEL);
		return;
	}
	if (model_load(&s->m, model) == -1) {
		snprintf(s->why, sizeof(s->why), "%s", risk_err);
		return;
	}
	csvread_init(&sch, &srv.cfg, 0);
	if (model_check_schema(&s->m, &sch) == -1) {
		snprintf(s->why, sizeof(s->why), "%.400s: %.600s", model,
		    risk_err);
		model_free(&s->m);
		csvread_free(&sch);
		return;
	}
	csvread_free(&sch);
	s->ok = 1;
	dir = path_dir(model);
	p = path_join(dir, "latestscore.txt");
	s->hasf1 = deploy_readscore(p, &s->f1) == 0;
	free(p);
	free(dir);
}

/*
 * The current deployment, read again only when the current link or the
 * model file's stat has changed: one readlink and one stat a request.
 */
struct snap *
snap_take(void)
{
	const char *prod = srv.cfg.prod_deployment_path;
	struct snap *s, *old;
	struct stat st;
	char id[256], key[1024], *model = NULL;
	int stok = 0;

	switch (deploy_current(prod, id, sizeof(id))) {
	case -1:
		snprintf(key, sizeof(key), "error|%.900s", risk_err);
		id[0] = '\0';
		break;
	case 0:
		snprintf(key, sizeof(key), "none");
		id[0] = '\0';
		break;
	default:
		model = deploy_path(prod, id, "trainedmodel.json");
		stok = stat(model, &st) == 0;
		filekey(model, key, sizeof(key));
	}
	pthread_mutex_lock(&srv.lock);
	if ((s = srv.snap) != NULL && strcmp(s->key, key) == 0) {
		s->refs++;
		pthread_mutex_unlock(&srv.lock);
		free(model);
		return s;
	}
	pthread_mutex_unlock(&srv.lock);

	s = ecalloc(1, sizeof(*s));
	snprintf(s->key, sizeof(s->key), "%s", key);
	snprintf(s->id, sizeof(s->id), "%s", id);
	if (model != NULL)
		snap_load(s, model, stok ? &st : NULL);
	else if (strcmp(key, "none") == 0)
		snprintf(s->why, sizeof(s->why), "nothing is deployed in %s",
		    prod);
	else
		snprintf(s->why, sizeof(s->why), "%s", key + 6);
	free(model);

	pthread_mutex_lock(&srv.lock);
	old = srv.snap;
	srv.snap = s;
	s->refs = 2;		/* the server's and the caller's */
	if (old != NULL && --old->refs == 0)
		snap_free(old);
	pthread_mutex_unlock(&srv.lock);
	return s;
}

struct snap *
snap_get(void)
{
	struct snap *s = snap_take();

	if (s->ok)
		return s;
	seterr("%s", s->why);
	snap_put(s);
	return NULL;
}

void
snap_put(struct snap *s)
{
	int last;

	pthread_mutex_lock(&srv.lock);
	last = --s->refs == 0;
	pthread_mutex_unlock(&srv.lock);
	if (last)
		snap_free(s);
}

static void
cache_forget(struct cache *c)
{
	pthread_mutex_lock(&c->lock);
	free(c->body);
	free(c->key);
	c->body = c->key = NULL;
	pthread_mutex_unlock(&c->lock);
}

void
state_forget(void)
{
	struct snap *old;

	pthread_mutex_lock(&srv.lock);
	old = srv.snap;
	srv.snap = NULL;
	pthread_mutex_unlock(&srv.lock);
	if (old != NULL)
		snap_put(old);
	cache_forget(&srv.scoring);
	cache_forget(&srv.summary);
	cache_forget(&srv.diagnostics);
	cache_forget(&srv.drift);
}

char *
cache_get(struct cache *c, const char *key)
{
	char *body = NULL;

	pthread_mutex_lock(&c->lock);
	if (c->body != NULL && strcmp(c->key, key) == 0)
		body = estrdup(c->body);
	pthread_mutex_unlock(&c->lock);
	return body;
}

void
cache_put(struct cache *c, const char *key, const char *body)
{
	char *copy = estrdup(body), *k = estrdup(key);

	pthread_mutex_lock(&c->lock);
	free(c->body);
	free(c->key);
	c->body = copy;
	c->key = k;
	pthread_mutex_unlock(&c->lock);
}

/* what identifies a file's content without reading it */
int
filekey(const char *path, char *buf, size_t size)
{
	struct stat st;

	if (stat(path, &st) == -1) {
		snprintf(buf, size, "%s:none", path);
		return -1;
	}
	snprintf(buf, size, "%s:%ju:%ju:%jd:%ld.%09ld", path,
	    (uintmax_t)st.st_dev, (uintmax_t)st.st_ino, (intmax_t)st.st_size,
	    (long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	return 0;
}

int
state_driftkey(char *buf, size_t size)
{
	const char *prod = srv.cfg.prod_deployment_path;
	char id[256], fk[PATH_MAX + 128], rk[PATH_MAX + 128], *p;
	int r;

	switch (deploy_current(prod, id, sizeof(id))) {
	case -1:
		return -1;
	case 0:
		return seterr("%s: nothing is deployed: no reference to measure "
		    "data drift against", prod);
	}
	p = deploy_path(prod, id, PROFILE_FILE);
	r = filekey(p, rk, sizeof(rk));
	if (r == -1)
		seterr("%s: no reference profile: the deployment was made "
		    "before deploy kept one; deploy again to measure data "
		    "drift", p);
	free(p);
	if (r == -1)
		return -1;
	p = path_join(srv.cfg.output_folder_path, "finaldata.csv");
	filekey(p, fk, sizeof(fk));
	free(p);
	snprintf(buf, size, "%s|%s", rk, fk);
	return 0;
}

/* a label value in the text format: backslash, quote and newline escaped */
static void
putlabel(FILE *fp, const char *s)
{
	for (; *s; s++)
		if (*s == '\\' || *s == '"')
			fprintf(fp, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", fp);
		else
			putc(*s, fp);
}

/* each feature's PSI, KS p-value and drifted flag of /drift */
static void
driftgauges(FILE *fp)
{
	static const struct {
		const char *name, *key, *help;
	} g[] = {
		{ "riskwatch_feature_drift_psi", "psi", "Population stability "
		    "index of the feature in finaldata.csv against the "
		    "deployed model's training data." },
		{ "riskwatch_feature_drift_ks_pvalue", "ks_pvalue", "Two-sample "
		    "Kolmogorov-Smirnov p-value of the feature in finaldata.csv "
		    "against the deployed model's training data." },
		{ "riskwatch_feature_drifted", "drifted", "1 when the feature "
		    "drifted by the configured rule, else 0." },
	};
	json_t *o = drift_answer(), *f, *v;
	const char *k;
	char num[40];
	size_t i;

	if (o == NULL)
		return;
	for (i = 0; i < NELEM(g); i++) {
		fprintf(fp, "# HELP %s %s\n# TYPE %s gauge\n", g[i].name,
		    g[i].help, g[i].name);
		json_object_foreach(json_object_get(o, "features"), k, f) {
			v = json_object_get(f, g[i].key);
			if (!json_is_number(v) && !json_is_boolean(v))
				continue;
			fprintf(fp, "%s{feature=\"", g[i].name);
			putlabel(fp, k);
			fprintf(fp, "\"} %s\n", json_is_boolean(v) ?
			    (json_is_true(v) ? "1" : "0") : fmt_double(num,
			    sizeof(num), json_number_value(v)));
		}
	}
	fprintf(fp, "# HELP riskwatch_data_drifted 1 when at least the "
	    "configured share of the features drifted, else 0.\n"
	    "# TYPE riskwatch_data_drifted gauge\n"
	    "riskwatch_data_drifted %d\n",
	    json_is_true(json_object_get(o, "drifted")));
	json_decref(o);
}

/* the newest drift check of decisions.csv */
static int
lastcheck(const struct decision *d, void *arg)
{
	if (strcmp(d->event, "check") == 0)
		*(struct decision *)arg = *d;
	return 0;
}

/* s is a label value promtool takes: printable ASCII, not empty */
static int
labelok(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			return 0;
	return 1;
}

/*
 * the last drift check's decision, time and F1: none when there is no
 * decisions.csv, it cannot be read, or the check's figures are not
 * what deploy --check writes
 */
static void
decisiongauges(FILE *fp)
{
	struct decision d;
	double f1;
	char num[40];
	int drift;
	time_t t;

	memset(&d, 0, sizeof(d));
	if (deploy_decisions(srv.cfg.prod_deployment_path, lastcheck, &d) ==
	    -1 || strcmp(d.event, "check") != 0)
		return;
	if (strcmp(d.decision, "drift") == 0)
		drift = 1;
	else if (strcmp(d.decision, "nodrift") == 0)
		drift = 0;
	else
		return;
	if ((t = deploy_isotime(d.time)) == -1)
		return;
	if (number_parse(d.f1, strlen(d.f1), &f1) == -1 || !(f1 >= 0 &&
	    f1 <= 1) || !labelok(d.model) || !labelok(d.test))
		return;
	fputs("# HELP riskwatch_last_decision_drift 1 when the last drift "
	    "check decided the model drifted, else 0.\n"
	    "# TYPE riskwatch_last_decision_drift gauge\n"
	    "riskwatch_last_decision_drift{model=\"", fp);
	putlabel(fp, d.model);
	fputs("\",test=\"", fp);
	putlabel(fp, d.test);
	fprintf(fp, "\"} %d\n"
	    "# HELP riskwatch_last_decision_timestamp_seconds When the last "
	    "drift check was made.\n"
	    "# TYPE riskwatch_last_decision_timestamp_seconds gauge\n"
	    "riskwatch_last_decision_timestamp_seconds %lld\n"
	    "# HELP riskwatch_last_check_f1 F1 of the deployed model on the "
	    "new data at the last drift check.\n"
	    "# TYPE riskwatch_last_check_f1 gauge\n"
	    "riskwatch_last_check_f1 %s\n", drift, (long long)t,
	    fmt_double(num, sizeof(num), f1));
}

/* counters for /metrics, by route and one more for other paths */
#define NROUTE (MAXROUTE + 1)	/* the table's routes and "other" */
static const int codes[] = { 200, 400, 404, 405, 413, 415, 500, 503 };
#define NCODE NELEM(codes)
static const double bounds[] = {
	0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
	2.5, 5, 10
};
#define NBOUND NELEM(bounds)

static atomic_ullong requests[NROUTE][NCODE];
static atomic_ullong buckets[NROUTE][NBOUND + 1];
static atomic_ullong micros[NROUTE];

static const char *
route_name(size_t r)
{
	return r < nroutes ? routes[r].path : "other";
}

void
state_count(size_t r, int status, double seconds)
{
	size_t i;

	if (r > nroutes)
		r = nroutes;
	for (i = 0; i < NCODE && codes[i] != status; i++)
		;
	if (i == NCODE)		/* counted as a 500 */
		for (i = 0; codes[i] != 500; i++)
			;
	atomic_fetch_add(&requests[r][i], 1);
	for (i = 0; i < NBOUND && seconds > bounds[i]; i++)
		;
	atomic_fetch_add(&buckets[r][i], 1);
	atomic_fetch_add(&micros[r], (unsigned long long)(seconds * 1e6));
}

/* riskwatch_http_NAME_total by path and status code, the codes from the
 * first'th on (0: every answer, 1: the errors) */
static void
counters(FILE *fp, const char *name, const char *help, size_t first)
{
	unsigned long long n;
	size_t r;
	size_t i;

	fprintf(fp, "# HELP riskwatch_http_%s_total %s, by path and status "
	    "code.\n# TYPE riskwatch_http_%s_total counter\n", name, help,
	    name);
	for (r = 0; r <= nroutes; r++)
		for (i = first; i < NCODE; i++)
			if ((n = atomic_load(&requests[r][i])) > 0)
				fprintf(fp, "riskwatch_http_%s_total"
				    "{path=\"%s\",code=\"%d\"} %llu\n",
				    name, route_name(r), codes[i], n);
}

char *
state_metrics(void)
{
	char *buf = NULL, num[40];
	size_t len = 0, r, i;
	unsigned long long cum;
	struct snap *s;
	FILE *fp = open_memstream(&buf, &len);

	if (fp == NULL)
		return NULL;
	counters(fp, "requests", "Requests answered", 0);
	counters(fp, "errors", "Requests answered with an error", 1);
	fputs("# HELP riskwatch_http_request_duration_seconds Time from a "
	    "request's headers to its answer.\n"
	    "# TYPE riskwatch_http_request_duration_seconds histogram\n", fp);
	for (r = 0; r <= nroutes; r++) {
		for (i = cum = 0; i <= NBOUND; i++)
			cum += atomic_load(&buckets[r][i]);
		if (cum == 0)
			continue;
		for (i = cum = 0; i <= NBOUND; i++) {
			cum += atomic_load(&buckets[r][i]);
			if (i < NBOUND)
				fmt_double(num, sizeof(num), bounds[i]);
			fprintf(fp, "riskwatch_http_request_duration_seconds_bucket"
			    "{path=\"%s\",le=\"%s\"} %llu\n", route_name(r),
			    i < NBOUND ? num : "+Inf", cum);
		}
		fprintf(fp, "riskwatch_http_request_duration_seconds_sum"
		    "{path=\"%s\"} %s\n", route_name(r), fmt_double(num,
		    sizeof(num), atomic_load(&micros[r]) / 1e6));
		fprintf(fp, "riskwatch_http_request_duration_seconds_count"
		    "{path=\"%s\"} %llu\n", route_name(r), cum);
	}
	if ((s = snap_get()) != NULL) {
		if (s->hasf1)
			fprintf(fp, "# HELP riskwatch_model_f1 F1 of the "
			    "deployed model, from its latestscore.txt.\n"
			    "# TYPE riskwatch_model_f1 gauge\n"
			    "riskwatch_model_f1 %s\n",
			    fmt_double(num, sizeof(num), s->f1));
		fprintf(fp, "# HELP riskwatch_model_deployed_timestamp_seconds "
		    "When the deployed model was deployed.\n"
		    "# TYPE riskwatch_model_deployed_timestamp_seconds gauge\n"
		    "riskwatch_model_deployed_timestamp_seconds %lld\n",
		    (long long)deploy_epoch(s->id));
		snap_put(s);
	}
	driftgauges(fp);
	decisiongauges(fp);
	fclose(fp);
	return buf;
}
