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
		/* positional up to 1e16 whatever the digits, as repr */
		{ 0x1.18b54f22aeae8p+50, "1234567890123450.0" },
		{ 1e15, "1000000000000000.0" },
		{ 0x1.0p+53, "9007199254740992.0" },
		{ 1e16, "1e+16" },
		{ 0x1.b69b4ba630f35p+56, "1.2345678901234568e+17" },
		{ 1e22, "1e+22" },
		{ 1.5e300, "1.5e+300" },
		{ 0x1.fffffffffffffp+1023, "1.7976931348623157e+308" },
		{ 0.0001, "0.0001" },
		{ 0x1.02e85be180b74p-13, "0.00012345678901234567" },
		{ -0.0, "-0.0" },
		/* subnormals: fewer digits than 15 may read back */
		{ 0x0.0000000000001p-1022, "5e-324" },
		{ -0x0.04e84c515d07dp-1022, "-4.2653749046806e-310" },
		{ 0x1.0p-1022, "2.2250738585072014e-308" },
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
