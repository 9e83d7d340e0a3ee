/*
 * Statistics of a column as pandas computes them: numpy's blocked pairwise
 * sum, the two-pass variance, and the median by selection.
 */
#include <math.h>
#include <stddef.h>

#include "risk.h"

/* numpy's reduction hands the add loop 8192 values at a time */
#define BUFSIZE 8192
#define PWBLOCK 128

/* a value as pandas sums it: a missing one (NaN) counts as 0; with sq the
 * squared deviation from avg */
static inline double
term(double x, int sq, double avg)
{
	if (isnan(x))
		return 0.;
	return sq ? (avg - x) * (avg - x) : x;
}

/* numpy's pairwise_sum */
static double
pairwise(const double *a, size_t n, int sq, double avg)
{
	double r[8], res;
	size_t i, j, n2;

	if (n < 8) {
		res = 0.;
		for (i = 0; i < n; i++)
			res += term(a[i], sq, avg);
		return res;
	}
	if (n <= PWBLOCK) {
		for (j = 0; j < 8; j++)
			r[j] = term(a[j], sq, avg);
		for (i = 8; i < n - n % 8; i += 8)
			for (j = 0; j < 8; j++)
				r[j] += term(a[i + j], sq, avg);
		res = ((r[0] + r[1]) + (r[2] + r[3])) +
		    ((r[4] + r[5]) + (r[6] + r[7]));
		for (; i < n; i++)
			res += term(a[i], sq, avg);
		return res;
	}
	n2 = n / 2;
	n2 -= n2 % 8;
	return pairwise(a, n2, sq, avg) + pairwise(a + n2, n - n2, sq, avg);
}

static double
blocksum(const double *x, size_t n, int sq, double avg)
{
	double acc = 0.;
	size_t i;

	for (i = 0; i < n; i += BUFSIZE)
		acc += pairwise(x + i, n - i < BUFSIZE ? n - i : BUFSIZE, sq,
		    avg);
	return acc;
}

double
stats_pairwise(const double *x, size_t n)
{
	return pairwise(x, n, 0, 0.);
}

double
stats_sum(const double *x, size_t n)
{
	return blocksum(x, n, 0, 0.);
}

static void
swap(double *x, size_t i, size_t j)
{
	double t = x[i];

	x[i] = x[j];
	x[j] = t;
}

/* the k-th smallest (from 0) of x[0..n), no NaN; x is reordered */
double
stats_select(double *x, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1, i, j, mid;
	double p;

	while (hi > lo) {
		/* median of three as pivot, left in x[lo] */
		mid = lo + (hi - lo) / 2;
		if (x[mid] < x[lo])
			swap(x, mid, lo);
		if (x[hi] < x[lo])
			swap(x, hi, lo);
		if (x[hi] < x[mid])
			swap(x, hi, mid);
		swap(x, lo, mid);
		p = x[lo];
		/* Hoare partition: equal keys stop both scans, so many
		 * repeated values still split near the middle */
		i = lo;
		j = hi + 1;
		for (;;) {
			while (x[++i] < p)
				if (i == hi)
					break;
			while (p < x[--j])
				;
			if (i >= j)
				break;
			swap(x, i, j);
		}
		swap(x, lo, j);
		if (j == k)
			return x[k];
		if (j < k)
			lo = j + 1;
		else
			hi = j - 1;
	}
	return x[k];
}

/* numpy's median: the middle value, or the mean of the two middle ones */
double
stats_median(double *x, size_t n)
{
	double hi, lo;
	size_t i;

	if (n == 0)
		return NAN;
	hi = stats_select(x, n, n / 2);
	if (n % 2 == 1)
		return hi;
	lo = x[0];
	for (i = 1; i < n / 2; i++)
		if (x[i] > lo)
			lo = x[i];
	return (lo + hi) / 2;
}

void
stats_describe(double *x, size_t n, struct colstats *s)
{
	double avg;
	size_t i, k;

	for (s->count = 0, i = 0; i < n; i++)
		s->count += !isnan(x[i]);
	avg = blocksum(x, n, 0, 0.) / (double)s->count;
	s->mean = s->count > 0 ? avg : NAN;
	s->std = s->count > 1 ?
	    sqrt(blocksum(x, n, 1, avg) / (double)(s->count - 1)) : NAN;
	for (k = 0, i = 0; i < n; i++)
		if (!isnan(x[i]))
			x[k++] = x[i];
	s->median = stats_median(x, k);
}
