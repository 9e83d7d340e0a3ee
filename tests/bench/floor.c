/*
 * floor: the least work of reading CSV text once, the bound ingest is
 * measured against: libcsv tokenising the files, and with -n also a number
 * parse of every field, as ingest reads them.
 */
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "risk.h"

struct count {
	int numbers;
	unsigned long long fields;
	unsigned long long parsed;
	unsigned long long rows;
	double sum;
};

static void
onfield(void *s, size_t n, void *data)
{
	struct count *c = data;
	double v;

	c->fields++;
	if (c->numbers && number_parse(s, n, &v) == 0) {
		c->parsed++;
		c->sum += v;
	}
}

static void
onrow(int ch, void *data)
{
	struct count *c = data;

	(void)ch;
	c->rows++;
}

static int
readfile(const char *path, struct count *c)
{
	static char buf[1 << 16];
	struct csv_parser p;
	FILE *fp;
	size_t n;
	int ret = 0;

	if ((fp = fopen(path, "r")) == NULL) {
		perror(path);
		return -1;
	}
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
		fprintf(stderr, "floor: out of memory\n");
		fclose(fp);
		return -1;
	}
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
		if (csv_parse(&p, buf, n, onfield, onrow, c) != n) {
			fprintf(stderr, "%s: %s\n", path,
			    csv_strerror(csv_error(&p)));
			ret = -1;
			break;
		}
	if (ret == 0 && (ferror(fp) || csv_fini(&p, onfield, onrow, c) != 0)) {
		fprintf(stderr, "%s: read error\n", path);
		ret = -1;
	}
	csv_free(&p);
	fclose(fp);
	return ret;
}

int
main(int argc, char *argv[])
{
	struct count c;
	int i = 1;

	memset(&c, 0, sizeof c);
	if (argc > 1 && strcmp(argv[1], "-n") == 0) {
		c.numbers = 1;
		i++;
	}
	if (i == argc) {
		fprintf(stderr, "usage: floor [-n] file ...\n");
		return 2;
	}
	for (; i < argc; i++)
		if (readfile(argv[i], &c) != 0)
			return 1;
	printf("rows %llu fields %llu numbers %llu sum %.17g\n", c.rows,
	    c.fields, c.parsed, c.sum);
	return 0;
}
