/*
 * L2-regularised logistic regression by the trust-region Newton method (TRON),
 * step for step and in the same floating-point order as the copy of liblinear
 * inside scikit-learn 1.2, so that the early stop lands on the same bits:
 *
 *  - the rows are grouped by class, stably, class -1 (the first sorted
 *    class) first, and every sum over rows runs in that order, one running
 *    sum per quantity;
 *  - the objective starts from |w|^2/2 and adds each row's loss to it;
 *  - each Hessian-vector product is computed from the data,
 *    Hs = s + X'(C D (X s)), the bias a feature of value 1 after the others;
 *  - the vector operations of TRON and its conjugate gradient are the system
 *    BLAS's dnrm2, ddot, daxpy and dscal, which scipy's BLAS also calls.
 *
 * A pass over the rows is cut in two: the per-row work (margins, exp, log,
 * D) runs on every core into an array, then the sums over rows add that
 * array up in row order.  A product with a zero feature is kept where
 * liblinear skips it: adding a signed zero to a sum that started at +0
 * changes nothing.
 *
 * Unlike scikit-learn, every loop is bounded and arithmetic that overflows
 * is an error: on data whose products overflow a double, liblinear's CG
 * never meets its tolerance and scikit-learn hangs.
 */
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "risk.h"

/* the reference BLAS (libblas.so.3), Fortran calling convention */
double dnrm2_(const int *, const double *, const int *);
double ddot_(const int *, const double *, const int *, const double *,
    const int *);
void daxpy_(const int *, const double *, const double *, const int *,
    double *, const int *);
void dscal_(const int *, const double *, double *, const int *);

static const int one = 1;

/* liblinear's min and max, which differ from fmin and fmax on NaN */
static double
dmin(double x, double y)
{
	return x < y ? x : y;
}

static double
dmax(double x, double y)
{
	return x > y ? x : y;
}

static double
nrm2(int m, const double *x)
{
	return dnrm2_(&m, x, &one);
}

static double
dot(int m, const double *x, const double *y)
{
	return ddot_(&m, x, &one, y, &one);
}

static void
axpy(int m, double a, const double *x, double *y)
{
	daxpy_(&m, &a, x, &one, y, &one);
}

static void
scal(int m, double a, double *x)
{
	dscal_(&m, &a, x, &one);
}

#define ROWBLOCK 16384	/* rows per task of a parallel pass */
#define LOSSBLOCK (1 << 18)	/* rows whose losses fun holds at a time */
#define COLBLOCK 4	/* columns per task of a sum over rows */
#define MAXTHREAD 8
#define MAXCG(m) (20 * (m) + 100)

struct solver {
	const struct logreg *p;
	int m;			/* variables: the features and the bias */
	double *a;		/* per row: after fun, exp(-yz), or yz when
				 * yz < 0 (z = x_i'w); after grad,
				 * C(sigma-1)y; after hess, C D (X s) */
	double *cd;		/* per row: C D at the current w */
	double *loss;		/* fun's losses of up to LOSSBLOCK rows */
	size_t lo;		/* the row of loss[0] */
	const double *wf;	/* the w of the last fun */
	const double *v;	/* the vector of the pass */
	double *out;		/* the sums of X'a */
	int nthread;
	const char *what;	/* what overflowed */
};

struct job {
	struct solver *sv;
	void (*fn)(struct solver *, size_t, size_t);
	size_t n, size;
	atomic_size_t next;
};

static void *
jobrun(void *arg)
{
	struct job *jb = arg;
	size_t lo;

	while ((lo = atomic_fetch_add(&jb->next, jb->size)) < jb->n)
		jb->fn(jb->sv, lo, jb->n - lo < jb->size ? jb->n : lo +
		    jb->size);
	return NULL;
}

/*
 * fn over [lo, n) in tasks of size items, on up to nthread threads; one task
 * (up to ROWBLOCK rows, up to COLBLOCK columns) runs on the calling thread
 * alone
 */
static void
parallel(struct solver *sv, void (*fn)(struct solver *, size_t, size_t),
    size_t lo, size_t n, size_t size)
{
	struct job jb;
	pthread_t tid[MAXTHREAD];
	size_t ntask = (n - lo + size - 1) / size;
	int nt = 0;

	jb.sv = sv;
	jb.fn = fn;
	jb.n = n;
	jb.size = size;
	atomic_init(&jb.next, lo);
	while (nt + 1 < sv->nthread && (size_t)nt + 1 < ntask &&
	    pthread_create(&tid[nt], NULL, jobrun, &jb) == 0)
		nt++;
	jobrun(&jb);
	while (nt > 0)
		pthread_join(tid[--nt], NULL);
}

/*
 * The threads of a parallel pass: RISK_THREADS, a whole number from 1 (up
 * to MAXTHREAD), or else one per online processor up to MAXTHREAD.  The
 * count never changes a number: each row's work is the same on any thread,
 * and the sums over rows run on one thread, in row order.
 */
static int
nthreads(void)
{
	const char *env = getenv("RISK_THREADS");
	char *end;
	long n;

	if (env != NULL && *env >= '0' && *env <= '9') {
		n = strtol(env, &end, 10);
		if (*end == '\0' && n >= 1)
			return n > MAXTHREAD ? MAXTHREAD : (int)n;
	}
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > MAXTHREAD ? MAXTHREAD : (int)n;
}

/* x_i'v in liblinear's order: from 0, feature by feature, the bias last */
static double
margin(const struct logreg *p, size_t i, const double *v)
{
	const double *x = p->x + i * p->d;
	double z = 0;
	size_t j;

	for (j = 0; j < p->d; j++)
		z += v[j] * x[j];
	return z + v[p->d];
}

/*
 * each row's term of the objective at v into loss, and into a the exp the
 * gradient at v needs when this one computed it (yz >= 0), else yz
 */
static void
rowloss(struct solver *sv, size_t lo, size_t hi)
{
	const struct logreg *p = sv->p;
	double yz, e;
	size_t i;

	for (i = lo; i < hi; i++) {
		yz = p->y[i] * margin(p, i, sv->v);
		/* log(1 + x), not log1p(x): liblinear's very operations, so
		 * that the loss rounds as scikit-learn's does */
		if (yz >= 0) {
			e = exp(-yz);
			sv->a[i] = e;
			/* cppcheck-suppress unpreciseMathCall */
			sv->loss[i - sv->lo] = p->C * log(1 + e);
		} else {
			sv->a[i] = yz;
			/* cppcheck-suppress unpreciseMathCall */
			sv->loss[i - sv->lo] = p->C * (-yz + log(1 + exp(yz)));
		}
	}
}

/*
 * each row's term of the gradient at the last fun's w, and its C D for the
 * Hessian: liblinear's 1/(1 + exp(-yz)), the exp reused from rowloss where
 * it made the same one (-y*z and -(y*z) are the same double for y = +-1);
 * each row's a is read before it is overwritten
 */
static void
rowgrad(struct solver *sv, size_t lo, size_t hi)
{
	const struct logreg *p = sv->p;
	double s, t;
	size_t i;

	for (i = lo; i < hi; i++) {
		t = sv->a[i];
		s = 1 / (1 + (t >= 0 ? t : exp(-t)));
		sv->cd[i] = p->C * (s * (1 - s));
		sv->a[i] = p->C * (s - 1) * p->y[i];
	}
}

/* each row's C D x_i'v, for the product of the Hessian with v */
static void
rowhess(struct solver *sv, size_t lo, size_t hi)
{
	size_t i;

	for (i = lo; i < hi; i++)
		sv->a[i] = sv->cd[i] * margin(sv->p, i, sv->v);
}

/*
 * out[lo..hi) = X'a for up to COLBLOCK columns, each summed over the rows in
 * order; the sums stay in registers, one dependency chain per column.  With
 * hess, a is not read: each row's C D x_i'v is made here, which costs
 * nothing beside the chains of the sums when one task covers every column.
 */
static inline void
colsumrows(struct solver *sv, size_t lo, size_t hi, int hess)
{
	const struct logreg *p = sv->p;
	const double *x = p->x + lo, *a = sv->a, *cd = sv->cd;
	double s0 = 0, s1 = 0, s2 = 0, s3 = 0, sb = 0, ai;
	size_t i, d = p->d, nx = (hi < d ? hi : d) - (lo < d ? lo : d);
	int bias = hi > d;

	for (i = 0; i < p->n; i++, x += d) {
		ai = hess ? cd[i] * margin(p, i, sv->v) : a[i];
		if (nx > 0)
			s0 += ai * x[0];
		if (nx > 1)
			s1 += ai * x[1];
		if (nx > 2)
			s2 += ai * x[2];
		if (nx > 3)
			s3 += ai * x[3];
		if (bias)
			sb += ai;
	}
	if (nx > 0)
		sv->out[lo] = s0;
	if (nx > 1)
		sv->out[lo + 1] = s1;
	if (nx > 2)
		sv->out[lo + 2] = s2;
	if (nx > 3)
		sv->out[lo + 3] = s3;
	if (bias)
		sv->out[d] = sb;
}

static void
colsum(struct solver *sv, size_t lo, size_t hi)
{
	colsumrows(sv, lo, hi, 0);
}

/*
 * X'a into out, COLBLOCK columns a task: a sum over rows is bound by the
 * latency of its additions, so a thread keeps COLBLOCK of them going, and
 * only wider data takes more than one thread
 */
static void
colsums(struct solver *sv)
{
	parallel(sv, colsum, 0, (size_t)sv->m, COLBLOCK);
}

static int
allfinite(int m, const double *v)
{
	int j;

	for (j = 0; j < m; j++)
		if (!isfinite(v[j]))
			return 0;
	return 1;
}

/*
 * f(w), w'w/2 plus the rows' losses in row order, the rows a LOSSBLOCK at a
 * time so that the losses need no array of n; -1 when it overflows
 */
static int
fun(struct solver *sv, const double *w, double *f)
{
	double sum = 0;
	size_t i, hi, n = sv->p->n;
	int j;

	sv->v = sv->wf = w;
	for (j = 0; j < sv->m; j++)
		sum += w[j] * w[j];
	sum /= 2.0;
	for (sv->lo = 0; sv->lo < n; sv->lo = hi) {
		hi = n - sv->lo < LOSSBLOCK ? n : sv->lo + LOSSBLOCK;
		parallel(sv, rowloss, sv->lo, hi, ROWBLOCK);
		for (i = 0; i < hi - sv->lo; i++)
			sum += sv->loss[i];
	}
	*f = sum;
	if (isfinite(sum))
		return 0;
	sv->what = "the objective";
	return -1;
}

/* out = v + out; -1 when that overflows */
static int
plusv(struct solver *sv, const double *v, double *out, const char *what)
{
	int j;

	for (j = 0; j < sv->m; j++)
		out[j] = v[j] + out[j];
	if (allfinite(sv->m, out))
		return 0;
	sv->what = what;
	return -1;
}

/*
 * g = w + X'(C (sigma - 1) y) at the w of the last fun, which the solver
 * always asks for right after fun; keeps C D for the Hessian
 */
static int
grad(struct solver *sv, double *g)
{
	parallel(sv, rowgrad, 0, sv->p->n, ROWBLOCK);
	sv->out = g;
	colsums(sv);
	return plusv(sv, sv->wf, g, "the gradient");
}

/* hs = s + X'(C D (X s)) */
static int
hess(struct solver *sv, const double *s, double *hs)
{
	sv->v = s;
	sv->out = hs;
	if (sv->m <= COLBLOCK)
		colsumrows(sv, 0, (size_t)sv->m, 1);
	else {
		parallel(sv, rowhess, 0, sv->p->n, ROWBLOCK);
		colsums(sv);
	}
	return plusv(sv, s, hs, "a Hessian product");
}

/*
 * Conjugate gradient on H s = -g inside the trust region, r the residual,
 * until |r| <= 0.1 |g|.  In exact arithmetic that takes at most m steps; in
 * doubles scikit-learn's liblinear has no bound, and on ill-conditioned data
 * it takes more than m (3.2 m at most in 500 random cases).  It stops here
 * after MAXCG(m) steps, far beyond that, keeping the step it has, as
 * liblinear's later releases do after max(m, 5) steps (a bound that tight
 * would change the model on such data).
 */
static int
trcg(struct solver *sv, double delta, const double *g, double *s, double *r,
    double *d, double *hd)
{
	int i, m = sv->m, iter;
	double rtr, rnew, alpha, beta, cgtol, dhd, std, sts, dtd, dsq, rad;

	for (i = 0; i < m; i++) {
		s[i] = 0;
		r[i] = -g[i];
		d[i] = r[i];
	}
	cgtol = 0.1 * nrm2(m, g);
	rtr = dot(m, r, r);
	for (iter = 0; iter < MAXCG(m); iter++) {
		if (nrm2(m, r) <= cgtol)
			break;
		if (hess(sv, d, hd) == -1)
			return -1;
		dhd = dot(m, d, hd);
		alpha = rtr / dhd;
		if (!(dhd > 0) || !isfinite(dhd) || !isfinite(alpha)) {
			sv->what = "a Hessian product";
			return -1;
		}
		axpy(m, alpha, d, s);
		if (nrm2(m, s) > delta) {
			/* back out, and go along d to the boundary instead */
			axpy(m, -alpha, d, s);
			std = dot(m, s, d);
			sts = dot(m, s, s);
			dtd = dot(m, d, d);
			dsq = delta * delta;
			rad = sqrt(std * std + dtd * (dsq - sts));
			if (std >= 0)
				alpha = (dsq - sts) / (std + rad);
			else
				alpha = (rad - std) / dtd;
			axpy(m, alpha, d, s);
			axpy(m, -alpha, hd, r);
			break;
		}
		axpy(m, -alpha, hd, r);
		rnew = dot(m, r, r);
		beta = rnew / rtr;
		scal(m, beta, d);
		axpy(m, 1.0, r, d);
		rtr = rnew;
	}
	if (allfinite(m, s) && allfinite(m, r))
		return 0;
	sv->what = "the step";
	return -1;
}

/*
 * Stable partition, class -1 first: the smaller class goes through a
 * buffer, the larger slides into place.
 */
static void
group(struct logreg *p)
{
	size_t i, k, neg = 0, d = p->d, sz = d * sizeof(double);
	size_t lo, few;
	double *buf;
	signed char want;

	for (i = 0; i < p->n; i++)
		neg += p->y[i] < 0;
	few = neg < p->n - neg ? neg : p->n - neg;
	want = neg < p->n - neg ? -1 : 1;	/* the class in the buffer */
	buf = emalloc(few * sz + 1);
	if (want < 0) {
		/* negatives out, positives slide to the end */
		for (i = k = 0; i < p->n; i++)
			if (p->y[i] < 0)
				memcpy(buf + k++ * d, p->x + i * d, sz);
		for (i = k = p->n; i-- > 0;)
			if (p->y[i] > 0)
				memmove(p->x + --k * d, p->x + i * d, sz);
		memcpy(p->x, buf, few * sz);
	} else {
		for (i = k = 0; i < p->n; i++)
			if (p->y[i] > 0)
				memcpy(buf + k++ * d, p->x + i * d, sz);
		for (i = lo = 0; i < p->n; i++)
			if (p->y[i] < 0)
				memmove(p->x + lo++ * d, p->x + i * d, sz);
		memcpy(p->x + lo * d, buf, few * sz);
	}
	free(buf);
	memset(p->y, -1, neg);
	memset(p->y + neg, 1, p->n - neg);
}

/* TRON's state between trial steps */
struct tron {
	struct solver sv;
	int m, iter;		/* iter: 1 + the steps taken */
	double *w, *s, *r, *wn, *g, *d, *hd;
	double eps, gnorm0, delta, f;
	double fnew, gs, prered, actred, snorm;	/* of the last trial */
};

/* liblinear's constants for the trust region */
static const double eta0 = 1e-4, eta1 = 0.25, eta2 = 0.75;
static const double sigma1 = 0.25, sigma2 = 0.5, sigma3 = 4;

/*
 * The stop on |g|: tol times the smaller class's count over the rows,
 * liblinear's eps for a primal solver, in its order of operations
 */
static double
tron_eps(const struct logreg *p)
{
	size_t i, pos = 0, few;

	for (i = 0; i < p->n; i++)
		pos += p->y[i] > 0;
	few = pos < p->n - pos ? pos : p->n - pos;
	return p->tol * (double)(few > 1 ? few : 1) / (double)p->n;
}

static void
tron_init(struct tron *t, const struct logreg *p, double *w)
{
	int m = (int)p->d + 1;

	memset(t, 0, sizeof(*t));
	t->sv.p = p;
	t->sv.m = m;
	t->sv.nthread = nthreads();
	t->sv.a = ecalloc(p->n, sizeof(double));
	t->sv.cd = ecalloc(p->n, sizeof(double));
	t->sv.loss = ecalloc(p->n < LOSSBLOCK ? p->n : LOSSBLOCK,
	    sizeof(double));
	t->m = m;
	t->iter = 1;
	t->eps = tron_eps(p);
	t->w = w;
	t->s = ecalloc(6 * (size_t)m, sizeof(double));
	t->r = t->s + m;
	t->wn = t->r + m;
	t->g = t->wn + m;
	t->d = t->g + m;
	t->hd = t->d + m;
	memset(w, 0, m * sizeof(*w));
}

static void
tron_free(struct tron *t)
{
	free(t->sv.a);
	free(t->sv.cd);
	free(t->sv.loss);
	free(t->s);
}

/*
 * A trial step: s from the CG inside the radius, wn = w + s (a copy, then
 * daxpy, as liblinear), the reduction the quadratic model predicted,
 * -(g's - s'r)/2 with r the CG's residual, and the one f(wn) gives.  Each
 * expression is written as liblinear writes it: one the same in exact
 * arithmetic (prered expanded, f - fnew as a sum of the losses' changes)
 * rounds differently, and the early stop turns the last bit into another
 * model.
 */
static int
tron_trial(struct tron *t)
{
	int m = t->m;

	if (trcg(&t->sv, t->delta, t->g, t->s, t->r, t->d, t->hd) == -1)
		return -1;
	memcpy(t->wn, t->w, m * sizeof(*t->w));
	axpy(m, 1.0, t->s, t->wn);
	t->gs = dot(m, t->g, t->s);
	t->prered = -0.5 * (t->gs - dot(m, t->s, t->r));
	if (fun(&t->sv, t->wn, &t->fnew) == -1)
		return -1;
	t->actred = t->f - t->fnew;
	t->snorm = nrm2(m, t->s);
	return 0;
}

/*
 * The new radius from how well the model predicted the trial, liblinear's
 * case by case: dmin and dmax are its NaN-blind min and max, and the first
 * step also caps delta at |s|
 */
static void
tron_radius(struct tron *t)
{
	double alpha, delta = t->delta, snorm = t->snorm;
	double actred = t->actred, prered = t->prered;

	if (t->iter == 1)
		delta = dmin(delta, snorm);
	if (t->fnew - t->f - t->gs <= 0)
		alpha = sigma3;
	else
		alpha = dmax(sigma1, -0.5 * (t->gs / (t->fnew - t->f - t->gs)));
	if (actred < eta0 * prered)
		delta = dmin(dmax(alpha, sigma1) * snorm, sigma2 * delta);
	else if (actred < eta1 * prered)
		delta = dmax(sigma1 * delta, dmin(alpha * snorm,
		    sigma2 * delta));
	else if (actred < eta2 * prered)
		delta = dmax(sigma1 * delta, dmin(alpha * snorm,
		    sigma3 * delta));
	else
		delta = dmax(delta, dmin(alpha * snorm, sigma3 * delta));
	t->delta = delta;
}

/* w = wn and its gradient: 1 when |g| is small enough to stop, -1 on overflow */
static int
tron_accept(struct tron *t)
{
	t->iter++;
	memcpy(t->w, t->wn, t->m * sizeof(*t->w));
	t->f = t->fnew;
	if (grad(&t->sv, t->g) == -1)
		return -1;
	return nrm2(t->m, t->g) <= t->eps * t->gnorm0;
}

/*
 * liblinear's other stops: f unbounded below, no reduction left, or both
 * reductions within 1e-12 of f
 */
static int
tron_stalled(const struct tron *t)
{
	if (t->f < -1.0e+32)
		return 1;
	if (fabs(t->actred) <= 0 && t->prered <= 0)
		return 1;
	return fabs(t->actred) <= 1.0e-12 * fabs(t->f) &&
	    fabs(t->prered) <= 1.0e-12 * fabs(t->f);
}

int
logreg_train(struct logreg *p, double *w)
{
	struct tron t;
	long long trial, maxtrial;
	int search, done, ret = -1;

	if (p->n == 0 || p->d >= INT_MAX / 2)
		return seterr("no rows, or too many features");
	group(p);
	tron_init(&t, p, w);
	if (fun(&t.sv, w, &t.f) == -1 || grad(&t.sv, t.g) == -1)
		goto overflow;
	t.delta = t.gnorm0 = nrm2(t.m, t.g);
	search = !(t.gnorm0 <= t.eps * t.gnorm0);
	/*
	 * A rejected step at least halves delta and an accepted one at most
	 * quadruples it; from a finite start delta cannot halve more than
	 * 2100 times in a row, so a run in finite arithmetic never reaches
	 * this bound.
	 */
	maxtrial = 3LL * p->max_iter + 4096;
	for (trial = 0; t.iter <= p->max_iter && search; trial++) {
		if (trial == maxtrial) {
			seterr("no convergence after %lld trial steps", trial);
			goto out;
		}
		if (tron_trial(&t) == -1)
			goto overflow;
		tron_radius(&t);
		if (t.actred > eta0 * t.prered) {
			if ((done = tron_accept(&t)) == -1)
				goto overflow;
			if (done)
				break;
		}
		if (tron_stalled(&t))
			break;
	}
	if (search && t.iter == 1) {
		seterr("no step lowered the objective (%g)", t.f);
		goto out;
	}
	ret = t.iter - 1;
	goto out;
overflow:
	seterr("%s overflows a double at iteration %d", t.sv.what, t.iter);
out:
	tron_free(&t);
	return ret;
}
