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

static int
getpos(const char *file, const char *key, json_t *v, double *dst)
{
	if (!json_is_number(v) || !(json_number_value(v) > 0) ||
	    !isfinite(json_number_value(v)))
		return seterr("%s: key \"%s\": expected a positive number",
		    file, key);
	*dst = json_number_value(v);
	return 0;
}

/* C past this is no regularisation at all, and with large values the
 * products of training overflow a double */
#define CONFIG_MAXC 1e6

static int
getc_(const char *file, json_t *v, double *dst)
{
	if (!json_is_number(v) || !(json_number_value(v) > 0) ||
	    !(json_number_value(v) <= CONFIG_MAXC))
		return seterr("%s: key \"model.C\": expected a positive number "
		    "no greater than 1e6", file);
	*dst = json_number_value(v);
	return 0;
}

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

static int
getmodel(const char *file, struct config *c, json_t *obj)
{
	const char *k;
	json_t *v;
	long long n;

	if (!json_is_object(obj))
		return seterr("%s: key \"model\": expected an object", file);
	json_object_foreach(obj, k, v) {
		if (strcmp(k, "C") == 0) {
			if (getc_(file, v, &c->C) == -1)
				return -1;
		} else if (strcmp(k, "tol") == 0) {
			if (getpos(file, "model.tol", v, &c->tol) == -1)
				return -1;
		} else if (strcmp(k, "max_iter") == 0) {
			if (getint(file, "model.max_iter", v, 1, 1000000,
			    &n) == -1)
				return -1;
			c->max_iter = (int)n;
		} else
			warnx_("%s: unknown key \"model.%s\" ignored", file, k);
	}
	return 0;
}

static int
getapi(const char *file, struct config *c, json_t *obj)
{
	const char *k;
	json_t *v;
	long long n;

	if (!json_is_object(obj))
		return seterr("%s: key \"api\": expected an object", file);
	json_object_foreach(obj, k, v) {
		if (strcmp(k, "host") == 0) {
			if (getstr(file, "api.host", v, &c->api_host) == -1)
				return -1;
		} else if (strcmp(k, "port") == 0) {
			if (getint(file, "api.port", v, 1, 65535, &n) == -1)
				return -1;
			c->api_port = (int)n;
		} else if (strcmp(k, "max_body") == 0) {
			if (getint(file, "api.max_body", v, 1, 1LL << 40,
			    &c->api_max_body) == -1)
				return -1;
		} else
			warnx_("%s: unknown key \"api.%s\" ignored", file, k);
	}
	return 0;
}

/* a share or a p-value: a number from 0 to 1 */
static int
getshare(const char *file, const char *key, json_t *v, double *dst)
{
	if (!json_is_number(v) || !(json_number_value(v) >= 0) ||
	    !(json_number_value(v) <= 1))
		return seterr("%s: key \"%s\": expected a number from 0 to 1",
		    file, key);
	*dst = json_number_value(v);
	return 0;
}

/* the data drift tests: "drift":{"reference_rows":10000,...} */
static int
getdrift(const char *file, struct config *c, json_t *obj)
{
	const char *k;
	json_t *v;
	long long n;

	if (!json_is_object(obj))
		return seterr("%s: key \"drift\": expected an object", file);
	json_object_foreach(obj, k, v) {
		if (strcmp(k, "reference_rows") == 0) {
			if (getint(file, "drift.reference_rows", v, 1, 1000000,
			    &n) == -1)
				return -1;
			c->drift_rows = (size_t)n;
		} else if (strcmp(k, "ks_pvalue") == 0) {
			if (getshare(file, "drift.ks_pvalue", v,
			    &c->drift_ks_pvalue) == -1)
				return -1;
		} else if (strcmp(k, "ks_rows") == 0) {
			if (getint(file, "drift.ks_rows", v, 0, 1LL << 53,
			    &c->drift_ks_rows) == -1)
				return -1;
		} else if (strcmp(k, "wasserstein") == 0) {
			if (!json_is_number(v) ||
			    !(json_number_value(v) >= 0) ||
			    !isfinite(json_number_value(v)))
				return seterr("%s: key \"drift.wasserstein\": "
				    "expected a number from 0 up", file);
			c->drift_wasserstein = json_number_value(v);
		} else if (strcmp(k, "share") == 0) {
			if (getshare(file, "drift.share", v,
			    &c->drift_share) == -1)
				return -1;
		} else
			warnx_("%s: unknown key \"drift.%s\" ignored", file, k);
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
	const char *k;
	json_t *m;

	if (json_is_boolean(v)) {
		c->gate = json_is_true(v);
		c->gate_margin = 0;
		return 0;
	}
	if (!json_is_object(v))
		return seterr("%s: key \"gate\": expected true, false or an "
		    "object", file);
	json_object_foreach(v, k, m) {
		if (strcmp(k, "margin") != 0) {
			warnx_("%s: unknown key \"gate.%s\" ignored", file, k);
			continue;
		}
		if (getshare(file, "gate.margin", m, &c->gate_margin) == -1)
			return -1;
	}
	c->gate = 1;
	return 0;
}

static int
getkey(const char *file, struct config *c, const char *k, json_t *v)
{
	static const struct {
		const char *key;
		size_t off;
	} paths[] = {
		{ "input_folder_path", offsetof(struct config, input_folder_path) },
		{ "output_folder_path", offsetof(struct config, output_folder_path) },
		{ "test_data_path", offsetof(struct config, test_data_path) },
		{ "output_model_path", offsetof(struct config, output_model_path) },
		{ "prod_deployment_path", offsetof(struct config, prod_deployment_path) },
		{ "target", offsetof(struct config, target) },
	};
	size_t i;

	for (i = 0; i < NELEM(paths); i++)
		if (strcmp(k, paths[i].key) == 0)
			return (strcmp(k, "target") == 0 ? getname :
			    getstr)(file, k, v,
			    (char **)((char *)c + paths[i].off));
	if (strcmp(k, "features") == 0)
		return getfeatures(file, c, v);
	if (strcmp(k, "model") == 0)
		return getmodel(file, c, v);
	if (strcmp(k, "api") == 0)
		return getapi(file, c, v);
	if (strcmp(k, "drift") == 0)
		return getdrift(file, c, v);
	if (strcmp(k, "lock_timeout") == 0)
		return getint(file, k, v, 1, 31536000, &c->lock_timeout);
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

/* a value as the tools resolve it, defaults included; -1 for a key not known */
int
config_print(const struct config *c, const char *key, FILE *fp)
{
	const struct {
		const char *key, *val;
	} s[] = {
		{ "input_folder_path", c->input_folder_path },
		{ "output_folder_path", c->output_folder_path },
		{ "test_data_path", c->test_data_path },
		{ "output_model_path", c->output_model_path },
		{ "prod_deployment_path", c->prod_deployment_path },
		{ "target", c->target },
		{ "api.host", c->api_host },
	};
	char b[40];
	size_t i;

	for (i = 0; i < NELEM(s); i++)
		if (strcmp(key, s[i].key) == 0)
			return fprintf(fp, "%s\n", s[i].val) < 0 ? -1 : 0;
	if (strcmp(key, "drift_test") == 0)
		return fprintf(fp, "%s%s\n", c->drift_rule == DRIFT_BY_DATA ?
		    "data" : c->drift_test, c->drift_rule == DRIFT_BY_BOTH ?
		    "+data" : "") < 0 ? -1 : 0;
	if (strcmp(key, "gate") == 0)
		return fprintf(fp, "%s\n", c->gate ? "on" : "off") < 0 ? -1 : 0;
	if (strcmp(key, "gate.margin") == 0)
		return fprintf(fp, "%s\n", fmt_double(b, sizeof(b),
		    c->gate_margin)) < 0 ? -1 : 0;
	if (strcmp(key, "api.port") == 0)
		return fprintf(fp, "%d\n", c->api_port) < 0 ? -1 : 0;
	/* the API's address as a URL: the one place the scripts get it,
	 * an IPv6 host in brackets */
	if (strcmp(key, "api.url") == 0)
		return fprintf(fp, strchr(c->api_host, ':') != NULL ?
		    "http://[%s]:%d\n" : "http://%s:%d\n", c->api_host,
		    c->api_port) < 0 ? -1 : 0;
	if (strcmp(key, "api.max_body") == 0)
		return fprintf(fp, "%lld\n", c->api_max_body) < 0 ? -1 : 0;
	if (strcmp(key, "lock_timeout") == 0)
		return fprintf(fp, "%lld\n", c->lock_timeout) < 0 ? -1 : 0;
	if (strcmp(key, "drift.reference_rows") == 0)
		return fprintf(fp, "%zu\n", c->drift_rows) < 0 ? -1 : 0;
	if (strcmp(key, "drift.ks_rows") == 0)
		return fprintf(fp, "%lld\n", c->drift_ks_rows) < 0 ? -1 : 0;
	return seterr("unknown key \"%s\"", key);
}
