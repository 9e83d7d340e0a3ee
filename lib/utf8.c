/* text from data: well-formed UTF-8 */
#include <stddef.h>

#include "risk.h"

int
utf8_valid(const char *str, size_t n)
{
	static const unsigned min[] = { 0, 0x80, 0x800, 0x10000 };
	const unsigned char *s = (const unsigned char *)str, *e = s + n;
	unsigned c;
	int k, i;

	while (s < e) {
		c = *s++;
		if (c < 0x80) {
			if (c == 0)
				return 0;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			k = 1, c &= 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			k = 2, c &= 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			k = 3, c &= 0x07;
		else
			return 0;
		if (e - s < k)
			return 0;
		for (i = 0; i < k; i++) {
			if ((*s & 0xc0) != 0x80)
				return 0;
			c = c << 6 | (*s++ & 0x3f);
		}
		if (c < min[k] || (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
			return 0;
	}
	return 1;
}
