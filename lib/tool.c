/* what every tool does first: go to the workspace, read its config */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "risk.h"

int
tool_opt(struct toolopt *o, int ch, const char *arg)
{
	switch (ch) {
	case 'C':
		o->dir = arg;
		return 1;
	case 'c':
		o->cfgpath = arg;
		return 1;
	case 'h':
		printf("usage: %s %s\n", argv0, o->synopsis);
		exit(EXIT_OK);
	case 'q':
		quiet = 1;
		return 1;
	case 'V':
		print_version();
		exit(EXIT_OK);
	case TOOL_OPT_JSON:
		o->json = 1;
		return 1;
	}
	return 0;
}

void
tool_usage(const struct toolopt *o)
{
	fprintf(stderr, "usage: %s %s\n", argv0, o->synopsis);
	exit(EXIT_USAGE);
}

int
tool_start(const struct toolopt *o, struct config *cfg)
{
	if (o->dir != NULL && chdir(o->dir) == -1) {
		warnx_("%s: %s", o->dir, strerror(errno));
		return EXIT_USAGE;
	}
	if (config_load(cfg, o->cfgpath) == -1) {
		warnx_("%s", risk_err);
		config_free(cfg);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

void
print_version(void)
{
	printf("%s (riskwatch) %s\n", argv0, RISK_VERSION);
}
