/*
 * Requests: a struct req per connection, the body gathered, then answered;
 * answers that take long are computed on a thread of their own while the
 * connection is suspended, so that they never hold up a pool thread.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <sys/socket.h>

#include <errno.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "risk.h"
#include "serve.h"

#define MAXJOBS 64		/* slow answers computed at once */

struct req {
	enum route route;
	struct MHD_Connection *conn;
	struct timespec t0;
	char line[160];		/* method and path, for the log */
	int status;		/* set once the answer is known */
	char *out;
	const char *type;
	const char *allow;	/* for a 405 */
	int csv;		/* the body is text/csv, else JSON */
	char *body;
	size_t len, cap;
	int toolarge;
	atomic_int job;		/* 0 none, 1 computing, 2 done */
};

static struct MHD_Daemon *daemon_;

static void
answer(struct req *r, int status, const char *type, char *out)
{
	free(r->out);
	r->status = status;
	r->type = type;
	r->out = out;
}

static void
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

static void
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

/* the key of /scoring: the deployment and the test data file */
static int
scoring_key(char *key, size_t size, struct snap **sp)
{
	char *test, fk[512];

	if ((*sp = snap_get()) == NULL)
		return -1;
	test = path_join(srv.cfg.test_data_path, "testdata.csv");
	filekey(test, fk, sizeof(fk));
	free(test);
	snprintf(key, size, "%s|%s", (*sp)->id, fk);
	return 0;
}

static void
scoring(struct req *r, int cached_only)
{
	struct snap *s;
	struct scored sc;
	char key[1024], *test, *body;

	if (scoring_key(key, sizeof(key), &s) == -1) {
		answer_error(r, 500, "%s", risk_err);
		return;
	}
	if ((body = cache_get(&srv.scoring, key)) != NULL)
		answer(r, 200, "application/json", body);
	else if (!cached_only) {
		/* one computes, the others wait for its answer */
		pthread_mutex_lock(&srv.scoring.busy);
		if ((body = cache_get(&srv.scoring, key)) != NULL)
			answer(r, 200, "application/json", body);
		else {
			test = path_join(srv.cfg.test_data_path,
			    "testdata.csv");
			if (score_file(&s->m, &srv.cfg, test, s->id, &sc) == -1)
				answer_error(r, 500, "%s", risk_err);
			else {
				answer_json(r, 200, json_pack("{s:f}", "f1",
				    metric_f1(&sc.cm)));
				if (r->status == 200)
					cache_put(&srv.scoring, key, r->out);
			}
			free(test);
		}
		pthread_mutex_unlock(&srv.scoring.busy);
	}
	snap_put(s);
}

static void
summary(struct req *r, int cached_only)
{
	char key[1024], *final, *body;

	final = path_join(srv.cfg.output_folder_path, "finaldata.csv");
	filekey(final, key, sizeof(key));
	free(final);
	if ((body = cache_get(&srv.summary, key)) != NULL)
		answer(r, 200, "application/json", body);
	else if (!cached_only) {
		pthread_mutex_lock(&srv.summary.busy);
		if ((body = cache_get(&srv.summary, key)) != NULL)
			answer(r, 200, "application/json", body);
		else {
			json_t *o = diag_summary(&srv.cfg);

			if (o == NULL)
				answer_error(r, 500, "%s", risk_err);
			else {
				answer_json(r, 200, o);
				if (r->status == 200)
					cache_put(&srv.summary, key, r->out);
			}
		}
		pthread_mutex_unlock(&srv.summary.busy);
	}
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

static void
diagnostics(struct req *r)
{
	json_t *timing, *missing, *deps;
	char key[4096], *body;

	diagnostics_key(key, sizeof(key));
	if ((body = cache_get(&srv.diagnostics, key)) != NULL) {
		answer(r, 200, "application/json", body);
		return;
	}
	/* timing runs ingest and train: one at a time, others wait for it */
	pthread_mutex_lock(&srv.diagnostics.busy);
	if ((body = cache_get(&srv.diagnostics, key)) != NULL)
		answer(r, 200, "application/json", body);
	else if ((timing = diag_timing(&srv.cfg, 1)) == NULL ||
	    (missing = diag_missing(&srv.cfg)) == NULL) {
		json_decref(timing);
		answer_error(r, 500, "%s", risk_err);
	} else {
		deps = diag_deps();
		answer_json(r, 200, json_pack("{s:o, s:o, s:o}", "timing",
		    timing, "missing", missing, "dependencies",
		    deps ? deps : json_array()));
		if (r->status == 200)
			cache_put(&srv.diagnostics, key, r->out);
	}
	pthread_mutex_unlock(&srv.diagnostics.busy);
}

static void
health(struct req *r)
{
	struct snap *s = snap_get();

	if (s == NULL)
		answer(r, 200, "application/json",
		    estrdup("{\"status\":\"ok\",\"model\":null}"));
	else {
		answer(r, 200, "application/json", estrdup(s->health));
		snap_put(s);
	}
}

/* the answer, computed here or on a job thread */
static void
compute(struct req *r)
{
	switch (r->route) {
	case R_PREDICTION:
		if (r->csv)
			predict_body(r);
		else
			predict_dataset(r);
		break;
	case R_SCORING:
		scoring(r, 0);
		break;
	case R_SUMMARY:
		summary(r, 0);
		break;
	case R_DIAGNOSTICS:
		diagnostics(r);
		break;
	case R_HEALTH:
		health(r);
		break;
	case R_METRICS:
		answer(r, 200, "text/plain; version=0.0.4", metrics_text());
		break;
	default:
		answer_error(r, 404, "no such path");
	}
}

static void *
job(void *arg)
{
	struct req *r = arg;
	struct MHD_Connection *c = r->conn;

	compute(r);
	/* from here on r belongs to the server thread again */
	atomic_store(&r->job, 2);
	MHD_resume_connection(c);
	atomic_fetch_sub(&srv.jobs, 1);
	return NULL;
}

/* quick answers here; the rest on a thread of their own: 1 when a job
 * took the request, which must then not be touched until it resumes it */
static int
dispatch(struct req *r)
{
	pthread_attr_t attr;
	pthread_t t;
	int quick;

	switch (r->route) {
	case R_SCORING:
		scoring(r, 1);
		quick = r->status != 0;
		break;
	case R_SUMMARY:
		summary(r, 1);
		quick = r->status != 0;
		break;
	case R_DIAGNOSTICS:
		quick = 0;
		break;
	case R_PREDICTION:
		quick = r->csv;
		break;
	default:
		quick = 1;
	}
	if (quick) {
		if (r->status == 0)
			compute(r);
		return 0;
	}
	if (atomic_fetch_add(&srv.jobs, 1) >= MAXJOBS) {
		atomic_fetch_sub(&srv.jobs, 1);
		answer_error(r, 503, "busy: too many slow requests at once");
		return 0;
	}
	atomic_store(&r->job, 1);
	MHD_suspend_connection(r->conn);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &attr, job, r) != 0) {
		pthread_attr_destroy(&attr);
		atomic_store(&r->job, 0);
		atomic_fetch_sub(&srv.jobs, 1);
		MHD_resume_connection(r->conn);
		answer_error(r, 503, "busy: cannot start a thread");
		return 0;
	}
	pthread_attr_destroy(&attr);
	return 1;
}

static enum MHD_Result
reply(struct MHD_Connection *c, struct req *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = MHD_create_response_from_buffer(strlen(r->out), r->out,
	    MHD_RESPMEM_MUST_FREE);
	if (resp == NULL)
		return MHD_NO;
	r->out = NULL;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->type);
	if (r->allow != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
	ret = MHD_queue_response(c, r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/*
 * Request bodies are held in memory until answered: each within max_body,
 * all together within BODYBUDGET, so that many large uploads at once are
 * refused (503) rather than take the server's memory.
 */
#define BODYBUDGET (256LL << 20)

static atomic_llong buffered;

static int
grow(struct req *r, size_t need)
{
	size_t cap = need * 2 + 1024;
	char *p;

	if (cap > (size_t)srv.max_body + 1)
		cap = srv.max_body + 1;
	if (atomic_fetch_add(&buffered, (long long)(cap - r->cap)) +
	    (long long)(cap - r->cap) > BODYBUDGET ||
	    (p = realloc(r->body, cap)) == NULL) {
		atomic_fetch_sub(&buffered, (long long)(cap - r->cap));
		return -1;
	}
	r->body = p;
	r->cap = cap;
	return 0;
}

static void
drop(struct req *r)
{
	atomic_fetch_sub(&buffered, (long long)r->cap);
	free(r->body);
	r->body = NULL;
	r->len = r->cap = 0;
}

static int
is_type(const char *value, const char *type)
{
	size_t n = strlen(type);

	return value != NULL && strncasecmp(value, type, n) == 0 &&
	    (value[n] == '\0' || value[n] == ';' || value[n] == ' ');
}

/* what can be known from the request line and headers alone */
static void
begin(struct MHD_Connection *c, struct req *r, const char *url,
    const char *method)
{
	static const char *paths[] = {
		"/prediction", "/scoring", "/summarystats", "/diagnostics",
		"/health", "/metrics"
	};
	const char *want, *ctype, *clen;
	size_t i;

	r->conn = c;
	clock_gettime(CLOCK_MONOTONIC, &r->t0);
	if (!quiet) {
		snprintf(r->line, sizeof(r->line), "%.10s %.120s", method, url);
		for (i = 0; r->line[i] != '\0'; i++)
			if (r->line[i] < 0x20 || r->line[i] == 0x7f ||
			    r->line[i] == '"')
				r->line[i] = '?';
	}
	for (i = 0; i < R_OTHER && strcmp(url, paths[i]) != 0; i++)
		;
	r->route = (enum route)i;
	if (r->route == R_OTHER) {
		answer_error(r, 404, "no such path: try /health");
		return;
	}
	want = r->route == R_PREDICTION ? "POST" : "GET";
	if (strcmp(method, want) != 0) {
		answer_error(r, 405, "%s takes %s", paths[i], want);
		r->allow = want;
		return;
	}
	if (r->route != R_PREDICTION)
		return;
	ctype = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_TYPE);
	if (is_type(ctype, "text/csv"))
		r->csv = 1;
	else if (!is_type(ctype, "application/json")) {
		answer_error(r, 415, "send application/json "
		    "({\"dataset\": \"path\"}) or text/csv");
		return;
	}
	clen = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (clen != NULL && strtoull(clen, NULL, 10) >
	    (unsigned long long)srv.max_body)
		answer_error(r, 413, "body over %lld bytes", srv.max_body);
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *data, size_t *size,
    void **con_cls)
{
	struct req *r = *con_cls;

	(void)cls;
	(void)version;
	if (r == NULL) {
		*con_cls = r = ecalloc(1, sizeof(*r));
		begin(c, r, url, method);
		/* refused before the body: say so now, read no more */
		if (r->status != 0)
			return reply(c, r);
		return MHD_YES;
	}
	if (*size > 0) {
		if (!r->toolarge && r->len + *size > (size_t)srv.max_body)
			r->toolarge = 413;
		if (!r->toolarge && r->cap - r->len < *size + 1 &&
		    grow(r, r->len + *size + 1) == -1)
			r->toolarge = 503;
		if (r->toolarge) {
			drop(r);
		} else {
			memcpy(r->body + r->len, data, *size);
			r->len += *size;
		}
		*size = 0;
		return MHD_YES;
	}
	if (atomic_load(&r->job) == 1)
		return MHD_YES;
	if (r->status == 0 && r->toolarge == 413)
		answer_error(r, 413, "body over %lld bytes", srv.max_body);
	else if (r->status == 0 && r->toolarge)
		answer_error(r, 503, "busy: too much data being received");
	if (r->status == 0 && atomic_load(&r->job) == 0 && dispatch(r))
		return MHD_YES;
	if (r->status != 0 && r->out != NULL)
		return reply(c, r);
	return MHD_YES;
}

static void
completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	const union MHD_ConnectionInfo *ci;
	struct req *r = *con_cls;
	struct timespec t1;
	char addr[INET6_ADDRSTRLEN] = "?";
	double secs;

	(void)cls;
	(void)toe;
	if (r == NULL)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (t1.tv_sec - r->t0.tv_sec) + (t1.tv_nsec - r->t0.tv_nsec) / 1e9;
	if (r->status != 0)
		metrics_add(r->route, r->status, secs);
	if (!quiet) {
		ci = MHD_get_connection_info(c,
		    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		if (ci != NULL && ci->client_addr != NULL) {
			const struct sockaddr *sa = ci->client_addr;

			if (sa->sa_family == AF_INET)
				inet_ntop(AF_INET, &((const struct sockaddr_in *)
				    (const void *)sa)->sin_addr, addr, sizeof(addr));
			else if (sa->sa_family == AF_INET6)
				inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)
				    (const void *)sa)->sin6_addr, addr,
				    sizeof(addr));
		}
		fprintf(stderr, "%s: %s \"%s\" %d %.2fms\n", argv0, addr,
		    r->line, r->status, secs * 1e3);
	}
	drop(r);
	free(r->out);
	free(r);
	*con_cls = NULL;
}

int
http_start(const char *host, int port, unsigned threads)
{
	struct addrinfo hints, *ai;
	char portstr[16];
	unsigned flags;
	int e;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(portstr, sizeof(portstr), "%d", port);
	if ((e = getaddrinfo(host, portstr, &hints, &ai)) != 0)
		return seterr("%s: %s", host, gai_strerror(e));
	flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME |
	    MHD_USE_ERROR_LOG;
	if (ai->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	daemon_ = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL,
	    handle, NULL,
	    MHD_OPTION_SOCK_ADDR, ai->ai_addr,
	    MHD_OPTION_THREAD_POOL_SIZE, threads,
	    MHD_OPTION_CONNECTION_LIMIT, 1024u,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, 512u,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(16 * 1024),
	    MHD_OPTION_CONNECTION_TIMEOUT, 10u,
	    MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
	    MHD_OPTION_END);
	freeaddrinfo(ai);
	if (daemon_ == NULL)
		return seterr("cannot listen on %s port %d", host, port);
	return 0;
}

int
http_port(void)
{
	const union MHD_DaemonInfo *i;

	i = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT);
	return i ? i->port : -1;
}

/* stop taking connections, let slow answers finish, then stop */
void
http_stop(void)
{
	struct timespec ms = { 0, 10 * 1000 * 1000 };
	MHD_socket listener = MHD_quiesce_daemon(daemon_);

	/* a job holds a suspended connection: the daemon outlives it */
	while (atomic_load(&srv.jobs) > 0)
		nanosleep(&ms, NULL);
	MHD_stop_daemon(daemon_);
	if (listener != MHD_INVALID_SOCKET)
		close(listener);
}
