/*
 * The reference profile loader on a reference.json of hostile bytes; a
 * profile it accepts must save and load back the same, bit for bit, and
 * its drift against itself must be none.
 */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "risk.h"
#include "fuzz.h"

void
fuzz_init(void)
{
}

static void
same(const struct profile *a, const struct profile *b)
{
	size_t i;

	FUZZ_CHECK(a->nfeat == b->nfeat && a->rows == b->rows &&
	    a->sample == b->sample);
	FUZZ_CHECK(a->classes[0] == b->classes[0] &&
	    a->classes[1] == b->classes[1] && a->tmissing == b->tmissing);
	FUZZ_CHECK(strcmp(a->target, b->target) == 0);
	FUZZ_CHECK(strcmp(a->data_sha256, b->data_sha256) == 0);
	for (i = 0; i < a->nfeat; i++) {
		FUZZ_CHECK(strcmp(a->name[i], b->name[i]) == 0);
		FUZZ_CHECK(a->missing[i] == b->missing[i] && a->n[i] == b->n[i]);
		FUZZ_CHECK(a->n[i] == 0 || memcmp(a->x[i], b->x[i],
		    a->n[i] * sizeof(double)) == 0);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct profile p, back;
	struct config cfg;
	json_t *o;
	char *saved;
	size_t i, k;

	risk_err[0] = '\0';
	if (profile_load(&p, fuzz_file("reference.json", data, size)) == -1) {
		FUZZ_CHECK(risk_err[0] != '\0');
		return 0;
	}
	FUZZ_CHECK(p.nfeat >= 1 && p.nfeat <= MAXFEAT);
	FUZZ_CHECK(p.classes[0] + p.classes[1] + p.tmissing == p.rows);
	for (i = 0; i < p.nfeat; i++) {
		FUZZ_CHECK(p.n[i] <= p.sample && p.missing[i] <= p.rows);
		for (k = 0; k < p.n[i]; k++)
			FUZZ_CHECK(isfinite(p.x[i][k]) &&
			    (k == 0 || p.x[i][k - 1] <= p.x[i][k]));
	}
	saved = path_join(fuzz_dir(), "saved.json");
	FUZZ_CHECK(profile_save(&p, saved) == 0);
	FUZZ_CHECK(profile_load(&back, saved) == 0);
	same(&p, &back);
	free(saved);
	profile_free(&back);
	config_init(&cfg);
	o = datadrift_report(&p, "fuzz", &p, &cfg);
	if (o == NULL) {
		/* only a feature without values has no figures */
		for (k = i = 0; i < p.nfeat; i++)
			k += p.n[i] == 0;
		FUZZ_CHECK(k > 0);
	} else {
		FUZZ_CHECK(!json_is_true(json_object_get(o, "drifted")) ||
		    cfg.drift_share == 0);
		json_decref(o);
	}
	config_free(&cfg);
	profile_free(&p);
	return 0;
}
