/* classification metrics, computed as scikit-learn computes them */
#include "risk.h"

void
metrics_tally(struct confusion *m, int truth, int pred)
{
	if (truth)
		pred ? m->tp++ : m->fn++;
	else
		pred ? m->fp++ : m->tn++;
}

static double
ratio(long long a, long long b)
{
	return b == 0 ? 0.0 : (double)a / (double)b;
}

double
metrics_precision(const struct confusion *m)
{
	return ratio(m->tp, m->tp + m->fp);
}

double
metrics_recall(const struct confusion *m)
{
	return ratio(m->tp, m->tp + m->fn);
}

double
metrics_f1(const struct confusion *m)
{
	double p = metrics_precision(m), r = metrics_recall(m);

	return p + r == 0 ? 0.0 : 2 * p * r / (p + r);
}

double
metrics_accuracy(const struct confusion *m)
{
	return ratio(m->tp + m->tn, m->tp + m->tn + m->fp + m->fn);
}
