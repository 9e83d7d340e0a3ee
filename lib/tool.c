/* what every tool does first: go to the workspace, read its config */
#include <errno.h>
#include <limits.h>
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
		tool_help(o);
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

/* where this tool's manual page is: in the source tree beside bin/, or
 * installed under the name it runs as */
static void
manual(void)
{
	char self[PATH_MAX], *base, *top, *page;
	ssize_t n;

	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) == -1) {
		printf("The manual: man %s\n", argv0);
		return;
	}
	self[n] = '\0';
	base = strrchr(self, '/');
	*base++ = '\0';
	top = path_dir(self);
	page = emalloc(strlen(top) + strlen(base) + 16);
	sprintf(page, "%s/man/%s.1", top, base);
	if (access(page, R_OK) == 0)
		printf("The manual: man -l %s\n", page);
	else
		printf("The manual: man %s\n", base);
	free(page);
	free(top);
}

static void
helpline(const char *opt, const char *what)
{
	printf("  %-16s%s\n", opt, what);
}

void
tool_help(const struct toolopt *o)
{
	const char *const *h;

	printf("usage: %s %s\n", argv0, o->synopsis);
	helpline("-C dir", "work in the workspace dir (default: the current "
	    "folder)");
	helpline("-c file", "read the configuration from file (default: "
	    "config.json)");
	for (h = o->help; h != NULL && h[0] != NULL; h += 2)
		helpline(h[0], h[1]);
	helpline("-h, --help", "print this help and exit");
	helpline("-q", "quiet: no log lines on standard error (default: "
	    "off)");
	helpline("-V, --version", "print the version and exit");
	manual();
	exit(tool_flush() == -1 ? EXIT_FAIL : EXIT_OK);
}

int
tool_flush(void)
{
	if (fflush(stdout) == EOF || ferror(stdout))
		return seterr("stdout: write error");
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

/* a sibling tool of this one: installed as PREFIXdiagnose, the siblings
 * carry the same prefix */
char *
tool_path(const char *tool)
{
	char self[PATH_MAX], *base, *p, *pre = estrdup("");
	const char *t, *e;
	size_t nb, nt;
	ssize_t n;

	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) == -1) {
		free(pre);
		seterr("/proc/self/exe: %s", strerror(errno));
		return NULL;
	}
	self[n] = '\0';
	base = strrchr(self, '/');
	*base++ = '\0';
	/* installed as PREFIXdiagnose: the siblings carry the same prefix */
	nb = strlen(base);
	for (t = RISK_TOOLS; *t != '\0'; t = e + strspn(e, " ")) {
		e = t + strcspn(t, " ");
		nt = (size_t)(e - t);
		if (nb > nt && memcmp(base + nb - nt, t, nt) == 0) {
			free(pre);
			pre = estrdup(base);
			pre[nb - nt] = '\0';
			break;
		}
	}
	p = emalloc(strlen(self) + strlen(pre) + strlen(tool) + 2);
	sprintf(p, "%s/%s%s", self, pre, tool);
	if (access(p, X_OK) == -1) {
		sprintf(p, "%s/%s", self, tool);
		if (access(p, X_OK) == -1) {
			seterr("cannot find %s%s next to %s/%s", pre, tool,
			    self, base);
			free(p);
			p = NULL;
		}
	}
	free(pre);
	return p;
}
