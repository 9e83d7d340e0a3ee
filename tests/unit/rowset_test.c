/* the distinct-row set never drops a distinct row, even when hashes collide */
#include <stdlib.h>
#include <string.h>

#include "risk.h"
#include "unit.h"

static unsigned long long
collide(const void *p, size_t n)
{
	(void)p;
	(void)n;
	return 42;
}

static int
fill(struct rowset *r, int n, int *added)
{
	char row[32];
	int i, len, dups = 0;

	*added = 0;
	for (i = 0; i < n; i++) {
		len = snprintf(row, sizeof(row), "corp%d,%d,%d", i % 1000,
		    i % 1000, 7);
		switch (rowset_add(r, row, len)) {
		case 1:
			(*added)++;
			break;
		case 0:
			dups++;
			break;
		default:
			return -1;
		}
	}
	return dups;
}

int
main(void)
{
	static char big[70000];
	unsigned char v[10];
	struct rowset r;
	int added, dups;

	OK(rowset_varint(v, 0) == 1 && v[0] == 0, "0 is one byte");
	OK(rowset_varint(v, 127) == 1 && v[0] == 127, "127 is one byte");
	OK(rowset_varint(v, 300) == 2 && v[0] == 0xac && v[1] == 0x02,
	    "300 is 0xac 0x02");
	OK(rowset_varint(v, ~0ULL) == 10 && v[0] == 0xff && v[9] == 0x01,
	    "2^64 - 1 is ten bytes");

	rowset_init(&r);
	dups = fill(&r, 5000, &added);
	OK(added == 1000 && dups == 4000 && r.count == 1000,
	    "5000 rows of 1000 distinct: 1000 kept, 4000 duplicates (%d, %d)",
	    added, dups);
	OK(rowset_add(&r, "corp1,1,7", 9) == 0, "a seen row is seen");
	OK(rowset_add(&r, "corp1,1,8", 9) == 1, "a row differing in one "
	    "byte is new");
	OK(rowset_add(&r, "corp1,1,", 8) == 1, "a prefix of a seen row is new");
	OK(rowset_add(&r, "", 0) == 1 && rowset_add(&r, "", 0) == 0,
	    "the empty row once");
	rowset_free(&r);

	/* rows whose lengths take two and three bytes, alike but the last */
	rowset_init(&r);
	memset(big, 'x', sizeof(big));
	OK(rowset_add(&r, big, 200) == 1 && rowset_add(&r, big, 201) == 1 &&
	    rowset_add(&r, big, 200) == 0, "rows of 200 and 201 bytes");
	OK(rowset_add(&r, big, sizeof(big)) == 1 && rowset_add(&r, big,
	    sizeof(big) - 1) == 1 && rowset_add(&r, big, sizeof(big)) == 0,
	    "rows of 70000 and 69999 bytes");
	big[sizeof(big) - 1] = 'y';
	OK(rowset_add(&r, big, sizeof(big)) == 1, "a row of 70000 bytes "
	    "differing in its last");
	rowset_free(&r);

	rowset_init(&r);
	r.hash = collide;
	dups = fill(&r, 3000, &added);
	OK(added == 1000 && dups == 2000, "every hash equal: still 1000 "
	    "distinct kept and 2000 duplicates (%d, %d)", added, dups);
	OK(rowset_add(&r, "corp999,999,7", 13) == 0 &&
	    rowset_add(&r, "corp999,999,6", 13) == 1,
	    "with every hash equal, bytes decide");
	rowset_free(&r);
	return unit_done();
}
