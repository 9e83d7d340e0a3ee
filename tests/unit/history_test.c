/*
 * The score history's one reader and writer: which lines are read, their
 * fields to the byte, what a strict read names, what the writer appends;
 * the one reader of its times and of a deployment ID's.
 */
#include <stdlib.h>
#include <unistd.h>

#include "risk.h"
#include "unit.h"

static char dir[] = "/tmp/history_test.XXXXXX";

static void
put(const char *text)
{
	char *p = path_join(dir, HISTORY_FILE);

	if (atomic_write(p, text, strlen(text)) == -1)
		abort();
	free(p);
}

static int
row(const struct scorehistory *h, size_t i, const char *time, double f1,
    const char *model, const char *event)
{
	return i < h->n && strcmp(h->line[i].time, time) == 0 &&
	    h->line[i].f1 == f1 && strcmp(h->line[i].model, model) == 0 &&
	    strcmp(h->line[i].event, event) == 0;
}

static void
reads(void)
{
	struct scorehistory h;
	char want[256];

	OK(history_read(dir, &h, 1) == 0 && h.n == 0 && h.line == NULL,
	    "no file is an empty history");
	history_free(&h);
	put("time,f1,model,event\n2026-11-24T15:20:00Z,0.5,A,deploy\n\n"
	    "x,1,B,check,again\n2026-11-24T15:21:00Z,0.25,C,adopt");
	OK(history_read(dir, &h, 1) == 0 && h.n == 3 &&
	    row(&h, 0, "2026-11-24T15:20:00Z", 0.5, "A", "deploy") &&
	    row(&h, 1, "x", 1, "B", "check,again") &&
	    row(&h, 2, "2026-11-24T15:21:00Z", 0.25, "C", "adopt"),
	    "the header and empty lines skipped, the last line unended, "
	    "the event the rest of its line");
	history_free(&h);
	put("time,f1,model,event\nt,0.5,A,deploy\nt,,B,check\nt,0.5,C\n"
	    "t,1.5,D,check\nt,nan,E,check\nt,0.5 ,F,check\nt,0.75,G,check\n"
	    "time,f1,model,event\n");
	OK(history_read(dir, &h, 0) == 0 && h.n == 2 &&
	    row(&h, 0, "t", 0.5, "A", "deploy") &&
	    row(&h, 1, "t", 0.75, "G", "check"),
	    "a lax read skips an empty or out-of-range F1, a missing event, "
	    "and a header that is not the first line");
	history_free(&h);
	snprintf(want, sizeof(want), "%s/" HISTORY_FILE ":3: expected "
	    "time,f1,model,event with an F1 from 0 to 1", dir);
	OK(history_read(dir, &h, 1) == -1 && strcmp(risk_err, want) == 0 &&
	    h.n == 0 && h.line == NULL && h.buf == NULL,
	    "a strict read fails on the first such line and names it");
	put("time,f1,model,event\nt,0.5,A\0B,deploy\n");
	OK(history_read(dir, &h, 0) == 0 && h.n == 0,
	    "a NUL byte makes a line malformed");
	history_free(&h);
	snprintf(want, sizeof(want), "%s/" HISTORY_FILE ":2: expected "
	    "time,f1,model,event with an F1 from 0 to 1", dir);
	OK(history_read(dir, &h, 1) == -1 && strcmp(risk_err, want) == 0,
	    "and a strict read names it");
}

static void
adds(void)
{
	char *p = path_join(dir, HISTORY_FILE), *s;
	size_t len;

	unlink(p);
	OK(history_add(dir, "2026-11-24T15:20:00Z", 0.1 + 0.2, "A", "deploy")
	    == 0 && history_add(dir, "2026-11-24T15:21:00Z", 1, "B",
	    "check") == 0, "two lines added");
	s = path_slurp(p, &len);
	OK(s != NULL && strcmp(s, "time,f1,model,event\n"
	    "2026-11-24T15:20:00Z,0.30000000000000004,A,deploy\n"
	    "2026-11-24T15:21:00Z,1.0,B,check\n") == 0,
	    "the file made with its header, F1 as Python's repr: %s", s);
	free(s);
	unlink(p);
	free(p);
}

/* the times of its lines and of deployment IDs, read one way */
static void
times(void)
{
	OK(deploy_isotime("2026-11-24T15:20:00Z") == 1795533600 &&
	    deploy_epoch("20261124T152000.123456Z-0123456789ab") ==
	    1795533600, "a line's time and an ID's time, in seconds");
	OK(deploy_isotime("2026-11-24T15:20:00Zx") == -1 &&
	    deploy_isotime("2026-1-24T15:20:00Z") == -1 &&
	    deploy_isotime("2026-13-24T15:20:00Z") == -1 &&
	    deploy_isotime("2026-11-24 15:20:00Z") == -1 &&
	    deploy_isotime("") == -1 && deploy_epoch("x") == 0,
	    "any other text is no time");
}

int
main(void)
{
	if (mkdtemp(dir) == NULL)
		return 2;
	reads();
	adds();
	times();
	rmdir(dir);
	return unit_done();
}
