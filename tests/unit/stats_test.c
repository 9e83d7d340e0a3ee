/* statistics against the figures pandas 1.5 and numpy 1.24 give */
#include <math.h>
#include <stdlib.h>

#include "risk.h"
#include "unit.h"

int
main(void)
{
	double tenths[10], big[20000], seq[10000];
	double odd[] = { 5, 3, 9, 1, 7 }, even[] = { 4, 1, 3, 2 };
	double dup[] = { 2, 2, 2, 1, 2, 3, 2, 2 };
	double gaps[] = { 1.5, 2.25, NAN, 10.125, -3.5, 7.0, NAN, 0.3 };
	double one[] = { 4.5 }, none[] = { NAN, NAN };
	double *rand;
	struct colstats s;
	size_t i, k;
	unsigned long long x = 88172645463325252ULL;
	int sorted;

	for (i = 0; i < 10; i++)
		tenths[i] = 0.1;
	/* numpy's pairwise sum gives 1.0 where a plain loop gives
	 * 0.9999999999999999 */
	OK(stats_sum(tenths, 10) == 1.0, "ten tenths sum to 1.0 as numpy's");
	for (i = 0; i < 20000; i++)
		big[i] = i * 0.1 + 0.01;
	OK(stats_sum(big, 20000) == 19999200.0,
	    "20000 values sum as numpy's blocked pairwise sum: %.17g",
	    stats_sum(big, 20000));

	OK(stats_median(odd, 5) == 5, "median of an odd count is the middle");
	OK(stats_median(even, 4) == 2.5, "median of an even count is the "
	    "mean of the two middle values");
	OK(stats_median(dup, 8) == 2, "median with many equal values");
	OK(stats_median(one, 1) == 4.5, "median of one value");
	OK(isnan(stats_median(NULL, 0)), "median of nothing is NaN");

	stats_describe(gaps, 8, &s);
	OK(s.count == 6, "missing values are not counted");
	OK(s.mean == 2.9458333333333333, "mean leaves out the missing: %.17g",
	    s.mean);
	OK(s.median == 1.875, "median leaves out the missing: %.17g",
	    s.median);
	OK(s.std == 4.880584408312868, "std with n - 1, as pandas: %.17g",
	    s.std);

	for (i = 0; i < 10000; i++)
		seq[i] = (i + 1) * 0.37;
	stats_describe(seq, 10000, &s);
	OK(s.mean == 1850.185 && s.median == 1850.185 &&
	    s.std == 1068.151401565652,
	    "10000 values: mean %.17g median %.17g std %.17g", s.mean,
	    s.median, s.std);

	stats_describe(one, 1, &s);
	OK(s.mean == 4.5 && s.median == 4.5 && isnan(s.std),
	    "one value: std is undefined");
	stats_describe(none, 2, &s);
	OK(s.count == 0 && isnan(s.mean) && isnan(s.median) && isnan(s.std),
	    "no values: every figure undefined");

	/* selection agrees with sorting at every rank */
	rand = malloc(1001 * sizeof(*rand));
	sorted = 1;
	for (k = 0; k < 1001; k += 50) {
		for (i = 0; i < 1001; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			rand[i] = (double)(x % 200);
		}
		double v = stats_select(rand, 1001, k);
		size_t below = 0, equal = 0;

		for (i = 0; i < 1001; i++) {
			below += rand[i] < v;
			equal += rand[i] == v;
		}
		if (!(below <= k && k < below + equal))
			sorted = 0;
	}
	OK(sorted, "stats_select finds the k-th smallest of repeated values");
	free(rand);
	return unit_done();
}
