/*
 * report: confusionmatrix.png and report.pdf in output_model_path, drawn
 * by gnuplot from a script generated in a temp folder.
 */
#define _XOPEN_SOURCE 700	/* nftw, strptime */
#include <sys/stat.h>

#include <errno.h>
#include <ftw.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "risk.h"

#define SYNOPSIS "[-hqV] [-C dir] [-c file] [-m model]"
#define NBIN 30
#define FONT "DejaVu Sans"
#define MONO "DejaVu Sans Mono"

struct testing {
	struct confusion cm;
	long long left;
};

static int
ontest(const struct record *r, int pred, double p, void *arg)
{
	struct testing *t = arg;

	(void)p;
	if (pred < 0 || r->y < 0)
		t->left++;
	else
		metrics_tally(&t->cm, r->y, pred);
	return 0;
}

/*
 * No string from the data is ever written into the gnuplot script: each
 * goes into strings.dat, which the script reads into the array S, and the
 * script names it S[i].  The script holds only our own words, numbers and
 * the fixed file names of the scratch folder gnuplot runs in.
 */
static FILE *strfp;
static size_t nstr;

/* the index in S of a string, written as a double-quoted data field: a
 * quote and a backslash as octal escapes, a control byte (and every byte
 * of text that is not UTF-8) shown as a visible \n, \r, \t or \xNN */
static size_t
str(const char *s)
{
	int utf8 = utf8_valid(s, strlen(s));
	unsigned char c;

	putc('"', strfp);
	for (; (c = *s) != '\0'; s++) {
		if (c == '"' || c == '\\')
			fprintf(strfp, "\\%03o", c);
		else if (c == '\n')
			fputs("\\\\n", strfp);
		else if (c == '\r')
			fputs("\\\\r", strfp);
		else if (c == '\t')
			fputs("\\\\t", strfp);
		else if (c < 0x20 || c == 0x7f || (c >= 0x80 && !utf8))
			fprintf(strfp, "\\\\x%02x", c);
		else
			putc(c, strfp);
	}
	fputs("\"\n", strfp);
	return ++nstr;
}

/* a text page: the lines given, in a fixed-width font below a title */
static void
textpage(FILE *gp, const char *title, char **line, size_t n)
{
	size_t i;
	double y = 0.85, step = n > 20 ? 0.8 / n : 0.04;

	fprintf(gp, "reset\nunset border\nunset tics\nunset key\n"
	    "set xrange [0:1]\nset yrange [0:1]\n");
	fprintf(gp, "set label 1 S[%zu] at screen 0.06,0.93 font '" FONT
	    ",26' noenhanced\n", str(title));
	for (i = 0; i < n; i++, y -= step)
		fprintf(gp, "set label %zu S[%zu] at screen 0.06,%.4f font '"
		    MONO ",%d' noenhanced\n", i + 2, str(line[i]), y,
		    n > 20 ? 11 : 15);
	fprintf(gp, "plot 2 notitle\nreset\n");
}

struct lines {
	char **v;
	size_t n, cap;
};

static void
addline(struct lines *l, const char *fmt, ...) RISK_PRINTF(2, 3);

static void
addline(struct lines *l, const char *fmt, ...)
{
	va_list ap;
	char buf[512];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (l->n == l->cap)
		l->v = erealloc(l->v, (l->cap = 2 * l->cap + 16) *
		    sizeof(*l->v));
	l->v[l->n++] = estrdup(buf);
}

/* s in lines of at most width bytes, broken after a space where one is */
static void
addwrapped(struct lines *l, const char *s, size_t width)
{
	size_t n, cut;

	while ((n = strlen(s)) > width) {
		for (cut = width; cut > 0 && s[cut - 1] != ' '; cut--)
			;
		if (cut == 0)
			cut = width;
		addline(l, "%.*s", (int)cut, s);
		s += cut;
	}
	addline(l, "%s", s);
}

static void
freelines(struct lines *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int
rmentry(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)f;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

/* what a run that stops early must not leave behind */
static char *scratch;
static struct atomic out[2];

static void
cleanup(void)
{
	if (scratch != NULL)
		nftw(scratch, rmentry, 16, FTW_DEPTH | FTW_PHYS);
	atomic_abort(&out[0]);
	atomic_abort(&out[1]);
}

/* a file of the scratch folder, complete or the run stops */
static FILE *
escratchfile(const char *name)
{
	char *path = path_join(scratch, name);
	FILE *fp;

	if ((fp = fopen(path, "w")) == NULL)
		errx_(EXIT_FAIL, "%s: %s", path, strerror(errno));
	free(path);
	return fp;
}

/* or exit */
static void
eclosescratch(FILE *fp, const char *name)
{
	if (ferror(fp) | (fclose(fp) == EOF))
		errx_(EXIT_FAIL, "%s/%s: write error", scratch, name);
}

/* what gnuplot drew in the scratch folder, to a temp file beside path;
 * or exit */
static void
eoutput(struct atomic *a, const char *name, const char *path)
{
	char *src = path_join(scratch, name), *data;
	size_t len;

	if ((data = path_slurp(src, &len)) == NULL)
		errx_(EXIT_FAIL, "%s", risk_err);
	if (atomic_open(a, path) == -1)
		errx_(EXIT_FAIL, "%s", risk_err);
	if (fwrite(data, 1, len, a->fp) != len || atomic_sync(a) == -1)
		errx_(EXIT_FAIL, "%s: write error", path);
	free(data);
	free(src);
}

static int
ongnuplotpath(void)
{
	const char *path = getenv("PATH");
	char *dirs, *d, *p, *save = NULL;
	int found = 0;

	if (path == NULL)
		return 0;
	dirs = estrdup(path);
	for (d = strtok_r(dirs, ":", &save); d && !found;
	    d = strtok_r(NULL, ":", &save)) {
		p = path_join(*d ? d : ".", "gnuplot");
		found = access(p, X_OK) == 0;
		free(p);
	}
	free(dirs);
	return found;
}

/* what the pages are drawn from */
struct report {
	struct config cfg;
	const char *modelopt;	/* -m, or NULL: the deployed model */
	char *modelpath, *testpath, *finpath;
	struct model m;
	struct testing t;	/* the model on the test data */
	struct columns fin, tst;	/* finaldata.csv, the test data */
	json_t *timing, *deps;
	char f1s[40];
	FILE *gp;
};

/* the model, its score on the test data, both data files, and the
 * timings and dependencies: those diagnose -o saved, else now; or exit */
static void
eload(struct report *r)
{
	char *dpath;
	json_t *saved;

	r->modelpath = r->modelopt ? estrdup(r->modelopt) :
	    deploy_file(r->cfg.prod_deployment_path, "trainedmodel.json");
	r->testpath = path_join(r->cfg.test_data_path, "testdata.csv");
	r->finpath = path_join(r->cfg.output_folder_path, "finaldata.csv");
	if (model_load(&r->m, r->modelpath) == -1) {
		if (r->modelopt == NULL && access(r->modelpath, F_OK) == -1)
			errx_(EXIT_FAIL, "%s: no deployed model: deploy one, or "
			    "name one with -m", r->modelpath);
		errx_(EXIT_FAIL, "%s", risk_err);
	}
	memset(&r->t, 0, sizeof(r->t));
	if (predict_file(&r->m, r->testpath, ontest, &r->t) == -1)
		errx_(risk_status, "%s", risk_err);	/* 2: a column missing */
	if (r->t.cm.tp + r->t.cm.tn + r->t.cm.fp + r->t.cm.fn == 0)
		errx_(EXIT_FAIL, "%s: no complete rows to score", r->testpath);
	fmt_double(r->f1s, sizeof(r->f1s), metrics_f1(&r->t.cm));
	if (columns_load(&r->fin, r->finpath, &r->cfg, COLUMNS_VALUES |
	    COLUMNS_FINALDATA) == -1 ||
	    columns_load(&r->tst, r->testpath, &r->cfg, COLUMNS_VALUES) == -1)
		errx_(risk_status, "%s", risk_err);

	dpath = path_join(r->cfg.output_model_path, "diagnostics.json");
	r->timing = r->deps = NULL;
	if ((saved = json_load_file(dpath, 0, NULL)) != NULL) {
		r->timing = json_incref(json_object_get(saved, "timing"));
		r->deps = json_incref(json_object_get(saved, "dependencies"));
		json_decref(saved);
	}
	free(dpath);
	if (r->timing == NULL && (r->timing = timing_measure(&r->cfg, 1)) == NULL)
		warnx_("timing: %s", risk_err);
	if (r->deps == NULL)
		r->deps = deps_versions();
}

/* the confusion matrix: one cell a line, x predicted, y true */
static void
page_confusion(struct report *r)
{
	const struct confusion *cm = &r->t.cm;
	double top = fmax(fmax(cm->tn, cm->tp), fmax(cm->fn, cm->fp));
	char *title;
	FILE *df;

	df = escratchfile("cm.dat");
	fprintf(df, "0 0 %lld\n0 1 %lld\n\n1 0 %lld\n1 1 %lld\n", cm->tn,
	    cm->fn, cm->fp, cm->tp);
	eclosescratch(df, "cm.dat");
	title = emalloc(strlen(r->m.trained_at) + 128);
	sprintf(title, "Confusion matrix of %s model trained at %s, F1 %s",
	    r->modelopt ? "the" : "the deployed", r->m.trained_at, r->f1s);
	fprintf(r->gp, "set title S[%zu] noenhanced\n", str(title));
	free(title);
	fprintf(r->gp, "set xlabel 'predicted'\nset ylabel 'true'\n"
	    "set xrange [-0.5:1.5]\nset yrange [1.5:-0.5]\n"
	    "set xtics ('0' 0, '1' 1)\nset ytics ('0' 0, '1' 1)\n"
	    "set size ratio 1\nset palette defined (0 '#f7fbff', "
	    "1 '#08306b')\nset cblabel 'rows'\nunset key\n"
	    "set cbrange [0:%lld]\n", (long long)fmax(1, top));
	fprintf(r->gp, "plot 'cm.dat' using 1:2:3 with image, '' using "
	    "1:2:(sprintf('%%d', $3)):($3 > %g ? 0xffffff : 0) "
	    "with labels tc rgb variable font '" FONT ",28'\n", top / 2);
	fprintf(r->gp, "reset\n");
}

/* the share of rows in each of NBIN bins over lo..hi */
static void
histogram(const double *x, size_t n, double lo, double w, double *share)
{
	long long cnt[NBIN] = { 0 }, all = 0;
	size_t j, b;

	for (j = 0; j < n; j++)
		if (!isnan(x[j])) {
			b = (size_t)((x[j] - lo) / w);
			cnt[b < NBIN ? b : NBIN - 1]++, all++;
		}
	for (b = 0; b < NBIN; b++)
		share[b] = all ? (double)cnt[b] / all : 0.;
}

/* the range of NBIN bins over the values of a and b: lo and the width */
static void
binrange(const double *a, size_t na, const double *b, size_t nb,
    double *lo, double *w)
{
	double hi = -INFINITY;
	size_t j;

	*lo = INFINITY;
	for (j = 0; j < na; j++)
		if (!isnan(a[j]))
			*lo = fmin(*lo, a[j]), hi = fmax(hi, a[j]);
	for (j = 0; j < nb; j++)
		if (!isnan(b[j]))
			*lo = fmin(*lo, b[j]), hi = fmax(hi, b[j]);
	if (!isfinite(*lo))
		*lo = 0, hi = 1;
	if (hi <= *lo)
		hi = *lo + 1;
	*w = (hi - *lo) / NBIN;
}

/* the data file name: each bin's middle and the shares of a's and b's
 * values in it, over both's range; that range's start and bin width */
static void
histfile(const char *name, const double *a, size_t na, const double *b,
    size_t nb, double *lo, double *w)
{
	double sa[NBIN], sb[NBIN];
	size_t k;
	FILE *df;

	binrange(a, na, b, nb, lo, w);
	histogram(a, na, *lo, *w, sa);
	histogram(b, nb, *lo, *w, sb);
	df = escratchfile(name);
	for (k = 0; k < NBIN; k++)
		fprintf(df, "%.17g %.17g %.17g\n", *lo + (k + 0.5) * *w, sa[k],
		    sb[k]);
	eclosescratch(df, name);
}

/* the features' distributions in finaldata.csv and the test data, three
 * a page */
static void
page_features(struct report *r)
{
	const struct columns *fin = &r->fin, *tst = &r->tst;
	double lo, hi, w;
	size_t f;
	char name[32];

	for (f = 0; f < fin->nfeat; f++) {
		snprintf(name, sizeof(name), "hist%zu.dat", f);
		histfile(name, fin->x[f], fin->nrow, tst->x[f], tst->nrow, &lo,
		    &w);
		hi = lo + NBIN * w;
		if (f % 3 == 0)
			fprintf(r->gp, "set multiplot layout 3,1 title "
			    "'Feature distributions: finaldata.csv (%zu rows) "
			    "against the test data (%zu rows)' noenhanced "
			    "font '" FONT ",14'\n", fin->nrow, tst->nrow);
		fprintf(r->gp, "set style fill solid 0.5 noborder\n"
		    "set boxwidth %.17g absolute\nset ylabel 'share of rows'\n"
		    "set key top right\nset grid y lc rgb '#cccccc' lt 1\n"
		    "set xrange [%.17g:%.17g]\nset yrange [0:*]\n"
		    "set title S[%zu] noenhanced\n", w * 0.9, lo, hi,
		    str(fin->name[fin->feat[f]]));
		fprintf(r->gp, "plot '%s' using 1:2 with boxes lc rgb '#4477aa' "
		    "title 'finaldata.csv', '' using 1:3 with linespoints "
		    "pt 7 ps 0.6 lw 2 lc rgb '#cc3311' title 'test data'\n",
		    name);
		if (f % 3 == 2 || f + 1 == fin->nfeat)
			fprintf(r->gp, "unset multiplot\nreset\n");
	}
}

/* scorehistory.csv: every deployment's and check's F1, by time */
struct point {
	time_t t;
	double f1;
	int check;		/* 1: a drift check, 0: a deployment */
};

struct history {
	struct point *p;
	size_t n;
	time_t tmin, tmax;
};

/* the score history's deployments and checks; other lines are skipped */
static void
loadhistory(const char *prod, struct history *h)
{
	struct scorehistory sh;
	struct scoreline *l;
	struct point pt;
	size_t i;

	memset(h, 0, sizeof(*h));
	if (history_read(prod, &sh, 0) == -1)
		return;
	h->p = emalloc((sh.n + 1) * sizeof(*h->p));
	for (i = 0; i < sh.n; i++) {
		l = &sh.line[i];
		pt.t = deploy_isotime(l->time);
		pt.f1 = l->f1;
		pt.check = strcmp(l->event, "check") == 0;
		if (pt.t == (time_t)-1 || (!pt.check &&
		    strcmp(l->event, "deploy") != 0 &&
		    strcmp(l->event, "adopt") != 0))
			continue;
		h->p[h->n++] = pt;
		if (h->tmin == 0 || pt.t < h->tmin)
			h->tmin = pt.t;
		if (pt.t > h->tmax)
			h->tmax = pt.t;
	}
	history_free(&sh);
}

/* the history's points of one kind into a data file of the scratch
 * folder; how many */
static size_t
writepoints(const struct history *h, const char *name, int check)
{
	FILE *df = escratchfile(name);
	size_t i, n = 0;

	for (i = 0; i < h->n; i++)
		if (h->p[i].check == check) {
			fprintf(df, "%lld %.17g\n", (long long)h->p[i].t,
			    h->p[i].f1);
			n++;
		}
	eclosescratch(df, name);
	return n;
}

/* the x range of a time axis over the history, with a margin */
static void
timerange(const struct history *h, long long *lo, long long *hi)
{
	double w;

	*lo = h->tmin, *hi = h->tmax;
	if (*hi - *lo < 3600)
		*lo -= 1800, *hi += 1800;
	else {
		w = (*hi - *lo) * 0.05;
		*lo -= w, *hi += w;
	}
}

/* the newest check in decisions.csv, and a gate decision after it */
struct lastrun {
	struct decision check, gate;
	int hascheck, hasgate;
};

static int
ondecision(const struct decision *d, void *arg)
{
	struct lastrun *l = arg;

	if (strcmp(d->event, "check") == 0) {
		l->check = *d;
		l->hascheck = 1;
		l->hasgate = 0;
	} else if (strcmp(d->event, "gate") == 0) {
		l->gate = *d;
		l->hasgate = 1;
	}
	return 0;
}

/* a figure of decisions.csv to 3 decimals, or as it is */
static const char *
short3(char *buf, size_t size, const char *s)
{
	char *end;
	double v = strtod(s, &end);

	if (*s == '\0' || *end != '\0' || !isfinite(v))
		snprintf(buf, size, "%s", s);
	else
		snprintf(buf, size, "%.3f", v);
	return buf;
}

/* what the threshold of a score test is held against, in words */
static const char *
threshname(const char *test)
{
	if (strcmp(test, "parametric") == 0)
		return "mean \u2212 2 std";
	if (strcmp(test, "nonparametric") == 0)
		return "Q1 \u2212 1.5 IQR";
	return "deployed";
}

/* the last run's decision in words: "no drift: new data F1 0.692 ≥
 * deployed 0.571; 0 of 3 features drifted" */
static void
decisionwords(const struct lastrun *l, struct lines *out)
{
	const struct decision *c = &l->check, *g = &l->gate;
	char a[64], b[64];

	if (!l->hascheck) {
		addline(out, "%s", "no drift check yet");
		return;
	}
	short3(a, sizeof(a), c->f1);
	short3(b, sizeof(b), c->threshold);
	if (*c->data != '\0')
		addline(out, "%s: new data F1 %s %s %s %s; %s of %s features "
		    "drifted", strcmp(c->decision, "drift") == 0 ? "drift" :
		    "no drift", a, strcmp(c->op, "<") == 0 ? "<" : "\u2265",
		    threshname(c->test), b, c->drifted, c->features);
	else
		addline(out, "%s: new data F1 %s %s %s %s; the data test did "
		    "not run", strcmp(c->decision, "drift") == 0 ? "drift" :
		    "no drift", a, strcmp(c->op, "<") == 0 ? "<" : "\u2265",
		    threshname(c->test), b);
	if (strcmp(c->decision, "drift") != 0)
		addline(out, "the deployed model stays (checked %s)", c->time);
	else if (!l->hasgate)
		addline(out, "retrained and deployed (checked %s)", c->time);
	else {
		short3(a, sizeof(a), g->f1);
		short3(b, sizeof(b), g->threshold);
		addline(out, "retrained: the new model scores %s %s %s on the "
		    "test data: %s", a, strcmp(g->op, "<") == 0 ? "<" :
		    "\u2265", b, strcmp(g->decision, "kept") == 0 ?
		    "kept the deployed model" : "deployed");
	}
}

/* page 1: the last run's decision in words, the key figures and a
 * sparkline of the F1 over deployments and checks */
static void
page_dashboard(struct report *r)
{
	const struct confusion *cm = &r->t.cm;
	struct lastrun last;
	struct lines head = { 0 }, l = { 0 };
	struct history h;
	char cur[256], when[32], b1[40], b2[40];
	long long lo, hi;
	size_t i, nd, nc;
	double y;

	memset(&last, 0, sizeof(last));
	if (deploy_decisions(r->cfg.prod_deployment_path, ondecision,
	    &last) == -1)
		warnx_("%s", risk_err);
	decisionwords(&last, &head);
	addline(&l, "model               %s", r->modelpath);
	if (deploy_current(r->cfg.prod_deployment_path, cur,
	    sizeof(cur)) == 1) {
		deploy_time(cur, when, sizeof(when));
		addline(&l, "deployment          %s (%s)", cur, when);
	} else
		addline(&l, "deployment          %s", "nothing deployed yet");
	addline(&l, "trained at          %s on %lld rows", r->m.trained_at,
	    r->m.rows);
	addline(&l, "on the test data    F1 %s, precision %s, recall %s",
	    r->f1s, fmt_double(b1, sizeof(b1), metrics_precision(cm)),
	    fmt_double(b2, sizeof(b2), metrics_recall(cm)));
	addline(&l, "                    %s (%lld rows, %lld left out)",
	    r->testpath, cm->tp + cm->tn + cm->fp + cm->fn, r->t.left);
	addline(&l, "last drift check    %s", last.hascheck ?
	    last.check.time : "none yet");
	addline(&l, "drift_test          %s%s, gate %s", r->cfg.drift_rule ==
	    DRIFT_BY_DATA ? "data" : r->cfg.drift_test, r->cfg.drift_rule ==
	    DRIFT_BY_BOTH ? " and data" : "", r->cfg.gate ? "on" : "off");

	fprintf(r->gp, "reset\nset multiplot\nunset border\nunset tics\n"
	    "unset key\nset xrange [0:1]\nset yrange [0:1]\n");
	fprintf(r->gp, "set label 1 S[%zu] at screen 0.06,0.93 font '" FONT
	    ",26' noenhanced\n", str("riskwatch report"));
	for (i = 0, y = 0.84; i < head.n; i++, y -= 0.05)
		fprintf(r->gp, "set label %zu S[%zu] at screen 0.06,%.4f font '"
		    FONT ",%d' noenhanced%s\n", i + 2, str(head.v[i]), y,
		    i == 0 ? 20 : 15, i == 0 ? " tc rgb '#08306b'" : "");
	for (i = 0, y -= 0.03; i < l.n; i++, y -= 0.04)
		fprintf(r->gp, "set label %zu S[%zu] at screen 0.06,%.4f font '"
		    MONO ",13' noenhanced\n", head.n + i + 2, str(l.v[i]), y);
	fprintf(r->gp, "plot 2 notitle\nunset label\n");
	freelines(&head);
	freelines(&l);

	/* the sparkline */
	loadhistory(r->cfg.prod_deployment_path, &h);
	nd = writepoints(&h, "sparkdeploy.dat", 0);
	nc = writepoints(&h, "sparkcheck.dat", 1);
	if (h.n > 0) {
		timerange(&h, &lo, &hi);
		fprintf(r->gp, "set origin 0.05,0.03\nset size 0.9,0.28\n"
		    "set border 3 lc rgb '#999999'\nset xdata time\n"
		    "set timefmt '%%s'\nset format x ''\nunset xtics\n"
		    "set ytics 0.5 nomirror font '" FONT ",10'\n"
		    "set xrange [%lld:%lld]\nset yrange [0:1.05]\n"
		    "set key top left horizontal font '" FONT ",11'\n"
		    "set title 'F1 over time' font '" FONT ",12'\n", lo, hi);
		fprintf(r->gp, "plot %s%s%s\n", nd ? "'sparkdeploy.dat' "
		    "using 1:2 with linespoints pt 7 ps 0.6 lw 2 lc rgb "
		    "'#4477aa' title 'deployments'" : "", nd && nc ? ", " : "",
		    nc ? "'sparkcheck.dat' using 1:2 with points pt 9 ps 0.9 "
		    "lc rgb '#cc3311' title 'checks on new data'" : "");
	}
	fprintf(r->gp, "unset multiplot\nreset\n");
	free(h.p);
}

/* the F1 of every deployment and every drift check, with the threshold
 * of the configured score test */
static void
page_history(struct report *r)
{
	struct history h;
	struct drift d;
	long long lo, hi;
	char title[160], b[40], cur[256];
	size_t nd, nc;

	loadhistory(r->cfg.prod_deployment_path, &h);
	nd = writepoints(&h, "f1.dat", 0);
	nc = writepoints(&h, "checks.dat", 1);
	if (h.n == 0) {
		fprintf(r->gp, "set label 'no deployment yet' at graph 0.5,0.5 "
		    "center\nset xrange [0:1]\nset yrange [0:1]\n"
		    "set title 'F1 of every deployment'\nplot 2 notitle\n"
		    "reset\n");
		free(h.p);
		return;
	}
	timerange(&h, &lo, &hi);
	fprintf(r->gp, "set title 'F1 of every deployment on the test data, "
	    "and of the deployed model on each batch of new data'\n"
	    "set rmargin 8\n"
	    "set xdata time\nset timefmt '%%s'\n"
	    "set format x \"%%Y-%%m-%%d\\n%%H:%%M\"\n"
	    "set xrange [%lld:%lld]\nset yrange [0:1.05]\n"
	    "set ylabel 'F1'\nset xlabel 'time (UTC)'\n"
	    "set grid lc rgb '#cccccc' lt 1\nset key bottom right\n", lo, hi);
	fprintf(r->gp, "plot %s%s%s", nd ? "'f1.dat' using 1:2 with "
	    "linespoints pt 7 ps 1.2 lw 2 lc rgb '#4477aa' title "
	    "'deployment (on the test data)'" : "", nd && nc ? ", " : "",
	    nc ? "'checks.dat' using 1:2 with points pt 9 ps 1.4 lc rgb "
	    "'#cc3311' title 'drift check (on new data)'" : "");
	if (drift_scoretest(&r->cfg, 0, &d, cur, sizeof(cur)) == 0) {
		snprintf(title, sizeof(title), "drift threshold now (%s): %s",
		    drift_name(d.test), fmt_double(b, sizeof(b), d.threshold));
		fprintf(r->gp, ", %.17g with lines dt 2 lw 2 lc rgb '#228833' "
		    "title S[%zu]", d.threshold, str(title));
	}
	fprintf(r->gp, "\nreset\n");
	free(h.p);
}

/* a number of a JSON object, NaN when absent */
static double
jnum(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* the data drift of finaldata.csv against the deployed model's reference
 * profile: the test figures, drifted features marked */
static void
page_drifttable(struct report *r, json_t *dd, const char *why)
{
	struct lines l = { 0 };
	json_t *feats, *e, *t;
	const char *k;
	char ks[40], p[40], psi[40], w[40];

	if (dd == NULL) {
		addline(&l, "%s", "the data drift of finaldata.csv could not "
		    "be measured:");
		addwrapped(&l, why, 90);
		textpage(r->gp, "Data drift", l.v, l.n);
		freelines(&l);
		return;
	}
	addline(&l, "%s (%lld rows) against the reference profile of", r->finpath,
	    (long long)jnum(dd, "rows"));
	addline(&l, "deployment %s (%lld rows)", json_is_string(
	    json_object_get(dd, "reference")) ? json_string_value(
	    json_object_get(dd, "reference")) : "?",
	    (long long)jnum(dd, "reference_rows"));
	addline(&l, "%s", "");
	addline(&l, "%-22s %9s %10s %9s %11s %15s  %s", "feature", "KS",
	    "KS p", "PSI", "W1 / std", "missing", "");
	feats = json_object_get(dd, "features");
	json_object_foreach(feats, k, e) {
		snprintf(ks, sizeof(ks), "%.4f", jnum(e, "ks"));
		snprintf(p, sizeof(p), "%.3g", jnum(e, "ks_pvalue"));
		snprintf(psi, sizeof(psi), "%.4f", jnum(e, "psi"));
		snprintf(w, sizeof(w), "%.4f", jnum(e, "wasserstein"));
		addline(&l, "%-22.22s %9s %10s %9s %11s %6.1f%% -> %4.1f%%  %s",
		    k, ks, p, psi, w, 100 * jnum(e, "reference_missing"),
		    100 * jnum(e, "missing"), json_is_true(json_object_get(e,
		    "drifted")) ? "DRIFTED" : "ok");
	}
	addline(&l, "%s", "");
	t = json_object_get(dd, "target");
	if (json_is_string(json_object_get(t, "name")))
		addline(&l, "target %s: share of class 1 %.4f -> %.4f",
		    json_string_value(json_object_get(t, "name")),
		    jnum(t, "reference_share"), jnum(t, "share"));
	addline(&l, "data: %s (%lld of %lld features drifted)",
	    json_is_true(json_object_get(dd, "drifted")) ? "DRIFTED" :
	    "no drift", (long long)jnum(dd, "drifted_features"),
	    (long long)jnum(dd, "tested_features"));
	addline(&l, "%s", "");
	addline(&l, "%s", "a feature drifts when KS p < the configured "
	    "threshold (up to drift.ks_rows rows),");
	addline(&l, "%s", "else when W1 / std > drift.wasserstein; the data "
	    "when at least drift.share of the features do");
	textpage(r->gp, "Data drift: the test figures", l.v, l.n);
	freelines(&l);
}

/* each feature's reference sample and finaldata.csv overlaid, three a
 * page, the drifted ones marked */
static void
page_driftplots(struct report *r, json_t *dd, const struct profile *ref)
{
	const struct columns *fin = &r->fin;
	double lo, hi, w;
	size_t f, i, k = 0;
	char name[32], *title;
	json_t *e;
	int drifted;

	for (f = 0; f < fin->nfeat; f++) {
		for (i = 0; i < ref->nfeat; i++)
			if (strcmp(ref->name[i], fin->name[fin->feat[f]]) == 0)
				break;
		if (i == ref->nfeat)
			continue;
		snprintf(name, sizeof(name), "drift%zu.dat", f);
		histfile(name, ref->x[i], ref->n[i], fin->x[f], fin->nrow, &lo,
		    &w);
		hi = lo + NBIN * w;
		e = json_object_get(json_object_get(dd, "features"),
		    ref->name[i]);
		drifted = json_is_true(json_object_get(e, "drifted"));
		title = emalloc(strlen(ref->name[i]) + 64);
		sprintf(title, "%s: %s (KS p %.3g, PSI %.3f)", ref->name[i],
		    drifted ? "DRIFTED" : "ok", jnum(e, "ks_pvalue"),
		    jnum(e, "psi"));
		if (k % 3 == 0)
			fprintf(r->gp, "set multiplot layout 3,1 title "
			    "'Data drift: the reference sample against "
			    "finaldata.csv' font '" FONT ",14'\n");
		fprintf(r->gp, "set style fill solid 0.5 noborder\n"
		    "set boxwidth %.17g absolute\nset ylabel 'share of rows'\n"
		    "set key top right\nset grid y lc rgb '#cccccc' lt 1\n"
		    "set xrange [%.17g:%.17g]\nset yrange [0:*]\n"
		    "set title S[%zu] noenhanced tc rgb '%s'\n", w * 0.9, lo,
		    hi, str(title), drifted ? "#cc3311" : "#000000");
		free(title);
		fprintf(r->gp, "plot '%s' using 1:2 with boxes lc rgb '#999999' "
		    "title 'reference (training data)', '' using 1:3 with "
		    "linespoints pt 7 ps 0.6 lw 2 lc rgb '#cc3311' title "
		    "'finaldata.csv'\n", name);
		if (k % 3 == 2)
			fprintf(r->gp, "unset multiplot\nreset\n");
		k++;
	}
	if (k % 3 != 0)
		fprintf(r->gp, "unset multiplot\nreset\n");
}

/* the data drift pages: the table, and the plots when there is a
 * reference profile */
static void
page_drift(struct report *r)
{
	struct profile ref;
	char cur[256], why[sizeof(risk_err)], *p;
	json_t *dd;

	dd = diag_drift(&r->cfg, r->finpath, NULL);
	snprintf(why, sizeof(why), "%s", dd ? "" : risk_err);
	page_drifttable(r, dd, why);
	if (dd != NULL && deploy_current(r->cfg.prod_deployment_path, cur,
	    sizeof(cur)) == 1) {
		p = deploy_path(r->cfg.prod_deployment_path, cur,
		    PROFILE_FILE);
		if (profile_load(&ref, p) == 0) {
			page_driftplots(r, dd, &ref);
			profile_free(&ref);
		}
		free(p);
	}
	json_decref(dd);
}

/* the summary statistics and missing data of finaldata.csv */
static void
page_tables(struct report *r)
{
	struct lines l = { 0 };
	json_t *summary, *missing, *e;
	char b1[40], b2[40], b3[40];
	const char *k;

	summary = diag_summary_of(&r->fin);
	missing = diag_missing_of(&r->fin);
	addline(&l, "summary of %s (%zu rows)", r->finpath, r->fin.nrow);
	addline(&l, "%s", "");
	addline(&l, "%-24s %22s %22s %22s", "column", "mean", "median", "std");
	json_object_foreach(summary, k, e)
		addline(&l, "%-24.24s %22s %22s %22s", k,
		    jsonout_cell(b1, 40, json_object_get(e, "mean")),
		    jsonout_cell(b2, 40, json_object_get(e, "median")),
		    jsonout_cell(b3, 40, json_object_get(e, "std")));
	addline(&l, "%s", "");
	addline(&l, "%s", "");
	addline(&l, "missing data: percent of the fields empty or NA");
	addline(&l, "%s", "");
	addline(&l, "%-24s %22s", "column", "missing %");
	json_object_foreach(missing, k, e)
		addline(&l, "%-24.24s %22s", k, jsonout_cell(b1, 40, e));
	textpage(r->gp, "Summary and missing data", l.v, l.n);
	freelines(&l);
	json_decref(summary);
	json_decref(missing);
}

/* the timings of ingest and train, the dependencies' versions */
static void
page_timings(struct report *r)
{
	struct lines l = { 0 };
	char b1[40];
	const char *k;
	json_t *e;
	size_t i;

	addline(&l, "timings (seconds, on a scratch copy of the workspace)");
	addline(&l, "%s", "");
	if (r->timing == NULL)
		addline(&l, "%s", "not measured: see the log");
	else
		json_object_foreach(r->timing, k, e) {
			if (json_is_real(e))
				snprintf(b1, sizeof(b1), "%.4f",
				    json_real_value(e));
			else
				jsonout_cell(b1, sizeof(b1), e);
			addline(&l, "%-24s %12s", k, b1);
		}
	addline(&l, "%s", "");
	addline(&l, "%s", "");
	addline(&l, "dependencies (version in use, newest in the package index)");
	addline(&l, "%s", "");
	addline(&l, "%-24s %14s %14s", "name", "version", "latest");
	json_array_foreach(r->deps, i, e)
		addline(&l, "%-24s %14s %14s",
		    json_string_value(json_object_get(e, "name")),
		    json_string_value(json_object_get(e, "version")),
		    json_string_value(json_object_get(e, "latest")));
	textpage(r->gp, "Timings and dependencies", l.v, l.n);
	freelines(&l);
}

/* the strings of the data, read into S before report.gp runs; then
 * gnuplot in the scratch folder: no path is named in the script; exit
 * unless it drew */
static void
erungnuplot(void)
{
	char *argv[] = { "gnuplot", "strings.gp", "report.gp", NULL };
	FILE *gp;
	int st;

	eclosescratch(strfp, "strings.dat");
	gp = escratchfile("strings.gp");
	fprintf(gp, "set encoding utf8\nset datafile separator '\\t'\n"
	    "array S[%zu]\nstats 'strings.dat' using (S[int($0) + 1] = "
	    "strcol(1), 0) nooutput\nset datafile separator whitespace\n",
	    nstr);
	eclosescratch(gp, "strings.gp");
	st = spawn_in(scratch, argv, NULL, SPAWN_OUTNULL);
	if (st == -1)
		errx_(EXIT_FAIL, "%s", risk_err);
	if (st != 0)
		errx_(EXIT_FAIL, "gnuplot failed (exit %d): nothing written",
		    st);
}

static void
freereport(struct report *r)
{
	json_decref(r->timing);
	json_decref(r->deps);
	columns_free(&r->fin);
	columns_free(&r->tst);
	model_free(&r->m);
	free(r->modelpath);
	free(r->testpath);
	free(r->finpath);
	config_free(&r->cfg);
}

/* the scratch folder, removed at exit; or exit */
static char *
escratch(void)
{
	char *tmp = path_join(getenv("TMPDIR") && *getenv("TMPDIR") ?
	    getenv("TMPDIR") : "/tmp", "riskwatch-report.XXXXXX");

	if (mkdtemp(tmp) == NULL)
		errx_(EXIT_FAIL, "%s: %s", tmp, strerror(errno));
	scratch = tmp;
	atexit(cleanup);
	return tmp;
}

/* the confusion matrix alone as a PNG, then every page in the PDF */
static void
pages(struct report *r)
{
	fprintf(r->gp, "set terminal pngcairo size 800,700 font '" FONT
	    ",12'\nset output 'out.png'\n");
	page_confusion(r);
	fprintf(r->gp, "set terminal pdfcairo size 29.7cm,21cm font '" FONT
	    ",16'\nset output 'out.pdf'\n");
	page_dashboard(r);
	page_confusion(r);
	page_history(r);
	page_drift(r);
	page_features(r);
	page_tables(r);
	page_timings(r);
}

int
main(int argc, char *argv[])
{
	struct report r = { 0 };
	const struct toolarg args[] = {
		{ 'm', NULL, "model", "report on that model (default: the "
		    "deployed one)", .str = &r.modelopt },
		{ 0 }
	};
	struct toolopt opt = { SYNOPSIS, args, 0, NULL, NULL };
	char *tmp, *png, *pdf;

	tool_parse(&opt, argc, argv);
	if (tool_start(&opt, &r.cfg) == -1)
		errx_(risk_status, "%s", risk_err);
	if (!ongnuplotpath())
		errx_(EXIT_FAIL, "gnuplot not found: install the package "
		    "gnuplot-nox");
	eload(&r);

	tmp = escratch();
	if (config_mkdir("output_model_path", r.cfg.output_model_path) == -1)
		errx_(EXIT_FAIL, "%s", risk_err);
	png = path_join(r.cfg.output_model_path, "confusionmatrix.png");
	pdf = path_join(r.cfg.output_model_path, "report.pdf");
	r.gp = escratchfile("report.gp");
	strfp = escratchfile("strings.dat");

	pages(&r);
	fprintf(r.gp, "unset output\n");
	eclosescratch(r.gp, "report.gp");
	erungnuplot();

	/* both on disk under temp names, then renamed over the old ones */
	eoutput(&out[0], "out.png", png);
	eoutput(&out[1], "out.pdf", pdf);
	if (atomic_commit(&out[0]) == -1 || atomic_commit(&out[1]) == -1)
		errx_(EXIT_FAIL, "%s", risk_err);
	printf("%s\n%s\n", png, pdf);
	if (tool_flush() == -1)
		errx_(EXIT_FAIL, "%s", risk_err);
	infox("F1 %s on %s: %s, %s", r.f1s, r.testpath, png, pdf);
	cleanup();
	scratch = NULL;
	free(tmp);
	free(png);
	free(pdf);
	freereport(&r);
	return EXIT_OK;
}
