/*
 * L2-regularised logistic regression by the trust-region Newton method (TRON),
 * step for step as liblinear runs it inside scikit-learn, so that the early
 * stop lands on the same coefficients.  The data are dense and narrow: the
 * Hessian is a small matrix built in the same pass as the gradient.
 *
 * Unlike scikit-learn, every loop is bounded and arithmetic that overflows
 * is an error: on data whose products overflow a double, liblinear's CG
 * never meets its tolerance and scikit-learn hangs.
 */
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "risk.h"

/* CG steps at most: far more than the 3.2 m seen on ill-conditioned data */
#define MAXCG(m) (20 * (m) + 100)

struct state {
	const struct logreg *p;
	size_t m;		/* variables: features and the bias */
	double *g, *h;		/* gradient, Hessian (m*m) */
	const char *what;	/* what overflowed */
};

static int
allfinite(const double *v, size_t m)
{
	size_t i;

	for (i = 0; i < m; i++)
		if (!isfinite(v[i]))
			return 0;
	return 1;
}

static double
dot(const double *a, const double *b, size_t m)
{
	double s = 0;
	size_t i;

	for (i = 0; i < m; i++)
		s += a[i] * b[i];
	return s;
}

static double
norm(const double *a, size_t m)
{
	return sqrt(dot(a, a, m));
}

static double
margin(const struct logreg *p, size_t i, const double *w)
{
	const double *x = p->x + i * p->d;
	double z = 0;
	size_t j;

	for (j = 0; j < p->d; j++)
		z += w[j] * x[j];
	return z + w[p->d];
}

/*
 * f, g and H summed over one block of rows.  The rows are cut in blocks of a
 * fixed size and the blocks' sums added in order, so the result does not
 * depend on how many threads did the work.
 */
#define BLOCK 65536

struct pass {
	const struct logreg *p;
	const double *w;
	double *sums;		/* per block: f, g[m], h[m*m] */
	size_t m, nblock, next;
	pthread_mutex_t lock;
};

static void
block(const struct logreg *p, const double *w, size_t m, size_t lo,
    size_t hi, double *sum)
{
	/* sums kept in locals, which nothing else can alias */
	double g[MAXFEAT + 1] = { 0 }, h[(MAXFEAT + 1) * (MAXFEAT + 2) / 2] = { 0 };
	double f = 0, yz, e, s, a, b, xt[MAXFEAT + 1];
	size_t i, j, k, t;

	xt[p->d] = 1;
	for (i = lo; i < hi; i++) {
		yz = p->y[i] * margin(p, i, w);
		e = exp(-yz);
		if (yz >= 0)
			f += p->C * log(1 + e);
		else
			f += p->C * (-yz + log(1 + exp(yz)));
		memcpy(xt, p->x + i * p->d, p->d * sizeof(*xt));
		s = 1 / (1 + e);
		a = p->C * (s - 1) * p->y[i];
		b = p->C * s * (1 - s);
		for (j = t = 0; j < m; j++) {
			g[j] += a * xt[j];
			for (k = 0; k <= j; k++)
				h[t++] += b * xt[j] * xt[k];
		}
	}
	sum[0] = f;
	for (j = t = 0; j < m; j++) {
		sum[1 + j] = g[j];
		for (k = 0; k <= j; k++)
			sum[1 + m + j * m + k] = h[t++];
	}
}

static void *
worker(void *arg)
{
	struct pass *ps = arg;
	size_t b, n = ps->p->n, stride = 1 + ps->m + ps->m * ps->m;

	for (;;) {
		pthread_mutex_lock(&ps->lock);
		b = ps->next++;
		pthread_mutex_unlock(&ps->lock);
		if (b >= ps->nblock)
			return NULL;
		block(ps->p, ps->w, ps->m, b * BLOCK,
		    b * BLOCK + BLOCK < n ? b * BLOCK + BLOCK : n,
		    ps->sums + b * stride);
	}
}

/* f(w), and the gradient g and Hessian h at w */
static double
evaluate(struct state *st, const double *w, double *g, double *h)
{
	struct pass ps;
	pthread_t tid[7];
	size_t b, j, k, m = st->m, stride = 1 + m + m * m, nt = 0;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	double f = 0, *sum;

	ps.p = st->p;
	ps.w = w;
	ps.m = m;
	ps.nblock = (st->p->n + BLOCK - 1) / BLOCK;
	ps.next = 0;
	ps.sums = ecalloc(ps.nblock * stride, sizeof(double));
	pthread_mutex_init(&ps.lock, NULL);
	while (nt < 7 && (long)nt + 1 < ncpu && nt + 1 < ps.nblock &&
	    pthread_create(&tid[nt], NULL, worker, &ps) == 0)
		nt++;
	worker(&ps);
	while (nt > 0)
		pthread_join(tid[--nt], NULL);
	pthread_mutex_destroy(&ps.lock);

	memset(g, 0, m * sizeof(*g));
	memset(h, 0, m * m * sizeof(*h));
	for (b = 0; b < ps.nblock; b++) {
		sum = ps.sums + b * stride;
		f += sum[0];
		for (j = 0; j < m; j++)
			g[j] += sum[1 + j];
		for (j = 0; j < m * m; j++)
			h[j] += sum[1 + m + j];
	}
	free(ps.sums);
	f = f + dot(w, w, m) / 2;
	for (j = 0; j < m; j++) {
		g[j] += w[j];
		h[j * m + j] += 1;
		for (k = 0; k < j; k++)
			h[k * m + j] = h[j * m + k];
	}
	if (!isfinite(f))
		st->what = "the objective";
	else if (!allfinite(g, m))
		st->what = "the gradient";
	else if (!allfinite(h, m * m))
		st->what = "the Hessian";
	else
		return f;
	return NAN;
}

static void
hv(const struct state *st, const double *v, double *out)
{
	size_t j, m = st->m;

	for (j = 0; j < m; j++)
		out[j] = dot(st->h + j * m, v, m);
}

static void
axpy(double a, const double *x, double *y, size_t m)
{
	size_t i;

	for (i = 0; i < m; i++)
		y[i] += a * x[i];
}

/*
 * Conjugate gradient on H s = -g inside the trust region.  In exact
 * arithmetic it ends within m steps; scikit-learn's has no bound, and on
 * ill-conditioned data takes more than m; it stops here after MAXCG(m),
 * keeping the step it has, as liblinear's later releases do after max(m, 5)
 * (a bound that tight would change the model on such data).  -1 when the
 * arithmetic overflows.
 */
static int
trcg(struct state *st, double delta, double *s, double *r)
{
	size_t i, m = st->m, iter;
	double d[MAXFEAT + 1], hd[MAXFEAT + 1];
	double rtr, rnew, alpha, beta, cgtol, std, sts, dtd, dsq, rad, dhd;

	for (i = 0; i < m; i++) {
		s[i] = 0;
		r[i] = -st->g[i];
		d[i] = r[i];
	}
	cgtol = 0.1 * norm(st->g, m);
	rtr = dot(r, r, m);
	for (iter = 0; iter < MAXCG(m) && norm(r, m) > cgtol; iter++) {
		hv(st, d, hd);
		dhd = dot(d, hd, m);
		alpha = rtr / dhd;
		if (!(dhd > 0) || !isfinite(dhd) || !isfinite(alpha)) {
			st->what = "a Hessian product";
			return -1;
		}
		axpy(alpha, d, s, m);
		if (norm(s, m) > delta) {
			axpy(-alpha, d, s, m);
			std = dot(s, d, m);
			sts = dot(s, s, m);
			dtd = dot(d, d, m);
			dsq = delta * delta;
			rad = sqrt(std * std + dtd * (dsq - sts));
			if (std >= 0)
				alpha = (dsq - sts) / (std + rad);
			else
				alpha = (rad - std) / dtd;
			axpy(alpha, d, s, m);
			axpy(-alpha, hd, r, m);
			break;
		}
		axpy(-alpha, hd, r, m);
		rnew = dot(r, r, m);
		beta = rnew / rtr;
		for (i = 0; i < m; i++)
			d[i] = r[i] + beta * d[i];
		rtr = rnew;
	}
	if (allfinite(s, m) && allfinite(r, m))
		return 0;
	st->what = "the step";
	return -1;
}

int
logreg_train(const struct logreg *p, double *w)
{
	const double eta0 = 1e-4, eta1 = 0.25, eta2 = 0.75;
	const double sigma1 = 0.25, sigma2 = 0.5, sigma3 = 4;
	struct state st;
	size_t i, m = p->d + 1, pos = 0;
	double s[MAXFEAT + 1], r[MAXFEAT + 1], wn[MAXFEAT + 1];
	double gn[MAXFEAT + 1], *hn;
	double eps, delta, gnorm0, gnorm, f, fnew, gs, prered, actred, snorm;
	double alpha;
	long long trial, maxtrial;
	int iter = 1, search, ret = -1;

	for (i = 0; i < p->n; i++)
		pos += p->y[i] > 0;
	i = pos < p->n - pos ? pos : p->n - pos;
	eps = p->tol * (double)(i > 1 ? i : 1) / (double)p->n;

	st.p = p;
	st.m = m;
	st.g = ecalloc(m, sizeof(double));
	st.h = ecalloc(m * m, sizeof(double));
	hn = ecalloc(m * m, sizeof(double));
	memset(w, 0, m * sizeof(*w));
	if (isnan(f = evaluate(&st, w, st.g, st.h)))
		goto overflow;
	delta = gnorm0 = gnorm = norm(st.g, m);
	if (!isfinite(gnorm)) {
		/* else inf <= eps * inf stops at once with w = 0 */
		st.what = "the gradient's norm";
		goto overflow;
	}
	search = gnorm > eps * gnorm0;
	/*
	 * A rejected step at least halves delta and an accepted one at most
	 * quadruples it; from a finite start delta cannot halve more than
	 * 2100 times in a row, so a run in finite arithmetic never reaches
	 * this bound.
	 */
	maxtrial = 3LL * p->max_iter + 4096;
	for (trial = 0; iter <= p->max_iter && search; trial++) {
		if (trial == maxtrial) {
			seterr("no convergence after %lld trial steps", trial);
			goto out;
		}
		if (trcg(&st, delta, s, r) == -1)
			goto overflow;
		for (i = 0; i < m; i++)
			wn[i] = w[i] + s[i];
		gs = dot(st.g, s, m);
		prered = -0.5 * (gs - dot(s, r, m));
		if (isnan(fnew = evaluate(&st, wn, gn, hn)))
			goto overflow;
		actred = f - fnew;
		snorm = norm(s, m);
		if (iter == 1)
			delta = fmin(delta, snorm);
		if (fnew - f - gs <= 0)
			alpha = sigma3;
		else
			alpha = fmax(sigma1, -0.5 * (gs / (fnew - f - gs)));
		if (actred < eta0 * prered)
			delta = fmin(fmax(alpha, sigma1) * snorm, sigma2 * delta);
		else if (actred < eta1 * prered)
			delta = fmax(sigma1 * delta, fmin(alpha * snorm,
			    sigma2 * delta));
		else if (actred < eta2 * prered)
			delta = fmax(sigma1 * delta, fmin(alpha * snorm,
			    sigma3 * delta));
		else
			delta = fmax(delta, fmin(alpha * snorm, sigma3 * delta));
		if (actred > eta0 * prered) {
			iter++;
			memcpy(w, wn, m * sizeof(*w));
			memcpy(st.g, gn, m * sizeof(*gn));
			memcpy(st.h, hn, m * m * sizeof(*hn));
			f = fnew;
			gnorm = norm(st.g, m);
			if (!isfinite(gnorm)) {
				st.what = "the gradient's norm";
				goto overflow;
			}
			if (gnorm <= eps * gnorm0)
				break;
		}
		if (f < -1.0e+32)
			break;
		if (fabs(actred) <= 0 && prered <= 0)
			break;
		if (fabs(actred) <= 1.0e-12 * fabs(f) &&
		    fabs(prered) <= 1.0e-12 * fabs(f))
			break;
	}
	if (search && iter == 1) {
		seterr("no step lowered the objective (%g)", f);
		goto out;
	}
	ret = iter - 1;
	goto out;
overflow:
	seterr("%s overflows a double at iteration %d", st.what, iter);
out:
	free(st.g);
	free(st.h);
	free(hn);
	return ret;
}
