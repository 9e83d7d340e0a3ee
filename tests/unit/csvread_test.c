/* the CSV reader: what it accepts, what it refuses, and how it says so */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "risk.h"
#include "unit.h"

static char path[64];

struct seen {
	int rows, complete;
	long lastline;
	double x0sum;
	char first[64];
	int y[16];
};

static int
onrec(const struct record *r, void *arg)
{
	struct seen *s = arg;

	if (s->rows == 0)
		snprintf(s->first, sizeof(s->first), "%s|%s", r->field[0],
		    r->field[r->nfield - 1]);
	if (s->rows < 16)
		s->y[s->rows] = r->y;
	s->rows++;
	s->complete += r->complete;
	s->lastline = r->line;
	if (!isnan(r->x[0]))
		s->x0sum += r->x[0];
	return 0;
}

/* read text as a file through a two-feature schema */
static int
readtext(const char *text, struct seen *s, struct schema *sc)
{
	static char *feat[] = { "a", "b" };
	struct config cfg;
	FILE *fp = fopen(path, "w");
	int r;

	fputs(text, fp);
	fclose(fp);
	memset(&cfg, 0, sizeof(cfg));
	cfg.features = feat;
	cfg.nfeat = 2;
	cfg.target = "y";
	memset(s, 0, sizeof(*s));
	csvread_init(sc, &cfg, 1);
	risk_err[0] = '\0';
	r = csvread(path, sc, onrec, s);
	return r;
}

static void
refuses(const char *text, const char *want, const char *what)
{
	struct schema sc;
	struct seen s;
	char msg[256];
	int r = readtext(text, &s, &sc);

	snprintf(msg, sizeof(msg), "%s:%s", path, want);
	OK(r == -1 && strcmp(risk_err, msg) == 0, "refuses %s: \"%s\"", what,
	    risk_err);
	csvread_free(&sc);
}

/* a later file after "name,a,b,y\nx,1,2,0\n", its header read first when
 * grow (as ingest does): the schema's header after it and the sum of
 * feature a over both files, or the error */
static void
later(const char *text, int grow, const char *header, double x0sum,
    const char *err, const char *what)
{
	struct schema sc;
	struct seen s;
	char msg[1100];
	FILE *fp;
	int r;

	readtext("name,a,b,y\nx,1,2,0\n", &s, &sc);
	fp = fopen(path, "w");
	fputs(text, fp);
	fclose(fp);
	r = grow ? csvread_header(path, &sc) : 0;
	if (r == 0)
		r = csvread(path, &sc, onrec, &s);
	if (err != NULL) {
		snprintf(msg, sizeof(msg), "%s:%s", path, err);
		OK(r == -1 && strcmp(risk_err, msg) == 0, "%s: \"%s\"", what,
		    risk_err);
	} else
		OK(r == 0 && strcmp(sc.headerline, header) == 0 &&
		    s.x0sum == x0sum && sc.realigned, "%s: %s %g %s", what,
		    sc.headerline, s.x0sum, risk_err);
	csvread_free(&sc);
}

/* a header's names as pandas 1.5 renames repeated ones */
static void
mangled(const char *names, const char *want)
{
	struct schema sc;
	struct seen s;
	char text[256];
	int r;

	snprintf(text, sizeof(text), "%s\n", names);
	r = readtext(text, &s, &sc);
	OK(r == 0 && strcmp(sc.headerline, want) == 0, "%s is read as %s",
	    names, r == 0 ? sc.headerline : risk_err);
	csvread_free(&sc);
}

/* a CR LF split between two of the reader's blocks ends one line */
static void
crlfsplit(void)
{
	static char text[70000];
	const char *head = "name,a,b,y\n";
	size_t n = strlen(head);

	memcpy(text, head, n);
	memset(text + n, 'x', 65535 - n - 6);
	/* the row's \r is the block's last byte, its \n the next's first */
	strcpy(text + 65535 - 6, ",1,2,0\r\nx,1,abc,0\n");
	refuses(text, "3: field 3 (b): \"abc\" is not a number",
	    "a CR LF across blocks, counted as one line end");
}

/* a header of 200000 names: checked for repeats in linear time */
static void
bigheader(void)
{
	enum { N = 200000 };
	char *text = malloc(N * 14 + 64), *p = text, *q;
	struct schema sc;
	struct seen s;
	char want[128];
	int i, r;

	p += sprintf(p, "a,b,y");
	for (i = 0; i < N; i++)
		p += sprintf(p, ",c%d", i);
	q = p + sprintf(p, "\n1,2,0");
	for (i = 0; i < N; i++)
		q += sprintf(q, ",7");
	strcpy(q, "\n");
	r = readtext(text, &s, &sc);
	OK(r == 0 && sc.ncol == N + 3 && s.rows == 1 &&
	    strcmp(sc.col[N + 2], "c199999") == 0,
	    "a header of %d distinct names is read", N + 3);
	csvread_free(&sc);
	sprintf(p, ",c%d\n", N - 1);
	r = readtext(text, &s, &sc);
	snprintf(want, sizeof(want), "c%d.1", N - 1);
	OK(r == 0 && sc.ncol == N + 4 && strcmp(sc.col[N + 3], want) == 0,
	    "the last of %d names, a repeat, is renamed %s", N + 4, want);
	csvread_free(&sc);
	free(text);
}

/* the digest is of the bytes read, from a file or a pipe */
static void
digests(void)
{
	const char *text = "name,a,b,y\nx,1,2,0\n";
	struct schema sc;
	struct seen s;
	char hex[65];
	FILE *fp;
	int r;

	sha256_hex(text, strlen(text), hex);
	r = readtext(text, &s, &sc);
	OK(r == 0 && strcmp(sc.digest, hex) == 0, "a file's digest: %s",
	    sc.digest);
	csvread_free(&sc);
	fp = popen("printf 'name,a,b,y\\nx,1,2,0\\n'", "r");
	csvread_init(&sc, &(struct config){ .features = (char *[]){ "a", "b" },
	    .nfeat = 2, .target = "y" }, 1);
	r = csvread_fp(fp, "pipe", &sc, onrec, &s);
	pclose(fp);
	OK(r == 0 && strcmp(sc.digest, hex) == 0, "a pipe's digest: %s",
	    sc.digest);
	csvread_free(&sc);
}

/* a read error is an error, not the end of the file */
static void
readerror(void)
{
	struct schema sc;
	struct seen s;
	char want[128];
	int r;

	csvread_init(&sc, &(struct config){ .features = (char *[]){ "a", "b" },
	    .nfeat = 2, .target = "y" }, 1);
	r = csvread("/tmp", &sc, onrec, &s);
	snprintf(want, sizeof(want), "/tmp: read: %s", strerror(EISDIR));
	OK(r == -1 && strcmp(risk_err, want) == 0, "a folder: \"%s\"",
	    risk_err);
	csvread_free(&sc);
}

int
main(void)
{
	struct schema sc;
	struct seen s;
	int r;

	snprintf(path, sizeof(path), "/tmp/csvread_test.%ld.csv",
	    (long)getpid());

	r = readtext("name,a,b,y\nx,1,2.5,0\n\"q,\"\"r\",3,-4e2,1\n", &s, &sc);
	OK(r == 0 && s.rows == 2 && s.complete == 2 && s.x0sum == 4 &&
	    s.y[0] == 0 && s.y[1] == 1, "reads two rows and their values");
	OK(strcmp(sc.headerline, "name,a,b,y") == 0 && sc.feat[0] == 1 &&
	    sc.feat[1] == 2 && sc.tcol == 3, "finds the columns by name");
	csvread_free(&sc);

	r = readtext("\xef\xbb\xbfname,a,b,y\r\nx,1,2,0\r\n\r\nz,5,6,1\r\n",
	    &s, &sc);
	OK(r == 0 && s.rows == 2 && strcmp(sc.col[0], "name") == 0 &&
	    s.lastline == 4, "a BOM, CRLF and a blank line are accepted");
	csvread_free(&sc);

	r = readtext("a,name,y,b\n,x,,NA\n2,\"two\nlines\",1,3\n7,z,0,1\n",
	    &s, &sc);
	OK(r == 0 && s.rows == 3 && s.complete == 2 && s.y[0] == -1 &&
	    s.lastline == 5, "blank and NA are missing; a quoted newline "
	    "spans lines");
	OK(strcmp(s.first, "|NA") == 0, "fields are kept as read");
	csvread_free(&sc);

	r = readtext("name,a,b,y\nx, +1 ,#N/A,0\nx,\t2e0 ,-1.#IND,1\n"
	    "x,<NA>,n/a,1\nx,0.0000000000000000001,null,1\n", &s, &sc);
	OK(r == 0 && s.rows == 4 && s.complete == 0 && s.x0sum == 3,
	    "spaces around a number, a '+', pandas' NA words: \"%s\"",
	    risk_err);
	csvread_free(&sc);

	r = readtext("name,a,b,y\n", &s, &sc);
	OK(r == 0 && s.rows == 0, "a header-only file is valid");
	csvread_free(&sc);

	refuses("", " empty file: no header", "an empty file");
	refuses("name,a,b,y\nx,1,abc,0\n",
	    "2: field 3 (b): \"abc\" is not a number", "a word for a number");
	refuses("name,a,b,y\nx,1,2,0\nx,0x10,2,0\n",
	    "3: field 2 (a): \"0x10\" is not a number", "hex");
	refuses("name,a,b,y\nx,1,inf,0\n",
	    "2: field 3 (b): \"inf\" is not a number", "infinity");
	refuses("name,a,b,y\nx,1,-Infinity,0\n",
	    "2: field 3 (b): \"-Infinity\" is not a number", "-Infinity");
	refuses("name,a,b,y\nx,1, inf,0\n",
	    "2: field 3 (b): \" inf\" is not a number", "a padded inf");
	refuses("name,a,b,y\nx,1, NA,0\n",
	    "2: field 3 (b): \" NA\" is not a number", "a padded NA word");
	refuses("name,a,b,y\nx,1,NAN,0\n",
	    "2: field 3 (b): \"NAN\" is not a number", "NAN, no NA word");
	refuses("name,a,b,y\nx,1,5e,0\n",
	    "2: field 3 (b): \"5e\" is not a number", "an empty exponent");
	refuses("name,a,b,y\nx,1,1e999,0\n",
	    "2: field 3 (b): \"1e999\" is not a number", "an overflow");
	refuses("name,a,b,y\nx,1,2,2\n",
	    "2: field 4 (y): \"2\" is not 0 or 1", "a target of 2");
	refuses("name,a,b,y\nx,1,2,0,9\n", "2: expected 4 fields, found 5",
	    "a long row");
	refuses("name,a,b,y\n\xff,1,2,0\n",
	    "2: field 1 (name): not UTF-8 text, or a NUL byte", "bad UTF-8");
	refuses("name,a,b,y\n\xc0\xaf,1,2,0\n",
	    "2: field 1 (name): not UTF-8 text, or a NUL byte",
	    "an overlong UTF-8 form");
	refuses("name,a,y\n", "1: no column \"b\" (a feature)",
	    "a missing feature column");
	refuses("name,a,b\n", "1: no column \"y\" (the target)",
	    "a missing target column");
	refuses("name,a,b,y\n\"x,1,2,0\n",
	    "2: unclosed quote at end of file", "an unclosed quote");
	refuses("name,a,b,y\nx,1,2,0\n\"x,1,2,0\nx,1,2,0\n",
	    "3: unclosed quote at end of file",
	    "a quote left open, at the line it opened");
	refuses("name,a,b,y\nx\"y\",1,2,0\n",
	    "2: error parsing data while strict checking enabled (a stray or "
	    "unclosed quote)", "a stray quote");

	later("name,b,a,y\nx,1,2,0\n", 0, "name,a,b,y", 3, NULL,
	    "columns in another order, matched by name");
	later("a,b,y\n5,6,1\n", 0, "name,a,b,y", 6, NULL,
	    "a later file without a column that is not a feature");
	later("name,a,y\nx,1,0\n", 0, NULL, 0, "1: no column \"b\" (a feature)",
	    "a later file without a feature");
	later("name,a,b\nx,1,2\n", 0, NULL, 0, "1: no column \"y\" (the target)",
	    "a later file without the target");
	later("name,a,b,y,\"n\x1b[2J\nm\"\nx,1,2,0,3\n", 0, NULL, 0,
	    "1: column \"n\\x1b[2J\\nm\" is new: the file changed while it was "
	    "read", "an extra column its header did not have, escaped");
	later("z,name,a,b,y\nq,x,4,2,0\n", 1, "name,a,b,y,z", 5, NULL,
	    "a column only a later file has, added at the end");

	/* repeated names as pandas 1.5 renames them */
	mangled("a,a,a.1,b,y", "a,a.2,a.1,b,y");
	mangled("a,a.1,a,a,b,y", "a,a.1,a.2,a.3,b,y");
	mangled("a,a,a.1,a.1,b,y", "a,a.2,a.1,a.1.1,b,y");
	mangled("a.1,a,a,b,y", "a.1,a,a.2,b,y");
	mangled("a,a,a.1,a.2,a,b,y", "a,a.3,a.1,a.2,a.4,b,y");

	/* a short row: its missing trailing fields are missing values */
	r = readtext("name,a,b,y\nx,1\nz,3,4,1\n", &s, &sc);
	OK(r == 0 && s.rows == 2 && s.complete == 1 && s.y[0] == -1 &&
	    sc.nshort == 1 && strcmp(s.first, "x|") == 0,
	    "a short row has NA in its missing fields");
	csvread_free(&sc);

	/* targets: 0 and 1 in any numeric spelling, or True and False */
	r = readtext("name,a,b,y\nx,1,2,1.0\nx,1,2,1e0\nx,1,2,-0\nx,1,2, 0.0\n",
	    &s, &sc);
	OK(r == 0 && s.y[0] == 1 && s.y[1] == 1 && s.y[2] == 0 && s.y[3] == 0,
	    "targets 1.0, 1e0, -0 and \" 0.0\" are 1, 1, 0, 0");
	csvread_free(&sc);
	r = readtext("name,a,b,y\nx,1,2,True\nx,1,2,false\nx,1,2,\n"
	    "x,1,2,TRUE\n", &s, &sc);
	OK(r == 0 && s.y[0] == 1 && s.y[1] == 0 && s.y[2] == -1 && s.y[3] == 1,
	    "targets True, false, blank and TRUE are 1, 0, missing and 1");
	csvread_free(&sc);
	refuses("name,a,b,y\nx,1,2,True\nx,1,2,1\n",
	    "3: field 4 (y): \"1\" in a column of True and False",
	    "a number among True and False");
	refuses("name,a,b,y\nx,1,2,0\nx,1,2,False\n",
	    "3: field 4 (y): \"False\" in a column of numbers",
	    "False among numbers");
	refuses("name,a,b,y\nx,1,2,0.5\n",
	    "2: field 4 (y): \"0.5\" is not 0 or 1", "a target of 0.5");
	refuses("name,a,b,y\nx,1,2,yes\n",
	    "2: field 4 (y): \"yes\" is not 0 or 1", "a target of yes");

	refuses("name,a,b,y\rx,1,2,0\rx,1,abc,0\r",
	    "3: field 3 (b): \"abc\" is not a number",
	    "CR-only line ends counted as lines");
	refuses("name,a,b,y\nx,1,\x1b]0;owned\x07,0\n",
	    "2: field 3 (b): \"\\x1b]0;owned\\x07\" is not a number",
	    "an escape sequence in a field, escaped");
	refuses("name,a,b,y\nx,1,\"1\n\t2\\\x7f\xc2\x9b\",0\n",
	    "2: field 3 (b): \"1\\n\\t2\\\\\\x7f\\xc2\\x9b\" is not a number",
	    "a newline, tab, backslash, DEL and C1 control, escaped");
	refuses("\"n\x1b[2J\nm\",a,b,y\n\xff,1,2,0\n",
	    "3: field 1 (n\\x1b[2J\\nm): not UTF-8 text, or a NUL byte",
	    "a column name with an escape and a newline, escaped");
	crlfsplit();
	bigheader();
	digests();
	readerror();
	unlink(path);
	return unit_done();
}
