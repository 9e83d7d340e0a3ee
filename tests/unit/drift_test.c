/*
 * The drift tests' statistics, bit for bit what numpy gives (expected
 * values printed by numpy 1.24 with repr), and the verdicts at their
 * thresholds.
 */
#include <stdlib.h>

#include "risk.h"
#include "unit.h"

struct hist {
	const char *name;
	double v[300];
	size_t n;
	double sum, mean, std, param, q1, q3, nonparam, q10;
};

static struct hist h[] = {
	{ "0.5 0.6 0.7", { 0.5, 0.6, 0.7 }, 3, 1.8, 0.6, 0.08164965809277258,
	    0.4367006838144548, 0.55, 0.6499999999999999,
	    0.40000000000000024, 0.52 },
	{ "the seed's deploy and check", { 0.5714285714285715,
	    0.6923076923076923 }, 2, 1.2637362637362637, 0.6318681318681318,
	    0.06043956043956039, 0.5109890109890111, 0.6016483516483517,
	    0.6620879120879121, 0.5109890109890112, 0.5835164835164836 },
	{ "0.8 0.5 0.7 0.6", { 0.8, 0.5, 0.7, 0.6 }, 4, 2.6, 0.65,
	    0.1118033988749895, 0.42639320225002103, 0.575, 0.725,
	    0.3499999999999999, 0.53 },
	{ "0.9 0.1 0.4 0.35 0.8", { 0.9, 0.1, 0.4, 0.35, 0.8 }, 5, 2.55,
	    0.51, 0.2973213749463701, -0.08464274989274023, 0.35, 0.8,
	    -0.32500000000000007, 0.2 },
	{ "20 scores (numpy's 8 accumulators)", { 0 }, 20, 9.603960396039605,
	    0.4801980198019803, 0.2999281030077477, -0.1196581862135151,
	    0.2202970297029703, 0.7400990099009901, -0.5594059405940595,
	    0.09207920792079209 },
	{ "300 scores (numpy's pairwise halves)", { 0 }, 300,
	    150.15758176412288, 0.5005252725470762, 0.28944629578151626,
	    -0.07836731901595628, 0.24975222993062438, 0.7512388503468781,
	    -0.5024777006937561, 0.09871159563924678 },
};

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
stats(void)
{
	struct drift d;
	double s[300];
	size_t i, k;

	for (i = 0; i < 20; i++)
		h[4].v[i] = (double)(i * 37 % 101) / 101;
	for (i = 0; i < 300; i++)
		h[5].v[i] = (double)(i * 7919 % 1009) / 1009;
	for (k = 0; k < sizeof(h) / sizeof(h[0]); k++) {
		memcpy(s, h[k].v, h[k].n * sizeof(double));
		qsort(s, h[k].n, sizeof(double), cmp);
		OK(stats_pairwise(h[k].v, h[k].n) == h[k].sum, "%s: sum %.17g",
		    h[k].name, h[k].sum);
		OK(drift_mean(h[k].v, h[k].n) == h[k].mean, "%s: mean %.17g",
		    h[k].name, h[k].mean);
		OK(drift_std(h[k].v, h[k].n) == h[k].std, "%s: std %.17g",
		    h[k].name, h[k].std);
		OK(drift_quantile(s, h[k].n, 0.25) == h[k].q1, "%s: Q1 %.17g",
		    h[k].name, h[k].q1);
		OK(drift_quantile(s, h[k].n, 0.75) == h[k].q3, "%s: Q3 %.17g",
		    h[k].name, h[k].q3);
		OK(drift_quantile(s, h[k].n, 0.1) == h[k].q10,
		    "%s: 10th percentile %.17g", h[k].name, h[k].q10);
		drift_decide(&d, DRIFT_PARAMETRIC, 0.5, 0.5, h[k].v, h[k].n);
		OK(d.test == DRIFT_PARAMETRIC && d.threshold == h[k].param,
		    "%s: parametric threshold mean - 2 std %.17g", h[k].name,
		    h[k].param);
		drift_decide(&d, DRIFT_NONPARAMETRIC, 0.5, 0.5, h[k].v,
		    h[k].n);
		OK(d.test == DRIFT_NONPARAMETRIC &&
		    d.threshold == h[k].nonparam,
		    "%s: nonparametric threshold Q1 - 1.5 IQR %.17g",
		    h[k].name, h[k].nonparam);
	}
	OK(drift_quantile((double[]){ 0.7 }, 1, 0.25) == 0.7 &&
	    drift_quantile((double[]){ 0.7 }, 1, 0.75) == 0.7,
	    "one score is every quantile");
	OK(drift_std((double[]){ 0.7 }, 1) == 0, "one score: std 0");
}

static void
verdicts(void)
{
	double seed[] = { 0.5714285714285715 };
	struct drift d;

	drift_decide(&d, DRIFT_RAW, 0.6923076923076923, 0.5714285714285715,
	    seed, 1);
	OK(!d.drift && d.test == DRIFT_RAW &&
	    d.threshold == 0.5714285714285715, "the seed: raw, no drift");
	drift_decide(&d, DRIFT_RAW, 0.5, 0.5, seed, 1);
	OK(!d.drift, "raw: the deployed score itself is no drift");
	drift_decide(&d, DRIFT_RAW, 0.49999999999999994, 0.5, seed, 1);
	OK(d.drift, "raw: the next double below is drift");

	drift_decide(&d, DRIFT_PARAMETRIC, 0.6923076923076923,
	    0.5714285714285715, seed, 1);
	OK(d.asked == DRIFT_PARAMETRIC && d.test == DRIFT_RAW && !d.drift &&
	    d.threshold == 0.5714285714285715 && d.n == 1,
	    "parametric with 1 score falls back to raw");
	drift_decide(&d, DRIFT_NONPARAMETRIC, 0.5, 0.5714285714285715,
	    seed, 1);
	OK(d.asked == DRIFT_NONPARAMETRIC && d.test == DRIFT_RAW && d.drift,
	    "nonparametric with 1 score falls back to raw: drift");
	drift_decide(&d, DRIFT_PARAMETRIC, 0.5, 0.6, NULL, 0);
	OK(d.test == DRIFT_RAW && d.drift && d.n == 0,
	    "no history at all: raw");

	drift_decide(&d, DRIFT_PARAMETRIC, 0.4367006838144548, 0.7, h[0].v,
	    3);
	OK(!d.drift && d.center == 0.6 && d.spread == 0.08164965809277258,
	    "parametric: the threshold itself is no drift");
	drift_decide(&d, DRIFT_PARAMETRIC, 0.43670068381445476, 0.7, h[0].v,
	    3);
	OK(d.drift, "parametric: just below the threshold is drift");
	drift_decide(&d, DRIFT_PARAMETRIC, 0.45, 0.7, h[0].v, 3);
	OK(!d.drift, "parametric: below the deployed score but within "
	    "2 std is no drift");

	drift_decide(&d, DRIFT_NONPARAMETRIC, 0.35, 0.8, h[2].v, 4);
	OK(!d.drift && d.center == 0.575 && d.spread == 0.15000000000000002 &&
	    d.threshold == 0.3499999999999999,
	    "nonparametric: 0.35 is above Q1 - 1.5 IQR 0.3499999999999999");
	drift_decide(&d, DRIFT_NONPARAMETRIC, 0.34, 0.8, h[2].v, 4);
	OK(d.drift, "nonparametric: 0.34 is drift");
}

static void
lists(void)
{
	struct filelist dep = { NULL, 0 }, src = { NULL, 0 };
	char *a = "practicedata/dataset1.csv\taaaa\t10";
	char *b = "practicedata/dataset2.csv\tbbbb\t12";

	dep.line = emalloc(2 * sizeof(char *));
	dep.line[dep.n++] = estrdup(a);
	dep.line[dep.n++] = estrdup("practicedata/old.csv");
	OK(filelist_isnew(&dep, "practicedata/dataset1.csv", "aaaa") == 0,
	    "same path, same digest: seen");
	OK(filelist_isnew(&dep, "practicedata/dataset1.csv", "aaab") ==
	    FILELIST_CHANGED, "same path, another digest: changed");
	OK(filelist_isnew(&dep, "practicedata/dataset1.cs", "aaaa") ==
	    FILELIST_NEW, "a prefix of a recorded path is new");
	OK(filelist_isnew(&dep, "practicedata/dataset2.csv", "bbbb") ==
	    FILELIST_NEW, "another path: new");
	OK(filelist_isnew(&dep, "practicedata/old.csv", "cccc") == FILELIST_CHANGED,
	    "a path recorded without a digest is tested again");

	src.line = emalloc(2 * sizeof(char *));
	src.line[src.n++] = estrdup(b);
	src.line[src.n++] = estrdup("practicedata/dataset1.csv\tabab\t10");
	OK(filelist_merge(&dep, &src) == 2 && dep.n == 3 &&
	    strcmp(dep.line[0], "practicedata/dataset1.csv\tabab\t10") == 0 &&
	    strcmp(dep.line[1], "practicedata/old.csv") == 0 &&
	    strcmp(dep.line[2], b) == 0,
	    "merge replaces a changed file's line in place, appends new ones");
	OK(filelist_merge(&dep, &src) == 0 && dep.n == 3,
	    "merging again adds nothing");
	filelist_free(&dep);
	filelist_free(&src);
}

int
main(void)
{
	stats();
	verdicts();
	lists();
	return unit_done();
}
