/* numbers and times as text */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "risk.h"

/* the shortest form that reads back to the same double, as Python prints it */
char *
fmt_double(char *buf, size_t size, double v)
{
	int prec;

	for (prec = 15; prec <= 17; prec++) {
		snprintf(buf, size, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	if (strspn(buf, "-0123456789") == strlen(buf))
		strncat(buf, ".0", size - strlen(buf) - 1);
	return buf;
}

void
utc_iso(char *buf, size_t size)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
