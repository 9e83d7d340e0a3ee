/*
 * /prediction: where its rows come from.  The originals' clients name the
 * dataset in many ways: a JSON key, a query string, a form field, an
 * uploaded file, the rows themselves, or nothing (the test data).  Exactly
 * one way, or none, is taken.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <microhttpd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "risk.h"
#include "serve.h"

/* the keys a JSON body or a form names the dataset under */
static const char *keys[] = {
	"dataset", "filepath", "data_path", "file_location", "data_file",
	"datafile", "datapath", "location", "filename"
};
#define NJSONKEY (NKEY - 1)	/* all but filename, the last, which only
				 * forms use */
#define NKEY NELEM(keys)
/* the query strings that name it */
static const char *queries[] = { "filename", "filepath" };
#define NQUERY NELEM(queries)

/* where the rows come from */
struct source {
	int ways;		/* ways the dataset was named */
	char *path;		/* a file named, as given */
	char *rows;		/* or rows sent: a CSV body, an uploaded file */
	size_t len, cap;
	size_t max;		/* the body's length: no part is longer */
	int part;		/* the form part being read */
	int filepart;		/* the part that is the uploaded file */
	int namepart;		/* the part that is a name */
	int toolong;		/* a name over PATH_MAX */
};

static int
is_key(const char *key, size_t n)
{
	size_t i;

	for (i = 0; key != NULL && i < n; i++)
		if (strcmp(key, keys[i]) == 0)
			return 1;
	return 0;
}

static int
is_type(const char *value, const char *type)
{
	size_t n = strlen(type);

	return value != NULL && strncasecmp(value, type, n) == 0 &&
	    (value[n] == '\0' || value[n] == ';' || value[n] == ' ');
}

/* the content types taken, from the headers; the query strings */
int
prediction_head(struct req *r, struct MHD_Connection *c)
{
	const char *ctype, *q;
	size_t i;

	ctype = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_TYPE);
	if (ctype == NULL || is_type(ctype, "application/json"))
		r->kind = B_JSON;
	else if (is_type(ctype, "text/csv"))
		r->kind = B_CSV;
	else if (is_type(ctype, MHD_HTTP_POST_ENCODING_FORM_URLENCODED))
		r->kind = B_FORM;
	else if (is_type(ctype, MHD_HTTP_POST_ENCODING_MULTIPART_FORMDATA))
		r->kind = B_MULTIPART;
	else {
		answer_error(r, 415, "send application/json "
		    "({\"dataset\": \"path\"}), text/csv, a form or a file");
		return -1;
	}
	for (i = 0; i < NQUERY; i++)
		if ((q = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND,
		    queries[i])) != NULL) {
			r->nquery++;
			free(r->query);
			r->query = estrdup(q);
		}
	r->keep = 1;
	return 0;
}

static void
append(char **buf, size_t *len, size_t *cap, const char *data, size_t size,
    size_t max)
{
	if (*len + size + 1 > *cap) {
		*cap = *len + size + 1 > max ? *len + size + 1 : max;
		*buf = erealloc(*buf, *cap);
	}
	memcpy(*buf + *len, data, size);
	*len += size;
	(*buf)[*len] = '\0';
}

/* a form's field or file: the first file is the rows, a key names a file */
static enum MHD_Result
onfield(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *filename, const char *ctype, const char *tenc,
    const char *data, uint64_t off, size_t size)
{
	struct source *s = cls;
	size_t plen = s->path ? strlen(s->path) : 0, pcap = plen + 1;

	(void)kind;
	(void)ctype;
	(void)tenc;
	if (off == 0)
		s->part++;
	if (filename != NULL) {
		if (off == 0) {
			s->ways++;
			s->filepart = s->part;
		}
		if (s->filepart == s->part)
			append(&s->rows, &s->len, &s->cap, data, size, s->max);
	} else if (is_key(key, NKEY)) {
		if (off == 0) {
			s->ways++;
			s->namepart = s->part;
			free(s->path);
			s->path = estrdup("");
			plen = 0;
			pcap = 1;
		}
		if (s->namepart != s->part)
			;
		else if (plen + size < PATH_MAX)
			append(&s->path, &plen, &pcap, data, size, PATH_MAX);
		else
			s->toolong = 1;
	}
	return MHD_YES;
}

static int
read_form(struct req *r, struct source *s)
{
	struct MHD_PostProcessor *pp;
	int ok;

	s->max = r->len;
	if ((pp = MHD_create_post_processor(r->conn, FORMBUF, onfield,
	    s)) == NULL)
		return seterr("body: not a form%s", r->kind == B_MULTIPART ?
		    " (no boundary)" : "");
	ok = MHD_post_process(pp, r->body, r->len) == MHD_YES;
	if (MHD_destroy_post_processor(pp) == MHD_NO || !ok)
		return seterr("body: not a whole form");
	return 0;
}

static int
read_json(struct req *r, struct source *s)
{
	json_error_t jerr;
	json_t *o, *v;
	size_t i;

	if ((o = json_loadb(r->body, r->len, JSON_REJECT_DUPLICATES,
	    &jerr)) == NULL)
		return seterr("body: %s", jerr.text);
	for (i = 0, v = NULL; i < NJSONKEY && v == NULL; i++)
		v = json_object_get(o, keys[i]);
	if (!json_is_object(o) || json_object_size(o) != 1 ||
	    !json_is_string(v) ||
	    strlen(json_string_value(v)) != json_string_length(v)) {
		json_decref(o);
		return seterr("body: expected {\"dataset\": \"path\"}");
	}
	s->path = estrdup(json_string_value(v));
	s->ways++;
	json_decref(o);
	return 0;
}

/* the body as rows, a JSON name or a form; nothing when empty */
static int
read_body(struct req *r, struct source *s)
{
	size_t i;

	if (r->len == 0)
		return 0;
	switch (r->kind) {
	case B_CSV:
		s->rows = r->body;
		s->len = r->len;
		s->filepart = 1;
		s->ways++;
		return 0;
	case B_FORM:
		/* curl -d sends JSON as a form */
		for (i = 0; i < r->len && strchr(" \t\r\n", r->body[i]); i++)
			;
		if (i < r->len && r->body[i] == '{')
			return read_json(r, s);
		return read_form(r, s);
	case B_MULTIPART:
		return read_form(r, s);
	default:
		return read_json(r, s);
	}
}

/*
 * A dataset a client names must resolve, through any links, to a regular
 * .csv file inside the workspace.  A relative name is looked for in
 * test_data_path first, then in the workspace, as the originals did.  It
 * is not opened before that is known; then opened without following a
 * link put there since.
 */
static FILE *
dataset_open(const char *given)
{
	struct stat st;
	size_t n;
	char *t, *p = NULL;
	FILE *fp;
	int fd;

	n = strlen(given);
	if (n < 5 || strcmp(given + n - 4, ".csv") != 0) {
		seterr("dataset: not a .csv file");
		return NULL;
	}
	if (given[0] != '/') {
		t = path_join(srv.cfg.test_data_path, given);
		p = realpath(t, NULL);
		free(t);
	}
	if (p == NULL && (p = realpath(given, NULL)) == NULL) {
		seterr("dataset: no such file in the workspace");
		return NULL;
	}
	n = strlen(p);
	if (n < 5 || strcmp(p + n - 4, ".csv") != 0 || !path_under(p, ".", 0)) {
		free(p);
		seterr("dataset: not inside the workspace");
		return NULL;
	}
	fd = open(p, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	free(p);
	if (fd == -1 || fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		seterr("dataset: %s", fd == -1 ? strerror(errno) :
		    "not a regular file");
		if (fd != -1)
			close(fd);
		return NULL;
	}
	if ((fp = fdopen(fd, "r")) == NULL) {
		seterr("dataset: %s", strerror(errno));
		close(fd);
	}
	return fp;
}

/* predictions of rows read from fp, written as JSON as they come */
struct predout {
	FILE *fp;
	long long n;
};

static int
onpred(const struct record *rec, int pred, double p, void *arg)
{
	struct predout *o = arg;

	(void)rec;
	(void)p;
	if (fputs(o->n++ > 0 ? "," : "", o->fp) == EOF ||
	    fputs(pred < 0 ? "null" : pred ? "1" : "0", o->fp) == EOF)
		return seterr("out of memory");
	return 0;
}

static void
predict(struct req *r, FILE *in, const char *name)
{
	struct snap *s;
	struct predout out = { NULL, 0 };
	char *buf = NULL;
	size_t len = 0;
	int ok;

	if ((s = snap_get()) == NULL) {
		answer_error(r, 500, "%s", risk_err);
		return;
	}
	if ((out.fp = open_memstream(&buf, &len)) == NULL) {
		snap_put(s);
		answer_error(r, 500, "out of memory");
		return;
	}
	ok = fputs("{\"predictions\":[", out.fp) != EOF;
	if (ok && predict_fp(&s->m, in, name, onpred, &out) == -1)
		ok = -1;
	if (ok == 1 && fputs("]}", out.fp) == EOF)
		ok = 0;
	/* a stream that closed holds its bytes in buf */
	if (fclose(out.fp) == EOF)
		ok = ok == -1 ? -1 : 0;
	snap_put(s);
	if (ok == 1)
		answer(r, 200, "application/json", buf);
	else {
		free(buf);
		if (ok == -1)
			answer_error(r, 400, "%s", risk_err);
		else
			answer_error(r, 500, "out of memory");
	}
}

/* on a job thread unless it is a small, non-empty CSV body and no query
 * names a dataset: parsing a body, even a CSV header, or reading a file
 * (an empty body means testdata.csv or the query's file) can take long */
void
prediction(struct req *r, int quick)
{
	struct source s;
	const char *name;
	FILE *fp;

	if (quick && (r->kind != B_CSV || r->len == 0 || r->len > QUICKBODY ||
	    r->nquery > 0))
		return;
	memset(&s, 0, sizeof(s));
	if (read_body(r, &s) == -1) {
		answer_error(r, 400, "%s", risk_err);
		goto done;
	}
	if (s.toolong) {
		answer_error(r, 400, "dataset: a name over %d bytes", PATH_MAX);
		goto done;
	}
	if (r->len > 0 && s.ways == 0 && r->nquery == 0) {
		answer_error(r, 400, "body: names no dataset");
		goto done;
	}
	if (r->nquery > 0 && s.ways == 0) {
		s.path = r->query;
		r->query = NULL;
	}
	if (s.ways + r->nquery > 1) {
		answer_error(r, 400, "dataset: named more than once");
		goto done;
	}
	if (s.filepart) {
		name = r->kind == B_CSV ? "body" : "upload";
		if (s.len == 0) {
			answer_error(r, 400, "%s: empty", name);
			goto done;
		}
		if ((fp = fmemopen(s.rows, s.len, "r")) == NULL)
			seterr("%s: %s", name, strerror(errno));
	} else {
		name = s.path ? s.path : "testdata.csv";
		fp = dataset_open(name);
	}
	if (fp == NULL)
		answer_error(r, 400, "%s", risk_err);
	else {
		predict(r, fp, name);
		fclose(fp);
	}
done:
	if (s.rows != r->body)
		free(s.rows);
	free(s.path);
}
