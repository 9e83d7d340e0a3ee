/* numbers printed as Python prints floats: shortest round trip */
#include <stdlib.h>

#include "risk.h"
#include "unit.h"

int
main(void)
{
	static const struct {
		double v;
		const char *want;
	} cases[] = {
		{ 4.0 / 7.0, "0.5714285714285714" },
		{ 0.5714285714285715, "0.5714285714285715" },
		{ 1.0 / 3.0, "0.3333333333333333" },
		{ 9.0 / 13.0, "0.6923076923076923" },
		{ 0.1, "0.1" },
		{ 0.0, "0.0" },
		{ 1.0, "1.0" },
		{ -2.0, "-2.0" },
		{ 1e-05, "1e-05" },
		{ 9.745638168591398e-05, "9.745638168591398e-05" },
		{ 0.1 + 0.2, "0.30000000000000004" },
		{ 165.65384615384616, "165.65384615384616" },
	};
	char buf[40];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fmt_double(buf, sizeof(buf), cases[i].v);
		OK(strcmp(buf, cases[i].want) == 0, "%s prints as %s",
		    cases[i].want, buf);
		OK(strtod(buf, NULL) == cases[i].v, "%s reads back bit-exact",
		    buf);
	}
	return unit_done();
}
