/*
 * The deployment folder: every deployment kept in history/ID/, and
 * "current", a symlink to one of them, replaced by a single rename.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "risk.h"

static int
cmpid(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
deploy_list(const char *prod, char ***ids, size_t *n)
{
	char *hist = path_join(prod, "history");
	struct dirent *e;
	size_t cap = 0;
	DIR *d;

	*ids = NULL;
	*n = 0;
	if ((d = opendir(hist)) == NULL) {
		free(hist);
		if (errno == ENOENT)
			return 0;
		return seterr("%s/history: %s", prod, strerror(errno));
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (*n == cap)
			*ids = erealloc(*ids, (cap = 2 * cap + 16) *
			    sizeof(**ids));
		(*ids)[(*n)++] = estrdup(e->d_name);
	}
	closedir(d);
	free(hist);
	if (*n > 0)
		qsort(*ids, *n, sizeof(**ids), cmpid);
	return 0;
}

void
deploy_freelist(char **ids, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}

int
deploy_current(const char *prod, char *id, size_t size)
{
	char *link = path_join(prod, "current"), buf[512];
	ssize_t n;

	n = readlink(link, buf, sizeof(buf) - 1);
	free(link);
	if (n == -1) {
		if (errno == ENOENT)
			return 0;
		return seterr("%s/current: %s", prod, strerror(errno));
	}
	buf[n] = '\0';
	if (strncmp(buf, "history/", 8) != 0 || strchr(buf + 8, '/') != NULL ||
	    strlen(buf + 8) >= size)
		return seterr("%s/current: unexpected target %s", prod, buf);
	strcpy(id, buf + 8);
	return 1;
}

int
deploy_switch(const char *prod, const char *id)
{
	char *tmp = path_join(prod, ".current.tmp");
	char *link = path_join(prod, "current");
	char *target = path_join("history", id);
	int r = 0;

	unlink(tmp);
	if (symlink(target, tmp) == -1)
		r = seterr("%s: %s", tmp, strerror(errno));
	else if (rename(tmp, link) == -1) {
		r = seterr("%s: %s", link, strerror(errno));
		unlink(tmp);
	} else
		r = fsync_dir(prod);
	free(tmp);
	free(link);
	free(target);
	return r;
}

int
deploy_readscore(const char *path, double *f1)
{
	char *s, *end;

	if ((s = slurp(path, NULL)) == NULL)
		return -1;
	*f1 = strtod(s, &end);
	if (end == s || strspn(end, "\n") != strlen(end) || !isfinite(*f1) ||
	    *f1 < 0 || *f1 > 1) {
		free(s);
		return seterr("%s: not an F1 score (one number from 0 to 1)",
		    path);
	}
	free(s);
	return 0;
}

/* 20261124T154500.123456Z-... to 2026-11-24T15:45:00Z */
void
deploy_time(const char *id, char *iso, size_t size)
{
	if (strlen(id) < 15 || id[8] != 'T') {
		snprintf(iso, size, "?");
		return;
	}
	snprintf(iso, size, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", id, id + 4,
	    id + 6, id + 9, id + 11, id + 13);
}
