/* JSON out, with numbers in their shortest round-trip form */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>

#include "risk.h"

static int
putstr(FILE *fp, json_t *v)
{
	char *s = json_dumps(v, JSON_ENCODE_ANY);
	int r;

	if (s == NULL)
		return -1;
	r = fputs(s, fp) == EOF ? -1 : 0;
	free(s);
	return r;
}

int
jsonout(FILE *fp, json_t *v)
{
	char num[40];
	const char *k;
	json_t *e;
	size_t i;
	int first = 1;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		putc('{', fp);
		json_object_foreach(v, k, e) {
			json_t *key = json_string(k);

			if (!first)
				putc(',', fp);
			first = 0;
			if (putstr(fp, key) == -1) {
				json_decref(key);
				return -1;
			}
			json_decref(key);
			putc(':', fp);
			if (jsonout(fp, e) == -1)
				return -1;
		}
		return putc('}', fp) == EOF ? -1 : 0;
	case JSON_ARRAY:
		putc('[', fp);
		json_array_foreach(v, i, e) {
			if (i > 0)
				putc(',', fp);
			if (jsonout(fp, e) == -1)
				return -1;
		}
		return putc(']', fp) == EOF ? -1 : 0;
	case JSON_REAL:
		if (!isfinite(json_real_value(v)))
			return fputs("null", fp) == EOF ? -1 : 0;
		fmt_double(num, sizeof(num), json_real_value(v));
		return fputs(num, fp) == EOF ? -1 : 0;
	default:
		return putstr(fp, v);
	}
}

const char *
jsonout_cell(char *buf, size_t size, json_t *v)
{
	if (json_is_real(v))
		return fmt_double(buf, size, json_real_value(v));
	if (json_is_integer(v))
		snprintf(buf, size, "%lld", (long long)json_integer_value(v));
	else if (json_is_string(v))
		snprintf(buf, size, "%s", json_string_value(v));
	else
		snprintf(buf, size, "NA");
	return buf;
}
