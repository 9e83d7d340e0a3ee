/* what every harness shares: the scratch folder and its files */
#define _XOPEN_SOURCE 700	/* nftw */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "risk.h"
#include "fuzz.h"

static char dir[4096];
static char file[4096 + 64];

static int
rmone(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void
cleanup(void)
{
	if (dir[0] != '\0')
		nftw(dir, rmone, 16, FTW_DEPTH | FTW_PHYS);
}

const char *
fuzz_dir(void)
{
	const char *tmp;

	if (dir[0] == '\0') {
		if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
			tmp = "/tmp";
		snprintf(dir, sizeof(dir), "%s/riskfuzz.XXXXXX", tmp);
		if (mkdtemp(dir) == NULL) {
			perror(dir);
			exit(2);
		}
		atexit(cleanup);
	}
	return dir;
}

const char *
fuzz_file(const char *name, const uint8_t *data, size_t size)
{
	FILE *fp;

	snprintf(file, sizeof(file), "%s/%s", fuzz_dir(), name);
	if ((fp = fopen(file, "w")) == NULL ||
	    (size > 0 && fwrite(data, 1, size, fp) != size) ||
	    fclose(fp) == EOF) {
		perror(file);
		exit(2);
	}
	return file;
}

void
fuzz_fail(const char *what, const char *where, int line)
{
	fprintf(stderr, "%s:%d: check failed: %s\n", where, line, what);
	abort();
}

/* libFuzzer calls this once; replay.c calls fuzz_init itself */
int LLVMFuzzerInitialize(int *, char ***);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	setprogname_((*argv)[0]);
	quiet = 1;
	fuzz_init();
	return 0;
}
