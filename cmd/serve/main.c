/*
 * serve: the deployed model as an HTTP API (libmicrohttpd), on api.host and
 * api.port of the workspace's config, until SIGTERM or SIGINT; SIGHUP makes
 * it read the model and compute its cached answers again.
 */
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "risk.h"
#include "serve.h"

#define SYNOPSIS "[-hqV] [-b host] [-C dir] [-c file] [-p port]"

struct server srv;

/* the locks; the signals for waitstop */
static void
setup(sigset_t *sigs)
{
	pthread_mutex_init(&srv.lock, NULL);
	pthread_mutex_init(&srv.scoring.lock, NULL);
	pthread_mutex_init(&srv.summary.lock, NULL);
	pthread_mutex_init(&srv.diagnostics.lock, NULL);
	pthread_mutex_init(&srv.drift.lock, NULL);
	pthread_mutex_init(&srv.scoring.busy, NULL);
	pthread_mutex_init(&srv.summary.busy, NULL);
	pthread_mutex_init(&srv.diagnostics.busy, NULL);
	pthread_mutex_init(&srv.drift.busy, NULL);
	atomic_start();

	/* the signals are taken by sigwait in waitstop, in this thread only */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(sigs);
	sigaddset(sigs, SIGINT);
	sigaddset(sigs, SIGTERM);
	sigaddset(sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, sigs, NULL);
}

/* SIGHUPs until SIGINT or SIGTERM, which it returns */
static int
waitstop(const sigset_t *sigs)
{
	int sig;

	while (sigwait(sigs, &sig) != 0 || sig == SIGHUP) {
		if (sig == SIGHUP) {
			state_forget();
			infox("SIGHUP: the model and cached answers are read "
			    "again at the next request");
		}
	}
	return sig;
}

int
main(int argc, char *argv[])
{
	const char *host = NULL;
	long port = -1, ncpu;
	const struct toolarg args[] = {
		{ 'b', NULL, "host", "listen on host (default: api.host, "
		    "127.0.0.1)", .str = &host },
		{ 'p', NULL, "port", "listen on port, 0 for a free one "
		    "(default: api.port, 8000)", .num = &port, .min = 0,
		    .max = 65535, .bad = "not a port number" },
		{ 0 }
	};
	struct toolopt opt = { SYNOPSIS, args, 0, NULL, NULL };
	sigset_t sigs;
	int sig, left;

	tool_parse(&opt, argc, argv);
	if (tool_start(&opt, &srv.cfg) == -1)
		errx_(risk_status, "%s", risk_err);
	if (host == NULL)
		host = srv.cfg.api_host;
	if (port == -1)
		port = srv.cfg.api_port;
	srv.max_body = srv.cfg.api_max_body;
	setup(&sigs);

	if ((ncpu = sysconf(_SC_NPROCESSORS_ONLN)) < 1)
		ncpu = 1;
	if (http_start(host, (int)port, (unsigned)ncpu) == -1)
		errx_(EXIT_FAIL, "%s", risk_err);
	warnx_("listening on %s port %d, %ld threads, workspace %s", host,
	    http_port(), ncpu, opt.dir ? opt.dir : ".");
	sig = waitstop(&sigs);
	infox("%s: stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
	if ((left = http_stop()) > 0) {
		/* the jobs still use the state: leave it to exit */
		errx_(EXIT_FAIL, "%d slow request%s still under way: not "
		    "waiting for them", left, left == 1 ? "" : "s");
	}
	state_forget();
	config_free(&srv.cfg);
	return EXIT_OK;
}
