/*
 * diagnose deps: each dependency's version in use and the newest the local
 * package index offers; never the network, "unknown" where it cannot tell.
 */
#include <csv.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "risk.h"

#define NDEP 6

/* name, Debian packages that may hold it, the command that says its version */
static const struct dep {
	const char *name;
	const char *pkg[4];
	const char *cmd;
} deps[NDEP] = {
	{ "libcsv", { "libcsv3", "libcsv-dev" }, NULL },
	{ "jansson", { "libjansson4", "libjansson-dev" }, NULL },
	{ "libmicrohttpd", { "libmicrohttpd12", "libmicrohttpd12t64",
	    "libmicrohttpd-dev" }, NULL },
	{ "gnuplot", { "gnuplot-nox", "gnuplot-qt", "gnuplot-x11",
	    "gnuplot" }, "gnuplot" },
	{ "curl", { "curl" }, "curl" },
	{ "bats", { "bats" }, "bats" },
};

/* the upstream part of a Debian version: 1:5.4.4+dfsg1-2+b2 is 5.4.4 */
static char *
upstream(const char *v)
{
	const char *c = strchr(v, ':');
	char *u = estrdup(c ? c + 1 : v), *dash = strrchr(u, '-');

	if (dash != NULL)
		*dash = '\0';
	u[strcspn(u, "+~")] = '\0';
	return u;
}

/* the value after "  label: " in pkg's section of apt-cache policy */
static char *
policy(const char *text, const char *pkg, const char *label)
{
	const char *s = text, *e;
	size_t n = strlen(pkg), k = strlen(label);
	int in = 0;

	while (s != NULL && *s != '\0') {
		if (*s != ' ')
			in = strncmp(s, pkg, n) == 0 && s[n] == ':';
		else if (in) {
			s += strspn(s, " ");
			if (strncmp(s, label, k) == 0 && s[k] == ':') {
				s += k + 1;
				s += strspn(s, " ");
				e = s + strcspn(s, "\n");
				if (e - s == 6 && strncmp(s, "(none)", 6) == 0)
					return NULL;
				char *v = emalloc(e - s + 1);
				memcpy(v, s, e - s);
				v[e - s] = '\0';
				return v;
			}
		}
		s = strchr(s, '\n');
		if (s != NULL)
			s++;
	}
	return NULL;
}

/* the version a command prints: "gnuplot 5.4 patchlevel 4", "curl 7.88.1
 * (...)", "Bats 1.8.2" */
static char *
cmdversion(const char *cmd)
{
	char *argv[] = { (char *)cmd, "--version", NULL }, *out = NULL;
	char *v, *s, *p;
	size_t n;

	if (spawn(argv, &out, SPAWN_ERRNULL) != 0) {
		free(out);
		return NULL;
	}
	s = strchr(out, ' ');
	if (s == NULL) {
		free(out);
		return NULL;
	}
	s++;
	n = strcspn(s, " \n");
	v = emalloc(n + 16);
	memcpy(v, s, n);
	v[n] = '\0';
	if ((p = strstr(s, " patchlevel ")) != NULL && p == s + n)
		snprintf(v + n, 16, ".%.*s", (int)strcspn(p + 12, " \n") % 12,
		    p + 12);
	free(out);
	if (strspn(v, "0123456789") == 0) {
		free(v);
		return NULL;
	}
	return v;
}

static char *
libversion(int i)
{
	char v[64];

	if (i == 0) {
		snprintf(v, sizeof(v), "%d.%d.%d", CSV_MAJOR, CSV_MINOR,
		    CSV_RELEASE);
		return estrdup(v);
	}
	if (i == 1)
		return estrdup(jansson_version_str());
	return NULL;
}

json_t *
deps_versions(void)
{
	char *argv[3 + NDEP * 4] = { "apt-cache", "policy" };
	char *text = NULL, *inst, *cand, *v, *latest;
	json_t *a = json_array();
	size_t i, j, n = 2;

	for (i = 0; i < NDEP; i++)
		for (j = 0; j < 4 && deps[i].pkg[j] != NULL; j++)
			argv[n++] = (char *)deps[i].pkg[j];
	argv[n] = NULL;
	if (spawn(argv, &text, SPAWN_ERRNULL) != 0) {
		free(text);
		text = NULL;
	}
	for (i = 0; i < NDEP; i++) {
		v = latest = NULL;
		/* the package installed, else the first one named */
		for (j = 0; text && j < 4 && deps[i].pkg[j] != NULL; j++) {
			if ((inst = policy(text, deps[i].pkg[j], "Installed"))
			    == NULL)
				continue;
			v = upstream(inst);
			free(inst);
			break;
		}
		if (j == 4 || deps[i].pkg[j] == NULL)
			j = 0;
		if (text && (cand = policy(text, deps[i].pkg[j], "Candidate"))) {
			latest = upstream(cand);
			free(cand);
		}
		if ((inst = deps[i].cmd ? cmdversion(deps[i].cmd) :
		    libversion(i)) != NULL) {
			free(v);
			v = inst;
		}
		json_array_append_new(a, json_pack("{s:s, s:s, s:s}",
		    "name", deps[i].name, "version", v ? v : "unknown",
		    "latest", latest ? latest : "unknown"));
		free(v);
		free(latest);
	}
	free(text);
	return a;
}
