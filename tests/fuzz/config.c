/* The config loader on a config.json of hostile bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "risk.h"
#include "fuzz.h"

static const char *keys[] = {
	"input_folder_path", "output_folder_path", "test_data_path",
	"output_model_path", "prod_deployment_path", "target", "drift_test",
	"api.host", "api.port", "api.max_body"
};

void
fuzz_init(void)
{
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config c;
	const char *path = fuzz_file("config.json", data, size);
	char *out = NULL;
	size_t len = 0, i, j;
	FILE *fp;

	risk_err[0] = '\0';
	if (config_load(&c, path) == -1) {
		FUZZ_CHECK(risk_err[0] != '\0');
		config_free(&c);
		return 0;
	}
	FUZZ_CHECK(c.nfeat >= 1 && c.nfeat <= MAXFEAT);
	FUZZ_CHECK(c.target != NULL && c.target[0] != '\0');
	for (i = 0; i < c.nfeat; i++) {
		FUZZ_CHECK(c.features[i] != NULL && c.features[i][0] != '\0');
		FUZZ_CHECK(strcmp(c.features[i], c.target) != 0);
	}
	FUZZ_CHECK(drift_parse(c.drift_test) != -1);
	if ((fp = open_memstream(&out, &len)) == NULL)
		abort();
	for (j = 0; j < sizeof(keys) / sizeof(keys[0]); j++)
		FUZZ_CHECK(config_print(&c, keys[j], fp) == 0);
	fclose(fp);
	free(out);
	config_free(&c);
	return 0;
}
