/* content digests, by nettle */
#include <errno.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "risk.h"

static void
tohex(const unsigned char *d, char hex[65])
{
	static const char digits[] = "0123456789abcdef";
	int i;

	for (i = 0; i < SHA256_DIGEST_SIZE; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[64] = '\0';
}

void
sha256_hex(const void *data, size_t len, char hex[65])
{
	struct sha256_ctx ctx;
	unsigned char d[SHA256_DIGEST_SIZE];

	sha256_init(&ctx);
	sha256_update(&ctx, len, data);
	sha256_digest(&ctx, sizeof(d), d);
	tohex(d, hex);
}

/* a digest computed as the bytes go by */
struct sha256 {
	struct sha256_ctx ctx;
};

struct sha256 *
sha256_new(void)
{
	struct sha256 *h = emalloc(sizeof(*h));

	sha256_init(&h->ctx);
	return h;
}

void
sha256_add(struct sha256 *h, const void *data, size_t len)
{
	sha256_update(&h->ctx, len, data);
}

struct sha256 *
sha256_copy(const struct sha256 *h)
{
	struct sha256 *c = emalloc(sizeof(*c));

	*c = *h;
	return c;
}

void
sha256_end(struct sha256 *h, char hex[65])
{
	unsigned char d[SHA256_DIGEST_SIZE];

	sha256_digest(&h->ctx, sizeof(d), d);
	tohex(d, hex);
	free(h);
}

int
sha256_file(const char *path, char hex[65])
{
	struct sha256_ctx ctx;
	unsigned char d[SHA256_DIGEST_SIZE], buf[65536];
	FILE *fp;
	size_t n;
	int bad;

	if ((fp = fopen(path, "r")) == NULL)
		return seterr("%s: %s", path, strerror(errno));
	sha256_init(&ctx);
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		sha256_update(&ctx, n, buf);
	bad = ferror(fp);
	fclose(fp);
	if (bad)
		return seterr("%s: read: %s", path, strerror(errno));
	sha256_digest(&ctx, sizeof(d), d);
	tohex(d, hex);
	return 0;
}
