/* numbers and times as text */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "risk.h"

/*
 * The shortest form that reads back to the same double, as Python's repr
 * (and numpy's str, which pandas' to_csv writes) prints it: the fewest
 * digits that round back, nearest the value among those; positional from
 * 1e-4 up to 1e16, "1e+16" and "1e-05" beyond, ".0" on a whole number.
 * Of a normal double's 15-digit rounding, trailing zeros stripped, no
 * shorter form reads back unless it is that one; a subnormal has fewer
 * digits to give, so its search starts at one.
 */
char *
fmt_double(char *buf, size_t size, double v)
{
	char sci[40], dig[24], *p = buf, *end = buf + size;
	int prec, e, nd, i;

	if (isnan(v) || isinf(v)) {
		snprintf(buf, size, "%s", isnan(v) ? "nan" : v > 0 ? "inf" :
		    "-inf");
		return buf;
	}
	for (prec = fabs(v) < DBL_MIN ? 1 : 15; prec < 17; prec++) {
		snprintf(sci, sizeof(sci), "%.*e", prec - 1, v);
		if (strtod(sci, NULL) == v)
			break;
	}
	if (prec == 17)
		snprintf(sci, sizeof(sci), "%.16e", v);
	/* sci is [-]d[.ddd]e(+|-)xx: its digits and exponent */
	for (nd = 0, i = sci[0] == '-'; sci[i] != 'e'; i++)
		if (sci[i] != '.')
			dig[nd++] = sci[i];
	e = atoi(sci + i + 1);
	while (nd > 1 && dig[nd - 1] == '0')
		nd--;
#define PUT(c) do { if (p < end - 1) *p++ = (c); } while (0)
	if (signbit(v))
		PUT('-');
	if (e < -4 || e >= 16) {
		PUT(dig[0]);
		if (nd > 1)
			PUT('.');
		for (i = 1; i < nd; i++)
			PUT(dig[i]);
		snprintf(p, end - p, "e%c%02d", e < 0 ? '-' : '+', abs(e));
		return buf;
	}
	if (e < 0) {
		PUT('0');
		PUT('.');
		for (i = -1; i > e; i--)
			PUT('0');
		for (i = 0; i < nd; i++)
			PUT(dig[i]);
	} else {
		for (i = 0; i <= e; i++)
			PUT(i < nd ? dig[i] : '0');
		PUT('.');
		if (nd <= e + 1)
			PUT('0');
		for (i = e + 1; i < nd; i++)
			PUT(dig[i]);
	}
#undef PUT
	*p = '\0';
	return buf;
}

void
fmt_utc_iso(char *buf, size_t size)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
