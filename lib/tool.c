/* what every tool does first: go to the workspace, read its config */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "risk.h"

int
tool_start(const char *dir, const char *cfgpath, struct config *cfg)
{
	if (dir != NULL && chdir(dir) == -1) {
		warnx_("%s: %s", dir, strerror(errno));
		return EXIT_USAGE;
	}
	if (config_load(cfg, cfgpath) == -1) {
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
