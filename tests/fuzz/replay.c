/*
 * A harness without libFuzzer: every input named (a file, or each file of
 * a folder) once, in name order, then "NAME: N inputs". A crash or a failed
 * check aborts, which the tests report.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "risk.h"
#include "fuzz.h"

struct input {
	char *name;
	uint8_t *data;
	size_t size;
};

static struct input *in;
static size_t nin, capin;

static void
add(const char *path)
{
	size_t len;
	char *data;

	if ((data = path_slurp(path, &len)) == NULL)
		errx_(2, "%s", risk_err);
	if (nin == capin)
		in = erealloc(in, (capin = capin * 2 + 16) * sizeof(*in));
	in[nin].name = estrdup(path);
	in[nin].data = (uint8_t *)data;
	in[nin].size = len;
	nin++;
}

static int
byname(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
addfolder(const char *path)
{
	DIR *d;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0, i;

	if ((d = opendir(path)) == NULL)
		errx_(2, "%s: cannot open", path);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap)
			names = erealloc(names, (cap = cap * 2 + 16) *
			    sizeof(*names));
		names[n++] = path_join(path, e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), byname);
	for (i = 0; i < n; i++) {
		add(names[i]);
		free(names[i]);
	}
	free(names);
}

int
main(int argc, char *argv[])
{
	struct stat st;
	size_t i;
	int a;

	setprogname_(argv[0]);
	if (argc < 2) {
		fprintf(stderr, "usage: %s input|folder...\n", argv0);
		return 2;
	}
	/* read first: a harness may change the working folder */
	for (a = 1; a < argc; a++) {
		if (stat(argv[a], &st) == 0 && S_ISDIR(st.st_mode))
			addfolder(argv[a]);
		else
			add(argv[a]);
	}
	quiet = 1;
	fuzz_init();
	for (i = 0; i < nin; i++) {
		/* a copy of its own size, so that a read past it is seen */
		uint8_t *copy = emalloc(in[i].size ? in[i].size : 1);

		memcpy(copy, in[i].data, in[i].size);
		LLVMFuzzerTestOneInput(copy, in[i].size);
		free(copy);
		free(in[i].data);
		free(in[i].name);
	}
	free(in);
	printf("%.*s: %zu inputs\n", (int)strcspn(argv0, "_"), argv0, nin);
	return 0;
}
