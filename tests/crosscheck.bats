#!/usr/bin/env bats
# ingest, train, score and diagnose against pandas and scikit-learn (the
# original system's libraries): on the seed's and the sample's data, on
# freshly generated data, and on the fast subset of the corpus in
# tests/crosscheck.py (make crosscheck runs all of it).

load test_helper

XC=$BATS_TEST_DIRNAME/crosscheck.py

# crosscheck: every field of $WS compared with the oracle, and all agree
crosscheck() {
	run "$ORACLE" "$XC" "$ROOT/bin" "$WS"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "crosscheck: 0 fields differ" ]
	[ "$(grep -c '^ok ' <<<"$output")" -eq 14 ]
	[[ "$output" == *"ok finaldata "*" bytes, identical"* ]]
}

# stubbin TOOL: a BINDIR in $BIN with the built tools and the stand-in TOOL
# from tests/fixtures/crosscheck
stubbin() {
	BIN=$BATS_TEST_TMPDIR/bin
	mkdir -p "$BIN"
	local t
	for t in ingest train score diagnose; do
		ln -s "$ROOT/bin/$t" "$BIN/$t"
	done
	rm "$BIN/$1"
	ln -s "$FIXTURES/crosscheck/$1" "$BIN/$1"
}

@test "the seed's practice data gives pandas' rows and scikit-learn's model and F1" {
	need_oracle
	seedws
	crosscheck
	[[ "$output" == *"ok finaldata 26 rows, 522 bytes, identical"* ]]
	[[ "$output" == *"ok n_iter 11"* ]]
	[[ "$output" == *"ok f1 0.5714285714285715"* ]]
	[ "$(cat "$WS/practicemodels/latestscore.txt")" = 0.5714285714285715 ]
}

@test "the seed's source data gives scikit-learn's early-stopped model (F1 0.333...)" {
	need_oracle
	seedws sourcedata
	crosscheck
	[[ "$output" == *"ok n_iter 7"* ]]
	[ "$(cat "$WS/practicemodels/latestscore.txt")" = 0.3333333333333333 ]
}

@test "the sample workspace agrees with pandas and scikit-learn" {
	need_oracle
	mkws
	cp -R "$ROOT/config.json" "$ROOT/practicedata" "$ROOT/testdata" "$WS"/
	crosscheck
}

@test "freshly generated data agrees with pandas and scikit-learn" {
	need_oracle
	# a new seed each run; RISK_SEEDNUM repeats a run
	seed=${RISK_SEEDNUM:-$(( $(date +%s) % 1000000 + 1 ))}
	echo "# data seed $seed (RISK_SEEDNUM=$seed repeats it)" >&3
	mkws
	mkdir -p "$WS/practicedata" "$WS/testdata"
	cp "$ROOT/config.json" "$WS/"
	gendata 700 "$seed" 0 5 >"$WS/practicedata/a.csv"
	gendata 500 "$((seed + 1))" 30 5 >"$WS/practicedata/b.csv"
	head -101 "$WS/practicedata/a.csv" | tail -50 >>"$WS/practicedata/b.csv"
	gendata 300 "$((seed + 2))" 0 >"$WS/testdata/testdata.csv"
	crosscheck
}

@test "the fast subset of the corpus agrees with pandas and scikit-learn" {
	need_oracle
	run "$ORACLE" "$XC" --corpus --fast --list
	[ "$status" -eq 0 ]
	n=${#lines[@]}
	[ "$n" -ge 6 ]
	run "$ORACLE" "$XC" --corpus --fast "$ROOT/bin"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep -c '^ok   ' <<<"$output")" -eq "$n" ]
	[[ "${lines[-1]}" == "crosscheck: $n cases, $n agree, 0 differ ("*" s)" ]]
}

@test "the corpus finds scikit-learn's own model bit-identical, and one ulp off it" {
	need_oracle
	stubbin train
	run "$ORACLE" "$XC" --corpus -k counts1.plain "$BIN"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "ok   counts1.plain                [integer_training]" ]
	NUDGE=1 run "$ORACLE" "$XC" --corpus -k counts1.plain "$BIN"
	echo "$output"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "FAIL counts1.plain                [integer_training]" ]
	[ "${lines[1]}" = "     intercept: got -0x1.9c6a8c20f6c66p-19 (-3.072740142757253e-06) want -0x1.9c6a8c20f6c67p-19 (-3.0727401427572533e-06)" ]
	[[ "${lines[2]}" == "group integer_training: 0/1 agree"* ]]
	[[ "${lines[-1]}" == "crosscheck: 1 cases, 0 agree, 1 differ ("*" s)" ]]
}

@test "the corpus finds two rows of finaldata.csv out of order" {
	need_oracle
	stubbin ingest
	RISK_BIN=$ROOT/bin run "$ORACLE" "$XC" --corpus -k counts1.plain "$BIN"
	echo "$output"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "FAIL counts1.plain                [integer_training]" ]
	[ "${lines[1]}" = "     finaldata bytes: line 2: got b'17,swug,1414,10056,880,0' want b'327,hxag,1255,7924,67,0'" ]
	[ "${lines[2]}" = "     finaldata values: row 1 column id: got 0x1.1000000000000p+4 (17.0) want 0x1.4700000000000p+8 (327.0)" ]
}

@test "the KS test, PSI and Wasserstein distance agree with scipy on crosscheck.py --ks --fast: statistic bit for bit, p within 1e-12" {
	"$ORACLE" -c 'import scipy.stats' 2>/dev/null || skip "no scipy for $ORACLE"
	run -0 "$ORACLE" "$XC" --ks --fast "$ROOT/tests/unit/datadrift_test"
	[ "${lines[-1]}" = "crosscheck: 0 of 42 pairs differ" ]
	# two 5/5 pairs where scipy's exact p is above 1 and it falls back too
	[ "$(grep -c '^ok .* (exact)$' <<<"$output")" -eq 40 ]
	[ "$(grep -c '^ok ' <<<"$output")" -eq 42 ]
}
