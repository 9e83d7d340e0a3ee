/* config.json: the workspace's settings, with the seed's defaults */
#include <sys/stat.h>

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "risk.h"

static const char *deffeat[] = {
	"lastmonth_activity", "lastyear_activity", "number_of_employees"
};

void
config_init(struct config *c)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	c->input_folder_path = estrdup("practicedata");
	c->output_folder_path = estrdup("ingesteddata");
	c->test_data_path = estrdup("testdata");
	c->output_model_path = estrdup("practicemodels");
	c->prod_deployment_path = estrdup("production_deployment");
	c->target = estrdup("exited");
	c->features = ecalloc(3, sizeof(*c->features));
	for (i = 0; i < 3; i++)
		c->features[i] = estrdup(deffeat[i]);
	c->nfeat = 3;
	c->C = 1.0;
	c->tol = 1e-4;
	c->max_iter = 100;
	c->drift_test = estrdup("raw");
	c->api_host = estrdup("127.0.0.1");
	c->api_port = 8000;
	c->api_max_body = 8LL << 20;
	c->lock_timeout = 3600;
	c->drift_rows = 10000;
	c->drift_ks_pvalue = 0.05;
	c->drift_ks_rows = 1000;
	c->drift_wasserstein = 0.1;
	c->drift_share = 0.5;
}

static int
getstr(const char *file, const char *key, json_t *v, char **dst)
{
	if (!json_is_string(v) || json_string_length(v) == 0)
		return seterr("%s: key \"%s\": expected a non-empty string",
		    file, key);
	if (strlen(json_string_value(v)) != json_string_length(v))
		return seterr("%s: key \"%s\": contains a NUL byte", file, key);
	free(*dst);
	*dst = estrdup(json_string_value(v));
	return 0;
}

/* a feature or target name: it reaches logs, model files and report's
 * pages, where a control byte would end a line or drive a terminal */
int
config_name(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

static int
getname(const char *file, const char *key, json_t *v, char **dst)
{
	if (getstr(file, key, v, dst) == -1)
		return -1;
	if (!config_name(*dst)) {
		free(*dst);
		*dst = NULL;
		return seterr("%s: key \"%s\": a name holds a control "
		    "character", file, key);
	}
	return 0;
}

/* C past this is no regularisation at all, and with large values the
 * products of training overflow a double */
#define CONFIG_MAXC 1e6

static int
getint(const char *file, const char *key, json_t *v, long long lo,
    long long hi, long long *dst)
{
	if (!json_is_integer(v) || json_integer_value(v) < lo ||
	    json_integer_value(v) > hi)
		return seterr("%s: key \"%s\": expected an integer from %lld "
		    "to %lld", file, key, lo, hi);
	*dst = json_integer_value(v);
	return 0;
}

static int
getfeatures(const char *file, struct config *c, json_t *v)
{
	size_t i, j, n;

	n = json_is_array(v) ? json_array_size(v) : 0;
	if (n == 0 || n > MAXFEAT)
		return seterr("%s: key \"features\": expected an array of 1 to "
		    "%d column names", file, MAXFEAT);
	for (i = 0; i < c->nfeat; i++)
		free(c->features[i]);
	free(c->features);
	c->features = ecalloc(n, sizeof(*c->features));
	c->nfeat = 0;
	for (i = 0; i < n; i++) {
		if (getname(file, "features", json_array_get(v, i),
		    &c->features[i]) == -1) {
			/* not counted yet: config_free would not free it */
			free(c->features[i]);
			c->features[i] = NULL;
			return -1;
		}
		c->nfeat++;
		for (j = 0; j < i; j++)
			if (strcmp(c->features[i], c->features[j]) == 0)
				return seterr("%s: key \"features\": \"%s\" "
				    "named twice", file, c->features[i]);
	}
	return 0;
}

/* what a number key must be, as its message says */
enum { KSTR, KNAME, KINT, KSIZE, KLLONG, KPOS, KMAXC, KSHARE, KFROM0 };
static const char *const wantnum[] = {
	[KPOS] = "a positive number",
	[KMAXC] = "a positive number no greater than 1e6",
	[KSHARE] = "a number from 0 to 1",
	[KFROM0] = "a number from 0 up",
};

#define AT(field) offsetof(struct config, field)

/* the keys of one value: "section.key" inside an object; what it must
 * be, where it goes, and whether deploy --get prints it */
static const struct key {
	const char *name;
	int kind;
	size_t off;
	long long lo, hi;	/* an integer's range */
	int get;
} keys[] = {
	{ "input_folder_path", KSTR, AT(input_folder_path), 0, 0, 1 },
	{ "output_folder_path", KSTR, AT(output_folder_path), 0, 0, 1 },
	{ "test_data_path", KSTR, AT(test_data_path), 0, 0, 1 },
	{ "output_model_path", KSTR, AT(output_model_path), 0, 0, 1 },
	{ "prod_deployment_path", KSTR, AT(prod_deployment_path), 0, 0, 1 },
	{ "target", KNAME, AT(target), 0, 0, 1 },
	{ "lock_timeout", KLLONG, AT(lock_timeout), 1, 31536000, 1 },
	{ "model.C", KMAXC, AT(C), 0, 0, 0 },
	{ "model.tol", KPOS, AT(tol), 0, 0, 0 },
	{ "model.max_iter", KINT, AT(max_iter), 1, 1000000, 0 },
	{ "api.host", KSTR, AT(api_host), 0, 0, 1 },
	{ "api.port", KINT, AT(api_port), 1, 65535, 1 },
	{ "api.max_body", KLLONG, AT(api_max_body), 1, 1LL << 40, 1 },
	{ "drift.reference_rows", KSIZE, AT(drift_rows), 1, 1000000, 1 },
	{ "drift.ks_pvalue", KSHARE, AT(drift_ks_pvalue), 0, 0, 0 },
	{ "drift.ks_rows", KLLONG, AT(drift_ks_rows), 0, 1LL << 53, 1 },
	{ "drift.wasserstein", KFROM0, AT(drift_wasserstein), 0, 0, 0 },
	{ "drift.share", KSHARE, AT(drift_share), 0, 0, 0 },
	{ "gate.margin", KSHARE, AT(gate_margin), 0, 0, 1 },
};

/* the key k of section, or of the top level when section is NULL */
static const struct key *
lookup(const char *section, const char *k)
{
	size_t i, n = section != NULL ? strlen(section) : 0;
	const char *name;

	for (i = 0; i < NELEM(keys); i++) {
		name = keys[i].name;
		if (section == NULL ? strchr(name, '.') == NULL &&
		    strcmp(name, k) == 0 : strncmp(name, section, n) == 0 &&
		    name[n] == '.' && strcmp(name + n + 1, k) == 0)
			return &keys[i];
	}
	return NULL;
}

static int
setkey(const char *file, struct config *c, const struct key *e, json_t *v)
{
	void *dst = (char *)c + e->off;
	double x = json_number_value(v);
	long long n = 0;
	int ok;

	switch (e->kind) {
	case KSTR:
		return getstr(file, e->name, v, dst);
	case KNAME:
		return getname(file, e->name, v, dst);
	case KINT:
	case KSIZE:
	case KLLONG:
		if (getint(file, e->name, v, e->lo, e->hi, &n) == -1)
			return -1;
		if (e->kind == KINT)
			*(int *)dst = (int)n;
		else if (e->kind == KSIZE)
			*(size_t *)dst = (size_t)n;
		else
			*(long long *)dst = n;
		return 0;
	}
	ok = json_is_number(v) && (e->kind == KSHARE || e->kind == KFROM0 ?
	    x >= 0 : x > 0) && (e->kind == KSHARE ? x <= 1 : e->kind ==
	    KMAXC ? x <= CONFIG_MAXC : isfinite(x));
	if (!ok)
		return seterr("%s: key \"%s\": expected %s", file, e->name,
		    wantnum[e->kind]);
	*(double *)dst = x;
	return 0;
}

/* an object of keys section.k: "model":{"C":1,...} */
static int
getsection(const char *file, struct config *c, const char *section,
    json_t *obj)
{
	const struct key *e;
	const char *k;
	json_t *v;

	if (!json_is_object(obj))
		return seterr("%s: key \"%s\": expected an object", file,
		    section);
	json_object_foreach(obj, k, v) {
		if ((e = lookup(section, k)) == NULL)
			warnx_("%s: unknown key \"%s.%s\" ignored", file,
			    section, k);
		else if (setkey(file, c, e, v) == -1)
			return -1;
	}
	return 0;
}

/* a string holding no NUL byte, or NULL */
static const char *
plainstr(json_t *v)
{
	if (!json_is_string(v) ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return NULL;
	return json_string_value(v);
}

/* "raw", "parametric", "nonparametric", "data", or a score test and
 * "data" in an array: both must find drift */
static int
getdrifttest(const char *file, struct config *c, json_t *v)
{
	const char *score = plainstr(v), *other = NULL;

	c->drift_rule = DRIFT_BY_SCORE;
	if (score != NULL && strcmp(score, "data") == 0) {
		c->drift_rule = DRIFT_BY_DATA;
		score = "raw";
	} else if (json_is_array(v) && json_array_size(v) == 2) {
		c->drift_rule = DRIFT_BY_BOTH;
		score = plainstr(json_array_get(v, 0));
		other = plainstr(json_array_get(v, 1));
		if (score != NULL && strcmp(score, "data") == 0) {
			score = other;
			other = "data";
		}
		if (other == NULL || strcmp(other, "data") != 0)
			score = NULL;
	}
	if (score == NULL || drift_parse(score) == -1)
		return seterr("%s: key \"drift_test\": expected \"raw\", "
		    "\"parametric\", \"nonparametric\", \"data\", or one of "
		    "the first three and \"data\" in an array", file);
	free(c->drift_test);
	c->drift_test = estrdup(score);
	return 0;
}

/* true, false, or {"margin": m}: a retrained model is deployed only when
 * its F1 is not below the deployed one's less m */
static int
getgate(const char *file, struct config *c, json_t *v)
{
	if (json_is_boolean(v)) {
		c->gate = json_is_true(v);
		c->gate_margin = 0;
		return 0;
	}
	if (!json_is_object(v))
		return seterr("%s: key \"gate\": expected true, false or an "
		    "object", file);
	if (getsection(file, c, "gate", v) == -1)
		return -1;
	c->gate = 1;
	return 0;
}

static int
getkey(const char *file, struct config *c, const char *k, json_t *v)
{
	static const char *const sections[] = { "model", "api", "drift" };
	const struct key *e;
	size_t i;

	if ((e = lookup(NULL, k)) != NULL)
		return setkey(file, c, e, v);
	for (i = 0; i < NELEM(sections); i++)
		if (strcmp(k, sections[i]) == 0)
			return getsection(file, c, k, v);
	if (strcmp(k, "features") == 0)
		return getfeatures(file, c, v);
	if (strcmp(k, "drift_test") == 0)
		return getdrifttest(file, c, v);
	if (strcmp(k, "gate") == 0)
		return getgate(file, c, v);
	warnx_("%s: unknown key \"%s\" ignored", file, k);
	return 0;
}

/* path without "." and empty parts, ".." taken lexically; a relative
 * path may start with ".." */
static char *
lexical(const char *path)
{
	char *copy = estrdup(path), *out = emalloc(strlen(path) + 2);
	char **part = emalloc((strlen(path) / 2 + 2) * sizeof(*part));
	char *p, *save;
	size_t n = 0, i;

	for (p = strtok_r(copy, "/", &save); p != NULL;
	    p = strtok_r(NULL, "/", &save)) {
		if (strcmp(p, ".") == 0)
			continue;
		if (strcmp(p, "..") == 0 && n > 0 &&
		    strcmp(part[n - 1], "..") != 0)
			n--;
		else if (strcmp(p, "..") != 0 || *path != '/')
			part[n++] = p;
	}
	strcpy(out, *path == '/' ? "/" : "");
	for (i = 0; i < n; i++) {
		if (i > 0)
			strcat(out, "/");
		strcat(out, part[i]);
	}
	free(part);
	free(copy);
	return out;
}

/* the folder as the kernel finds it, links resolved as far as it exists,
 * so that two spellings of one folder compare equal */
static char *
canon(const char *path)
{
	char cwd[4096], *full, *abs, *cut, *real, *r, c;

	if (*path != '/' && getcwd(cwd, sizeof(cwd)) != NULL)
		full = path_join(cwd, path);
	else
		full = estrdup(path);
	abs = lexical(full);
	free(full);
	/* "/a/b/c" resolved, else "/a/b" resolved and "/c" added, ... */
	for (cut = abs + strlen(abs); ; ) {
		c = *cut;
		*cut = '\0';
		real = realpath(cut == abs ? "/" : abs, NULL);
		*cut = c;
		if (real != NULL || cut == abs)
			break;
		while (--cut > abs && *cut != '/')
			;
	}
	if (real == NULL)
		return abs;
	r = emalloc(strlen(real) + strlen(cut) + 1);
	strcpy(r, strcmp(real, "/") == 0 ? "" : real);
	strcat(r, cut);
	free(real);
	free(abs);
	return r;
}

/*
 * Folders that overlap lose data: ingest would read its own finaldata.csv
 * from the input folder, deploy's links would replace the model, the
 * score or the file list they point at. A relative path stays inside the
 * workspace; an absolute one names any folder on purpose.
 */
static int
checkpaths(const char *file, const struct config *c)
{
	const struct {
		const char *key, *val;
	} f[] = {
		{ "input_folder_path", c->input_folder_path },
		{ "output_folder_path", c->output_folder_path },
		{ "test_data_path", c->test_data_path },
		{ "output_model_path", c->output_model_path },
		{ "prod_deployment_path", c->prod_deployment_path },
	};
	enum { IN, OUT, TEST, MODEL, PROD, NF };
	char *abs[NF], *rel;
	size_t i, n;
	int r = 0;

	for (i = 0; r == 0 && i < NF; i++) {
		rel = lexical(f[i].val);
		if (*rel != '/' && strncmp(rel, "..", 2) == 0 &&
		    (rel[2] == '/' || rel[2] == '\0'))
			r = seterr("%s: key \"%s\": %s is outside the workspace "
			    "(an absolute path names such a folder on purpose)",
			    file, f[i].key, f[i].val);
		free(rel);
	}
	if (r == -1)
		return -1;
	for (i = 0; i < NF; i++)
		abs[i] = canon(f[i].val);
	n = strlen(abs[PROD]);
	if (strcmp(abs[IN], abs[OUT]) == 0)
		r = seterr("%s: keys \"%s\" and \"%s\" name one folder, %s: "
		    "ingest would read its own output", file, f[IN].key,
		    f[OUT].key, f[OUT].val);
	for (i = 0; r == 0 && i < PROD; i++)
		if (strcmp(abs[i], abs[PROD]) == 0)
			r = seterr("%s: keys \"%s\" and \"%s\" name one "
			    "folder, %s: deploy's links would replace its "
			    "files", file, f[i].key, f[PROD].key, f[i].val);
		else if (strncmp(abs[i], abs[PROD], n) == 0 &&
		    (abs[i][n] == '/' || n == 1))
			r = seterr("%s: key \"%s\": %s is inside \"%s\", "
			    "whose every name deploy owns", file, f[i].key,
			    f[i].val, f[PROD].key);
	for (i = 0; i < NF; i++)
		free(abs[i]);
	return r;
}

int
config_load(struct config *c, const char *path)
{
	const char *file = path ? path : "config.json";
	json_error_t jerr;
	json_t *root, *v;
	const char *k;
	size_t i;
	int ret = 0;

	config_init(c);
	if (path == NULL && access(file, F_OK) == -1 && errno == ENOENT)
		return 0;
	root = json_load_file(file, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		if (jerr.line <= 0)
			return seterr("%s: %s", file, jerr.text);
		return seterr("%s:%d: %s", file, jerr.line, jerr.text);
	}
	if (!json_is_object(root)) {
		json_decref(root);
		return seterr("%s: expected a JSON object", file);
	}
	json_object_foreach(root, k, v) {
		if ((ret = getkey(file, c, k, v)) == -1)
			break;
	}
	json_decref(root);
	if (ret == 0)
		for (i = 0; i < c->nfeat; i++)
			if (strcmp(c->features[i], c->target) == 0)
				return seterr("%s: key \"target\": \"%s\" is "
				    "also a feature", file, c->target);
	return ret == 0 ? checkpaths(file, c) : ret;
}

void
config_free(struct config *c)
{
	size_t i;

	free(c->input_folder_path);
	free(c->output_folder_path);
	free(c->test_data_path);
	free(c->output_model_path);
	free(c->prod_deployment_path);
	free(c->target);
	for (i = 0; i < c->nfeat; i++)
		free(c->features[i]);
	free(c->features);
	free(c->drift_test);
	free(c->api_host);
	memset(c, 0, sizeof(*c));
}

int
config_dir(const char *key, const char *dir)
{
	struct stat st;

	if (stat(dir, &st) == -1)
		return seterr("config: key \"%s\": %s: %s", key, dir,
		    strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return seterr("config: key \"%s\": %s: not a folder", key, dir);
	return 0;
}

int
config_mkdir(const char *key, const char *dir)
{
	char why[sizeof(risk_err)];

	if (path_mkdirs(dir) == -1) {
		memcpy(why, risk_err, sizeof(why));
		return seterr("config: key \"%s\": %s", key, why);
	}
	return 0;
}

/* a key of the table as the tools resolve it */
static int
printkey(const struct config *c, const struct key *e, FILE *fp)
{
	const void *src = (const char *)c + e->off;
	char b[40];

	switch (e->kind) {
	case KSTR:
	case KNAME:
		return fprintf(fp, "%s\n", *(char *const *)src);
	case KINT:
		return fprintf(fp, "%d\n", *(const int *)src);
	case KSIZE:
		return fprintf(fp, "%zu\n", *(const size_t *)src);
	case KLLONG:
		return fprintf(fp, "%lld\n", *(const long long *)src);
	}
	return fprintf(fp, "%s\n", fmt_double(b, sizeof(b),
	    *(const double *)src));
}

/* a value as the tools resolve it, defaults included; -1 for a key not known */
int
config_print(const struct config *c, const char *key, FILE *fp)
{
	size_t i;
	int r;

	for (i = 0; i < NELEM(keys); i++)
		if (keys[i].get && strcmp(key, keys[i].name) == 0)
			break;
	if (i < NELEM(keys))
		r = printkey(c, &keys[i], fp);
	else if (strcmp(key, "drift_test") == 0)
		r = fprintf(fp, "%s%s\n", c->drift_rule == DRIFT_BY_DATA ?
		    "data" : c->drift_test, c->drift_rule == DRIFT_BY_BOTH ?
		    "+data" : "");
	else if (strcmp(key, "gate") == 0)
		r = fprintf(fp, "%s\n", c->gate ? "on" : "off");
	/* the API's address as a URL: the one place the scripts get it,
	 * an IPv6 host in brackets */
	else if (strcmp(key, "api.url") == 0)
		r = fprintf(fp, strchr(c->api_host, ':') != NULL ?
		    "http://[%s]:%d\n" : "http://%s:%d\n", c->api_host,
		    c->api_port);
	else
		return seterr("unknown key \"%s\"", key);
	return r < 0 ? -1 : 0;
}
