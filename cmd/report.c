/*
 * report: confusionmatrix.png and report.pdf in output_model_path, drawn
 * by gnuplot from a script generated in a temp folder.
 */
#define _XOPEN_SOURCE 700	/* nftw, strptime */
#include <sys/stat.h>

#include <errno.h>
#include <ftw.h>
#include <getopt.h>
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

static const char *const help[] = {
	"-m model",
	    "report on that model (default: the deployed one)",
	NULL
};

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
		confusion_add(&t->cm, r->y, pred);
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
	fprintf(gp, "plot 2 notitle\n");
}

struct lines {
	char **v;
	size_t n, cap;
};

static void
addline(struct lines *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

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

static void
freelines(struct lines *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static const char *
num(char *buf, size_t size, json_t *v)
{
	if (json_is_real(v))
		return fmt_double(buf, size, json_real_value(v));
	if (json_is_integer(v))
		snprintf(buf, size, "%lld", (long long)json_integer_value(v));
	else if (json_is_string(v))
		snprintf(buf, size, "%s", json_string_value(v));
	else
		snprintf(buf, size, "NA");
	return buf;
}

/* the newest line of scorehistory.csv that is not a deployment */
static char *
lastdrift(const char *prod)
{
	char *path = path_join(prod, "scorehistory.csv"), *s, *p, *e, *last;
	const char *ev;

	s = slurp(path, NULL);
	free(path);
	if (s == NULL)
		return NULL;
	last = NULL;
	for (p = strchr(s, '\n'); p != NULL && p[1] != '\0'; p = e) {
		p++;
		e = strchr(p, '\n');
		if (e != NULL)
			*e = '\0';
		ev = strrchr(p, ',');
		if (ev != NULL && strcmp(ev + 1, "deploy") != 0 && *p) {
			free(last);
			last = estrdup(p);
		}
		if (e == NULL)
			break;
		*e = '\n';
	}
	free(s);
	return last;
}

static time_t
isotime(const char *iso)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (strptime(iso, "%Y-%m-%dT%H:%M:%SZ", &tm) == NULL)
		return (time_t)-1;
	return timegm(&tm);
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
scratchfile(const char *name)
{
	char *path = path_join(scratch, name);
	FILE *fp;

	if ((fp = fopen(path, "w")) == NULL)
		errx_(EXIT_FAIL, "%s: %s", path, strerror(errno));
	free(path);
	return fp;
}

static void
closescratch(FILE *fp, const char *name)
{
	if (ferror(fp) | (fclose(fp) == EOF))
		errx_(EXIT_FAIL, "%s/%s: write error", scratch, name);
}

/* what gnuplot drew in the scratch folder, to a temp file beside path */
static void
output(struct atomic *a, const char *name, const char *path)
{
	char *src = path_join(scratch, name), *data;
	size_t len;

	if ((data = slurp(src, &len)) == NULL)
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

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct toolopt opt = { SYNOPSIS, NULL, NULL, 0, help };
	struct config cfg;
	struct model m;
	struct testing t;
	struct columns fin, tst;
	struct lines l = { 0 };
	const char *modelopt = NULL, *k;
	char *modelpath, *testpath, *finpath, *tmp, *png, *pdf, *title;
	char *drift, *dpath, **ids = NULL, cur[256];
	char when[32], f1s[40], b1[40], b2[40], b3[40], *gpargv[4];
	json_t *summary, *missing, *timing = NULL, *deps = NULL, *saved, *e, *v;
	size_t nid = 0, i, j, f, b;
	FILE *gp, *df;
	double lo, hi, w, f1;
	time_t tmin = 0, tmax = 0, tt;
	int ch, ret, hascur, st;

	setprogname_(argv[0]);
	while ((ch = getopt_long(argc, argv, TOOL_OPTS "m:", longopts,
	    NULL)) != -1) {
		if (tool_opt(&opt, ch, optarg))
			continue;
		if (ch == 'm')
			modelopt = optarg;
		else
			tool_usage(&opt);
	}
	if (optind != argc)
		tool_usage(&opt);
	if ((ret = tool_start(&opt, &cfg)) != EXIT_OK)
		return ret;
	if (!ongnuplotpath())
		errx_(EXIT_FAIL, "gnuplot not found: install the package "
		    "gnuplot-nox");
	modelpath = modelopt ? estrdup(modelopt) :
	    path_join(cfg.prod_deployment_path, "trainedmodel.json");
	testpath = path_join(cfg.test_data_path, "testdata.csv");
	finpath = path_join(cfg.output_folder_path, "finaldata.csv");
	if (model_load(&m, modelpath) == -1) {
		if (modelopt == NULL && access(modelpath, F_OK) == -1)
			errx_(EXIT_FAIL, "%s: no deployed model: deploy one, or "
			    "name one with -m", modelpath);
		errx_(EXIT_FAIL, "%s", risk_err);
	}
	memset(&t, 0, sizeof(t));
	if (diag_predict(&m, testpath, ontest, &t) == -1)
		errx_(risk_status, "%s", risk_err);	/* 2: a column missing */
	if (t.cm.tp + t.cm.tn + t.cm.fp + t.cm.fn == 0)
		errx_(EXIT_FAIL, "%s: no complete rows to score", testpath);
	if (columns_load(&fin, finpath, &cfg, 1) == -1 ||
	    columns_load(&tst, testpath, &cfg, 1) == -1)
		errx_(risk_status, "%s", risk_err);

	/* timings and dependencies: those diagnose -o saved, else now */
	dpath = path_join(cfg.output_model_path, "diagnostics.json");
	if ((saved = json_load_file(dpath, 0, NULL)) != NULL) {
		timing = json_incref(json_object_get(saved, "timing"));
		deps = json_incref(json_object_get(saved, "dependencies"));
		json_decref(saved);
	}
	if (timing == NULL && (timing = diag_timing(&cfg, 1)) == NULL)
		warnx_("timing: %s", risk_err);
	if (deps == NULL)
		deps = diag_deps();

	tmp = path_join(getenv("TMPDIR") && *getenv("TMPDIR") ?
	    getenv("TMPDIR") : "/tmp", "riskwatch-report.XXXXXX");
	if (mkdtemp(tmp) == NULL)
		errx_(EXIT_FAIL, "%s: %s", tmp, strerror(errno));
	scratch = tmp;
	atexit(cleanup);
	if (config_mkdir("output_model_path", cfg.output_model_path) == -1)
		errx_(EXIT_FAIL, "%s", risk_err);
	png = path_join(cfg.output_model_path, "confusionmatrix.png");
	pdf = path_join(cfg.output_model_path, "report.pdf");
	gp = scratchfile("report.gp");
	strfp = scratchfile("strings.dat");

	/* the confusion matrix: one cell a line, x predicted, y true */
	df = scratchfile("cm.dat");
	fprintf(df, "0 0 %lld\n0 1 %lld\n\n1 0 %lld\n1 1 %lld\n", t.cm.tn,
	    t.cm.fn, t.cm.fp, t.cm.tp);
	closescratch(df, "cm.dat");
	f1 = metric_f1(&t.cm);
	fmt_double(f1s, sizeof(f1s), f1);
	for (i = 0; i < 2; i++) {
		if (i == 0) {
			fprintf(gp, "set terminal pngcairo size 800,700 "
			    "font '" FONT ",12'\nset output 'out.png'\n");
		} else {
			fprintf(gp, "set terminal pdfcairo size 29.7cm,21cm "
			    "font '" FONT ",16'\nset output 'out.pdf'\n");
		}
		if (i == 1) {
			/* page 1: the key figures */
			hascur = deploy_current(cfg.prod_deployment_path,
			    cur, sizeof(cur));
			drift = lastdrift(cfg.prod_deployment_path);
			addline(&l, "model               %s", modelpath);
			addline(&l, "trained at          %s", m.trained_at);
			addline(&l, "rows trained on     %lld", m.rows);
			addline(&l, "%s", "");
			addline(&l, "on the test data    %s (%lld rows, %lld "
			    "left out)", testpath, t.cm.tp + t.cm.tn +
			    t.cm.fp + t.cm.fn, t.left);
			addline(&l, "F1                  %s", f1s);
			addline(&l, "precision           %s", fmt_double(b1,
			    sizeof(b1), metric_precision(&t.cm)));
			addline(&l, "recall              %s", fmt_double(b2,
			    sizeof(b2), metric_recall(&t.cm)));
			addline(&l, "%s", "");
			if (hascur == 1) {
				deploy_time(cur, when, sizeof(when));
				addline(&l, "deployed at         %s", when);
				addline(&l, "deployment          %s", cur);
			} else
				addline(&l, "deployed at         %s",
				    "nothing deployed yet");
			addline(&l, "last drift check    %s", drift ? drift :
			    "none yet");
			if (drift)
				addline(&l, "%s", "                    "
				    "(time,f1,model,event)");
			free(drift);
			textpage(gp, "riskwatch report", l.v, l.n);
			freelines(&l);
			fprintf(gp, "reset\n");
		}
		title = emalloc(strlen(m.trained_at) + 128);
		sprintf(title, "Confusion matrix of %s model trained at %s, "
		    "F1 %s", modelopt ? "the" : "the deployed", m.trained_at,
		    f1s);
		fprintf(gp, "set title S[%zu] noenhanced\n", str(title));
		free(title);
		fprintf(gp, "set xlabel 'predicted'\nset ylabel 'true'\n"
		    "set xrange [-0.5:1.5]\nset yrange [1.5:-0.5]\n"
		    "set xtics ('0' 0, '1' 1)\nset ytics ('0' 0, '1' 1)\n"
		    "set size ratio 1\nset palette defined (0 '#f7fbff', "
		    "1 '#08306b')\nset cblabel 'rows'\nunset key\n"
		    "set cbrange [0:%lld]\n",
		    (long long)fmax(1, fmax(fmax(t.cm.tn, t.cm.tp),
		    fmax(t.cm.fn, t.cm.fp))));
		fprintf(gp, "plot 'cm.dat' using 1:2:3 with image, '' using "
		    "1:2:(sprintf('%%d', $3)):($3 > %g ? 0xffffff : 0) "
		    "with labels tc rgb variable font '" FONT ",28'\n",
		    fmax(fmax(t.cm.tn, t.cm.tp), fmax(t.cm.fn, t.cm.fp)) / 2);
		fprintf(gp, "reset\n");
	}

	/* the F1 of every deployment, and of every drift check */
	df = scratchfile("f1.dat");
	if (deploy_list(cfg.prod_deployment_path, &ids, &nid) == -1)
		warnx_("%s", risk_err);
	for (i = 0; i < nid; i++) {
		char *h = path_join(cfg.prod_deployment_path, "history"), *p;

		p = path_join(h, ids[i]);
		free(h);
		h = path_join(p, "latestscore.txt");
		deploy_time(ids[i], when, sizeof(when));
		if (deploy_readscore(h, &f1) == 0 &&
		    (tt = isotime(when)) != (time_t)-1) {
			fprintf(df, "%lld %.17g\n", (long long)tt, f1);
			if (tmin == 0 || tt < tmin)
				tmin = tt;
			if (tt > tmax)
				tmax = tt;
		}
		free(h);
		free(p);
	}
	deploy_freelist(ids, nid);
	closescratch(df, "f1.dat");
	if (tmin == 0)
		fprintf(gp, "set label 'no deployment yet' at graph 0.5,0.5 "
		    "center\nset xrange [0:1]\nset yrange [0:1]\n"
		    "set title 'F1 of every deployment'\nplot 2 notitle\n");
	else {
		if (tmax - tmin < 3600)
			tmin -= 1800, tmax += 1800;
		else {
			w = (tmax - tmin) * 0.05;
			tmin -= w, tmax += w;
		}
		fprintf(gp, "set title 'F1 of every deployment on the test data"
		    " it was scored on'\nset xdata time\nset timefmt '%%s'\n"
		    "set format x \"%%Y-%%m-%%d\\n%%H:%%M\"\n"
		    "set xrange [%lld:%lld]\nset yrange [0:1.05]\n"
		    "set ylabel 'F1'\nset xlabel 'deployed at (UTC)'\n"
		    "set grid lc rgb '#cccccc' lt 1\nset key bottom right\n"
		    "plot 'f1.dat' using 1:2 with linespoints pt 7 ps 1.2 lw 2 "
		    "title 'deployment'\nreset\n", (long long)tmin,
		    (long long)tmax);
	}

	/* the features' distributions: the share of rows in each bin */
	for (f = 0; f < fin.nfeat; f++) {
		double *a = fin.x[f], *c = tst.x[f];
		long long nf[NBIN] = { 0 }, nt[NBIN] = { 0 }, cf = 0, ct = 0;
		char name[32];

		lo = INFINITY, hi = -INFINITY;
		for (j = 0; j < fin.nrow; j++)
			if (!isnan(a[j]))
				lo = fmin(lo, a[j]), hi = fmax(hi, a[j]);
		for (j = 0; j < tst.nrow; j++)
			if (!isnan(c[j]))
				lo = fmin(lo, c[j]), hi = fmax(hi, c[j]);
		if (!isfinite(lo))
			lo = 0, hi = 1;
		if (hi <= lo)
			hi = lo + 1;
		w = (hi - lo) / NBIN;
		for (j = 0; j < fin.nrow; j++)
			if (!isnan(a[j])) {
				b = (size_t)((a[j] - lo) / w);
				nf[b < NBIN ? b : NBIN - 1]++, cf++;
			}
		for (j = 0; j < tst.nrow; j++)
			if (!isnan(c[j])) {
				b = (size_t)((c[j] - lo) / w);
				nt[b < NBIN ? b : NBIN - 1]++, ct++;
			}
		snprintf(name, sizeof(name), "hist%zu.dat", f);
		df = scratchfile(name);
		for (b = 0; b < NBIN; b++)
			fprintf(df, "%.17g %.17g %.17g\n", lo + (b + 0.5) * w,
			    cf ? (double)nf[b] / cf : 0.,
			    ct ? (double)nt[b] / ct : 0.);
		closescratch(df, name);
		if (f % 3 == 0)
			fprintf(gp, "set multiplot layout 3,1 title "
			    "'Feature distributions: finaldata.csv (%zu rows) "
			    "against the test data (%zu rows)' noenhanced "
			    "font '" FONT ",14'\n", fin.nrow, tst.nrow);
		fprintf(gp, "set style fill solid 0.5 noborder\n"
		    "set boxwidth %.17g absolute\nset ylabel 'share of rows'\n"
		    "set key top right\nset grid y lc rgb '#cccccc' lt 1\nset xrange [%.17g:%.17g]\n"
		    "set yrange [0:*]\nset title S[%zu] noenhanced\n", w * 0.9,
		    lo, hi, str(fin.name[fin.feat[f]]));
		fprintf(gp, "plot '%s' using 1:2 with boxes lc rgb '#4477aa' "
		    "title 'finaldata.csv', '' using 1:3 with linespoints "
		    "pt 7 ps 0.6 lw 2 lc rgb '#cc3311' title 'test data'\n",
		    name);
		if (f % 3 == 2 || f + 1 == fin.nfeat)
			fprintf(gp, "unset multiplot\nreset\n");
	}

	/* the tables */
	summary = diag_summary_of(&fin);
	missing = diag_missing_of(&fin);
	addline(&l, "summary of %s (%zu rows)", finpath, fin.nrow);
	addline(&l, "%s", "");
	addline(&l, "%-24s %22s %22s %22s", "column", "mean", "median", "std");
	json_object_foreach(summary, k, e)
		addline(&l, "%-24.24s %22s %22s %22s", k,
		    num(b1, 40, json_object_get(e, "mean")),
		    num(b2, 40, json_object_get(e, "median")),
		    num(b3, 40, json_object_get(e, "std")));
	addline(&l, "%s", "");
	addline(&l, "%s", "");
	addline(&l, "missing data: percent of the fields empty or NA");
	addline(&l, "%s", "");
	addline(&l, "%-24s %22s", "column", "missing %");
	json_object_foreach(missing, k, e)
		addline(&l, "%-24.24s %22s", k, num(b1, 40, e));
	textpage(gp, "Summary and missing data", l.v, l.n);
	freelines(&l);
	json_decref(summary);
	json_decref(missing);

	addline(&l, "timings (seconds, on a scratch copy of the workspace)%s",
	    saved ? "" : "");
	addline(&l, "%s", "");
	if (timing == NULL)
		addline(&l, "%s", "not measured: see the log");
	else
		json_object_foreach(timing, k, e) {
			if (json_is_real(e))
				snprintf(b1, sizeof(b1), "%.4f",
				    json_real_value(e));
			else
				num(b1, 40, e);
			addline(&l, "%-24s %12s", k, b1);
		}
	addline(&l, "%s", "");
	addline(&l, "%s", "");
	addline(&l, "dependencies (version in use, newest in the package index)");
	addline(&l, "%s", "");
	addline(&l, "%-24s %14s %14s", "name", "version", "latest");
	json_array_foreach(deps, i, e) {
		v = json_object_get(e, "name");
		addline(&l, "%-24s %14s %14s", json_string_value(v),
		    json_string_value(json_object_get(e, "version")),
		    json_string_value(json_object_get(e, "latest")));
	}
	textpage(gp, "Timings and dependencies", l.v, l.n);
	freelines(&l);
	fprintf(gp, "unset output\n");
	closescratch(gp, "report.gp");
	closescratch(strfp, "strings.dat");
	gp = scratchfile("strings.gp");
	fprintf(gp, "set encoding utf8\nset datafile separator '\\t'\n"
	    "array S[%zu]\nstats 'strings.dat' using (S[int($0) + 1] = "
	    "strcol(1), 0) nooutput\nset datafile separator whitespace\n",
	    nstr);
	closescratch(gp, "strings.gp");

	/* run in the scratch folder: no path is named in the script */
	gpargv[0] = "gnuplot";
	gpargv[1] = "strings.gp";
	gpargv[2] = "report.gp";
	gpargv[3] = NULL;
	st = spawn_in(scratch, gpargv, NULL, SPAWN_OUTNULL);
	if (st == -1)
		errx_(EXIT_FAIL, "%s", risk_err);
	if (st != 0)
		errx_(EXIT_FAIL, "gnuplot failed (exit %d): nothing written",
		    st);
	/* both on disk under temp names, then renamed over the old ones */
	output(&out[0], "out.png", png);
	output(&out[1], "out.pdf", pdf);
	if (atomic_commit(&out[0]) == -1 || atomic_commit(&out[1]) == -1)
		errx_(EXIT_FAIL, "%s", risk_err);
	printf("%s\n%s\n", png, pdf);
	infox("F1 %s on %s: %s, %s", f1s, testpath, png, pdf);
	json_decref(timing);
	json_decref(deps);
	columns_free(&fin);
	columns_free(&tst);
	model_free(&m);
	free(modelpath);
	free(testpath);
	free(finpath);
	cleanup();
	scratch = NULL;
	free(tmp);
	free(png);
	free(pdf);
	free(dpath);
	config_free(&cfg);
	return EXIT_OK;
}
