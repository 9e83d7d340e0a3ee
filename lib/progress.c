/*
 * progress: rows done and their rate on one updating line of stderr, only
 * when stderr is a terminal (never in a pipe, a test or cron) and not
 * under -q.
 */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "risk.h"

/* rows between two looks at the clock: a cheap check per row */
#define PROGRESS_STEP 65536
/* seconds between two updates of the line */
#define PROGRESS_EVERY 0.2

static int shown;	/* a line is on the terminal */

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void
progress_start(struct progress *p, const char *what)
{
	p->on = !quiet && isatty(STDERR_FILENO);
	p->what = what;
	p->next = PROGRESS_STEP;
	p->start = p->on ? now() : 0.;
	/* the first look shows the line */
	p->last = p->start - PROGRESS_EVERY;
}

void
progress_show(struct progress *p, long long rows)
{
	double t;

	p->next = rows + PROGRESS_STEP;
	if (!p->on || (t = now()) - p->last < PROGRESS_EVERY)
		return;
	p->last = t;
	fprintf(stderr, "\r%s: %s %lld rows, %.2f M rows/s\033[K", argv0,
	    p->what, rows, t > p->start ? rows / (t - p->start) / 1e6 : 0.);
	fflush(stderr);
	shown = 1;
}

void
progress_clear(void)
{
	if (!shown)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	shown = 0;
}
