/* what every tool does first: go to the workspace, read its config */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "risk.h"

/* this program's folder into buf, its file name returned; NULL with
 * risk_err */
static char *
selfpath(char *buf, size_t size)
{
	char *base;
	ssize_t n;

	if ((n = readlink("/proc/self/exe", buf, size - 1)) == -1) {
		seterr("/proc/self/exe: %s", strerror(errno));
		return NULL;
	}
	buf[n] = '\0';
	base = strrchr(buf, '/');
	*base++ = '\0';
	return base;
}

/* where this tool's manual page is: in the source tree beside bin/, or
 * installed under the name it runs as */
static void
manual(void)
{
	char self[PATH_MAX], *base, *top, *page;

	if ((base = selfpath(self, sizeof(self))) == NULL) {
		printf("The manual: man %s\n", argv0);
		return;
	}
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

/* "-d", "--json", with the argument's name when arg */
static const char *
label(char *buf, size_t size, const struct toolarg *a, int arg)
{
	if (a->ch < TOOL_OPT_JSON)
		snprintf(buf, size, "-%c", a->ch);
	else
		snprintf(buf, size, "--%s", a->name);
	if (arg && a->arg != NULL)
		snprintf(buf + strlen(buf), size - strlen(buf), " %s", a->arg);
	return buf;
}

/* after -h or -V: exit 0, or 1 when standard output could not take it */
static RISK_NORETURN void
edone(void)
{
	if (tool_flush() == -1)
		errx_(EXIT_FAIL, "%s", risk_err);
	exit(EXIT_OK);
}

void
tool_help(const struct toolopt *o)
{
	const struct toolarg *a;
	char buf[64];

	printf("usage: %s %s\n", argv0, o->synopsis);
	helpline("-C dir", "work in the workspace dir (default: the current "
	    "folder)");
	helpline("-c file", "read the configuration from file (default: "
	    "config.json)");
	for (a = o->args; a != NULL && a->ch != 0; a++)
		helpline(label(buf, sizeof(buf), a, 1), a->help);
	helpline("-h, --help", "print this help and exit");
	helpline("-q", "quiet: no log lines on standard error (default: "
	    "off)");
	helpline("-V, --version", "print the version and exit");
	manual();
	edone();
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

/* -C dir -c file -h -q -V, then the tool's own letters */
#define TOOL_OPTS "C:c:hqV"

static size_t
nargs(const struct toolarg *args)
{
	size_t n = 0;

	while (args != NULL && args[n].ch != 0)
		n++;
	return n;
}

static char *
shortopts(const struct toolarg *args)
{
	size_t i, n = nargs(args);
	char *s = emalloc(sizeof(TOOL_OPTS) + 2 * n), *p;

	p = s + strlen(strcpy(s, TOOL_OPTS));
	for (i = 0; i < n; i++)
		if (args[i].ch < TOOL_OPT_JSON) {
			*p++ = (char)args[i].ch;
			if (args[i].arg != NULL)
				*p++ = ':';
		}
	*p = '\0';
	return s;
}

static int
byname(const void *a, const void *b)
{
	return strcmp(((const struct option *)a)->name,
	    ((const struct option *)b)->name);
}

/* in order of name, as getopt_long lists the ones an abbreviation fits */
static struct option *
longopts(const struct toolarg *args)
{
	const struct toolarg *a;
	struct option *lo = ecalloc(nargs(args) + 3, sizeof(*lo));
	size_t n;

	lo[0] = (struct option){ "help", no_argument, NULL, 'h' };
	lo[1] = (struct option){ "version", no_argument, NULL, 'V' };
	for (n = 2, a = args; a != NULL && a->ch != 0; a++)
		if (a->name != NULL)
			lo[n++] = (struct option){ a->name, a->arg ?
			    required_argument : no_argument, NULL, a->ch };
	qsort(lo, n, sizeof(*lo), byname);
	return lo;
}

/* one of the options every tool has; 0: not one */
static int
common(struct toolopt *o, int ch, const char *arg)
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
		tool_version();
		edone();
	}
	return 0;
}

/* one of the tool's own options, as its entry says */
static void
take(const struct toolopt *o, const struct toolarg *a, char *arg)
{
	char *end, buf[64];

	if (a->flag != NULL)
		*a->flag = 1;
	else if (a->verb != NULL) {
		if (*a->verb != 0)
			tool_usage(o);
		*a->verb = a->ch;
		if (a->str != NULL)
			*a->str = arg;
	} else if (a->num != NULL) {
		*a->num = strtol(arg, &end, 10);
		if (*arg == '\0' || *end != '\0' || *a->num < a->min ||
		    *a->num > a->max) {
			warnx_("%s %s: %s", label(buf, sizeof(buf), a, 0), arg,
			    a->bad);
			tool_usage(o);
		}
	} else if (a->str != NULL)
		*a->str = arg;
}

int
tool_parse(struct toolopt *o, int argc, char *argv[])
{
	/* static: a usage error, -h or -V exits inside the loop, and the
	 * tables must still be reachable then, not a leak */
	static struct option *lo;
	static char *so;
	const struct toolarg *a;
	int ch;

	lo = longopts(o->args);
	so = shortopts(o->args);
	setprogname_(argv[0]);
	while ((ch = getopt_long(argc, argv, so, lo, NULL)) != -1) {
		if (common(o, ch, optarg))
			continue;
		for (a = o->args; a != NULL && a->ch != 0; a++)
			if (a->ch == ch)
				break;
		if (a == NULL || a->ch == 0)
			tool_usage(o);
		take(o, a, optarg);
	}
	free(so);
	free(lo);
	so = NULL;
	lo = NULL;
	if (!o->operands && optind != argc)
		tool_usage(o);
	return optind;
}

int
tool_start(const struct toolopt *o, struct config *cfg)
{
	if (o->dir != NULL && chdir(o->dir) == -1) {
		seterr("%s: %s", o->dir, strerror(errno));
		risk_status = EXIT_USAGE;
		return -1;
	}
	if (config_load(cfg, o->cfgpath) == -1) {
		config_free(cfg);
		risk_status = EXIT_USAGE;
		return -1;
	}
	return 0;
}

void
tool_version(void)
{
	printf("%s (riskwatch) %s\n", argv0, RISK_VERSION);
}

/* a sibling tool of this one: installed as PREFIXdiagnose, the siblings
 * carry the same prefix */
char *
tool_path(const char *tool)
{
	char self[PATH_MAX], *base, *p, *pre;
	const char *t, *e;
	size_t nb, nt;

	if ((base = selfpath(self, sizeof(self))) == NULL)
		return NULL;
	pre = estrdup("");
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
