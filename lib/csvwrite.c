/* CSV out: a field quoted when it holds a comma, a quote or a line end,
 * its quotes doubled */
#include <stdio.h>
#include <string.h>

#include "risk.h"

int
csvwrite_field(FILE *fp, const char *s, size_t n)
{
	size_t i;

	if (strcspn(s, ",\"\r\n") >= n)
		return fwrite(s, 1, n, fp) == n ? 0 : -1;
	if (putc('"', fp) == EOF)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] == '"' && putc('"', fp) == EOF)
			return -1;
		if (putc(s[i], fp) == EOF)
			return -1;
	}
	return putc('"', fp) == EOF ? -1 : 0;
}
