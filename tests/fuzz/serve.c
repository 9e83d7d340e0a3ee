/*
 * A request to serve's /prediction as its route gets it once the headers
 * are read: the first byte's bit 0 says the body is text/csv, else JSON.
 * The route answers from a deployment in a scratch workspace; a JSON body
 * names a dataset, which must resolve to a .csv file inside the workspace
 * (links there point out of it, to a folder beside it) before it is read.
 * Every answer must be a 200 or a 400 with a JSON body.
 */
#include <sys/stat.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "risk.h"
#include "serve.h"
#include "fuzz.h"

struct server srv;
static const struct route *route;
static char *ws;		/* the scratch workspace, resolved */

static void
put(const char *path, const char *text)
{
	FILE *fp;

	if ((fp = fopen(path, "w")) == NULL || fputs(text, fp) == EOF ||
	    fclose(fp) == EOF)
		abort();
}

/* a deployment of a model of the default features */
static void
deploy(void)
{
	static const char id[] = "20260101T000000.000000Z-000000000000";
	struct model m;
	const char *prod = srv.cfg.prod_deployment_path;
	char *hist = path_join(prod, "history"), *dir = path_join(hist, id);
	char *p = path_join(dir, "trainedmodel.json");
	size_t i;

	memset(&m, 0, sizeof(m));
	m.nfeat = srv.cfg.nfeat;
	m.features = srv.cfg.features;
	m.coef = ecalloc(m.nfeat, sizeof(*m.coef));
	for (i = 0; i < m.nfeat; i++)
		m.coef[i] = 0.25 - (double)i;
	m.target = srv.cfg.target;
	m.intercept = -0.5;
	m.C = 1;
	m.tol = 1e-4;
	m.rows = 2;
	memset(m.data_sha256, '0', 64);
	snprintf(m.trained_at, sizeof(m.trained_at), "2026-01-01T00:00:00Z");
	if (path_mkdirs(dir) == -1 || model_save(&m, p) == -1)
		abort();
	free(m.coef);
	free(p);
	p = path_join(dir, "latestscore.txt");
	put(p, "0.5\n");
	free(p);
	p = path_join(prod, "current");
	if (symlink("history/20260101T000000.000000Z-000000000000", p) == -1)
		abort();
	free(p);
	free(dir);
	free(hist);
}

void
fuzz_init(void)
{
	static const char data[] =
	    "corporation,lastmonth_activity,lastyear_activity,"
	    "number_of_employees,exited\n"
	    "abcd,1,2,3,1\nefgh,0,0,0,0\n";
	static const char *dirs[] = {
		"outside", "ws", "ws/practicedata", "ws/ingesteddata",
		"ws/testdata"
	};
	size_t i;

	if (chdir(fuzz_dir()) == -1)
		abort();
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (mkdir(dirs[i], 0700) == -1)
			abort();
	put("outside/secret.csv", data);
	if (chdir("ws") == -1 || (ws = realpath(".", NULL)) == NULL)
		abort();
	put("practicedata/a.csv", data);
	put("testdata/testdata.csv", data);
	if (symlink("../../outside/secret.csv", "practicedata/out.csv") == -1 ||
	    symlink("../testdata/testdata.csv", "ingesteddata/in.csv") == -1 ||
	    symlink("/etc/passwd", "practicedata/passwd.csv") == -1 ||
	    symlink("../../outside", "practicedata/dir.csv") == -1)
		abort();
	config_init(&srv.cfg);
	srv.max_body = srv.cfg.api_max_body;
	pthread_mutex_init(&srv.lock, NULL);
	deploy();
	for (i = 0; i < nroutes; i++)
		if (strcmp(routes[i].path, "/prediction") == 0)
			route = &routes[i];
	if (route == NULL)
		abort();
}

/* a 200's dataset was a file of the workspace: the one key's value,
 * looked for in testdata first when relative */
static void
inside(const char *body, size_t len)
{
	json_t *o = json_loadb(body, len, 0, NULL);
	const char *given = NULL, *key;
	json_t *v;
	char *p = NULL, *t;

	json_object_foreach(o, key, v)
		given = json_string_value(v);
	FUZZ_CHECK(given != NULL);
	if (given[0] != '/') {
		t = path_join("testdata", given);
		p = realpath(t, NULL);
		free(t);
	}
	if (p == NULL)
		p = realpath(given, NULL);
	FUZZ_CHECK(p != NULL && strncmp(p, ws, strlen(ws)) == 0 &&
	    p[strlen(ws)] == '/');
	free(p);
	json_decref(o);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct req r;
	json_t *o;

	if (size < 1)
		return 0;
	memset(&r, 0, sizeof(r));
	r.route = route;
	r.method = M_POST;
	r.kind = data[0] & 1 ? B_CSV : B_JSON;
	r.keep = 1;
	r.len = size - 1;
	r.cap = r.len + 1;
	r.body = emalloc(r.cap);
	memcpy(r.body, data + 1, r.len);
	r.body[r.len] = '\0';
	route->answer(&r, 0);
	FUZZ_CHECK(r.status == 200 || r.status == 400);
	FUZZ_CHECK(r.out != NULL);
	o = json_loads(r.out, 0, NULL);
	FUZZ_CHECK(json_is_object(o));
	if (r.status == 200) {
		FUZZ_CHECK(json_is_array(json_object_get(o, "predictions")));
		if (r.kind == B_JSON && r.len > 0)
			inside(r.body, r.len);
	} else
		FUZZ_CHECK(json_is_string(json_object_get(o, "error")));
	json_decref(o);
	free(r.out);
	free(r.body);
	return 0;
}
