/* messages on stderr, the error buffer, allocation that exits on failure */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "risk.h"

const char *argv0 = "riskwatch";
int quiet;
_Thread_local char risk_err[1024];

void
setprogname_(const char *name)
{
	const char *p = strrchr(name, '/');

	argv0 = p ? p + 1 : name;
	/* installed as risk-ingest: still say "ingest:" */
	if (strncmp(argv0, "risk-", 5) == 0 && argv0[5] != '\0')
		argv0 += 5;
}

int
seterr(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(risk_err, sizeof(risk_err), fmt, ap);
	va_end(ap);
	return -1;
}

static void
vlog(const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", argv0);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
warnx_(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

void
infox(const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

static void
oom(void)
{
	fprintf(stderr, "%s: out of memory\n", argv0);
	exit(EXIT_FAIL);
}

void *
emalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
ecalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
erealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		oom();
	return p;
}

char *
estrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(emalloc(n), s, n);
}

_Noreturn void
errx_(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
	exit(status);
}
