# Loaded by every suite: the tools on PATH, C locale, a workspace per test.
bats_require_minimum_version 1.5.0

export LC_ALL=C
ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
# shellcheck disable=SC2034 # the suites that load this file use it
FIXTURES=$ROOT/tests/fixtures
SEED=${RISK_SEED:-$ROOT/../shared/seed-data}
PATH=$ROOT/bin:$ROOT/scripts:$PATH
# RISK_SLOW: set by make check-asan and check-valgrind, whose tools run
# many times slower; a test that measures time skips under it, or waits
# $PROMPT seconds, not 1, for an answer that must come at once (valgrind
# runs one thread at a time, so even /health waits its turn)
PROMPT=${RISK_SLOW:+15}
PROMPT=${PROMPT:-1}
# Debian's python3, which has pandas and scikit-learn (the test oracle)
ORACLE=${RISK_ORACLE:-/usr/bin/python3}

# mkws DIR...: a workspace in $WS made of the named fixture folders' contents
mkws() {
	WS=$BATS_TEST_TMPDIR/ws
	mkdir -p "$WS"
	local d
	for d in "$@"; do
		cp -R "$d"/. "$WS"/
	done
}

# genws ROWS: in a workspace $WS of ROWS generated rows (config.json's
# defaults, practicedata/a.csv)
genws() {
	WS=$BATS_TEST_TMPDIR/ws
	mkdir -p "$WS/practicedata"
	cp "$ROOT/config.json" "$WS/"
	gendata "$1" 3 >"$WS/practicedata/a.csv"
	cd "$WS" || return 1
}

# seedws [input_folder]: a workspace holding the seed's data, or skip
seedws() {
	[ -d "$SEED/practicedata" ] || skip "no seed data at $SEED"
	mkws "$SEED"
	if [ -n "${1:-}" ]; then
		sed -i "s/\"practicedata\"/\"$1\"/" "$WS/config.json"
	fi
}

need_oracle() {
	"$ORACLE" -c 'import pandas, sklearn' 2>/dev/null ||
		skip "no pandas and scikit-learn for $ORACLE"
}

# digest of every file under a folder, to show nothing changed
treesum() {
	(cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum)
}
