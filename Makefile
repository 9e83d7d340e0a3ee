# riskwatch - the life of a churn-risk model as small Unix tools
.POSIX:

include config.mk

LIB = lib/librisk.a
HDR = lib/risk.h
LIBOBJ = \
	lib/adopt.o\
	lib/atomic.o\
	lib/colfile.o\
	lib/columns.o\
	lib/config.o\
	lib/csvread.o\
	lib/csvwrite.o\
	lib/datadrift.o\
	lib/deploy.o\
	lib/deps.o\
	lib/diag.o\
	lib/drift.o\
	lib/filelist.o\
	lib/fmt.o\
	lib/history.o\
	lib/jsonout.o\
	lib/log.o\
	lib/logreg.o\
	lib/metrics.o\
	lib/model.o\
	lib/number.o\
	lib/path.o\
	lib/predict.o\
	lib/profile.o\
	lib/progress.o\
	lib/rowset.o\
	lib/scratch.o\
	lib/score.o\
	lib/sha256.o\
	lib/spawn.o\
	lib/stats.o\
	lib/timing.o\
	lib/tool.o\
	lib/utf8.o

TOOLS = serve ingest train score deploy diagnose report
SCRIPTS = fullprocess apicalls
BIN = \
	bin/ingest\
	bin/train\
	bin/score\
	bin/deploy\
	bin/diagnose\
	bin/report
UNIT = \
	tests/unit/colfile_test\
	tests/unit/csvread_test\
	tests/unit/datadrift_test\
	tests/unit/drift_test\
	tests/unit/fmt_test\
	tests/unit/history_test\
	tests/unit/logreg_test\
	tests/unit/metrics_test\
	tests/unit/model_test\
	tests/unit/number_test\
	tests/unit/rowset_test\
	tests/unit/stats_test
# the fuzz harnesses: tests/fuzz/NAME.c, its corpus tests/fuzz/NAME/
FUZZERS = csv config model history filelist profile colfile serve
REPLAY = \
	tests/fuzz/csv_replay\
	tests/fuzz/config_replay\
	tests/fuzz/model_replay\
	tests/fuzz/history_replay\
	tests/fuzz/filelist_replay\
	tests/fuzz/profile_replay\
	tests/fuzz/colfile_replay
FUZZBIN = \
	tests/fuzz/csv_fuzz\
	tests/fuzz/config_fuzz\
	tests/fuzz/model_fuzz\
	tests/fuzz/history_fuzz\
	tests/fuzz/filelist_fuzz\
	tests/fuzz/profile_fuzz\
	tests/fuzz/colfile_fuzz
FUZZSRC = tests/fuzz/fuzz.h tests/fuzz/fuzz.c
# serve's harness: its routes and state without the HTTP server
SERVEFUZZ = cmd/serve/dataset.c cmd/serve/routes.c cmd/serve/state.c
FUZZ_SECONDS = 60
MAN5 = man/riskwatch-config.5
MAN7 = man/riskwatch.7

SERVE = cmd/serve/main.c cmd/serve/dataset.c cmd/serve/http.c cmd/serve/routes.c \
	cmd/serve/state.c

# the version and the tool list, from here to the C (lib/risk.h)
RISKDEFS = -DRISK_VERSION='"$(VERSION)"' -DRISK_TOOLS='"$(TOOLS)"'
ALLCFLAGS = $(CPPFLAGS) $(RISKDEFS) $(DEPCFLAGS) $(CFLAGS) -Ilib

all: $(BIN) bin/serve

$(LIBOBJ): $(HDR) config.mk
lib/spawn.o lib/tool.o: Makefile
.c.o:
	$(CC) $(ALLCFLAGS) -c -o $@ $<

$(LIB): $(LIBOBJ)
	rm -f $@
	ar rcs $@ $(LIBOBJ)

$(BIN): $(LIB) $(HDR) config.mk
bin/ingest: cmd/ingest.c
bin/train: cmd/train.c
bin/score: cmd/score.c
bin/deploy: cmd/deploy.c
bin/diagnose: cmd/diagnose.c
bin/report: cmd/report.c
$(BIN):
	@mkdir -p bin
	$(CC) $(ALLCFLAGS) $(LDFLAGS) -o $@ cmd/$(@F).c $(LIB) $(DEPLIBS)

bin/serve: $(SERVE) cmd/serve/serve.h $(LIB) $(HDR) config.mk
	@mkdir -p bin
	$(CC) $(ALLCFLAGS) $(MHDCFLAGS) -Icmd/serve $(LDFLAGS) -o $@ $(SERVE) \
	    $(LIB) $(DEPLIBS) $(MHDLIBS)

tests/bench/bare: tests/bench/bare.c config.mk
	$(CC) $(CPPFLAGS) $(CFLAGS) $(MHDCFLAGS) $(LDFLAGS) -o $@ \
	    tests/bench/bare.c $(MHDLIBS)

tests/bench/floor: tests/bench/floor.c $(LIB) $(HDR) config.mk
	$(CC) $(ALLCFLAGS) $(LDFLAGS) -o $@ tests/bench/floor.c $(LIB) $(DEPLIBS)

$(UNIT): $(LIB) $(HDR) tests/unit/unit.h config.mk
tests/unit/colfile_test: tests/unit/colfile_test.c
tests/unit/csvread_test: tests/unit/csvread_test.c
tests/unit/datadrift_test: tests/unit/datadrift_test.c
tests/unit/drift_test: tests/unit/drift_test.c
tests/unit/fmt_test: tests/unit/fmt_test.c
tests/unit/history_test: tests/unit/history_test.c
tests/unit/logreg_test: tests/unit/logreg_test.c
tests/unit/metrics_test: tests/unit/metrics_test.c
tests/unit/model_test: tests/unit/model_test.c
tests/unit/number_test: tests/unit/number_test.c
tests/unit/rowset_test: tests/unit/rowset_test.c
tests/unit/stats_test: tests/unit/stats_test.c
$(UNIT):
	$(CC) $(ALLCFLAGS) $(LDFLAGS) -o $@ $@.c $(LIB) $(DEPLIBS)

# each harness once over its corpus, without libFuzzer (tests/fuzz.bats)
$(REPLAY) tests/fuzz/serve_replay: $(LIB) $(HDR) $(FUZZSRC) \
    tests/fuzz/replay.c config.mk
tests/fuzz/csv_replay: tests/fuzz/csv.c
tests/fuzz/config_replay: tests/fuzz/config.c
tests/fuzz/model_replay: tests/fuzz/model.c
tests/fuzz/history_replay: tests/fuzz/history.c
tests/fuzz/filelist_replay: tests/fuzz/filelist.c
tests/fuzz/profile_replay: tests/fuzz/profile.c
tests/fuzz/colfile_replay: tests/fuzz/colfile.c
$(REPLAY):
	$(CC) $(ALLCFLAGS) -Itests/fuzz $(LDFLAGS) -o $@ $(@:_replay=.c) \
	    tests/fuzz/fuzz.c tests/fuzz/replay.c $(LIB) $(DEPLIBS)
tests/fuzz/serve_replay: tests/fuzz/serve.c $(SERVEFUZZ) cmd/serve/serve.h
	$(CC) $(ALLCFLAGS) $(MHDCFLAGS) -Icmd/serve -Itests/fuzz $(LDFLAGS) \
	    -o $@ tests/fuzz/serve.c $(SERVEFUZZ) tests/fuzz/fuzz.c \
	    tests/fuzz/replay.c $(LIB) $(DEPLIBS) $(MHDLIBS)

unit: $(UNIT) $(REPLAY) tests/fuzz/serve_replay tests/bench/floor

# every harness under libFuzzer for FUZZ_SECONDS; a finding is kept in
# tests/fuzz/crash-NAME-*, the corpus grown in tests/fuzz/work/NAME
$(FUZZBIN) tests/fuzz/serve_fuzz: $(HDR) $(LIBOBJ:.o=.c) $(FUZZSRC) config.mk
tests/fuzz/csv_fuzz: tests/fuzz/csv.c
tests/fuzz/config_fuzz: tests/fuzz/config.c
tests/fuzz/model_fuzz: tests/fuzz/model.c
tests/fuzz/history_fuzz: tests/fuzz/history.c
tests/fuzz/filelist_fuzz: tests/fuzz/filelist.c
tests/fuzz/profile_fuzz: tests/fuzz/profile.c
tests/fuzz/colfile_fuzz: tests/fuzz/colfile.c
$(FUZZBIN):
	$(FUZZCC) $(CPPFLAGS) $(RISKDEFS) $(DEPCFLAGS) $(FUZZFLAGS) -Ilib \
	    -Itests/fuzz \
	    -o $@ $(@:_fuzz=.c) tests/fuzz/fuzz.c $(LIBOBJ:.o=.c) $(DEPLIBS)
tests/fuzz/serve_fuzz: tests/fuzz/serve.c $(SERVEFUZZ) cmd/serve/serve.h
	$(FUZZCC) $(CPPFLAGS) $(RISKDEFS) $(DEPCFLAGS) $(MHDCFLAGS) \
	    $(FUZZFLAGS) -Ilib \
	    -Icmd/serve -Itests/fuzz -o $@ tests/fuzz/serve.c $(SERVEFUZZ) \
	    tests/fuzz/fuzz.c $(LIBOBJ:.o=.c) $(DEPLIBS) $(MHDLIBS)

fuzz: deps
	$(MAKE) $(FUZZBIN) tests/fuzz/serve_fuzz
	scripts/fuzz -t $(FUZZ_SECONDS) $(FUZZERS)

deps:
	scripts/install-deps

test: deps
	$(MAKE) all unit
	tests/run

# cppcheck over the C of the tools and the library, shellcheck over the
# scripts, and no eval in them; tests/lint.bats runs it, so make test does.
# Suppressed everywhere, each for its reason:
#   variableScope  declarations open their function or block, as style(9)
#                  has them
LINTC = cmd lib
LINTSH = .ci/run scripts/apicalls scripts/bench scripts/bench-api \
	scripts/demo scripts/faulttest scripts/fullprocess scripts/fuzz \
	scripts/gendata scripts/install-deps scripts/mksample scripts/vgwrap \
	tests/run tests/test_helper.bash tests/fixtures/crosscheck/ingest
CPPCHECK = cppcheck -q --error-exitcode=1 --inline-suppr --std=c11 \
	--enable=warning,style,performance,portability \
	--library=tests/lint/jansson.cfg \
	--template='{file}:{line}: {severity}: {id}: {message}' \
	--suppress=variableScope
lint:
	$(CPPCHECK) $(CPPFLAGS) $(RISKDEFS) -Ilib -Icmd/serve $(LINTC)
	shellcheck $(LINTSH)
	if grep -nw eval $(LINTSH); then \
	    echo "lint: eval in a script: call the command itself" >&2; \
	    exit 1; \
	fi

check-asan: deps
	$(MAKE) clean
	$(MAKE) CFLAGS="$(CFLAGS) -O1 $(SANFLAGS)" LDFLAGS="$(LDFLAGS) $(SANFLAGS)" all unit
	r=0; ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    RISK_SLOW=1 tests/run || r=$$?; \
	    $(MAKE) clean; exit $$r

# the whole corpus of tests/crosscheck.py (make test runs its fast subset)
# and its KS pairs; the oracle is Debian's python3, with pandas,
# scikit-learn and scipy
ORACLE = /usr/bin/python3
crosscheck: deps
	$(MAKE) all tests/unit/datadrift_test
	$(ORACLE) tests/crosscheck.py --corpus bin
	$(ORACLE) tests/crosscheck.py --ks tests/unit/datadrift_test

# the tests with every tool, unit test and fuzz replay run under valgrind's
# memcheck: an error or a leak fails the test and is shown at the end
check-valgrind: deps
	$(MAKE) clean
	$(MAKE) all unit
	rm -rf tests/vglog
	scripts/vgwrap wrap tests/vglog $(BIN) bin/serve $(UNIT) $(REPLAY) \
	    tests/fuzz/serve_replay
	r=0; RISK_SLOW=1 tests/run || r=$$?; \
	    scripts/vgwrap report tests/vglog || r=1; \
	    $(MAKE) clean; rm -rf tests/vglog; exit $$r

# kill -9 at random points of ingest, train, deploy and fullprocess
# (FAULT_SEED= to replay a run)
FAULT_RUNS = 52
FAULT_ROWS = 600000
FAULT_SEED =
faulttest: all
	s='$(FAULT_SEED)'; scripts/faulttest -n $(FAULT_RUNS) \
	    -r $(FAULT_ROWS) $${s:+-s "$$s"}

demo: deps
	$(MAKE) all
	scripts/demo

# BENCH_ROWS="2000000 5000000" BENCH_RUNS=3: see BENCHMARKS.md
bench: deps
	$(MAKE) all tests/bench/floor
	scripts/bench $(BENCH_ROWS)

bench-api: deps
	$(MAKE) all tests/bench/bare
	scripts/bench-api

# one step of the pipeline on a workspace
WS = .
ingest train score deploy diagnose report: all
	bin/$@ -C $(WS)
fullprocess: all
	scripts/fullprocess -C $(WS)

# an installed page's cross-references name the installed tools
MANXR = awk -v pre='$(PROGPREFIX)' -v names='$(TOOLS) $(SCRIPTS)' \
    'BEGIN { n = split(names, a, " "); for (i = 1; i <= n; i++) t[a[i]] = 1 } \
    /^\./ { for (i = 1; i + 2 <= NF; i++) \
        if (($$i == ".Xr" || $$i == "Xr") && ($$(i + 1) in t) && \
            $$(i + 2) == "1") $$(i + 1) = pre $$(i + 1) } \
    { print }'

install: all
	mkdir -p $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANPREFIX)/man1 \
	    $(DESTDIR)$(MANPREFIX)/man5 $(DESTDIR)$(MANPREFIX)/man7
	for t in $(TOOLS) $(SCRIPTS); do \
	    src=bin/$$t; [ -f $$src ] || src=scripts/$$t; \
	    cp -f $$src $(DESTDIR)$(PREFIX)/bin/$(PROGPREFIX)$$t && \
	    chmod 755 $(DESTDIR)$(PREFIX)/bin/$(PROGPREFIX)$$t && \
	    $(MANXR) man/$$t.1 >$(DESTDIR)$(MANPREFIX)/man1/$(PROGPREFIX)$$t.1 && \
	    chmod 644 $(DESTDIR)$(MANPREFIX)/man1/$(PROGPREFIX)$$t.1 || exit 1; \
	done
	for m in $(MAN5); do \
	    $(MANXR) $$m >$(DESTDIR)$(MANPREFIX)/man5/$${m#man/} && \
	    chmod 644 $(DESTDIR)$(MANPREFIX)/man5/$${m#man/} || exit 1; \
	done
	for m in $(MAN7); do \
	    $(MANXR) $$m >$(DESTDIR)$(MANPREFIX)/man7/$${m#man/} && \
	    chmod 644 $(DESTDIR)$(MANPREFIX)/man7/$${m#man/} || exit 1; \
	done

uninstall:
	for t in $(TOOLS) $(SCRIPTS); do \
	    rm -f $(DESTDIR)$(PREFIX)/bin/$(PROGPREFIX)$$t \
	        $(DESTDIR)$(MANPREFIX)/man1/$(PROGPREFIX)$$t.1; \
	done
	rm -f $(DESTDIR)$(MANPREFIX)/man5/riskwatch-config.5 \
	    $(DESTDIR)$(MANPREFIX)/man7/riskwatch.7

clean:
	rm -f $(LIB) $(LIBOBJ) $(BIN) bin/serve $(UNIT) $(REPLAY) \
	    tests/fuzz/serve_replay $(FUZZBIN) tests/fuzz/serve_fuzz \
	    tests/bench/bare tests/bench/floor
	rm -rf bin/.vg tests/unit/.vg tests/fuzz/.vg

.PHONY: all unit deps test lint check-asan check-valgrind crosscheck fuzz faulttest demo bench bench-api install uninstall clean ingest train score deploy diagnose report fullprocess
