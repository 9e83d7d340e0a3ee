/* a small TAP harness for the library's unit tests */
#include <math.h>
#include <stdio.h>
#include <string.h>

static int unit_n, unit_failed;

#define OK(cond, ...) unit_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

#include <stdarg.h>

static void unit_ok(int, const char *, int, const char *, ...)
	__attribute__((format(printf, 4, 5)));

static void
unit_ok(int pass, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("%s %d - ", pass ? "ok" : "not ok", ++unit_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!pass) {
		printf("#   at %s:%d\n", file, line);
		unit_failed++;
	}
}

/* |a - b| within rel of the larger, or both tiny */
static inline int
unit_close(double a, double b, double rel)
{
	double m = fmax(fabs(a), fabs(b));

	return fabs(a - b) <= rel * m || fabs(a - b) < 1e-300;
}

static inline int
unit_done(void)
{
	printf("1..%d\n", unit_n);
	return unit_failed > 0;
}
