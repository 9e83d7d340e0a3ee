/* classification metrics, computed as scikit-learn computes them */
#include "risk.h"

void
confusion_add(struct confusion *m, int truth, int pred)
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
metric_precision(const struct confusion *m)
{
	return ratio(m->tp, m->tp + m->fp);
}

double
metric_recall(const struct confusion *m)
{
	return ratio(m->tp, m->tp + m->fn);
}

double
metric_f1(const struct confusion *m)
{
	double p = metric_precision(m), r = metric_recall(m);

	return p + r == 0 ? 0.0 : 2 * p * r / (p + r);
}

double
metric_accuracy(const struct confusion *m)
{
	return ratio(m->tp + m->tn, m->tp + m->tn + m->fp + m->fn);
}
