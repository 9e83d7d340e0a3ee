/* serve: the HTTP API over the deployed model */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

#include "risk.h"

struct MHD_Connection;

/*
 * Limits, each with its reason.
 */
/* connections at once: a descriptor and up to CONNMEM each (16 MiB) */
#define MAXCONN		1024u
/* kept for new clients: past MAXCONN - SPARECONN connections, each new one
 * closes the connection idle the longest, so idle ones never shut out
 * /health */
#define SPARECONN	64u
/* per client address: one client's requests under way cannot take all */
#define MAXCONN_IP	256u
/* request line and headers; libmicrohttpd clears it for every request */
#define CONNMEM		((size_t)16 * 1024)
/* silent this long, a connection is closed, between requests or in one */
#define IDLESECS	5u
/* connections the kernel queues until the server takes them */
#define BACKLOG		1024u
/* a CSV body this small is predicted on the pool thread (well under a
 * millisecond); a larger one, or a file, on a job thread */
#define QUICKBODY	((size_t)64 * 1024)
/* slow answers computed at once, a thread each */
#define MAXJOBS		64
/* request bodies held at once; each is also within api.max_body */
#define BODYBUDGET	(256LL << 20)
/* after SIGTERM, the time requests under way still get */
#define GRACESECS	5
/* a model file is a few KiB: anything much larger is not one */
#define MAXMODEL	(1 << 20)
/* what the form parser holds of a field at once */
#define FORMBUF		((size_t)16 * 1024)

/* methods a route takes; HEAD is GET without the body, OPTIONS is answered
 * from the table */
enum { M_GET = 1, M_POST = 2 };

/* where a route's answer is computed */
enum speed {
	QUICK,		/* on the pool thread that read the request */
	CHEAP,		/* there when cheap (cached, small), else on a job */
	SLOW		/* always on a job thread */
};

struct req;

struct route {
	const char *path;
	int methods;
	enum speed speed;
	/* quick: 1 when only a cached answer may be given */
	void (*answer)(struct req *, int quick);
	/* checks of the headers before the body is read: -1 answered */
	int (*head)(struct req *, struct MHD_Connection *);
};

extern const struct route routes[];
extern const size_t nroutes;	/* and one more index for "other" paths */
#define MAXROUTE 15	/* the routes /metrics has room for (routes.c checks) */

/* what is known of a request: its route, its body, then its answer */
struct req {
	const struct route *route;	/* NULL: no such path */
	struct MHD_Connection *conn;
	struct timespec t0;
	char line[160];		/* method and path, for the log */
	int method;		/* M_GET or M_POST, as the route sees it */
	enum { B_JSON, B_CSV, B_FORM, B_MULTIPART } kind;
	char *query;		/* ?filename= or ?filepath= */
	int nquery;		/* how many of those were given */
	int keep;		/* the body is data, else it is read and dropped */
	char *body;
	size_t len, cap;
	int toolarge;
	atomic_int job;		/* 0 none, 1 computing, 2 done */
	int status;		/* set once the answer is known */
	char *out;
	const char *type;
	char allow[64];		/* for a 405 and OPTIONS */
	int close;		/* the connection is closed after the answer */
};

/* the deployed model as one request sees it, shared by reference */
struct snap {
	int refs;
	char key[1024];		/* what it was read from */
	char id[256];		/* "" when nothing is deployed */
	int ok;
	char why[1024];		/* when not ok */
	struct model m;
	double f1;
	int hasf1;
	char *health;		/* the answer of /health, once made */
};

/* an answer cached until what it was computed from changes */
struct cache {
	pthread_mutex_t lock;
	pthread_mutex_t busy;	/* held while the answer is computed */
	char *key;
	char *body;
};

struct server {
	struct config cfg;
	long long max_body;
	pthread_mutex_t lock;
	struct snap *snap;
	struct cache scoring, summary, diagnostics, drift;
	atomic_int jobs;	/* slow answers being computed */
	atomic_int stopping;	/* SIGTERM or SIGINT came */
};

extern struct server srv;

/* state.c */
struct snap *snap_take(void);	/* never NULL: ok says whether it can answer */
struct snap *snap_get(void);	/* NULL: none that can answer (risk_err) */
void snap_put(struct snap *);
void state_forget(void);	/* SIGHUP: drop the model and cached answers */
char *cache_get(struct cache *, const char *key);
void cache_put(struct cache *, const char *key, const char *body);
int filekey(const char *path, char *buf, size_t size);
/* what /drift is computed from: -1 with risk_err when there is no profile */
int state_driftkey(char *buf, size_t size);
void state_count(size_t route, int status, double seconds);
char *state_metrics(void);

/* routes.c */
void answer(struct req *, int status, const char *type, char *out);
void answer_error(struct req *, int status, const char *fmt, ...)
    RISK_PRINTF(3, 4);
void answer_json(struct req *, int status, struct json_t *);
struct json_t *drift_answer(void);	/* /drift's object, or NULL */

/* dataset.c */
void prediction(struct req *, int quick);
int prediction_head(struct req *, struct MHD_Connection *);

/* http.c */
int http_start(const char *host, int port, unsigned threads);
int http_port(void);
int http_stop(void);	/* the requests cut short after the grace */
