/*
 * The HTTP side: a struct req per request, its body gathered, then answered
 * by its route.  Slow answers are computed on a thread of their own while
 * the connection is suspended, so that the pool threads, which answer
 * /health, never wait for them.
 */
#include <arpa/inet.h>
#include <sys/socket.h>

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

static struct MHD_Daemon *daemon_;

/*
 * Connections between two requests, the longest idle first: closed to make
 * room, and all at once when the server stops.  A connection leaves the
 * list when its socket is closed, which libmicrohttpd does only after
 * telling us, so a listed descriptor is always that connection's.
 */
struct conn {
	struct conn *prev, *next;
	int fd;
	int idle;
};

static pthread_mutex_t connlock = PTHREAD_MUTEX_INITIALIZER;
static struct conn *idlefirst, *idlelast;
static unsigned nconn;

static void
idle_add(struct conn *cn)
{
	if (cn->idle)
		return;
	cn->idle = 1;
	cn->next = NULL;
	cn->prev = idlelast;
	if (idlelast != NULL)
		idlelast->next = cn;
	else
		idlefirst = cn;
	idlelast = cn;
}

static void
idle_del(struct conn *cn)
{
	if (!cn->idle)
		return;
	cn->idle = 0;
	if (cn->prev != NULL)
		cn->prev->next = cn->next;
	else
		idlefirst = cn->next;
	if (cn->next != NULL)
		cn->next->prev = cn->prev;
	else
		idlelast = cn->prev;
}

/* its worker sees the socket end and closes the connection */
static void
evict(struct conn *cn)
{
	idle_del(cn);
	if (cn->fd != -1)
		shutdown(cn->fd, SHUT_RDWR);
}

static void
onconn(void *cls, struct MHD_Connection *c, void **ctx,
    enum MHD_ConnectionNotificationCode code)
{
	const union MHD_ConnectionInfo *ci;
	struct conn *cn;

	(void)cls;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		cn = ecalloc(1, sizeof(*cn));
		ci = MHD_get_connection_info(c,
		    MHD_CONNECTION_INFO_CONNECTION_FD);
		cn->fd = ci != NULL ? ci->connect_fd : -1;
		pthread_mutex_lock(&connlock);
		if (++nconn > MAXCONN - SPARECONN && idlefirst != NULL)
			evict(idlefirst);
		idle_add(cn);
		pthread_mutex_unlock(&connlock);
		*ctx = cn;
	} else if ((cn = *ctx) != NULL) {
		pthread_mutex_lock(&connlock);
		idle_del(cn);
		nconn--;
		pthread_mutex_unlock(&connlock);
		free(cn);
		*ctx = NULL;
	}
}

/* a request begins (busy) or has been answered (idle) on c */
static void
conn_idle(struct MHD_Connection *c, int idle)
{
	const union MHD_ConnectionInfo *ci;
	struct conn *cn;

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	if (ci == NULL || (cn = ci->socket_context) == NULL)
		return;
	pthread_mutex_lock(&connlock);
	if (!idle)
		idle_del(cn);
	else if (atomic_load(&srv.stopping))
		evict(cn);
	else
		idle_add(cn);
	pthread_mutex_unlock(&connlock);
}

/* libmicrohttpd's own messages: one line each, prefixed, silent under -q */
static void mhdlog(void *cls, const char *fmt, va_list ap) RISK_PRINTF(2, 0);

static void
mhdlog(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	size_t i, n;

	(void)cls;
	if (quiet)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	for (i = 0; i < n; i++)
		if ((unsigned char)msg[i] < 0x20 || msg[i] == 0x7f)
			msg[i] = '?';
	infox("%s", msg);
}

static void *
job(void *arg)
{
	struct req *r = arg;
	struct MHD_Connection *c = r->conn;

	r->route->answer(r, 0);
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

	if (r->route->speed != SLOW) {
		r->route->answer(r, 1);
		if (r->status != 0 || r->route->speed == QUICK)
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
	if (r->type != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
		    r->type);
	if (r->status == 405 || r->type == NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
	if (r->close || atomic_load(&srv.stopping))
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION,
		    "close");
	ret = MHD_queue_response(c, r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/*
 * Request bodies are held in memory until answered: each within max_body,
 * all together within BODYBUDGET, so that many large uploads at once are
 * refused (503) rather than take the server's memory.
 */
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
	r->cap = 0;
}

/* a piece of the body: kept when it is data, else only counted */
static void
gather(struct req *r, const char *data, size_t size)
{
	if (!r->toolarge && r->len + size > (size_t)srv.max_body)
		r->toolarge = 413;
	if (!r->keep) {
		r->len += size;
		return;
	}
	if (!r->toolarge && r->cap - r->len < size + 1 &&
	    grow(r, r->len + size + 1) == -1)
		r->toolarge = 503;
	if (r->toolarge) {
		drop(r);
		r->len = 0;
	} else {
		memcpy(r->body + r->len, data, size);
		r->len += size;
	}
}

/*
 * A body's length must be told one way: one Content-Length, or chunked
 * Transfer-Encoding alone.  Anything else may be read otherwise by a proxy
 * in front (request smuggling): refused, and the connection closed.
 */
struct framing {
	int clen, tenc, other;
};

static enum MHD_Result
count_framing(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct framing *f = cls;

	(void)kind;
	if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0)
		f->clen++;
	else if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0) {
		f->tenc++;
		if (value == NULL || strcasecmp(value, "chunked") != 0)
			f->other = 1;
	}
	return MHD_YES;
}

static int
framing(struct MHD_Connection *c, struct req *r)
{
	struct framing f = { 0, 0, 0 };
	const char *why = NULL;

	MHD_get_connection_values(c, MHD_HEADER_KIND, count_framing, &f);
	if (f.clen > 1)
		why = "more than one Content-Length";
	else if (f.clen > 0 && f.tenc > 0)
		why = "both Content-Length and Transfer-Encoding";
	else if (f.tenc > 1)
		why = "more than one Transfer-Encoding";
	else if (f.other)
		why = "a Transfer-Encoding other than chunked";
	if (why == NULL)
		return 0;
	r->close = 1;
	answer_error(r, 400, "request: %s", why);
	return -1;
}

/* the route of a path, runs of slashes taken as one, as Flask does */
static const struct route *
route_of(const char *url)
{
	char path[256];
	size_t i, n = 0;

	for (i = 0; url[i] != '\0' && n + 1 < sizeof(path); i++)
		if (url[i] != '/' || n == 0 || path[n - 1] != '/')
			path[n++] = url[i];
	if (url[i] != '\0')
		return NULL;
	path[n] = '\0';
	for (i = 0; i < nroutes; i++)
		if (strcmp(path, routes[i].path) == 0)
			return &routes[i];
	return NULL;
}

/* HEAD is GET without the body; OPTIONS is always taken */
static void
allow_of(int methods, char *buf, size_t size)
{
	snprintf(buf, size, "%s%sOPTIONS", methods & M_GET ? "GET, HEAD, " : "",
	    methods & M_POST ? "POST, " : "");
}

/* what can be known from the request line and headers alone */
static void
begin(struct MHD_Connection *c, struct req *r, const char *url,
    const char *method)
{
	const char *clen;
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
	if (framing(c, r) == -1)
		return;
	if (atomic_load(&srv.stopping)) {
		r->close = 1;
		answer_error(r, 503, "shutting down");
		return;
	}
	if (strcmp(method, "OPTIONS") == 0 && strcmp(url, "*") == 0) {
		allow_of(M_GET | M_POST, r->allow, sizeof(r->allow));
		answer(r, 200, NULL, estrdup(""));
		return;
	}
	if ((r->route = route_of(url)) == NULL) {
		answer_error(r, 404, "no such path: try /health");
		return;
	}
	allow_of(r->route->methods, r->allow, sizeof(r->allow));
	r->method = strcmp(method, "GET") == 0 ? M_GET :
	    strcmp(method, "HEAD") == 0 ? M_GET :
	    strcmp(method, "POST") == 0 ? M_POST : 0;
	if (strcmp(method, "OPTIONS") == 0) {
		answer(r, 200, NULL, estrdup(""));
		return;
	}
	if ((r->route->methods & r->method) == 0) {
		answer_error(r, 405, "%s takes %s", r->route->path, r->allow);
		return;
	}
	if (r->route->head != NULL && r->route->head(r, c) == -1)
		return;
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
		conn_idle(c, 0);
		begin(c, r, url, method);
		/* refused before the body: say so now, read no more */
		if (r->status != 0)
			return reply(c, r);
		return MHD_YES;
	}
	if (*size > 0) {
		gather(r, data, *size);
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
	if (r == NULL)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (t1.tv_sec - r->t0.tv_sec) + (t1.tv_nsec - r->t0.tv_nsec) / 1e9;
	if (r->status != 0)
		state_count(r->route ? (size_t)(r->route - routes) : nroutes,
		    r->status, secs);
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
	if (toe == MHD_REQUEST_TERMINATED_COMPLETED_OK)
		conn_idle(c, 1);
	drop(r);
	free(r->query);
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
	    MHD_OPTION_EXTERNAL_LOGGER, mhdlog, NULL,
	    MHD_OPTION_SOCK_ADDR, ai->ai_addr,
	    MHD_OPTION_THREAD_POOL_SIZE, threads,
	    MHD_OPTION_CONNECTION_LIMIT, MAXCONN,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, MAXCONN_IP,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, CONNMEM,
	    MHD_OPTION_CONNECTION_TIMEOUT, IDLESECS,
	    MHD_OPTION_LISTEN_BACKLOG_SIZE, BACKLOG,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
	    MHD_OPTION_NOTIFY_CONNECTION, onconn, NULL,
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

/*
 * Stop taking connections, close the idle ones, answer new requests on the
 * others with 503 and close them, give slow answers GRACESECS to finish,
 * then stop.  A job still running holds a suspended connection, which the
 * daemon must outlive: then the process ends without stopping it.
 */
int
http_stop(void)
{
	struct timespec ms = { 0, 10 * 1000 * 1000 }, t0, t;
	MHD_socket listener;
	int left;

	atomic_store(&srv.stopping, 1);
	listener = MHD_quiesce_daemon(daemon_);
	pthread_mutex_lock(&connlock);
	while (idlefirst != NULL)
		evict(idlefirst);
	pthread_mutex_unlock(&connlock);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while ((left = atomic_load(&srv.jobs)) > 0) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec >= GRACESECS)
			return left;
		nanosleep(&ms, NULL);
	}
	MHD_stop_daemon(daemon_);
	if (listener != MHD_INVALID_SOCKET)
		close(listener);
	return 0;
}
