/* serve: the HTTP API over the deployed model */
#include <pthread.h>
#include <stdatomic.h>

struct MHD_Connection;

enum route {
	R_PREDICTION, R_SCORING, R_SUMMARY, R_DIAGNOSTICS, R_HEALTH, R_METRICS,
	R_OTHER, NROUTE
};

/* the deployed model as one request sees it, shared by reference */
struct snap {
	int refs;
	char id[256];
	struct model m;
	double f1;
	int hasf1;
	char health[320];	/* the answer of /health */
};

/* an answer cached until what it was computed from changes */
struct cache {
	pthread_mutex_t lock;
	pthread_mutex_t busy;	/* held while the answer is computed */
	char key[1024];
	char *body;
};

struct server {
	struct config cfg;
	long long max_body;
	pthread_mutex_t lock;
	struct snap *snap;
	struct cache scoring, summary, diagnostics;
	atomic_int jobs;	/* slow answers being computed */
};

extern struct server srv;

/* state.c */
struct snap *snap_get(void);	/* NULL: nothing deployed (risk_err) */
void snap_put(struct snap *);
char *cache_get(struct cache *, const char *key);
void cache_put(struct cache *, const char *key, const char *body);
int filekey(const char *path, char *buf, size_t size);
int dataset_path(const char *given, char **resolved);
void metrics_add(enum route, int status, double seconds);
char *metrics_text(void);
const char *route_name(enum route);

/* http.c */
int http_start(const char *host, int port, unsigned threads);
int http_port(void);
void http_stop(void);
