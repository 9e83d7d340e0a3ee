/* paths: joined, split, tested, made; a whole file read by its path */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "risk.h"

char *
path_join(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	char *p = emalloc(na + nb + 2);

	memcpy(p, a, na);
	p[na] = '/';
	memcpy(p + na + 1, b, nb + 1);
	return p;
}

char *
path_dir(const char *path)
{
	const char *s = strrchr(path, '/');
	char *d;

	if (s == NULL)
		return estrdup(".");
	if (s == path)
		return estrdup("/");
	d = emalloc(s - path + 1);
	memcpy(d, path, s - path);
	d[s - path] = '\0';
	return d;
}

/* is resolved, a path realpath gave, inside dir (or dir itself, with
 * self), links in dir followed? */
int
path_under(const char *resolved, const char *dir, int self)
{
	char *d = realpath(dir, NULL);
	size_t n = d ? strlen(d) : 0;
	int in = d != NULL && strncmp(resolved, d, n) == 0 &&
	    (resolved[n] == '/' || (self && resolved[n] == '\0'));

	free(d);
	return in;
}

int
path_mkdirs(const char *path)
{
	char *p = estrdup(path), *s;
	struct stat st;
	int r = 0;

	for (s = p + 1; r == 0; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		int end = *s == '\0';
		*s = '\0';
		if (mkdir(p, 0777) == -1 && errno != EEXIST)
			r = seterr("%s: %s", p, strerror(errno));
		else if (stat(p, &st) == -1 || !S_ISDIR(st.st_mode))
			r = seterr("%s: not a folder", p);
		if (end)
			break;
		*s = '/';
	}
	free(p);
	return r;
}

char *
path_slurp(const char *path, size_t *lenp)
{
	FILE *fp;
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if ((fp = fopen(path, "r")) == NULL) {
		seterr("%s: %s", path, strerror(errno));
		return NULL;
	}
	do {
		if (cap - len < 4096)
			buf = erealloc(buf, cap = cap * 2 + 8192);
		n = fread(buf + len, 1, cap - len - 1, fp);
		len += n;
	} while (n > 0);
	if (ferror(fp)) {
		seterr("%s: read: %s", path, strerror(errno));
		fclose(fp);
		free(buf);
		return NULL;
	}
	fclose(fp);
	buf[len] = '\0';
	if (lenp)
		*lenp = len;
	return buf;
}

static int
cmpname(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* a list of names in strcmp order */
void
path_sortnames(char **v, size_t n)
{
	if (n > 0)
		qsort(v, n, sizeof(*v), cmpname);
}

void
path_freenames(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
