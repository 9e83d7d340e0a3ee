#!/usr/bin/env bats
# scripts/bench at a tiny row count, its parse floor and its answer check

load test_helper

setup_file() {
	export BENCH_CACHE=$BATS_FILE_TMPDIR/cache
}

@test "the parse floor counts rows, fields and the fields read as numbers" {
	run -0 "$ROOT/tests/bench/floor" "$FIXTURES/bench/floor.csv"
	[ "$output" = "rows 3 fields 15 numbers 0 sum 0" ]
	run -0 "$ROOT/tests/bench/floor" -n "$FIXTURES/bench/floor.csv"
	[ "$output" = "rows 3 fields 15 numbers 6 sum 1007.5" ]
}

@test "bench refuses a row count that is not a positive whole number" {
	run -2 --separate-stderr bench 10x
	[ "$output" = "" ]
	[ "$stderr" = "bench: 10x: not a positive whole number
usage: BENCH_RUNS=runs bench [rows ...]" ]
	BENCH_RUNS=0 run -2 --separate-stderr bench 100
	[ "${stderr_lines[0]}" = "bench: 0: not a positive whole number" ]
}

@test "bench at 1000 rows checks the answers agree and prints the table" {
	need_oracle
	BENCH_RUNS=2 run -0 --separate-stderr bench 1000
	[ "${lines[1]}" = "bench: 1000 rows: the answers agree: 3 coefficients and the intercept bit for bit, f1 0.7659574468085106, summary of 3 features bit for bit; finaldata.csv byte for byte" ]
	[ "${lines[2]}" = "rows      step      side               MB/s  median s  s/M rows  peak MB  time x memory x" ]
	local i=3 step side
	for step in ingest train score summary pipeline; do
		for side in riskwatch pandas+sklearn; do
			[[ "${lines[i]}" =~ ^1000\ +"$step"\ +"$side"\ +[-0-9.]+\ +[0-9.]+\ +[0-9.]+\ +[0-9]+ ]]
			i=$((i + 1))
		done
	done
	[[ "${lines[i]}" =~ ^1000\ +floor\ +tokenise\  ]]
	[[ "${lines[i + 1]}" =~ ^1000\ +floor\ +\+numbers\  ]]
	[[ "${lines[i + 2]}" =~ ^"1000 rows: ingest takes "[-0-9.]+" times the parse floor (target <= 1.5)"$ ]]
	[[ "${lines[i + 3]}" =~ ^"1000 rows: the pipeline is "[-0-9.]+" times faster (target >= 20) and "[0-9.]+" times smaller (target >= 8)"$ ]]
	[ "${#lines[@]}" -eq $((i + 5)) ]
	# the data are kept for the next run
	[ -f "$BENCH_CACHE/1000/.done" ]
	[ "${stderr_lines[0]}" = "bench: generating 1000 rows into $BENCH_CACHE/1000 (once)" ]
	BENCH_RUNS=1 run -0 --separate-stderr bench 1000
	[ "${stderr_lines[0]}" = "bench: 1000 rows, run 1 of 1" ]
}

@test "the answer check names each difference" {
	need_oracle
	BENCH_RUNS=1 run -0 bench 1000
	ws=$BENCH_CACHE/1000
	diagnose -C "$ws" --json summary >"$BATS_TEST_TMPDIR/s.json"
	# finaldata.csv is told, not compared: the answers are
	sed -i '2s/^dgen,/null,/' "$ws/ingesteddata/finaldata.csv"
	run -0 --separate-stderr "$ORACLE" "$ROOT/scripts/seedpipeline.py" \
	    compare "$ws" "$BATS_TEST_TMPDIR/s.json"
	[ "$output" = "agree: 3 coefficients and the intercept bit for bit, f1 0.7659574468085106, summary of 3 features bit for bit; finaldata.csv not byte for byte (1 of 902 lines differ, first line 2: b'null,10,243,160,0' against b'dgen,10,243,160,0')" ]
	[ "$stderr" = "" ]
	# the first coefficient and every median changed
	sed -i 's/^    -0\.0[0-9]*,$/    1.5,/' "$ws/practicemodels/trainedmodel.json"
	diagnose -C "$ws" --json summary |
	    sed 's/"median":[0-9.]*/"median":7.25/g' >"$BATS_TEST_TMPDIR/s.json"
	run -1 --separate-stderr "$ORACLE" "$ROOT/scripts/seedpipeline.py" \
	    compare "$ws" "$BATS_TEST_TMPDIR/s.json"
	[ "$output" = "" ]
	[ "$stderr" = "seedpipeline: differs: coefficient lastmonth_activity: 1.5 against -0.010450364262553647
seedpipeline: differs: summary lastmonth_activity median: 7.25 against 72.5
seedpipeline: differs: summary lastyear_activity median: 7.25 against 867.5
seedpipeline: differs: summary number_of_employees median: 7.25 against 20.0" ]
}

@test "bench prints no ratio and exits 1 when the answers differ" {
	need_oracle
	# the oracle as it is, but for a compare that finds a difference
	cat >"$BATS_TEST_TMPDIR/oracle" <<-END
	#!/bin/sh
	[ "\${2:-}" = compare ] || exec "$ORACLE" "\$@"
	echo "seedpipeline: differs: f1: 0.5 against 0.25" >&2
	exit 1
	END
	chmod +x "$BATS_TEST_TMPDIR/oracle"
	RISK_ORACLE=$BATS_TEST_TMPDIR/oracle BENCH_RUNS=1 run -1 --separate-stderr bench 1000
	[ "${lines[1]}" = "bench: 1000 rows: the answers differ: no ratios" ]
	[ "${stderr_lines[${#stderr_lines[@]} - 1]}" = "seedpipeline: differs: f1: 0.5 against 0.25" ]
	local i
	for i in 3 5 7 9 11; do
		[[ "${lines[i]}" =~ ^1000\ +[a-z]+\ +riskwatch\ .*\ -\ +-$ ]]
	done
	[[ "${lines[15]}" =~ "ingest takes" ]]
	[ "${#lines[@]}" -eq 17 ]
	[[ "${lines[16]}" =~ ^"bench: load average" ]]
}
