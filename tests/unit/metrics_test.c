/* F1, precision, recall, accuracy as scikit-learn computes them */
#include "risk.h"
#include "unit.h"

int
main(void)
{
	struct confusion c = { 0, 0, 0, 0 }, z = { 0, 0, 0, 0 };
	char buf[40];
	int truth[] = { 1, 0, 0, 1, 1 }, pred[] = { 0, 1, 1, 1, 1 };
	size_t i;

	for (i = 0; i < 5; i++)
		metrics_tally(&c, truth[i], pred[i]);
	OK(c.tn == 0 && c.fp == 2 && c.fn == 1 && c.tp == 2,
	    "confusion [[0,2],[1,2]] for the seed's predictions");
	OK(strcmp(fmt_double(buf, sizeof(buf), metrics_f1(&c)),
	    "0.5714285714285715") == 0, "seed F1 is 0.5714285714285715 (%s)",
	    buf);
	OK(metrics_precision(&c) == 0.5, "precision 2/4");
	OK(metrics_recall(&c) == 2.0 / 3.0, "recall 2/3");
	OK(metrics_accuracy(&c) == 0.4, "accuracy 2/5");

	c = (struct confusion){ 0, 2, 2, 1 };
	OK(strcmp(fmt_double(buf, sizeof(buf), metrics_f1(&c)),
	    "0.3333333333333333") == 0, "retrained F1 is 0.3333333333333333 "
	    "(%s)", buf);

	OK(metrics_f1(&z) == 0 && metrics_precision(&z) == 0 &&
	    metrics_recall(&z) == 0 && metrics_accuracy(&z) == 0,
	    "an empty matrix gives 0, not NaN");
	z.tn = 3;
	OK(metrics_f1(&z) == 0, "no positives at all: F1 0 where undefined");
	z = (struct confusion){ 0, 0, 0, 4 };
	OK(metrics_f1(&z) == 1.0 && strcmp(fmt_double(buf, sizeof(buf), 1.0),
	    "1.0") == 0, "all right: F1 1.0");
	return unit_done();
}
