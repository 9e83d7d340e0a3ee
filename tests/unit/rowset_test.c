/* the distinct-row set never drops a distinct row, even when hashes collide */
#include <stdlib.h>

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
	struct rowset r;
	int added, dups;

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
