/* a set of byte strings: open addressing over an append-only arena */
#define _GNU_SOURCE	/* mremap */
#include <sys/mman.h>

#include <errno.h>
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
	if (r->cap > 0)
		munmap(r->arena, r->cap);
	memset(r, 0, sizeof(*r));
}

size_t
rowset_varint(unsigned char *p, unsigned long long v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (unsigned char)v;
	return n;
}

/* the row at off: its length, and where its bytes start */
static size_t
rowlen(const struct rowset *r, size_t off, size_t *start)
{
	const unsigned char *p = (const unsigned char *)r->arena + off;
	size_t n = 0;
	int shift = 0;

	do
		n |= (size_t)(*p & 0x7f) << shift, shift += 7;
	while (*p++ & 0x80);
	*start = (const char *)p - r->arena;
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
	size_t off, start, len;

	free(r->slot);
	r->nslot = n;
	r->slot = table(n);
	for (off = 0; off < r->len; off = start + len) {
		len = rowlen(r, off, &start);
		place(r, off, r->hash(r->arena + start, len));
	}
}

/*
 * The arena is mapped memory that mremap moves by its page tables: it
 * never holds two copies of the rows while it grows, as a realloc that
 * copies would; pages it has not yet written cost nothing.
 */
static int
grow(struct rowset *r, size_t n)
{
	size_t cap = r->cap;
	void *p;

	while (cap - r->len < n)
		cap = cap * 2 + (1 << 20);
	if (r->cap == 0)
		p = mmap(NULL, cap, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	else
		p = mremap(r->arena, r->cap, cap, MREMAP_MAYMOVE);
	if (p == MAP_FAILED)
		return seterr("the row table: %zu bytes: %s", cap,
		    strerror(errno));
	r->arena = p;
	r->cap = cap;
	return 0;
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
rowset_truncate(struct rowset *r, size_t len, size_t count)
{
	if (len >= r->len)
		return;
	r->len = len;
	r->count = count;
	resize(r, r->nslot);
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
	size_t j = hash & (r->nslot - 1), off, start, k;
	unsigned char head[10];

	for (; (e = r->slot[j]) != 0; j = (j + 1) & (r->nslot - 1)) {
		if (e >> OFFBITS != tag)
			continue;
		off = (e & OFFMASK) - 1;
		if (rowlen(r, off, &start) == n && memcmp(r->arena + start,
		    row, n) == 0)
			return 0;
	}
	k = rowset_varint(head, n);
	if (r->len + k + n >= OFFMASK)
		return seterr("more than %llu bytes of distinct rows",
		    (unsigned long long)OFFMASK);
	if (r->cap - r->len < k + n && grow(r, k + n) == -1)
		return -1;
	memcpy(r->arena + r->len, head, k);
	memcpy(r->arena + r->len + k, row, n);
	r->slot[j] = tag << OFFBITS | (r->len + 1);
	r->len += k + n;
	if (++r->count * 4 > r->nslot * 3)
		resize(r, r->nslot * 2);
	return 1;
}
