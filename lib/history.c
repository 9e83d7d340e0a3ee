/*
 * The score history, prod/scorehistory.csv: the F1 of every deployment
 * and every drift check, one line time,f1,model,event each, appended
 * under deploy_lock and never rewritten. Its only reader and writer.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "risk.h"

#define HEADER "time,f1,model,event"

/* line (NUL-terminated, len bytes) as time,f1,model,event, its fields
 * cut apart in place; -1 when it is not one, with an F1 from 0 to 1 */
static int
parse(char *line, size_t len, struct scoreline *l)
{
	char *f[4], *end;
	int k;

	/* by length: a NUL byte is a malformed line, not the end */
	if (memchr(line, '\0', len) != NULL)
		return -1;
	f[0] = line;
	for (k = 1; k < 4; k++) {
		if ((f[k] = strchr(f[k - 1], ',')) == NULL)
			return -1;
		*f[k]++ = '\0';
	}
	errno = 0;
	l->f1 = strtod(f[1], &end);
	if (end == f[1] || *end != '\0' || errno != 0 || !isfinite(l->f1) ||
	    l->f1 < 0 || l->f1 > 1)
		return -1;
	l->time = f[0];
	l->model = f[2];
	l->event = f[3];
	return 0;
}

/*
 * The lines of prod's score history, oldest first; no file is an empty
 * history. The header and empty lines are skipped; a line of another
 * shape fails the read when strict, and is skipped when not.
 */
int
history_read(const char *prod, struct scorehistory *h, int strict)
{
	char *path = path_join(prod, HISTORY_FILE), *line, *next, *eol;
	size_t cap = 0, len;
	long lineno = 0;

	memset(h, 0, sizeof(*h));
	if (access(path, F_OK) == -1 && errno == ENOENT) {
		free(path);
		return 0;
	}
	if ((h->buf = path_slurp(path, &len)) == NULL) {
		free(path);
		return -1;
	}
	for (line = h->buf; line < h->buf + len; line = next) {
		if ((eol = memchr(line, '\n', h->buf + len - line)) != NULL)
			next = eol + 1;
		else
			next = eol = h->buf + len;
		*eol = '\0';
		lineno++;
		if ((lineno == 1 && (size_t)(eol - line) == strlen(HEADER) &&
		    memcmp(line, HEADER, eol - line) == 0) || line == eol)
			continue;
		if (h->n == cap)
			h->line = erealloc(h->line, (cap = cap * 2 + 16) *
			    sizeof(*h->line));
		if (parse(line, eol - line, &h->line[h->n]) == 0)
			h->n++;
		else if (strict) {
			seterr("%s:%ld: expected " HEADER " with an F1 from 0 "
			    "to 1", path, lineno);
			free(path);
			history_free(h);
			return -1;
		}
	}
	free(path);
	return 0;
}

void
history_free(struct scorehistory *h)
{
	free(h->line);
	free(h->buf);
	memset(h, 0, sizeof(*h));
}

/* the caller holds deploy_lock */
int
history_add(const char *prod, const char *time, double f1,
    const char *model, const char *event)
{
	char a[40], *line;
	int r;

	fmt_double(a, sizeof(a), f1);
	line = emalloc(strlen(time) + strlen(a) + strlen(model) +
	    strlen(event) + 8);
	sprintf(line, "%s,%s,%s,%s\n", time, a, model, event);
	r = deploy_append(prod, HISTORY_FILE, HEADER "\n", line);
	free(line);
	return r;
}
