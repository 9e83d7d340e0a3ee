/*
 * L2-regularised logistic regression by the trust-region Newton method (TRON),
 * step for step as liblinear runs it inside scikit-learn, so that the early
 * stop lands on the same coefficients.  The data are dense and narrow: the
 * Hessian is a small matrix built in the same pass as the gradient.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "risk.h"

struct state {
	const struct logreg *p;
	size_t m;		/* variables: features and the bias */
	double *g, *h;		/* gradient, Hessian (m*m) */
};

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

/* f(w); with g and h set, also the gradient and Hessian at w */
static double
evaluate(struct state *st, const double *w, double *g, double *h)
{
	const struct logreg *p = st->p;
	size_t i, j, k, m = st->m;
	double f = 0, yz, s, a, b, xt[MAXFEAT + 1];

	if (g != NULL) {
		memset(g, 0, m * sizeof(*g));
		memset(h, 0, m * m * sizeof(*h));
	}
	xt[p->d] = 1;
	for (i = 0; i < p->n; i++) {
		yz = p->y[i] * margin(p, i, w);
		if (yz >= 0)
			f += p->C * log(1 + exp(-yz));
		else
			f += p->C * (-yz + log(1 + exp(yz)));
		if (g == NULL)
			continue;
		memcpy(xt, p->x + i * p->d, p->d * sizeof(*xt));
		s = 1 / (1 + exp(-yz));
		a = p->C * (s - 1) * p->y[i];
		b = p->C * s * (1 - s);
		for (j = 0; j < m; j++) {
			g[j] += a * xt[j];
			for (k = 0; k <= j; k++)
				h[j * m + k] += b * xt[j] * xt[k];
		}
	}
	f = f + dot(w, w, m) / 2;
	if (g != NULL)
		for (j = 0; j < m; j++) {
			g[j] += w[j];
			h[j * m + j] += 1;
			for (k = 0; k < j; k++)
				h[k * m + j] = h[j * m + k];
		}
	return f;
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

/* conjugate gradient on H s = -g inside the trust region */
static void
trcg(const struct state *st, double delta, double *s, double *r)
{
	size_t i, m = st->m;
	double d[MAXFEAT + 1], hd[MAXFEAT + 1];
	double rtr, rnew, alpha, beta, cgtol, std, sts, dtd, dsq, rad;

	for (i = 0; i < m; i++) {
		s[i] = 0;
		r[i] = -st->g[i];
		d[i] = r[i];
	}
	cgtol = 0.1 * norm(st->g, m);
	rtr = dot(r, r, m);
	while (norm(r, m) > cgtol) {
		hv(st, d, hd);
		alpha = rtr / dot(d, hd, m);
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
			return;
		}
		axpy(-alpha, hd, r, m);
		rnew = dot(r, r, m);
		beta = rnew / rtr;
		for (i = 0; i < m; i++)
			d[i] = r[i] + beta * d[i];
		rtr = rnew;
	}
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
	int iter = 1;

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
	f = evaluate(&st, w, st.g, st.h);
	delta = gnorm0 = gnorm = norm(st.g, m);
	while (iter <= p->max_iter && gnorm > eps * gnorm0) {
		trcg(&st, delta, s, r);
		for (i = 0; i < m; i++)
			wn[i] = w[i] + s[i];
		gs = dot(st.g, s, m);
		prered = -0.5 * (gs - dot(s, r, m));
		fnew = evaluate(&st, wn, gn, hn);
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
	free(st.g);
	free(st.h);
	free(hn);
	return iter - 1;
}
