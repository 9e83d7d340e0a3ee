/*
 * Which files are new data: ingestedfiles.txt, the input files a
 * deployment has seen (path, sha256, rows, tab-separated), read, looked
 * up and merged.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "risk.h"

/* ingestedfiles.txt: path, sha256, rows, tab-separated */
int
filelist_read(const char *path, struct filelist *l)
{
	char *buf, *line, *next;
	size_t cap = 0;

	l->line = NULL;
	l->n = 0;
	if ((buf = path_slurp(path, NULL)) == NULL)
		return -1;
	for (line = buf; *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		else
			next = line + strlen(line);
		if (*line == '\0' || *line == '\t')
			continue;
		if (l->n == cap)
			l->line = erealloc(l->line, (cap = cap * 2 + 16) *
			    sizeof(*l->line));
		l->line[l->n++] = estrdup(line);
	}
	free(buf);
	return 0;
}

void
filelist_free(struct filelist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->line[i]);
	free(l->line);
	l->line = NULL;
	l->n = 0;
}

/* the line recording path, or NULL */
static char *
lookup(const struct filelist *l, const char *path, size_t *at)
{
	size_t i, n = strlen(path);

	for (i = 0; i < l->n; i++)
		if (strncmp(l->line[i], path, n) == 0 &&
		    (l->line[i][n] == '\t' || l->line[i][n] == '\0')) {
			if (at)
				*at = i;
			return l->line[i];
		}
	return NULL;
}

int
filelist_isnew(const struct filelist *l, const char *path, const char *sha)
{
	const char *s = lookup(l, path, NULL);
	size_t n = strlen(sha);

	if (s == NULL)
		return FILELIST_NEW;
	s += strlen(path);
	if (*s == '\t' && strncmp(s + 1, sha, n) == 0 &&
	    (s[1 + n] == '\t' || s[1 + n] == '\0'))
		return 0;
	return FILELIST_CHANGED;
}

size_t
filelist_merge(struct filelist *dst, const struct filelist *src)
{
	size_t i, at, added = 0;
	char *p, *tab, *old;

	for (i = 0; i < src->n; i++) {
		p = estrdup(src->line[i]);
		if ((tab = strchr(p, '\t')) != NULL)
			*tab = '\0';
		old = lookup(dst, p, &at);
		free(p);
		if (old != NULL && strcmp(old, src->line[i]) == 0)
			continue;
		added++;
		if (old != NULL) {
			free(dst->line[at]);
			dst->line[at] = estrdup(src->line[i]);
			continue;
		}
		dst->line = erealloc(dst->line, (dst->n + 1) *
		    sizeof(*dst->line));
		dst->line[dst->n++] = estrdup(src->line[i]);
	}
	return added;
}
