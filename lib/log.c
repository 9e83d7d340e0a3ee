/* messages on stderr, the error buffer, allocation that exits on failure */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "risk.h"

const char *argv0 = "riskwatch";
int quiet;
_Thread_local char risk_err[1024];
_Thread_local int risk_status = EXIT_FAIL;

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
	risk_status = EXIT_FAIL;
	return -1;
}

static void vlog(const char *fmt, va_list ap) RISK_PRINTF(1, 0);

static void
vlog(const char *fmt, va_list ap)
{
	progress_clear();
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

static size_t
hexbyte(char *e, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";

	e[0] = '\\';
	e[1] = 'x';
	e[2] = hex[c >> 4];
	e[3] = hex[c & 15];
	return 4;
}

/* s[0..n) as a message may show it: backslash, \n, \r, \t written as such,
 * other control bytes, DEL and the C1 controls (U+0080..U+009F) as \xHH,
 * so that no byte from a data file reaches the terminal raw; cut short
 * with "..." to fit size */
const char *
log_esc(char *buf, size_t size, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	char e[8];
	size_t i, j = 0, k;
	int c1;

	if (size < 4)
		return size > 0 ? (buf[0] = '\0', buf) : buf;
	for (i = 0; i < n; i++) {
		k = 0;
		c1 = s[i] == 0xc2 && i + 1 < n && s[i + 1] >= 0x80 &&
		    s[i + 1] <= 0x9f;
		if (s[i] == '\\' || s[i] == '\n' || s[i] == '\r' ||
		    s[i] == '\t') {
			e[k++] = '\\';
			e[k++] = s[i] == '\n' ? 'n' : s[i] == '\r' ? 'r' :
			    s[i] == '\t' ? 't' : '\\';
		} else if (s[i] < 0x20 || s[i] == 0x7f || c1) {
			k = hexbyte(e, s[i]);
			if (c1)
				k += hexbyte(e + k, s[++i]);
		} else
			e[k++] = s[i];
		/* room for it, and for "..." if more follows */
		if (j + k + (i + 1 < n ? 4 : 1) > size) {
			memcpy(buf + j, "...", 4);
			return buf;
		}
		memcpy(buf + j, e, k);
		j += k;
	}
	buf[j] = '\0';
	return buf;
}

/* a NUL-terminated string, escaped into a buffer of LOG_ESCMAX bytes */
const char *
log_escs(char *buf, const char *s)
{
	return log_esc(buf, LOG_ESCMAX, s, strlen(s));
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
