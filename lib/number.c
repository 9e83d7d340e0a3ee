/*
 * A CSV field's text read as pandas 1.5's default C parser reads it
 * (read_csv, float_precision=None): the same double, bit for bit, even
 * where that parser does not round correctly, and the same NA words.
 *
 * The rules, as that parser applies them to a field:
 * - one of the default NA words, matched whole, is missing;
 * - an integer (spaces, an optional sign, digits, spaces) that fits in 64
 *   bits is that integer, rounded once to a double;
 * - else at most 17 significant digits are kept, counting every digit from
 *   the first, leading zeros too, and the rest only move the point; the
 *   digits are summed in a double, d = d * 10 + digit, and then multiplied
 *   by 10^e, or divided by 10^-e (twice, by 10^(-308 - e) and by 10^308,
 *   below 10^-308; 0 below 10^-616), each power the double nearest to it;
 *   an exponent beyond 10^308, or a result that overflows, is no number;
 * - spaces (' ', \t, \n, \v, \f, \r) before and after, a leading '+', a
 *   point with no digits on one side ("1.", ".5"), 'e' or 'E' with an
 *   optional sign and up to 17 digits;
 * - inf, +inf, -inf, Infinity, +Infinity, -Infinity in any case, without
 *   spaces, are infinite.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "risk.h"

#define MAXDIGITS 17

static const double tens[309] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
	1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
	1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22, 1e23,
	1e24, 1e25, 1e26, 1e27, 1e28, 1e29, 1e30, 1e31,
	1e32, 1e33, 1e34, 1e35, 1e36, 1e37, 1e38, 1e39,
	1e40, 1e41, 1e42, 1e43, 1e44, 1e45, 1e46, 1e47,
	1e48, 1e49, 1e50, 1e51, 1e52, 1e53, 1e54, 1e55,
	1e56, 1e57, 1e58, 1e59, 1e60, 1e61, 1e62, 1e63,
	1e64, 1e65, 1e66, 1e67, 1e68, 1e69, 1e70, 1e71,
	1e72, 1e73, 1e74, 1e75, 1e76, 1e77, 1e78, 1e79,
	1e80, 1e81, 1e82, 1e83, 1e84, 1e85, 1e86, 1e87,
	1e88, 1e89, 1e90, 1e91, 1e92, 1e93, 1e94, 1e95,
	1e96, 1e97, 1e98, 1e99, 1e100, 1e101, 1e102, 1e103,
	1e104, 1e105, 1e106, 1e107, 1e108, 1e109, 1e110, 1e111,
	1e112, 1e113, 1e114, 1e115, 1e116, 1e117, 1e118, 1e119,
	1e120, 1e121, 1e122, 1e123, 1e124, 1e125, 1e126, 1e127,
	1e128, 1e129, 1e130, 1e131, 1e132, 1e133, 1e134, 1e135,
	1e136, 1e137, 1e138, 1e139, 1e140, 1e141, 1e142, 1e143,
	1e144, 1e145, 1e146, 1e147, 1e148, 1e149, 1e150, 1e151,
	1e152, 1e153, 1e154, 1e155, 1e156, 1e157, 1e158, 1e159,
	1e160, 1e161, 1e162, 1e163, 1e164, 1e165, 1e166, 1e167,
	1e168, 1e169, 1e170, 1e171, 1e172, 1e173, 1e174, 1e175,
	1e176, 1e177, 1e178, 1e179, 1e180, 1e181, 1e182, 1e183,
	1e184, 1e185, 1e186, 1e187, 1e188, 1e189, 1e190, 1e191,
	1e192, 1e193, 1e194, 1e195, 1e196, 1e197, 1e198, 1e199,
	1e200, 1e201, 1e202, 1e203, 1e204, 1e205, 1e206, 1e207,
	1e208, 1e209, 1e210, 1e211, 1e212, 1e213, 1e214, 1e215,
	1e216, 1e217, 1e218, 1e219, 1e220, 1e221, 1e222, 1e223,
	1e224, 1e225, 1e226, 1e227, 1e228, 1e229, 1e230, 1e231,
	1e232, 1e233, 1e234, 1e235, 1e236, 1e237, 1e238, 1e239,
	1e240, 1e241, 1e242, 1e243, 1e244, 1e245, 1e246, 1e247,
	1e248, 1e249, 1e250, 1e251, 1e252, 1e253, 1e254, 1e255,
	1e256, 1e257, 1e258, 1e259, 1e260, 1e261, 1e262, 1e263,
	1e264, 1e265, 1e266, 1e267, 1e268, 1e269, 1e270, 1e271,
	1e272, 1e273, 1e274, 1e275, 1e276, 1e277, 1e278, 1e279,
	1e280, 1e281, 1e282, 1e283, 1e284, 1e285, 1e286, 1e287,
	1e288, 1e289, 1e290, 1e291, 1e292, 1e293, 1e294, 1e295,
	1e296, 1e297, 1e298, 1e299, 1e300, 1e301, 1e302, 1e303,
	1e304, 1e305, 1e306, 1e307, 1e308,
};

/* a word and its length, known at compile time: the lists below are
 * looked through for every field read */
#define WORD(s) { s, sizeof(s) - 1 }

/* pandas' default NA words (keep_default_na) */
static const struct {
	const char *w;
	size_t n;
} nawords[] = {
	WORD(""), WORD("#N/A"), WORD("#N/A N/A"), WORD("#NA"),
	WORD("-1.#IND"), WORD("-1.#QNAN"), WORD("-NaN"), WORD("-nan"),
	WORD("1.#IND"), WORD("1.#QNAN"), WORD("<NA>"), WORD("N/A"),
	WORD("NA"), WORD("NULL"), WORD("NaN"), WORD("n/a"), WORD("nan"),
	WORD("null")
};

int
number_isna(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return 1;
	if (n > 8)
		return 0;
	/* most fields are numbers or names: out at the first byte */
	switch (s[0]) {
	case '#': case '-': case '1': case '<': case 'N': case 'n':
		break;
	default:
		return 0;
	}
	for (i = 0; i < NELEM(nawords); i++)
		if (nawords[i].n == n && nawords[i].w[0] == s[0] &&
		    memcmp(nawords[i].w, s, n) == 0)
			return 1;
	return 0;
}

static int
isspc(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static int
isdig(char c)
{
	return c >= '0' && c <= '9';
}

static const char *
skipspc(const char *p, const char *e)
{
	while (p < e && isspc(*p))
		p++;
	return p;
}

/* an integer of 64 bits or fewer, as an int64 or uint64 column holds it */
static int
integer(const char *p, const char *e, double *v)
{
	uint64_t u = 0, lim;
	int neg = 0;

	p = skipspc(p, e);
	if (p < e && (*p == '-' || *p == '+'))
		neg = *p++ == '-';
	if (p == e || !isdig(*p))
		return -1;
	lim = neg ? (uint64_t)INT64_MAX + 1 : UINT64_MAX;
	for (; p < e && isdig(*p); p++) {
		if (u > (lim - (*p - '0')) / 10)
			return -1;
		u = u * 10 + (*p - '0');
	}
	if (skipspc(p, e) != e)
		return -1;
	*v = neg ? -(double)u : (double)u;
	if (neg && u == 0)
		*v = 0;
	return 0;
}

/* the digits the parser keeps: their sum, d = d * 10 + digit, and where
 * the first and the last that are not 0 stand among them */
struct digits {
	double d;
	int n, first, last;
};

static void
keepdigit(struct digits *g, char c)
{
	if (c != '0') {
		if (g->first < 0)
			g->first = g->n;
		g->last = g->n;
	}
	g->d = g->d * 10. + (c - '0');
	g->n++;
}

/* the digits before and after the point: the first MAXDIGITS kept, the
 * integer part's others moving the point, the fraction's others dropped */
static const char *
mantissa(const char *p, const char *e, struct digits *g, int32_t *exp)
{
	int nfrac = 0;

	for (; p < e && isdig(*p); p++) {
		if (g->n < MAXDIGITS)
			keepdigit(g, *p);
		else
			(*exp)++;
	}
	if (p < e && *p == '.') {
		p++;
		for (; g->n < MAXDIGITS && p < e && isdig(*p); p++) {
			keepdigit(g, *p);
			nfrac++;
		}
		while (p < e && isdig(*p))
			p++;
		*exp -= nfrac;
	}
	return p;
}

/* 'e' or 'E', a sign and up to 17 digits added to *exp, wrapping as the
 * parser's int does; an 'e' without digits is left unread */
static const char *
exponent(const char *p, const char *e, int32_t *exp)
{
	const char *mark = p;
	uint32_t n;
	int eneg = 0, edig;

	if (p == e || (*p != 'e' && *p != 'E'))
		return p;
	p++;
	if (p < e && (*p == '-' || *p == '+'))
		eneg = *p++ == '-';
	for (n = 0, edig = 0; edig < MAXDIGITS && p < e && isdig(*p);
	    p++, edig++)
		n = n * 10u + (uint32_t)(*p - '0');
	*exp = (int32_t)(eneg ? (uint32_t)*exp - n : (uint32_t)*exp + n);
	return edig == 0 ? mark : p;
}

/* *d times 10^exp as the parser scales it; -1 when that overflows */
static int
scale(double *d, int32_t exp)
{
	if (exp > 308)
		return -1;
	if (exp > 0)
		*d *= tens[exp];
	else if (exp < -616)
		*d = 0.;
	else if (exp < -308) {
		*d /= tens[-308 - exp];
		*d /= tens[308];
	} else
		*d /= tens[-exp];
	return *d == HUGE_VAL || *d == -HUGE_VAL ? -1 : 0;
}

/*
 * the parser's own decimal reading: the rules above. *safe (when asked)
 * tells that pandas reads the value back unchanged from the text to_csv
 * writes of it (see number_reread): the digits summed to 2^53 or less and
 * the power was at most 10^22, so the value is the correctly rounded one of
 * k <= 13 significant digits; its shortest form has k digits or fewer, and
 * from 1e-9 up to 9e14 to_csv writes those in at most 17 digits with a
 * power of at most 10^22 (a whole number as "x.0", 10x < 2^53), which
 * read back exactly as correctly rounded.
 */
static int
decimal(const char *p, const char *e, double *v, int *safe)
{
	struct digits g = { 0, 0, -1, -1 };
	int32_t exp = 0;
	double d;
	int neg = 0;

	p = skipspc(p, e);
	if (p < e && (*p == '-' || *p == '+'))
		neg = *p++ == '-';
	p = mantissa(p, e, &g, &exp);
	if (g.n == 0)
		return -1;
	d = neg ? -g.d : g.d;
	p = exponent(p, e, &exp);
	if (scale(&d, exp) == -1)
		return -1;
	if (skipspc(p, e) != e)
		return -1;
	*v = d;
	if (safe != NULL)
		*safe = d == 0 || (g.d <= 9007199254740992. && exp >= -22 &&
		    exp <= 22 && g.last - g.first < 13 && fabs(d) >= 1e-9 &&
		    fabs(d) < 9e14);
	return 0;
}

static int
infinity(const char *s, size_t n, double *v)
{
	static const struct {
		const char *word;
		size_t n;
		double v;
	} inf[] = {
		{ "inf", 3, INFINITY }, { "+inf", 4, INFINITY },
		{ "-inf", 4, -INFINITY }, { "infinity", 8, INFINITY },
		{ "+infinity", 9, INFINITY }, { "-infinity", 9, -INFINITY }
	};
	size_t i;

	/* most texts are out at their first byte */
	if (n < 3 || (s[0] != 'i' && s[0] != 'I' && s[0] != '+' &&
	    s[0] != '-'))
		return -1;
	for (i = 0; i < NELEM(inf); i++)
		if (inf[i].n == n && strncasecmp(inf[i].word, s, n) == 0) {
			*v = inf[i].v;
			return 0;
		}
	return -1;
}

int
number_read(const char *s, size_t n, double *v)
{
	if (integer(s, s + n, v) == 0)
		return 1;
	if (decimal(s, s + n, v, NULL) == 0)
		return 0;
	return infinity(s, n, v);
}

int
number_parse(const char *s, size_t n, double *v)
{
	return number_read(s, n, v) == -1 ? -1 : 0;
}

/*
 * pandas reads a column integer by integer only when every value in it
 * is an integer or missing; otherwise every value goes through its float
 * parser, integers too (83979937318606949 is then 83979937318606960, the
 * first 17 digits times 10, not the nearest double, ...944).
 */
int
number_float(const char *s, size_t n, double *v)
{
	if (decimal(s, s + n, v, NULL) == 0)
		return 0;
	return infinity(s, n, v);
}

/* v written as to_csv writes a float64 and read back */
static double
reread(double v)
{
	char buf[40];
	double w;

	if (!isfinite(v))
		return v;
	fmt_double(buf, sizeof(buf), v);
	if (decimal(buf, buf + strlen(buf), &w, NULL) == -1)
		return v > 0 ? HUGE_VAL : -HUGE_VAL;
	return w;
}

/*
 * The original system reads finaldata.csv back after writing it with
 * to_csv, and its later steps see what that gives. Per file, pandas reads
 * a column of integers as int64 (the integer, rounded once to a double
 * when used), one of integers and missing values as int64 too, upcast to
 * float64, one with any other number through its float converter, an
 * integer text too. to_csv writes an int64 column's integers, and read_csv
 * gives them back; a float64 column's values in their shortest form
 * (Python's repr), which that parser misreads where it misrounds. So the
 * later steps see parse(repr(parse(text))) in a float64 column. A value
 * that comes back unchanged (an integer below 9e14, a decimal that
 * decimal() calls safe) is not printed.
 */
int
number_reread(const char *s, size_t n, int type, double *v)
{
	int safe;

	if (integer(s, s + n, v) == 0) {
		if (type == NUMBER_FLOAT64) {
			decimal(s, s + n, v, &safe);
			if (!safe)
				*v = reread(*v);
		} else if (type == NUMBER_INT64NA && fabs(*v) >= 9e14)
			*v = reread(*v);
		return 1;
	}
	if (decimal(s, s + n, v, &safe) == 0) {
		if (!safe)
			*v = reread(*v);
		return 0;
	}
	return infinity(s, n, v);
}
