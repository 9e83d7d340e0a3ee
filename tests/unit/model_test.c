/* trainedmodel.json: numbers read back bit-exact; a bad model is refused */
#include <stdlib.h>
#include <unistd.h>

#include "risk.h"
#include "unit.h"

static char path[64];

static void
refuses(const char *text, const char *why)
{
	struct model m;
	FILE *fp = fopen(path, "w");
	char want[256];

	fputs(text, fp);
	fclose(fp);
	snprintf(want, sizeof(want), "%s: not a valid model: %s", path, why);
	OK(model_load(&m, path) == -1 && strcmp(risk_err, want) == 0,
	    "refuses: %s", risk_err);
}

/* a valid model but for its feature, target and trained_at (JSON) */
static void
refusesbut(const char *feat, const char *target, const char *when,
    const char *why)
{
	char text[1024];

	snprintf(text, sizeof(text), "{\"format\":\"riskwatch-model/1\","
	    "\"features\":[%s],\"coefficients\":[1],\"target\":%s,"
	    "\"intercept\":0,\"C\":1,\"tol\":0.1,\"iterations\":1,"
	    "\"rows\":1,\"data_sha256\":\"%064d\",\"trained_at\":%s}",
	    feat, target, 0, when);
	if (why != NULL) {
		refuses(text, why);
		return;
	}
	{
		struct model m;
		FILE *fp = fopen(path, "w");

		fputs(text, fp);
		fclose(fp);
		OK(model_load(&m, path) == 0, "accepts %s in %s", when, feat);
		model_free(&m);
	}
}

static void
timeandnames(void)
{
	static const char *bad[] = {
		"\"t\"", "\"2026-11-24T15:20:00\"", "\"2026-11-24 15:20:00Z\"",
		"\"2026-11-24T15:20:00+00:00\"", "\"2026-11-24T15:20:00.5Z\"",
		"\"2026-02-29T00:00:00Z\"", "\"2026-13-01T00:00:00Z\"",
		"\"2026-11-24T24:00:00Z\"", "\"2026-11-24T15:60:00Z\"",
		"\"2026-11-24T15:20:60Z\"", "\"2026-11-24T15:20:0AZ\"",
		"\"2026-11-24T15:20:00Z\\n!touch X\"", "\"`touch X`\"",
		"\"+026-11-24T15:20:00Z\"", "\" 026-11-24T15:20:00Z\"", "1",
	};
	const char *when = "\"2026-11-24T15:20:00Z\"";
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		refusesbut("\"a\"", "\"y\"", bad[i], "expected a UTC time "
		    "like 2026-11-24T15:20:00Z in trained_at");
	refusesbut("\"a\"", "\"y\"", "\"2024-02-29T23:59:59Z\"", NULL);
	refusesbut("\"a\"", "\"y\"", "\"1969-12-31T23:59:59Z\"", NULL);
	refusesbut("\"a\\n!touch X\"", "\"y\"", when,
	    "a control character in features");
	refusesbut("\"a\\u001b]0;x\\u0007\"", "\"y\"", when,
	    "a control character in features");
	refusesbut("\"a\"", "\"y\\r\"", when,
	    "a control character in target");
	refusesbut("\"a\\u007f\"", "\"y\"", when,
	    "a control character in features");
	refusesbut("\"a'`@x \\\"q\\\" \\\\ \\u00e9\"", "\"y\"", when, NULL);
}

int
main(void)
{
	struct model m, r;
	char *feat[] = { "lastmonth_activity", "lastyear_activity" };
	double x[] = { 100, 1000 }, coef[2];

	snprintf(path, sizeof(path), "/tmp/model_test.%ld.json",
	    (long)getpid());
	memset(&m, 0, sizeof(m));
	m.nfeat = 2;
	m.features = feat;
	m.target = "exited";
	m.coef = coef;
	m.coef[0] = -0.009747251338815877;
	m.coef[1] = 1.0 / 3.0;
	m.intercept = 0.1 + 0.2;
	m.C = 1;
	m.tol = 1e-4;
	m.iterations = 11;
	m.rows = 26;
	memset(m.data_sha256, 'a', 64);
	strcpy(m.trained_at, "2026-11-24T15:20:00Z");
	OK(model_save(&m, path) == 0, "saves");
	OK(model_load(&r, path) == 0, "loads what it saved");
	OK(r.nfeat == 2 && strcmp(r.features[1], feat[1]) == 0 &&
	    strcmp(r.target, "exited") == 0, "names read back");
	OK(r.coef[0] == m.coef[0] && r.coef[1] == m.coef[1] &&
	    r.intercept == m.intercept && r.tol == m.tol,
	    "every number reads back bit-exact");
	OK(r.iterations == 11 && r.rows == 26 &&
	    strcmp(r.trained_at, m.trained_at) == 0, "counts and time");
	OK(model_decision(&r, x) == m.coef[0] * 100 + m.coef[1] * 1000 +
	    m.intercept, "decision is w.x + b");
	OK(model_predict(&r, x) == 1, "predicts 1 when w.x + b > 0");
	model_free(&r);

	refuses("[]", "not a JSON object");
	refuses("{\"format\":\"other/1\"}",
	    "format is not \"riskwatch-model/1\"");
	refuses("{\"format\":\"riskwatch-model/1\",\"features\":[\"a\"],"
	    "\"coefficients\":[1,2]}",
	    "expected one number per feature in coefficients");
	refuses("{\"format\":\"riskwatch-model/1\",\"features\":[\"a\"],"
	    "\"coefficients\":[\"x\"],\"target\":\"y\",\"intercept\":0,"
	    "\"C\":1,\"tol\":0.1,\"iterations\":1,\"rows\":1,\"data_sha256\":"
	    "\"" "0000000000000000000000000000000000000000000000000000000000000000"
	    "\",\"trained_at\":\"2026-11-24T15:20:00Z\"}",
	    "expected finite numbers in coefficients");
	/* it would read back as -1 once saved */
	refuses("{\"format\":\"riskwatch-model/1\",\"features\":[\"a\"],"
	    "\"coefficients\":[1],\"target\":\"y\",\"intercept\":0,"
	    "\"C\":1,\"tol\":0.1,\"iterations\":4294967295,\"rows\":1}",
	    "expected a count in iterations");
	refuses("{\"format\":\"riskwatch-model/1\",\"features\":[\"a\"],"
	    "\"coefficients\":[1],\"target\":\"y\",\"intercept\":0,\"C\":-1}",
	    "expected a positive number in C");
	refuses("{\"format\":\"riskwatch-model/1\",\"features\":[],"
	    "\"coefficients\":[]}",
	    "expected an array of 1 to 10000 names in features");
	timeandnames();
	{
		FILE *fp = fopen(path, "w");
		char want[128];

		fputs("{\"format\": ", fp);
		fclose(fp);
		snprintf(want, sizeof(want), "%s:1: not a valid model: ", path);
		OK(model_load(&r, path) == -1 &&
		    strncmp(risk_err, want, strlen(want)) == 0,
		    "truncated JSON is refused with its line: %s", risk_err);
	}
	unlink(path);
	return unit_done();
}
