/*
 * riskwatch: the shared library of the risk tools. One block per lib/
 * file, named as the file is and as its functions begin (but for log.c,
 * which keeps err(3)-style names: seterr, warnx_, errx_, emalloc ...):
 * log and atomic, which every file uses; then the pipeline, csv, rows,
 * model, logreg, score and predict, stats, drift, deployment; what serve
 * and the reports write; the tools' plumbing.
 */
#ifndef RISK_H
#define RISK_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

/* the version and the tools' names come from the Makefile (VERSION in
 * config.mk, TOOLS), their one source */
#ifndef RISK_VERSION
#error "RISK_VERSION is defined by the Makefile from config.mk's VERSION"
#endif
#ifndef RISK_TOOLS
#error "RISK_TOOLS is defined by the Makefile from its TOOLS"
#endif

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))	/* an array's length */

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

/* printf-like: the compiler checks the arguments against the format */
#define RISK_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
/* cppcheck reads _Noreturn as nothing; this it understands */
#define RISK_NORETURN __attribute__((noreturn))

/* the library's types, named before the block that defines each */
struct adoption; struct atomic; struct colbuild; struct colfile;
struct colstats; struct columns; struct config; struct confusion;
struct decision; struct drift; struct filelist; struct json_t;
struct ksresult; struct logreg; struct model; struct profile;
struct progress; struct record; struct rowset; struct schema;
struct scored; struct scorehistory; struct scoreline; struct staging;
struct toolarg; struct toolopt;

/* log: messages on stderr prefixed with the tool's name */
extern const char *argv0;
extern int quiet;
extern _Thread_local char risk_err[1024];	/* why the last library call failed */
extern _Thread_local int risk_status;	/* its exit status: 1, 2 for config */
void setprogname_(const char *);
int seterr(const char *, ...) RISK_PRINTF(1, 2);	/* sets risk_err, returns -1 */
void warnx_(const char *, ...) RISK_PRINTF(1, 2);
RISK_NORETURN void errx_(int, const char *, ...) RISK_PRINTF(2, 3);
void infox(const char *, ...) RISK_PRINTF(1, 2);	/* silent under -q */
void *emalloc(size_t);
void *ecalloc(size_t, size_t);
void *erealloc(void *, size_t);
char *estrdup(const char *);
/* data bytes for a message: control bytes escaped (\n, \t, \x1b), cut
 * with "..." to fit; log_escs: a string into LOG_ESCMAX bytes */
#define LOG_ESCMAX 512
const char *log_esc(char *buf, size_t size, const char *s, size_t n);
const char *log_escs(char *buf, const char *s);

/* atomic: output to a temp file in the target's folder, renamed over it */
struct atomic {
	FILE *fp;
	char *path;
	char *tmp;
};
int atomic_open(struct atomic *, const char *path);
int atomic_commit(struct atomic *);	/* flush, fsync, close, rename, fsync dir */
int atomic_sync(struct atomic *);	/* flush, fsync, close; -1: aborted */
void atomic_start(void);	/* before threads: reads the umask */
unsigned atomic_mode(void);	/* 0666 less the umask */
int atomic_mkdtemp(char *tmpl);	/* a folder 0777 less the umask */
void atomic_abort(struct atomic *);
int atomic_lock(const char *dir);	/* exclusive, till exit; -1 if held */
int atomic_sweep(const char *path);	/* killed runs' temp files of path */
int atomic_write(const char *path, const char *data, size_t len);
int atomic_copy(const char *src, const char *dst);
int atomic_fsync_dir(const char *path);
int atomic_fsync_file(const char *path);

/* csvread: streaming reader with the data files' validation; a file's
 * columns are matched to the schema's by name (the first file's header, with
 * pandas' ".1" suffixes on repeated names), and a record has the schema's
 * columns in its order, empty where the file has none or the row is short */
enum { COL_TEXT, COL_FEATURE, COL_TARGET };
struct schema {
	char **col;		/* header names */
	size_t ncol;
	int fixed;		/* later files must have this header */
	int need_target;
	char **want;		/* feature names to find */
	size_t nfeat;
	const char *target;
	size_t *feat;		/* column of each feature */
	size_t tcol;		/* column of the target, (size_t)-1 when absent */
	char *headerline;	/* the header as written out */
	char *first;		/* the file whose header this is */
	char digest[65];	/* sha256 of the bytes the last read parsed */
	struct names *index;	/* col's positions by name */
	long long nshort;	/* the last read: rows short of fields */
	int realigned;		/* the last read: its header is not col */
	long long limit;	/* read no more bytes than this, if not 0 */
	long long nbytes;	/* the last read: bytes read */
	int found;		/* feat and tcol are set */
	int tkind;		/* the target's values so far, in every file
				 * read: numbers (1) or True/False (2) */
	int reread;		/* features as read back from to_csv */
	unsigned char *type;	/* each feature's NUMBER_ type so far */
	unsigned char *bigint;	/* each feature: the lowest type that read an
				 * integer of 9e14 or more, + 1; 0: none */
};
struct record {
	const char *path;
	long line;
	size_t nfield;
	char **field;
	size_t *len;
	double *x;		/* features, NAN when missing */
	int y;			/* 0, 1, or -1 when missing */
	int complete;		/* no feature and no target missing */
};
typedef int (*csvread_fn)(const struct record *, void *);
void csvread_init(struct schema *, const struct config *, int need_target);
void csvread_free(struct schema *);
/* read the features as the original system's later steps read its own
 * finaldata.csv back (number_reread); a callback may then be called with
 * a NULL record: forget the rows so far, they come again */
void csvread_reread(struct schema *);
/* feature i's field as a record gives it: 1 a number, 0 missing (NaN),
 * -1 neither; under csvread_reread it moves the column's type as it goes */
int csvread_value(struct schema *, size_t i, const char *, size_t, double *);
/* under csvread_reread, after a read: 1 when a feature's type rose after
 * an integer of 9e14 or more was read, which a new read gets right */
int csvread_changedtype(struct schema *);
/* reads path ("-" is stdin); -1 with risk_err "path:line: field n (name): ..." */
int csvread(const char *path, struct schema *, csvread_fn, void *);
int csvread_fp(FILE *, const char *name, struct schema *, csvread_fn, void *);
/* only the header of path: columns the schema lacks are added at its end,
 * as pandas' concat adds them, so that a later csvread of each file gives
 * rows of every column */
int csvread_header(const char *path, struct schema *);
int csvread_ismissing(const char *, size_t);

/* csvwrite: a field written as a CSV field; -1 on a write error */
int csvwrite_field(FILE *, const char *, size_t);

/* utf8: 1 when the bytes are well-formed UTF-8 without a NUL */
int utf8_valid(const char *, size_t);

/* number: a CSV field read as pandas 1.5's default C parser reads it */
int number_isna(const char *, size_t);	/* one of pandas' default NA words */
/* 0 and the double a float64 column holds (±inf for its inf words), or -1:
 * not a number */
int number_parse(const char *, size_t, double *);
/* as number_parse; 1 when the text is an integer (of 64 bits or fewer) */
int number_read(const char *, size_t, double *);
/* as pandas reads a field of a column that holds some other number than
 * an integer: integers too go through its float parser */
int number_float(const char *, size_t, double *);
/* a column's type as pandas reads it: integers; integers and missing
 * values (float64 from int64); other numbers (float64 throughout) */
enum { NUMBER_INT64, NUMBER_INT64NA, NUMBER_FLOAT64 };
/* the double read from a column of that type, then written by to_csv and
 * read again: 1 for an integer text, 0 another number, -1 no number */
int number_reread(const char *, size_t, int type, double *);

/* rowset: the distinct rows seen, by content; a hash collision is resolved
 * by comparing bytes, never by trusting the hash */
struct rowset {
	unsigned long long *slot;	/* 24-bit hash tag << 40 | offset + 1 */
	size_t nslot, count;
	char *arena;		/* each row: its length (rowset_varint), bytes */
	size_t len, cap;
	unsigned long long (*hash)(const void *, size_t);
};
unsigned long long rowset_hash(const void *, size_t);
void rowset_init(struct rowset *);
void rowset_free(struct rowset *);
void rowset_reserve(struct rowset *, size_t rows);	/* room without growing */
/* back to when it held count rows in len bytes of arena */
void rowset_truncate(struct rowset *, size_t len, size_t count);
/* 1 when the row is new (and is now kept), 0 when seen before, -1 error */
int rowset_add(struct rowset *, const void *, size_t);
/* the same in two steps, for callers that prefetch a batch of rows:
 * hash is the set's own r->hash of the row */
void rowset_prefetch(const struct rowset *, unsigned long long hash);
int rowset_addh(struct rowset *, const void *, size_t, unsigned long long hash);
/* v in p, 7 bits a byte, low first, the top bit set on all but the last
 * byte: at most 10 bytes; the number of bytes */
size_t rowset_varint(unsigned char *p, unsigned long long v);

/* filelist: which files are new data; ingestedfiles.txt as lines, each
 * starting with a path and a tab */
struct filelist {
	char **line;
	size_t n;
};
enum { FILELIST_NEW = 1, FILELIST_CHANGED };
int filelist_read(const char *path, struct filelist *);
void filelist_free(struct filelist *);
int filelist_isnew(const struct filelist *, const char *path, const char *sha);
/* src's lines replace dst's for the same path or are appended; the count */
size_t filelist_merge(struct filelist *dst, const struct filelist *src);

/* colfile: finaldata.csv's values as later steps read them back, in a
 * binary file beside it (finaldata.cols, the format in colfile.c), made
 * by ingest; train and diagnose read it instead of the text when it was
 * made from the finaldata.csv in place, the text otherwise */
#define COLFILE_VERSION 1
struct colfile {
	size_t nrow, ncol, nfeat;
	char **name;		/* each column's name */
	long long *missing;	/* each column's missing fields */
	size_t *feat;		/* each stored feature's column */
	size_t tcol;		/* the target's column */
	double *x;		/* nrow * nfeat, a row at a time; NaN missing */
	signed char *y;		/* the target: 0, 1, -1 missing */
	char sha256[65];	/* finaldata.csv's digest */
	char *path;		/* the column file, open on fd */
	int fd;
	unsigned long long xoff, yoff;	/* where the values, the targets start */
};
char *colfile_path(const char *csv);	/* x.csv: x.cols */
/* path checked as a hostile file; with csv, also that it was made from
 * the csv now in place (size, device, inode, mtime, ctime) */
int colfile_load(struct colfile *, const char *path, const char *csv);
/* the same checks, every value read a chunk at a time and none kept: x
 * and y stay NULL; colfile_rows then reads n rows from row lo, checked
 * again, into x (n * nfeat) and y (n), colfile_chunk rows at a time */
int colfile_open(struct colfile *, const char *path, const char *csv);
size_t colfile_chunk(const struct colfile *);
int colfile_rows(const struct colfile *, size_t lo, size_t n, double *x,
    signed char *y);
int colfile_verify(const struct colfile *, const char *csv);	/* sha256 */
void colfile_free(struct colfile *);
/* at[i]: the stored feature of cfg's feature i; -1 if one is not stored */
int colfile_find(const struct colfile *, const struct config *, size_t *at);
/* csvread of csv under csvread_reread, from the column file if it matches */
int colfile_read(const char *csv, struct schema *, csvread_fn, void *);
/* the writer: begin once the schema holds every column; stage each row
 * read, take those kept (by their stage order), unstage the batch; text
 * is every byte written to csv; remove the old file before csv is
 * renamed into place, commit after */
struct colbuild {
	char *path;
	struct atomic out;
	int ok;			/* every row's values are known */
	size_t ncol, nfeat, tcol, *feat, nameslen;
	char **names;
	long long *missing;
	struct schema rs;	/* the types as a reader of csv moves them */
	double *row;
	signed char *y;
	size_t nrow, ycap;
	char *stage;		/* rows staged: target, missing, features */
	size_t slen, scap, *soff, nstage, ocap;
	struct sha256 *sha;
	unsigned long long bytes;
	char hex[65];
	struct {		/* the state at colfile_mark */
		long long at, *missing;
		size_t nrow;
		unsigned long long bytes;
		unsigned char *type, *bigint;
		struct sha256 *sha;
	} mark;
};
void colfile_begin(struct colbuild *, const struct schema *, const char *csv);
/* cls and val, when not NULL: each field's class, COLFILE_NA exactly
 * when it is missing, COLFILE_INT when it is an integer text whose number
 * (number_read's) is val's */
enum { COLFILE_NA, COLFILE_INT };
void colfile_stage(struct colbuild *, const struct record *,
    const unsigned char *cls, const double *val);
void colfile_take(struct colbuild *, size_t k);
void colfile_unstage(struct colbuild *);
/* the state before a file's rows, to which colfile_back returns when
 * the file is read again */
void colfile_mark(struct colbuild *);
void colfile_back(struct colbuild *);
void colfile_text(struct colbuild *, const void *, size_t);
int colfile_remove(struct colbuild *);
int colfile_commit(struct colbuild *, const char *csv);
void colfile_end(struct colbuild *);	/* freed; a temp file removed */

/* model: the trained model's file (trainedmodel.json) and its arithmetic */
#define MODEL_FORMAT "riskwatch-model/1"
struct model {
	size_t nfeat;
	char **features;	/* nfeat of them */
	char *target;
	double *coef;		/* nfeat of them */
	double intercept;
	double C, tol;
	int iterations;
	long long rows;
	char data_sha256[65];
	char trained_at[32];
};
int model_save(const struct model *, const char *path);
int model_load(struct model *, const char *path);
void model_free(struct model *);
double model_decision(const struct model *, const double *x);
int model_predict(const struct model *, const double *x);
int model_check_schema(const struct model *, const struct schema *);

/* logreg: L2 logistic regression, TRON as liblinear in scikit-learn */
struct logreg {
	size_t n, d;		/* rows, features (without the bias) */
	double *x;		/* n*d, row-major */
	signed char *y;		/* -1 or +1 */
	double C, tol;
	int max_iter;
};
/* w has d+1 entries, the last the intercept; returns the iterations, or -1
 * with risk_err when the arithmetic overflows; reorders the rows by class,
 * -1 first, as liblinear does */
int logreg_train(struct logreg *, double *w);

/* metrics: a confusion matrix and the figures drawn from it */
struct confusion {
	long long tn, fp, fn, tp;
};
void metrics_tally(struct confusion *, int truth, int pred);
double metrics_precision(const struct confusion *);
double metrics_recall(const struct confusion *);
double metrics_f1(const struct confusion *);
double metrics_accuracy(const struct confusion *);

/* score: a model over a data file with its target: the confusion matrix
 * F1 comes from (score(1), serve's /scoring, deploy --adopt) */
struct scored {
	struct confusion cm;
	long long left;		/* rows left out: a value missing */
};
int score_file(const struct model *, const struct config *, const char *path,
    const char *modelname, struct scored *);

/* predict: where /prediction's numbers come from; each row's class and
 * probability of 1 under a model, for diagnose's predictions and serve's
 * /prediction. fn gets each row's prediction (-1 when a feature is
 * missing) and probability of 1; path "-" is stdin */
int predict_fp(const struct model *, FILE *, const char *name,
    int (*)(const struct record *, int, double, void *), void *);
int predict_file(const struct model *, const char *path,
    int (*fn)(const struct record *, int, double, void *), void *);
/* [0,1,...], null for a row with a missing feature; *proba when asked */
struct json_t *predict_json(const struct model *, const char *path,
    struct json_t **proba);

/* stats: a column's figures as pandas computes them (NaN is missing) */
struct colstats {
	size_t count;		/* values not missing */
	double mean, median, std;	/* std with n - 1; NaN when undefined */
};
double stats_sum(const double *, size_t);	/* pandas' sum, NaN as 0 */
double stats_pairwise(const double *, size_t);	/* numpy's, NaN as 0 */
double stats_select(double *, size_t n, size_t k);	/* k-th smallest */
double stats_median(double *, size_t);	/* no NaN; reorders */
void stats_describe(double *, size_t, struct colstats *);	/* reorders */

/* columns: a data file read as columns, each feature's values and each
 * column's missing fields */
struct columns {
	size_t nrow, ncol, nfeat, cap;
	char **name;		/* every column's header name */
	long long *missing;	/* missing fields in each column */
	size_t *feat;		/* column of each feature */
	double **x;		/* each feature's values, NaN when missing */
	int values;		/* x was filled */
};
/* flags: fill x; read it as the original system reads its finaldata.csv */
enum { COLUMNS_VALUES = 1, COLUMNS_FINALDATA = 2 };
int columns_load(struct columns *, const char *path, const struct config *,
    int flags);
void columns_free(struct columns *);

/* diag: the diagnostics of diagnose(1), report(1) and serve(1), as jansson
 * values in SPEC.md's shapes; NULL with risk_err on failure */
struct json_t *diag_number(double);	/* null when not finite */
struct json_t *diag_summary(const struct config *);
struct json_t *diag_summary_of(struct columns *);	/* reorders x */
struct json_t *diag_missing(const struct config *);
struct json_t *diag_missing_of(const struct columns *);
/* data against the reference profile of model's deployment folder, or of
 * the current deployment when model is NULL */
struct json_t *diag_drift(const struct config *, const char *data,
    const char *model);

/* timing: {"ingest":s,"train":s}: seconds on a scratch copy of the
 * workspace; with runs > 1 the means, and "runs", "ingest_min",
 * "train_min" */
struct json_t *timing_measure(const struct config *, int runs);

/* deps: [{"name","version","latest"}...]: libcsv, jansson, libmicrohttpd,
 * gnuplot, curl, bats; never fails, "unknown" where it cannot tell */
struct json_t *deps_versions(void);

/* drift: who decides drift; is the deployed model still good on new data?
 * drift_decide, on the score history, is the decision deploy --check and
 * so fullprocess act on */
enum { DRIFT_RAW, DRIFT_PARAMETRIC, DRIFT_NONPARAMETRIC };
struct drift {
	int asked;		/* the configured test */
	int test;		/* the test that decided: raw below 2 scores */
	double score;		/* the new score */
	double center, spread;	/* deployed score; mean, std; Q1, IQR */
	double threshold;	/* drift when score < threshold */
	size_t n;		/* scores in the history */
	int drift;
};
int drift_parse(const char *);	/* "raw" ... or -1 */
const char *drift_name(int);
double drift_mean(const double *, size_t);
double drift_std(const double *, size_t);	/* ddof 0, as numpy.std */
double drift_quantile(const double *sorted, size_t, double q);	/* linear */
void drift_decide(struct drift *, int test, double score, double deployed,
    const double *hist, size_t n);
/* the configured score test against the current deployment, whose ID
 * goes to id */
int drift_scoretest(const struct config *, double score, struct drift *,
    char *id, size_t size);

/* profile: what the data drift tests keep of a deployment's training data,
 * history/ID/reference.json (the format in profile.c) */
#define PROFILE_FORMAT "riskwatch-reference/1"
#define PROFILE_FILE "reference.json"
struct profile {
	long long rows;		/* rows of the data */
	size_t sample;		/* rows in the sample */
	size_t nfeat;
	char **name;
	long long *missing;	/* each feature's missing values, of rows */
	double **x;		/* each feature's sampled values, sorted */
	size_t *n;		/* how many */
	char *target;
	int hastarget;		/* the data had the target column */
	long long classes[2], tmissing;	/* target 0, 1, missing */
	char data_sha256[65];
};
/* path's rows, sampled to at most cap rows; features and target as cfg */
int profile_make(struct profile *, const char *path, const struct config *,
    size_t cap);
int profile_save(const struct profile *, const char *path);
int profile_load(struct profile *, const char *path);	/* hostile file */
void profile_free(struct profile *);
/* dir/reference.json from the data file, drift.reference_rows rows */
int profile_write(const struct config *, const char *data, const char *dir);

/* datadrift: one feature's drift between two samples, as scipy computes it */
struct ksresult {
	double d, p;	/* the statistic, its two-sided p-value */
	int exact;	/* 1: the exact distribution, 0: asymptotic */
};
/* scipy 1.10's ks_2samp(a, b) (two-sided, 'auto'); a and b sorted */
int datadrift_ks(const double *a, size_t, const double *b, size_t,
    struct ksresult *);
double datadrift_kolmogn_sf(long long n, double x);	/* scipy's kstwo.sf */
/* PSI over ref's deciles; both sorted, not empty */
double datadrift_psi(const double *ref, size_t, const double *cur, size_t);
/* scipy.stats.wasserstein_distance; both sorted, not empty */
double datadrift_wasserstein(const double *u, size_t, const double *v,
    size_t);
/* the drift of cur against ref, as diagnose drift --json prints it */
struct json_t *datadrift_report(const struct profile *ref,
    const char *refname, const struct profile *cur, const struct config *);

/* deploy: which file is the deployed model; prod/history/ID folders, each
 * a deployment, prod/current a symlink to one and prod/trainedmodel.json
 * (and the other artifacts) links through current */
int deploy_list(const char *prod, char ***ids, size_t *n);	/* oldest first */
void deploy_freelist(char **, size_t);
int deploy_current(const char *prod, char *id, size_t size);	/* 0 none, 1 set */
/* the current deployment's folder; NULL: none, or an error */
char *deploy_currentdir(const char *prod, char *id, size_t size);
int deploy_switch(const char *prod, const char *id);
int deploy_toplinks(const char *prod);	/* prod/NAME -> current/NAME */
int deploy_lock(const char *prod, int create);	/* fd of the held lock */
int deploy_link(const char *dir, const char *target, const char *name);
void deploy_clean(const char *prod);	/* what killed runs left */
int deploy_owns(const char *prod, const char *name);	/* deploy put it */
int deploy_fits(const struct model *, const struct config *, const char *);
int deploy_recorded(const char *prod, const char *id);	/* was current */
int deploy_valid(const struct config *, const char *id);
int deploy_readscore(const char *path, double *f1);
int deploy_readscore_python(const char *path, double *f1);	/* the original's */
#define DEPLOY_NARTIFACT 3
extern const char *const deploy_artifacts[DEPLOY_NARTIFACT];
char *deploy_file(const char *prod, const char *name);	/* deployed */
char *deploy_path(const char *prod, const char *id, const char *name);
time_t deploy_epoch(const char *id);	/* the ID's time; 0: none */
time_t deploy_isotime(const char *);	/* 2026-11-24T15:45:00Z; -1: not */
void deploy_time(const char *id, char *iso, size_t size);
/* prod/name gets a line appended, the file made with header if none */
int deploy_append(const char *prod, const char *name, const char *header,
    const char *line);
/* decisions.csv: the drift checks' and the gate's decisions, with their
 * figures; a field empty where a test did not run */
#define DECISIONS_FILE "decisions.csv"
#define DECISION_HEADER "time,event,model,test,f1,op,threshold,score," \
    "drifted,features,data,decision\n"
#define DECISION_NFIELD 12
struct decision {
	char time[32];
	char event[16];		/* check, gate */
	char model[128];	/* check: the deployed model; gate: the new */
	char test[16];		/* check: the score test that decided */
	char f1[40];		/* check: on the new data; gate: the new model's */
	char op[4];		/* < or >= */
	char threshold[40];	/* what f1 was held against */
	char score[16];		/* drift, nodrift: the score test's verdict */
	char drifted[24], features[24];	/* the data test's count */
	char data[16];		/* drift, nodrift, or empty: not run */
	char decision[16];	/* check: drift, nodrift; gate: deployed, kept */
};
int deploy_decisions(const char *prod,
    int (*fn)(const struct decision *, void *), void *arg);
int deploy_decide(const char *prod, const char *event, const char *model,
    const char *test, double f1, int below, double threshold,
    const char *score, const char *drifted, const char *features,
    const char *data, const char *decision);
/* a new deployment's ID: the time and the model's digest (hex) */
int deploy_newid(char *id, size_t size, const char *hex);
/* what deploy_stage makes a new history/ID of */
struct staging {
	const char *src[DEPLOY_NARTIFACT];	/* copied; NULL: fill writes it */
	int (*fill)(const char *dir, void *arg);	/* the rest, or NULL */
	void *arg;
	const char *data;	/* the training data: the reference profile */
};
/* history/ID made whole, or nothing; id gets ID */
int deploy_stage(const struct config *, const struct staging *, char *id,
    size_t size);

/* history: prod/scorehistory.csv, the F1 of every deployment and drift
 * check, a line time,f1,model,event each; read and written only here */
#define HISTORY_FILE "scorehistory.csv"
struct scoreline {
	const char *time, *model, *event;	/* the line's fields */
	double f1;		/* from 0 to 1 */
};
struct scorehistory {
	struct scoreline *line;	/* n of them, oldest first */
	size_t n;
	char *buf;		/* the file's bytes the fields point into */
};
/* strict: a malformed line fails the read, naming it; else it is skipped */
int history_read(const char *prod, struct scorehistory *, int strict);
void history_free(struct scorehistory *);
/* one line appended; the caller holds deploy_lock */
int history_add(const char *prod, const char *time, double f1,
    const char *model, const char *event);

/* adopt: a deployment of the original Python system, never replaced */
struct adoption {
	char id[96];		/* history/ID made */
	double score, deployed;	/* retrained F1, the Python latestscore */
	char f1[40], was[40];	/* both as Python prints them */
	size_t nfiles;
	int match;
	int lock;		/* deploy_lock's, held once staged */
};
/* -1 naming what prod holds that deploy did not put there */
int adopt_guard(const char *prod);
/* retrains on the Python deployment's files and makes history/ID; the
 * caller switches to it and closes ad->lock */
int adopt_stage(const struct config *, int force, struct adoption *);
/* the Python files at the top of prod, now kept in history/ID/original,
 * removed */
int adopt_finish(const char *prod, const char *id);

/* jsonout: a jansson value, compact, numbers as fmt_double writes them */
int jsonout(FILE *, struct json_t *);
/* a number, as jsonout writes it, or a string, for a table's cell; else NA */
const char *jsonout_cell(char *buf, size_t size, struct json_t *);

/* fmt: numbers and times as text */
char *fmt_double(char *buf, size_t size, double);	/* as Python's repr */
void fmt_utc_iso(char *buf, size_t size);	/* 2026-11-24T15:20:00Z */

/* tool: the options and the start every tool shares; a tool's own options
 * are a table that parsing, the getopt string and -h all read */
enum { TOOL_OPT_JSON = 256 };	/* --json; other long-only options follow */
struct toolarg {
	int ch;			/* its letter, or TOOL_OPT_JSON and up */
	const char *name;	/* its long name, or NULL */
	const char *arg;	/* its argument's name, or NULL: none */
	const char *help;	/* what it does (default: ...) */
	/* where it goes: one of */
	int *flag;		/* set to 1 */
	const char **str;	/* set to the argument */
	int *verb;		/* set to ch, str to the argument; a second
				 * verb is a usage error */
	long *num;		/* the argument, a number from min to max, */
	long min, max;
	const char *bad;	/* or "-n ARG: bad" and the usage line */
};
struct toolopt {
	const char *synopsis;	/* the usage line after the name */
	const struct toolarg *args;	/* ending with ch 0 */
	int operands;		/* 1: operands follow the options */
	const char *dir, *cfgpath;	/* -C, -c */
};
/* these three exit: usage (2), -h, -V (0) */
int tool_parse(struct toolopt *, int argc, char *argv[]); /* the 1st operand */
RISK_NORETURN void tool_usage(const struct toolopt *);
RISK_NORETURN void tool_help(const struct toolopt *);	/* -h: on stdout */
/* to -C's folder, the config read; -1 with risk_status 2 */
int tool_start(const struct toolopt *, struct config *);
int tool_flush(void);	/* stdout flushed, no write error; -1 else */
void tool_version(void);
char *tool_path(const char *tool);	/* a sibling tool of this one */

/* config: config.json read once, every key checked, defaults filled */
#define MAXFEAT 10000	/* features at most: a bound on a hostile file */
#define MAXFEATS "10000"
struct config {
	char *input_folder_path;
	char *output_folder_path;
	char *test_data_path;
	char *output_model_path;
	char *prod_deployment_path;
	char *target;
	char **features;	/* nfeat of them */
	size_t nfeat;
	double C, tol;
	int max_iter;
	char *drift_test;	/* the score test: raw, parametric, ... */
	int drift_rule;		/* which test's drift retrains: DRIFT_BY_* */
	int gate;		/* deploy only a model not worse than current */
	double gate_margin;	/* ... by more than this */
	char *api_host;
	int api_port;
	long long api_max_body;
	long long lock_timeout;	/* seconds: a fullprocess lock older is stale */
	/* drift: the data drift tests (profile.c, datadrift.c) */
	size_t drift_rows;	/* rows sampled for a reference profile */
	double drift_ks_pvalue;	/* a feature drifts when KS p is below */
	long long drift_ks_rows;	/* KS decides up to this many rows */
	double drift_wasserstein;	/* beyond: normalised W1 at least this */
	double drift_share;	/* the data drifts: this share of features */
};
enum { DRIFT_BY_SCORE, DRIFT_BY_DATA, DRIFT_BY_BOTH };
void config_init(struct config *);	/* the defaults */
int config_load(struct config *, const char *path);	/* path NULL: config.json */
void config_free(struct config *);
int config_dir(const char *key, const char *dir);	/* dir must exist */
int config_mkdir(const char *key, const char *dir);	/* create if missing */
int config_print(const struct config *, const char *key, FILE *);
int config_name(const char *);	/* 0: holds a control character */

/* progress: rows done and their rate on one updating line of stderr when
 * it is a terminal and not under -q */
struct progress {
	int on;
	const char *what;
	long long next;		/* the rows at the next look at the clock */
	double start, last;
};
void progress_start(struct progress *, const char *what);
void progress_show(struct progress *, long long rows);
static inline void
progress_rows(struct progress *p, long long rows)
{
	if (rows >= p->next)
		progress_show(p, rows);
}
void progress_clear(void);	/* the line erased; every message does it */

/* path: joined, split, tested, made; a file read whole */
int path_mkdirs(const char *path);
char *path_join(const char *, const char *);
char *path_dir(const char *);	/* the folder part, "." when none */
int path_under(const char *resolved, const char *dir, int self);
char *path_slurp(const char *path, size_t *len);
void path_sortnames(char **, size_t);	/* strcmp order */
void path_freenames(char **, size_t);	/* each, then the list */

/* spawn: another program (PATH searched, LC_ALL=C.UTF-8, stdin /dev/null),
 * waited for; its stdout into *out (malloc'd) unless out is NULL; the exit
 * status, 128 + a signal, or -1 with risk_err and errno (ENOENT: not found)
 * when it could not start */
enum { SPAWN_ERRNULL = 1, SPAWN_OUTNULL = 2 };	/* else shown */
int spawn(char *const argv[], char **out, int flags);
int spawn_in(const char *dir, char *const argv[], char **out, int flags);	/* in dir */

/* scratch: a workspace in TMPDIR, riskwatch-NAME.PID.XXXXXX with the folders
 * sub; its config.json the workspace's settings, paths inside it but the
 * test data's */
char *scratch_make(const char *name, const char *const *sub, size_t nsub);
int scratch_config(const struct config *, const char *dir, const char *test);
void scratch_remove(const char *dir);

/* sha256: file and data digests */
int sha256_file(const char *path, char hex[65]);
void sha256_hex(const void *, size_t, char hex[65]);
struct sha256;		/* a running digest; sha256_end frees it */
struct sha256 *sha256_new(void);
void sha256_add(struct sha256 *, const void *, size_t);
void sha256_end(struct sha256 *, char hex[65]);
struct sha256 *sha256_copy(const struct sha256 *);	/* the digest so far */

#endif
