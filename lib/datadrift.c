/*
 * Data drift of one feature: the two-sample Kolmogorov-Smirnov test as
 * scipy 1.10's ks_2samp computes it by default (two-sided, method 'auto'),
 * the population stability index over the reference's deciles, and the
 * Wasserstein-1 distance as scipy.stats.wasserstein_distance, divided by
 * the reference's standard deviation.
 *
 * ks_2samp's 'auto' is exact while neither sample has more than 10000
 * values (the lattice path counts of Hodges, in the forms scipy uses),
 * else asymptotic: the two-sided one-sample distribution of Simard and
 * L'Ecuyer at n = round(n1 n2 / (n1 + n2)), by the method scipy's kolmogn
 * picks for n and x (Durbin's matrix, Pomeranz's recursion, the Pelz-Good
 * series, or twice Smirnov's one-sided tail).
 */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "risk.h"

/* 'auto' is exact up to this many values in each sample */
#define KS_MAXEXACT 10000
/* scaling of the matrix and recursion methods, as scipy's 2^128 */
#define E128 128

/* values of sorted a[0..n) at most v */
static size_t
upto(const double *a, size_t n, double v)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (a[mid] <= v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static long long
gcd(long long a, long long b)
{
	long long t;

	while (b != 0) {
		t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/* Pr(D_{n,n} >= h/n), alternating terms in Horner form */
static double
outside_square(long long n, long long h)
{
	double p = 0, p1;
	long long k, j;

	for (k = (long long)floor((double)n / (double)h); k >= 0; k--) {
		p1 = 1.0;
		for (j = 0; j < h; j++)
			p1 = (double)(n - k * h - j) * p1 /
			    (double)(n + k * h + j + 1);
		p = p1 * (1.0 - p);
	}
	return 2 * p;
}

/* the share of lattice paths from (0,0) to (m,n) that leave the band
 * |x/m - y/n| < h/lcm, by the recursion for 1 - p (Viehmann), one column
 * of it kept as a sliding window */
static double
outside_band(long long m, long long n, long long g, long long h)
{
	long long mg, ng, minj, maxj, curlen, lenA, i, jj, j, lastminj;
	long long lastlen, k;
	double *a, val, r;

	if (m < n) {
		k = m;
		m = n;
		n = k;
	}
	mg = m / g;
	ng = n / g;
	minj = 0;
	maxj = (long long)ceil((double)h / (double)mg);
	if (maxj > n + 1)
		maxj = n + 1;
	curlen = maxj - minj;
	lenA = 2 * maxj + 2 < n + 1 ? 2 * maxj + 2 : n + 1;
	a = emalloc((size_t)lenA * sizeof(*a));
	for (i = 0; i < lenA; i++)
		a[i] = i < maxj ? 0.0 : 1.0;
	for (i = 1; i <= m; i++) {
		lastminj = minj;
		lastlen = curlen;
		minj = (long long)floor((double)(ng * i - h) / (double)mg) + 1;
		if (minj < 0)
			minj = 0;
		if (minj > n)
			minj = n;
		maxj = (long long)ceil((double)(ng * i + h) / (double)mg);
		if (maxj > n + 1)
			maxj = n + 1;
		if (maxj <= minj) {
			free(a);
			return 1.0;
		}
		val = minj == 0 ? 0.0 : 1.0;
		for (jj = 0; jj < maxj - minj; jj++) {
			j = jj + minj;
			val = (a[jj + minj - lastminj] * (double)i +
			    val * (double)j) / (double)(i + j);
			a[jj] = val;
		}
		curlen = maxj - minj;
		for (k = curlen; k < curlen + (lastlen - curlen) && k < lenA;
		    k++)
			a[k] = 1;
	}
	r = a[maxj - minj - 1];
	free(a);
	return r;
}

/* ln(n!/n^n) by Stirling's series */
static double
lognfact(double n)
{
	static const double c[] = {
		-2.955065359477124183e-2, 6.4102564102564102564e-3,
		-1.9175269175269175269e-3, 8.4175084175084175084e-4,
		-5.952380952380952381e-4, 7.9365079365079365079e-4,
		-2.7777777777777777778e-3, 8.3333333333333333333e-2
	};
	double rn = 1.0 / n, x = rn / n, y = 0;
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		y = y * x + c[i];
	return log(n) / 2 - n + log(2 * M_PI) / 2 + rn * y;
}

/* Pr(D+_n >= x), Smirnov's one-sided tail, by Birnbaum and Tingey's sum
 * of positive terms, each in extended precision */
static double
smirnov(long long n, double x)
{
	long double s = 0, lg = lgammal((long double)n + 1), e, t;
	long long v, nn;

	if (!(x > 0))
		return 1.0;
	if (x >= 1)
		return 0.0;
	nn = (long long)floor((double)n * (1.0 - x));
	for (v = 0; v <= nn; v++) {
		e = (long double)x + (long double)v / (long double)n;
		if (!(e < 1))
			continue;
		t = lg - lgammal((long double)v + 1) -
		    lgammal((long double)(n - v) + 1) +
		    (long double)(v - 1) * logl(e) +
		    (long double)(n - v) * log1pl(-e);
		s += expl(t);
	}
	return (double)(s * (long double)x);
}

static void
matmul(const double *a, const double *b, double *c, size_t m)
{
	size_t i, j, k;
	double s;

	for (i = 0; i < m; i++)
		for (j = 0; j < m; j++) {
			for (s = 0, k = 0; k < m; k++)
				s += a[i * m + k] * b[k * m + j];
			c[i * m + j] = s;
		}
}

/* Pr(D_n <= d), Durbin's matrix as Marsaglia, Tsang and Wang compute it */
static double
durbin(long long n, double d)
{
	double nd = (double)n * d, h, fac, tt, *H, *P, *T, *w, *v, p;
	long long k, nn, i, expnt = 0, hexpnt = 0;
	size_t m, r, c;

	if (d >= 1.0)
		return 1.0;
	if (nd <= 0.5)
		return 0.0;
	k = (long long)ceil(nd);
	h = (double)k - nd;
	m = (size_t)(2 * k - 1);
	H = ecalloc(m * m, sizeof(*H));
	P = ecalloc(m * m, sizeof(*P));
	T = ecalloc(m * m, sizeof(*T));
	w = emalloc(m * sizeof(*w));
	v = emalloc(m * sizeof(*v));
	for (r = 0; r < m; r++)
		v[r] = 1.0 - pow(h, (double)(r + 1));
	for (fac = 1.0, r = 0; r < m; r++) {
		w[r] = fac;
		fac /= (double)(r + 1);
		v[r] *= fac;
	}
	tt = pow(fmax(2 * h - 1.0, 0), (double)m) - 2 * pow(h, (double)m);
	v[m - 1] = (1.0 + tt) * fac;
	for (c = 1; c < m; c++)
		for (r = c - 1; r < m; r++)
			H[r * m + c] = w[r - (c - 1)];
	for (r = 0; r < m; r++)
		H[r * m] = v[r];
	for (c = 0; c < m; c++)
		H[(m - 1) * m + c] = v[m - 1 - c];
	for (r = 0; r < m; r++)
		P[r * m + r] = 1.0;
	for (nn = n; nn > 0; nn /= 2) {
		if (nn % 2) {
			matmul(P, H, T, m);
			memcpy(P, T, m * m * sizeof(*P));
			expnt += hexpnt;
		}
		matmul(H, H, T, m);
		memcpy(H, T, m * m * sizeof(*H));
		hexpnt *= 2;
		if (fabs(H[(k - 1) * m + (k - 1)]) > ldexp(1, E128)) {
			for (r = 0; r < m * m; r++)
				H[r] /= ldexp(1, E128);
			hexpnt += E128;
		}
	}
	p = P[(k - 1) * m + (k - 1)];
	for (i = 1; i <= n; i++) {
		p = (double)i * p / (double)n;
		if (fabs(p) < ldexp(1, -E128)) {
			p *= ldexp(1, E128);
			expnt -= E128;
		}
	}
	if (expnt != 0)
		p = ldexp(p, (int)expnt);
	free(H);
	free(P);
	free(T);
	free(w);
	free(v);
	return fmin(fmax(p, 0.0), 1.0);
}

static void
pomeranz_j1j2(long long i, long long n, long long ll, long long ceilf,
    long long roundf, long long *j1, long long *j2)
{
	long long a, b, half, odd;

	if (i == 0) {
		a = -ll - ceilf - 1;
		b = ll + ceilf - 1;
	} else {
		half = (i + 1) / 2;
		odd = (i + 1) % 2 == 0;
		if (odd && half == n + 1) {
			a = n - ll - ceilf - 1;
			b = n + ll + ceilf - 1;
		} else if (odd) {
			a = half - 1 - ll - roundf - 1;
			b = half + ll - 1 + ceilf - 1;
		} else {
			a = half - 1 - ll - 1;
			b = half + ll + roundf - 1;
		}
	}
	*j1 = a + 2 > 0 ? a + 2 : 0;
	*j2 = b < n ? b : n;
}

/* the recursion's three weight tables: (c / n)^m / m! for c = g, 2g and
 * 1 - 2g, each built by the same running product as scipy's */
static void
pomeranz_powers(long long n, double g, long long np, double *gp,
    double *tgp, double *omp)
{
	long long m;

	gp[0] = tgp[0] = omp[0] = 1.0;
	for (m = 1; m < np; m++) {
		gp[m] = gp[m - 1] * (g / (double)n) / (double)m;
		tgp[m] = tgp[m - 1] * (2 * g / (double)n) / (double)m;
		omp[m] = omp[m - 1] * ((1 - 2 * g) / (double)n) / (double)m;
	}
}

/*
 * One step of the recursion: v1 the full convolution of v0[k1 - v0s ..]
 * and pw, its entries j1 - k1 .. j2 - k1 (ln2 of v0's entries take part),
 * rescaled by 2^128 when it grows that small, *expnt keeping count.
 */
static void
pomeranz_step(const double *v0, long long v0s, const double *pw,
    long long k1, long long j1, long long j2, long long np, double *v1,
    long long *expnt)
{
	long long ln2 = j2 - k1 + 1, cs = j1 - k1, cl = j2 - j1 + 1, q, r;
	double s, mx;

	for (q = 0; q < cl; q++) {
		s = 0;
		for (r = 0; r < ln2; r++)
			if (cs + q - r >= 0 && cs + q - r < ln2 &&
			    k1 - v0s + r >= 0 && k1 - v0s + r < np)
				s += v0[k1 - v0s + r] * pw[cs + q - r];
		v1[q] = s;
	}
	for (mx = v1[0], q = 1; q < np; q++)
		mx = fmax(mx, v1[q]);
	if (mx > 0 && mx < ldexp(1, -E128)) {
		for (q = 0; q < np; q++)
			v1[q] *= ldexp(1, E128);
		*expnt -= E128;
	}
}

/*
 * Pr(D_n <= x) by Pomeranz's recursion. The order of its arithmetic (the
 * weights' running products, each convolution's sum, the rescaling, the
 * final product) is the one that gives scipy's bits: keep it.
 */
static double
pomeranz(long long n, double x)
{
	double t = (double)n * x, f, g, *gp, *tgp, *omp, *v0, *v1, *sw;
	double *pw, ans;
	long long ll, ceilf, roundf, np, m, i, j1, j2, k1, v0s = 0;
	long long v1s = 0, ts, expnt = 0;

	ll = (long long)floor(t);
	f = t - (double)ll;
	g = fmin(f, 1.0 - f);
	ceilf = f > 0;
	roundf = f > 0.5;
	np = 2 * (ll + 1);
	gp = emalloc(np * sizeof(*gp));
	tgp = emalloc(np * sizeof(*tgp));
	omp = emalloc(np * sizeof(*omp));
	v0 = ecalloc(np, sizeof(*v0));
	v1 = ecalloc(np, sizeof(*v1));
	pomeranz_powers(n, g, np, gp, tgp, omp);
	v1[0] = 1;
	pomeranz_j1j2(0, n, ll, ceilf, roundf, &j1, &j2);
	for (i = 1; i < 2 * n + 2; i++) {
		k1 = j1;
		sw = v0;
		v0 = v1;
		v1 = sw;
		ts = v0s;
		v0s = v1s;
		v1s = ts;
		memset(v1, 0, np * sizeof(*v1));
		pomeranz_j1j2(i, n, ll, ceilf, roundf, &j1, &j2);
		pw = i == 1 || i == 2 * n + 1 ? gp : i % 2 ? tgp : omp;
		if (j2 - k1 + 1 <= 0)
			continue;
		pomeranz_step(v0, v0s, pw, k1, j1, j2, np, v1, &expnt);
		v1s = v0s + j1 - k1;
	}
	ans = n - v1s >= 0 && n - v1s < np ? v1[n - v1s] : 0;
	for (m = 1; m <= n; m++) {
		if (fabs(ans) > ldexp(1, E128)) {
			ans *= ldexp(1, -E128);
			expnt += E128;
		}
		ans *= (double)m;
	}
	if (expnt != 0)
		ans = ldexp(ans, (int)expnt);
	free(gp);
	free(tgp);
	free(omp);
	free(v0);
	free(v1);
	return fmin(fmax(ans, 0.0), 1.0);
}

/* Pr(D_n <= x) by the Pelz-Good series */
static double
pelzgood(long long n, double x)
{
	double z, z2, z3, z4, z6, qlog, q, k1a, k1b, k2a, k2b, k2c, k3a, k3b;
	double k3c, k3d, K[4], m, m2, m4, m6, qp, c[4], sq3z, kpi, qpw;
	double k2x = 0, k3x = 0, div[4], sum;
	long long maxk, k;
	int i;

	if (x <= 0.0)
		return 0.0;
	if (x >= 1.0)
		return 1.0;
	z = sqrt((double)n) * x;
	z2 = z * z;
	z3 = z * z * z;
	z4 = z2 * z2;
	z6 = z4 * z2;
	qlog = -M_PI * M_PI / 8 / z2;
	if (qlog < -708)
		return 0.0;
	q = exp(qlog);
	k1a = -z2;
	k1b = M_PI * M_PI / 4;
	k2a = 6 * z6 + 2 * z4;
	k2b = (2 * z4 - 5 * z2) * (M_PI * M_PI) / 4;
	k2c = pow(M_PI, 4) * (1 - 2 * z2) / 16;
	k3d = pow(M_PI, 6) * (5 - 30 * z2) / 64;
	k3c = pow(M_PI, 4) * (-60 * z2 + 212 * z4) / 16;
	k3b = M_PI * M_PI * (135 * z4 - 96 * z6) / 4;
	k3a = -30 * z6 - 90 * pow(z, 8);
	memset(K, 0, sizeof(K));
	maxk = (long long)ceil(16 * z / M_PI);
	for (k = maxk; k > 0; k--) {
		m = (double)(2 * k - 1);
		m2 = m * m;
		m4 = m2 * m2;
		m6 = m4 * m2;
		qp = pow(q, (double)(8 * k));
		c[0] = 1.0;
		c[1] = k1a + k1b * m2;
		c[2] = k2a + k2b * m2 + k2c * m4;
		c[3] = k3a + k3b * m2 + k3c * m4 + k3d * m6;
		for (i = 0; i < 4; i++)
			K[i] = K[i] * qp + c[i];
	}
	div[0] = z;
	div[1] = 6 * z4;
	div[2] = 72 * pow(z, 7);
	div[3] = 6480 * pow(z, 10);
	for (i = 0; i < 4; i++)
		K[i] = K[i] * q * sqrt(2 * M_PI) / div[i];
	q = exp(-M_PI * M_PI / 2 / z2);
	sq3z = sqrt(3) * z;
	for (k = maxk; k > 0; k--) {
		kpi = M_PI * (double)k;
		qpw = pow(q, (double)(k * k));
		k2x += (double)(k * k) * qpw;
		k3x += (sq3z + kpi) * (sq3z - kpi) * (double)(k * k) * qpw;
	}
	K[2] += k2x * (M_PI * M_PI * sqrt(2 * M_PI) / (-36 * z3));
	K[3] += k3x * (M_PI * M_PI * sqrt(2 * M_PI) / (216 * z6));
	for (sum = 0, i = 0; i < 4; i++)
		sum += K[i] / pow((double)n, i / 2.0);
	return sum;
}

static double
clip01(double p)
{
	return isnan(p) ? p : fmin(fmax(p, 0.0), 1.0);
}

double
datadrift_kolmogn_sf(long long n, double x)
{
	double t, p, nx2;

	if (n <= 0 || isnan(x))
		return NAN;
	if (x >= 1.0)
		return 0.0;
	if (x <= 0.0)
		return 1.0;
	t = (double)n * x;
	if (t <= 1.0) {
		long long i;

		if (t <= 0.5)
			return 1.0;
		if (n <= 140)
			for (p = 1, i = 1; i <= n; i++)
				p *= (double)i * (1.0 / (double)n) *
				    (2 * t - 1);
		else
			p = exp(lognfact((double)n) + (double)n *
			    log(2 * t - 1));
		return clip01(1.0 - p);
	}
	if (t >= (double)(n - 1))
		return clip01(2 * pow(1.0 - x, (double)n));
	if (x >= 0.5)
		return clip01(2 * smirnov(n, x));
	nx2 = t * x;
	if (n <= 140) {
		if (nx2 <= 0.754693)
			return clip01(1.0 - durbin(n, x));
		if (nx2 <= 4)
			return clip01(1.0 - pomeranz(n, x));
		return clip01(2 * smirnov(n, x));
	}
	if (nx2 >= 370.0)
		return 0.0;
	if (nx2 >= 2.2)
		return clip01(2 * smirnov(n, x));
	if (n <= 100000 && (double)n * pow(x, 1.5) <= 1.4)
		p = durbin(n, x);
	else
		p = pelzgood(n, x);
	return clip01(1.0 - p);
}

int
datadrift_ks(const double *a, size_t n1, const double *b, size_t n2,
    struct ksresult *res)
{
	double maxs = -INFINITY, mins = INFINITY, diff, d, en, big, small;
	long long g, lcm, h;
	size_t i = 0, j = 0;
	int exact;

	if (n1 == 0 || n2 == 0)
		return seterr("the Kolmogorov-Smirnov test needs values in "
		    "both samples");
	/* the ECDFs' difference at every value either sample holds */
	while (i < n1 || j < n2) {
		double v = j == n2 || (i < n1 && a[i] <= b[j]) ? a[i] : b[j];

		i = upto(a, n1, v);
		j = upto(b, n2, v);
		diff = (double)i / (double)n1 - (double)j / (double)n2;
		maxs = fmax(maxs, diff);
		mins = fmin(mins, diff);
	}
	mins = fmin(fmax(-mins, 0), 1);
	d = mins > maxs ? mins : maxs;
	exact = n1 <= KS_MAXEXACT && n2 <= KS_MAXEXACT;
	res->p = NAN;
	if (exact) {
		g = gcd((long long)n1, (long long)n2);
		lcm = ((long long)n1 / g) * (long long)n2;
		h = (long long)nearbyint(d * (double)lcm);
		d = (double)h / (double)lcm;
		if (h == 0)
			res->p = 1.0;
		else if (n1 == n2)
			res->p = outside_square((long long)n1, h);
		else
			res->p = outside_band((long long)n1, (long long)n2, g,
			    h);
		if (!(res->p >= 0 && res->p <= 1))
			exact = 0;
	}
	if (!exact) {
		big = (double)(n1 > n2 ? n1 : n2);
		small = (double)(n1 > n2 ? n2 : n1);
		en = big * small / (big + small);
		res->p = datadrift_kolmogn_sf((long long)nearbyint(en), d);
	}
	res->d = d;
	res->p = clip01(res->p);
	res->exact = exact;
	return 0;
}

/*
 * The population stability index of cur against ref over ref's deciles:
 * edges at numpy's linear quantiles 0.1, 0.2, ... 0.9 of ref, equal edges
 * merged, bins (-inf, e1], (e1, e2], ... (e9, inf); a bin's share is its
 * count over the sample's size, 0.0001 where a bin is empty (as
 * Evidently); PSI = sum over bins of (cur - ref) ln(cur / ref), in bin
 * order. Both sorted, neither empty.
 */
double
datadrift_psi(const double *ref, size_t nr, const double *cur, size_t nc)
{
	double edge[10] = { 0 }, psi = 0, p, q;
	size_t ne = 0, k, r0 = 0, c0 = 0, r1, c1;

	for (k = 1; k <= 9; k++) {
		double e = drift_quantile(ref, nr, (double)k / 10.0);

		if (ne == 0 || e != edge[ne - 1])
			edge[ne++] = e;
	}
	for (k = 0; k <= ne; k++) {
		r1 = k < ne ? upto(ref, nr, edge[k]) : nr;
		c1 = k < ne ? upto(cur, nc, edge[k]) : nc;
		p = (double)(r1 - r0) / (double)nr;
		q = (double)(c1 - c0) / (double)nc;
		if (p == 0)
			p = 0.0001;
		if (q == 0)
			q = 0.0001;
		psi += (q - p) * log(q / p);
		r0 = r1;
		c0 = c1;
	}
	return psi;
}

/* scipy.stats.wasserstein_distance(u, v): the integral of |U - V|, as
 * numpy sums the pieces between consecutive values; both sorted */
double
datadrift_wasserstein(const double *u, size_t nu, const double *v, size_t nv)
{
	double *all, *piece, s;
	size_t n = nu + nv, i = 0, j = 0, k;

	all = emalloc(n * sizeof(*all));
	piece = emalloc(n * sizeof(*piece));
	for (k = 0; k < n; k++)
		all[k] = j == nv || (i < nu && u[i] <= v[j]) ? u[i++] : v[j++];
	for (k = 0; k + 1 < n; k++)
		piece[k] = fabs((double)upto(u, nu, all[k]) / (double)nu -
		    (double)upto(v, nv, all[k]) / (double)nv) *
		    (all[k + 1] - all[k]);
	s = stats_pairwise(piece, n - 1);
	free(all);
	free(piece);
	return s;
}

static double
share(long long part, long long whole)
{
	return whole > 0 ? (double)part / (double)whole : 0.0;
}

/* the share of class 1 among the rows with a target, NaN when none */
static double
classone(const struct profile *p)
{
	long long n = p->classes[0] + p->classes[1];

	return p->hastarget && n > 0 ? (double)p->classes[1] / (double)n :
	    NAN;
}

/*
 * Each of ref's features in cur, its figures and whether it drifted by
 * Evidently's rule: up to drift.ks_rows reference rows the KS p-value
 * below drift.ks_pvalue, beyond the Wasserstein distance over the
 * reference's standard deviation (at least 0.001) at least
 * drift.wasserstein. The data drifts when at least drift.share of the
 * features do.
 */
struct json_t *
datadrift_report(const struct profile *ref, const char *refname,
    const struct profile *cur, const struct config *cfg)
{
	json_t *feats = json_object(), *f, *o;
	struct ksresult ks;
	double wd, sd, psi, a, b;
	size_t i, j, ndrift = 0;
	int drifted, byks = ref->rows <= cfg->drift_ks_rows;

	for (i = 0; i < ref->nfeat; i++) {
		for (j = 0; j < cur->nfeat; j++)
			if (strcmp(ref->name[i], cur->name[j]) == 0)
				break;
		if (j == cur->nfeat) {
			json_decref(feats);
			seterr("feature \"%s\" of the reference is not among "
			    "the config's features", ref->name[i]);
			return NULL;
		}
		if (ref->n[i] == 0 || cur->n[j] == 0) {
			json_decref(feats);
			seterr("feature \"%s\": no values in the %s to compare",
			    ref->name[i], ref->n[i] == 0 ? "reference" :
			    "data");
			return NULL;
		}
		datadrift_ks(ref->x[i], ref->n[i], cur->x[j], cur->n[j], &ks);
		psi = datadrift_psi(ref->x[i], ref->n[i], cur->x[j],
		    cur->n[j]);
		sd = fmax(drift_std(ref->x[i], ref->n[i]), 0.001);
		wd = datadrift_wasserstein(ref->x[i], ref->n[i], cur->x[j],
		    cur->n[j]) / sd;
		drifted = byks ? ks.p < cfg->drift_ks_pvalue :
		    wd >= cfg->drift_wasserstein;
		ndrift += drifted;
		f = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:s, s:b}",
		    "ks", diag_number(ks.d), "ks_pvalue", diag_number(ks.p),
		    "psi", diag_number(psi), "wasserstein", diag_number(wd),
		    "missing", diag_number(share(cur->missing[j], cur->rows)),
		    "reference_missing", diag_number(share(ref->missing[i],
		    ref->rows)), "test", byks ? "ks" : "wasserstein",
		    "drifted", drifted);
		json_object_set_new(feats, ref->name[i], f);
	}
	a = classone(ref);
	b = classone(cur);
	drifted = (double)ndrift >= cfg->drift_share * (double)ref->nfeat;
	o = json_pack("{s:s, s:I, s:I, s:o, s:{s:s, s:o, s:o, s:o}, s:I, "
	    "s:I, s:b}", "reference", refname, "reference_rows",
	    (json_int_t)ref->rows, "rows", (json_int_t)cur->rows, "features",
	    feats, "target", "name", ref->target, "reference_share",
	    diag_number(a), "share", diag_number(b), "change",
	    diag_number(b - a), "drifted_features", (json_int_t)ndrift,
	    "tested_features", (json_int_t)ref->nfeat, "drifted", drifted);
	return o;
}
