/*
 * The CSV reader on a memory stream, as the tools read data files and serve
 * a request's body. The first byte chooses: bit 0 the target is required
 * (ingest, train) or not (diagnose, serve); bit 1 the same bytes are read a
 * second time against the header of the first, as ingest reads its files.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "risk.h"
#include "fuzz.h"

static struct config cfg;

struct seen {
	const struct schema *sc;
	long line, rows;
};

static int
onrec(const struct record *r, void *arg)
{
	struct seen *s = arg;
	size_t i;

	FUZZ_CHECK(r->nfield == s->sc->ncol);
	FUZZ_CHECK(r->line > s->line);
	for (i = 0; i < r->nfield; i++)
		FUZZ_CHECK(r->field[i][r->len[i]] == '\0');
	FUZZ_CHECK(r->y >= -1 && r->y <= 1);
	if (r->complete) {
		FUZZ_CHECK(r->y != -1 || !s->sc->need_target);
		for (i = 0; i < s->sc->nfeat; i++)
			FUZZ_CHECK(!isnan(r->x[i]));
	}
	s->line = r->line;
	s->rows++;
	return 0;
}

void
fuzz_init(void)
{
	config_init(&cfg);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct schema sc;
	struct seen s = { &sc, 0, 0 }, again = { &sc, 0, 0 };
	FILE *fp;
	const char *p;
	int flags, r;

	if (size < 2)
		return 0;
	flags = data[0];
	data++, size--;
	if ((fp = fmemopen((void *)data, size, "r")) == NULL)
		return 0;
	csvread_init(&sc, &cfg, flags & 1);
	risk_err[0] = '\0';
	r = csvread_fp(fp, "body.csv", &sc, onrec, &s);
	if (r == -1) {
		FUZZ_CHECK(strncmp(risk_err, "body.csv", 8) == 0);
		/* a message never carries a control byte of the data */
		for (p = risk_err; *p != '\0'; p++)
			FUZZ_CHECK((unsigned char)*p >= 0x20 && *p != 0x7f);
	}
	else {
		FUZZ_CHECK(r == 0 && sc.fixed && sc.ncol > 0);
		if (flags & 2) {
			rewind(fp);
			r = csvread_fp(fp, "again.csv", &sc, onrec, &again);
			FUZZ_CHECK(r == 0 && again.rows == s.rows);
		}
	}
	fclose(fp);
	csvread_free(&sc);
	return 0;
}
