/*
 * deploy: the trained model, its score and the list of ingested files
 * become the production deployment in one rename; --list, --rollback;
 * --check tests a new score for drift, --seen records data as seen,
 * --get prints a configuration value for scripts.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "risk.h"

#define SYNOPSIS "[-fhnqV] [-C dir] [-c file] [-d data] [--adopt | " \
    "--foreign | --list | --rollback | --check f1 | --seen | --get key | " \
    "--verify]"

/*
 * The model must be one the config can score, and latestscore.txt its F1
 * on the test data now: not a stale score of the model before.
 */
static int
validate(const struct config *cfg, char *const src[], double *score)
{
	char *test, a[40], b[40];
	struct model m;
	struct scored s;
	int r = -1;

	if (model_load(&m, src[0]) == -1)
		return -1;
	if (deploy_readscore(src[1], score) == -1) {
		if (access(src[1], F_OK) == -1)
			seterr("%s: no score: run score first", src[1]);
		model_free(&m);
		return -1;
	}
	test = path_join(cfg->test_data_path, "testdata.csv");
	if (deploy_fits(&m, cfg, src[0]) == 0 &&
	    score_file(&m, cfg, test, src[0], &s) == 0) {
		if (metrics_f1(&s.cm) == *score)
			r = 0;
		else
			seterr("%s: F1 %s, but the model scores %s on %s: run "
			    "score", src[1], fmt_double(a, sizeof(a), *score),
			    fmt_double(b, sizeof(b), metrics_f1(&s.cm)), test);
	}
	free(test);
	model_free(&m);
	return r;
}

/* what deploy validated: the model's digest, its score, the sources */
struct validated {
	char hex[65];
	double score;
	char *const *src;
};

/* the copies are what was validated: no train or score ran in between */
static int
unchanged(const char *dir, void *arg)
{
	const struct validated *v = arg;
	char *p, h[65];
	double f1;
	int r;

	p = path_join(dir, deploy_artifacts[0]);
	r = sha256_file(p, h);
	free(p);
	p = path_join(dir, deploy_artifacts[1]);
	if (r == 0)
		r = deploy_readscore(p, &f1);
	free(p);
	if (r == 0 && (strcmp(h, v->hex) != 0 || f1 != v->score))
		r = seterr("%s or %s changed while deploy ran: nothing is "
		    "deployed, run deploy again", v->src[0], v->src[1]);
	return r;
}

/* the F1 of the current deployment's model on the test data now, or -1
 * with risk_err: the gate lets any model replace one that cannot score */
static int
champion(const struct config *cfg, const char *cur, double *f1)
{
	char *p = deploy_path(cfg->prod_deployment_path, cur,
	    "trainedmodel.json"), *test;
	struct model m;
	struct scored s;
	int r = -1;

	test = path_join(cfg->test_data_path, "testdata.csv");
	if (deploy_valid(cfg, cur) == 0 && model_load(&m, p) == 0) {
		if ((r = score_file(&m, cfg, test, p, &s)) == 0)
			*f1 = metrics_f1(&s.cm);
		model_free(&m);
	}
	free(test);
	free(p);
	return r;
}

/*
 * The champion/challenger gate: history/id, made and scored, becomes
 * current only when its F1 on the test data is not below the current
 * model's less the margin. 1: kept out (it stays in history, never
 * current, so that rollback skips it), 0: let in, -1: error.
 */
static int
gate(const struct config *cfg, const char *id, double score)
{
	const char *prod = cfg->prod_deployment_path;
	char cur[256], a[40], b[40], m[40];
	double f1 = 0, threshold;
	int below;

	switch (deploy_current(prod, cur, sizeof(cur))) {
	case -1:
		return -1;
	case 0:
		return 0;
	}
	if (champion(cfg, cur, &f1) == -1) {
		warnx_("gate: %s cannot be scored, any model may replace it: "
		    "%s", cur, risk_err);
		return 0;
	}
	threshold = f1 - cfg->gate_margin;
	below = score < threshold;
	if (deploy_decide(prod, "gate", id, "gate", score, below, threshold, "", "",
	    "", "", below ? "kept" : "deployed") == -1)
		return -1;
	fmt_double(a, sizeof(a), score);
	fmt_double(b, sizeof(b), f1);
	fmt_double(m, sizeof(m), cfg->gate_margin);
	if (below)
		infox("kept the deployed model %s (F1 %s): the new model %s "
		    "scores %s < %s - margin %s; it stays in %s/history, "
		    "never current", cur, b, id, a, b, m, prod);
	else
		infox("the new model %s scores %s >= %s - margin %s, the "
		    "deployed model's F1: it replaces %s", id, a, b, m, cur);
	return below;
}

static int
deploy(const struct config *cfg)
{
	const char *prod = cfg->prod_deployment_path;
	char *src[DEPLOY_NARTIFACT], *data, *final = NULL, id[96], when[32];
	char f1[40];
	struct validated v = { "", 0, src };
	struct staging st = { { NULL }, unchanged, &v, NULL };
	size_t i;
	int r = -1, lock = -1, kept;

	src[0] = path_join(cfg->output_model_path, deploy_artifacts[0]);
	src[1] = path_join(cfg->output_model_path, deploy_artifacts[1]);
	src[2] = path_join(cfg->output_folder_path, deploy_artifacts[2]);
	data = path_join(cfg->output_folder_path, "finaldata.csv");
	for (i = 0; i < DEPLOY_NARTIFACT; i++)
		st.src[i] = src[i];
	st.data = data;
	if (sha256_file(src[0], v.hex) == -1 && access(src[0], F_OK) == 0)
		goto out;
	if (validate(cfg, src, &v.score) == -1)
		goto out;
	if (access(src[2], R_OK) == -1) {
		seterr("%s: %s: run ingest first", src[2], strerror(errno));
		goto out;
	}
	if ((lock = deploy_lock(prod, 1)) == -1)
		goto out;
	deploy_clean(prod);
	if (deploy_stage(cfg, &st, id, sizeof(id)) == -1)
		goto out;
	final = deploy_path(prod, id, NULL);
	if (cfg->gate && (kept = gate(cfg, id, v.score)) != 0) {
		if (kept == 1) {
			printf("%s\n", final);
			r = 0;
		}
		goto out;
	}
	if (deploy_switch(prod, id) == -1)
		goto out;
	/* deployed: what fails from here on is said, and the run succeeds */
	deploy_time(id, when, sizeof(when));
	fmt_double(f1, sizeof(f1), v.score);
	if (deploy_toplinks(prod) == -1)
		warnx_("%s is deployed, but %s", id, risk_err);
	if (history_add(prod, when, v.score, id, "deploy") == -1)
		warnx_("%s is deployed, but %s", id, risk_err);
	printf("%s\n", final);
	infox("deployed %s (F1 %s)", final, f1);
	r = 0;
out:
	if (lock != -1)
		close(lock);
	for (i = 0; i < DEPLOY_NARTIFACT; i++)
		free(src[i]);
	free(data);
	free(final);
	return r;
}

/* a deployment of the Python system becomes the first in history */
static int
adopt(const struct config *cfg, int force)
{
	const char *prod = cfg->prod_deployment_path;
	struct adoption ad;
	char when[32];

	if (adopt_stage(cfg, force, &ad) == -1)
		return -1;
	if (deploy_switch(prod, ad.id) == -1) {
		close(ad.lock);
		return -1;
	}
	deploy_time(ad.id, when, sizeof(when));
	/* the originals go first, each checked against its copy, so that
	 * the links never replace a file of the Python system unchecked */
	if (adopt_finish(prod, ad.id) == -1)
		warnx_("%s is deployed, but %s", ad.id, risk_err);
	if (deploy_toplinks(prod) == -1)
		warnx_("%s is deployed, but %s", ad.id, risk_err);
	if (history_add(prod, when, ad.score, ad.id, "adopt") == -1)
		warnx_("%s is deployed, but %s", ad.id, risk_err);
	printf("%s/history/%s\n", prod, ad.id);
	infox("adopted the Python deployment: retrained on %zu file%s, F1 "
	    "%s%s%s; its files are kept in %s/history/%s/original", ad.nfiles,
	    ad.nfiles == 1 ? "" : "s", ad.f1, ad.match ? " as its "
	    "latestscore.txt says" : ", its latestscore.txt says ",
	    ad.match ? "" : ad.was, prod, ad.id);
	close(ad.lock);
	return 0;
}

static int
list(const char *prod)
{
	char **ids, cur[256], when[32], f1[40], *p;
	struct model m;
	size_t n, i;
	double score;
	int hascur;

	if (deploy_list(prod, &ids, &n) == -1)
		return -1;
	if ((hascur = deploy_current(prod, cur, sizeof(cur))) == -1) {
		deploy_freelist(ids, n);
		return -1;
	}
	for (i = 0; i < n; i++) {
		deploy_time(ids[i], when, sizeof(when));
		p = deploy_path(prod, ids[i], "latestscore.txt");
		if (deploy_readscore(p, &score) == 0)
			fmt_double(f1, sizeof(f1), score);
		else
			strcpy(f1, "?");
		free(p);
		p = deploy_path(prod, ids[i], "trainedmodel.json");
		if (model_load(&m, p) == -1)
			m.rows = -1;
		else
			model_free(&m);
		free(p);
		/* x: never current (kept out by the gate, or a deploy
		 * killed before it switched) */
		printf("%s\t%s\t%lld\t%s\t%s\n", when, f1, m.rows, ids[i],
		    hascur && strcmp(cur, ids[i]) == 0 ? "*" :
		    deploy_recorded(prod, ids[i]) ? "-" : "x");
	}
	deploy_freelist(ids, n);
	return 0;
}

static int
rollback(const struct config *cfg)
{
	const char *prod = cfg->prod_deployment_path;
	char **ids, cur[256];
	size_t n, i;
	int r = -1, lock;

	if ((lock = deploy_lock(prod, 0)) == -1)
		return -1;
	if (deploy_list(prod, &ids, &n) == -1) {
		close(lock);
		return -1;
	}
	switch (deploy_current(prod, cur, sizeof(cur))) {
	case -1:
		goto out;
	case 0:
		seterr("%s: nothing is deployed", prod);
		goto out;
	}
	/* the newest earlier deployment that was current once and is whole;
	 * IDs sort by time, so this works when current dangles too */
	for (i = n; i > 0 && strcmp(ids[i - 1], cur) >= 0; i--)
		;
	if (i == 0) {
		seterr("%s: no deployment before %s", prod, cur);
		goto out;
	}
	for (; i > 0; i--) {
		if (!deploy_recorded(prod, ids[i - 1]))
			warnx_("skipped %s: it never was deployed (no line in "
			    "%s/" HISTORY_FILE ")", ids[i - 1], prod);
		else if (deploy_valid(cfg, ids[i - 1]) == -1)
			warnx_("skipped %s: %s", ids[i - 1], risk_err);
		else
			break;
	}
	if (i == 0)
		seterr("%s: no valid deployment before %s", prod, cur);
	else if (deploy_switch(prod, ids[i - 1]) == 0 &&
	    deploy_toplinks(prod) == 0) {
		printf("%s/history/%s\n", prod, ids[i - 1]);
		infox("rolled back from %s to %s", cur, ids[i - 1]);
		r = 0;
	}
out:
	deploy_freelist(ids, n);
	close(lock);
	return r;
}

/* the data test: the data's drift against the current deployment's
 * reference profile; -1 when it cannot run, why in risk_err */
struct datatest {
	long long drifted, features;
	int drift;
};

static int
datatest(const struct config *cfg, const char *data, struct datatest *t)
{
	json_t *o;
	int r = 0;

	if ((o = diag_drift(cfg, data, NULL)) == NULL)
		return -1;
	t->drifted = json_integer_value(json_object_get(o, "drifted_features"));
	t->features = json_integer_value(json_object_get(o, "tested_features"));
	t->drift = json_is_true(json_object_get(o, "drifted"));
	if (!json_is_integer(json_object_get(o, "tested_features")))
		r = seterr("%s: the data test gave no count of features", data);
	json_decref(o);
	return r;
}

/* how the score test found its threshold */
static void
scoredetail(const struct drift *d, char *buf, size_t size)
{
	char c[40], sp[40];

	fmt_double(c, sizeof(c), d->center);
	fmt_double(sp, sizeof(sp), d->spread);
	if (d->test == DRIFT_PARAMETRIC)
		snprintf(buf, size, "mean %s - 2 * std %s of %zu scores", c, sp,
		    d->n);
	else if (d->test == DRIFT_NONPARAMETRIC)
		snprintf(buf, size, "Q1 %s - 1.5 * IQR %s of %zu scores", c, sp,
		    d->n);
	else if (d->asked != DRIFT_RAW)
		snprintf(buf, size, "the deployed score: %s needs 2 scores in "
		    "the history, it has %zu", drift_name(d->asked), d->n);
	else
		snprintf(buf, size, "the deployed score");
}

/*
 * The score test, the data test beside it in every case, and the decision
 * by drift_test: one line of tab-separated fields, the score test's
 * (verdict, test, f1, op, threshold, how) then the data test's (verdict
 * or "none", drifted, features, how) then the decision.
 */
static int
check(const struct config *cfg, double score, const char *data, int dry)
{
	const char *prod = cfg->prod_deployment_path, *dv;
	char id[256], f1[40], ref[40], when[32];
	char detail[256], ddetail[LOG_ESCMAX + 64], nd[24] = "", nf[24] = "";
	struct datatest t;
	struct drift d;
	int ran, decision;

	if (drift_scoretest(cfg, score, &d, id, sizeof(id)) == -1)
		return -1;
	fmt_double(f1, sizeof(f1), score);
	fmt_double(ref, sizeof(ref), d.threshold);
	scoredetail(&d, detail, sizeof(detail));

	/* without a reference profile the score test decides alone */
	ran = datatest(cfg, data, &t) == 0;
	if (ran) {
		snprintf(nd, sizeof(nd), "%lld", t.drifted);
		snprintf(nf, sizeof(nf), "%lld", t.features);
		snprintf(ddetail, sizeof(ddetail), "%lld of %lld features "
		    "drifted", t.drifted, t.features);
	} else {
		char esc[LOG_ESCMAX];

		snprintf(ddetail, sizeof(ddetail), "not run: %s",
		    log_escs(esc, risk_err));
	}
	dv = !ran ? "none" : t.drift ? "drift" : "nodrift";
	if (!ran || cfg->drift_rule == DRIFT_BY_SCORE)
		decision = d.drift;
	else if (cfg->drift_rule == DRIFT_BY_DATA)
		decision = t.drift;
	else
		decision = d.drift && t.drift;
	if (!dry) {
		fmt_utc_iso(when, sizeof(when));
		if (history_add(prod, when, score, id, "check") == -1 ||
		    deploy_decide(prod, "check", id, drift_name(d.test), score,
		    d.drift, d.threshold, d.drift ? "drift" : "nodrift", nd,
		    nf, ran ? dv : "", decision ? "drift" : "nodrift") == -1)
			return -1;
	}
	printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
	    d.drift ? "drift" : "nodrift", drift_name(d.test), f1,
	    d.drift ? "<" : ">=", ref, detail, dv, nd, nf, ddetail,
	    decision ? "drift" : "nodrift");
	return 0;
}

/* can the current deployment be used? */
static int
verify(const struct config *cfg)
{
	char id[256], *dir;
	struct stat st;
	int r;

	dir = deploy_currentdir(cfg->prod_deployment_path, id, sizeof(id));
	if (dir == NULL)
		return -1;
	if (stat(dir, &st) == -1)
		r = seterr("%s/current: history/%s: %s",
		    cfg->prod_deployment_path, id, strerror(errno));
	else if ((r = deploy_valid(cfg, id)) == 0) {
		printf("%s\n", dir);
		infox("%s is whole, and the config can score its model", id);
	}
	free(dir);
	return r;
}

static int
seen(const struct config *cfg, int dry)
{
	struct filelist have = { NULL, 0 }, add = { NULL, 0 };
	char id[256], *dir, *dst, *src, *buf = NULL;
	size_t n, len = 0, i;
	int r = -1;

	dir = deploy_currentdir(cfg->prod_deployment_path, id, sizeof(id));
	if (dir == NULL)
		return -1;
	dst = path_join(dir, deploy_artifacts[2]);
	src = path_join(cfg->output_folder_path, deploy_artifacts[2]);
	if (filelist_read(dst, &have) == -1 ||
	    filelist_read(src, &add) == -1)
		goto out;
	n = filelist_merge(&have, &add);
	for (i = 0; i < have.n; i++)
		len += strlen(have.line[i]) + 1;
	buf = emalloc(len + 1);
	for (i = 0, len = 0; i < have.n; i++)
		len += sprintf(buf + len, "%s\n", have.line[i]);
	if (!dry && n > 0 && atomic_write(dst, buf, len) == -1)
		goto out;
	printf("%s\n", dst);
	infox("%zu file%s of %s %s as seen by %s", n, n == 1 ? "" : "s", src,
	    dry ? "would be recorded" : "recorded", id);
	r = 0;
out:
	filelist_free(&have);
	filelist_free(&add);
	free(buf);
	free(dst);
	free(src);
	free(dir);
	return r;
}

/* each verb is its long option's value: getopt_long returns it */
enum verb {
	DEPLOY = 0, LIST = TOOL_OPT_JSON + 1, ROLLBACK, CHECK, SEEN, GET,
	VERIFY, ADOPT, FOREIGN
};

/* what the options asked for */
struct verbopt {
	enum verb verb;
	const char *arg, *dataopt;
	double score;		/* --check's */
	int dry, force;
};

/* the verb on the workspace; -1 with risk_err and risk_status */
static int
run(const struct config *cfg, const struct verbopt *v)
{
	char *data;
	int r, lock = -1;

	/* what deploy did not make it never replaces */
	if ((v->verb == DEPLOY || v->verb == ROLLBACK || v->verb == FOREIGN ||
	    ((v->verb == CHECK || v->verb == SEEN) && !v->dry)) &&
	    adopt_guard(cfg->prod_deployment_path) == -1)
		return -1;
	if ((v->verb == CHECK || v->verb == SEEN) && !v->dry &&
	    (lock = deploy_lock(cfg->prod_deployment_path, 0)) == -1)
		return -1;
	switch (v->verb) {
	case FOREIGN:
		r = 0;
		break;
	case DEPLOY:
		r = deploy(cfg);
		break;
	case LIST:
		r = list(cfg->prod_deployment_path);
		break;
	case ROLLBACK:
		r = rollback(cfg);
		break;
	case ADOPT:
		r = adopt(cfg, v->force);
		break;
	case CHECK:
		data = v->dataopt ? estrdup(v->dataopt) :
		    path_join(cfg->output_folder_path, "finaldata.csv");
		r = check(cfg, v->score, data, v->dry);
		free(data);
		break;
	case SEEN:
		r = seen(cfg, v->dry);
		break;
	case VERIFY:
		r = verify(cfg);
		break;
	case GET:
	default:
		if ((r = config_print(cfg, v->arg, stdout)) == -1) {
			char why[sizeof(risk_err)];

			memcpy(why, risk_err, sizeof(why));
			seterr("--get: %s", why);
			risk_status = EXIT_USAGE;
		}
		break;
	}
	if (r == 0)
		r = tool_flush();
	if (lock != -1)
		close(lock);
	return r;
}

int
main(int argc, char *argv[])
{
	struct verbopt v = { DEPLOY, NULL, NULL, 0, 0, 0 };
	int verb = DEPLOY;
	const struct toolarg args[] = {
		{ ADOPT, "adopt", NULL, "take over the Python system's "
		    "deployment in prod_deployment_path", .verb = &verb },
		{ CHECK, "check", "f1", "test the score f1 of the deployed "
		    "model on new data for drift", .verb = &verb,
		    .str = &v.arg },
		{ 'd', NULL, "data", "with --check: the new data for the data "
		    "test (default: finaldata.csv)", .str = &v.dataopt },
		{ 'f', NULL, NULL, "with --adopt: adopt even when the F1 "
		    "differs (default: off)", .flag = &v.force },
		{ FOREIGN, "foreign", NULL, "fail naming what "
		    "prod_deployment_path holds that deploy did not make",
		    .verb = &verb },
		{ GET, "get", "key", "print the configuration value of key",
		    .verb = &verb, .str = &v.arg },
		{ LIST, "list", NULL, "list the deployments, oldest first, the "
		    "current one marked", .verb = &verb },
		{ 'n', NULL, NULL, "with --check or --seen: print, write "
		    "nothing (default: write)", .flag = &v.dry },
		{ ROLLBACK, "rollback", NULL, "make the deployment before the "
		    "current one current again", .verb = &verb },
		{ SEEN, "seen", NULL, "record the ingested files as seen by "
		    "the current deployment", .verb = &verb },
		{ VERIFY, "verify", NULL, "check that the current deployment "
		    "can be used", .verb = &verb },
		{ 0 }
	};
	struct toolopt opt = { SYNOPSIS, args, 0, NULL, NULL };
	struct config cfg;
	char *end;

	tool_parse(&opt, argc, argv);
	v.verb = verb;
	if ((v.dry && v.verb != CHECK && v.verb != SEEN) ||
	    (v.force && v.verb != ADOPT) || (v.dataopt && v.verb != CHECK))
		tool_usage(&opt);
	if (v.verb == CHECK) {
		v.score = strtod(v.arg, &end);
		if (end == v.arg || *end != '\0' || !isfinite(v.score) ||
		    v.score < 0 || v.score > 1)
			errx_(EXIT_USAGE, "--check: \"%s\" is not an F1 score "
			    "(a number from 0 to 1)", v.arg);
	}
	if (tool_start(&opt, &cfg) == -1)
		errx_(risk_status, "%s", risk_err);
	if (run(&cfg, &v) == -1)
		errx_(risk_status, "%s", risk_err);
	config_free(&cfg);
	return EXIT_OK;
}
