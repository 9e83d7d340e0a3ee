/* a set of byte strings: open addressing over an append-only arena */
#include <sys/mman.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "risk.h"

#define OFFBITS 40
#define OFFMASK ((1ULL << OFFBITS) - 1)

unsigned long long
rowset_hash(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
		h ^= h >> 31;
	}
	w = 0;
	memcpy(&w, s, n);
	h = (h ^ w) * 0x94d049bb133111ebULL;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	return h ^ (h >> 32);
}

void
rowset_init(struct rowset *r)
{
	memset(r, 0, sizeof(*r));
	r->nslot = 1024;
	r->hash = rowset_hash;
	r->slot = ecalloc(r->nslot, sizeof(*r->slot));
}

void
rowset_free(struct rowset *r)
{
	free(r->slot);
	free(r->arena);
	memset(r, 0, sizeof(*r));
}

static uint32_t
rowlen(const struct rowset *r, size_t off)
{
	uint32_t n;

	memcpy(&n, r->arena + off, 4);
	return n;
}

static void
place(struct rowset *r, size_t off, unsigned long long hash)
{
	size_t j = hash & (r->nslot - 1);

	while (r->slot[j] != 0)
		j = (j + 1) & (r->nslot - 1);
	r->slot[j] = (hash >> (64 - 24)) << OFFBITS | (off + 1);
}

/* a zeroed table; a large one on huge pages, as lookups land at random */
static unsigned long long *
table(size_t n)
{
	const size_t huge = 2 << 20;
	size_t size = n * sizeof(unsigned long long);
	void *p;

	if (size < huge)
		return ecalloc(n, sizeof(unsigned long long));
	if (posix_memalign(&p, huge, size) != 0)
		return ecalloc(n, sizeof(unsigned long long));
	madvise(p, size, MADV_HUGEPAGE);
	return memset(p, 0, size);
}

/* rebuild at size n (a power of two), reading the arena in order */
static void
resize(struct rowset *r, size_t n)
{
	size_t off;
	uint32_t len;

	free(r->slot);
	r->nslot = n;
	r->slot = table(n);
	for (off = 0; off < r->len; off += 4 + len) {
		len = rowlen(r, off);
		place(r, off, r->hash(r->arena + off + 4, len));
	}
}

void
rowset_reserve(struct rowset *r, size_t rows)
{
	size_t n = r->nslot;

	while (n / 4 * 3 < rows)
		n *= 2;
	if (n != r->nslot)
		resize(r, n);
}

void
rowset_prefetch(const struct rowset *r, unsigned long long hash)
{
	__builtin_prefetch(&r->slot[hash & (r->nslot - 1)]);
}

int
rowset_add(struct rowset *r, const void *row, size_t n)
{
	return rowset_addh(r, row, n, r->hash(row, n));
}

int
rowset_addh(struct rowset *r, const void *row, size_t n,
    unsigned long long hash)
{
	unsigned long long tag = hash >> (64 - 24), e;
	size_t j = hash & (r->nslot - 1), off;
	uint32_t len = (uint32_t)n;

	if (n > UINT32_MAX)
		return seterr("a row of %zu bytes is too long", n);
	for (; (e = r->slot[j]) != 0; j = (j + 1) & (r->nslot - 1)) {
		if (e >> OFFBITS != tag)
			continue;
		off = (e & OFFMASK) - 1;
		if (rowlen(r, off) == n && memcmp(r->arena + off + 4, row,
		    n) == 0)
			return 0;
	}
	while (r->cap - r->len < n + 4)
		r->arena = erealloc(r->arena, r->cap = r->cap * 2 + 65536);
	memcpy(r->arena + r->len, &len, 4);
	memcpy(r->arena + r->len + 4, row, n);
	r->slot[j] = tag << OFFBITS | (r->len + 1);
	r->len += n + 4;
	if (++r->count * 4 > r->nslot * 3)
		resize(r, r->nslot * 2);
	return 1;
}
