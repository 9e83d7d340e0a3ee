#!/usr/bin/env bats
# ingest, train and score against pandas and scikit-learn (the original
# system's libraries), on committed and on freshly generated data.

load test_helper

crosscheck() {
	run "$ORACLE" "$ROOT/tests/crosscheck.py" "$ROOT/bin" "$WS"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" != *FAIL* ]]
	# every kind of check ran and passed
	[[ "$output" == *"ok finaldata "*", identical"* ]]
	[[ "$output" == *"ok rows"* ]]
	[[ "$output" == *"ok coef"* ]]
	[[ "$output" == *"ok f1"* ]]
}

@test "the seed's practice data gives pandas' rows and scikit-learn's model and F1" {
	need_oracle
	seedws
	crosscheck
	[ "$(cat "$WS/practicemodels/latestscore.txt")" = 0.5714285714285715 ]
}

@test "the seed's source data gives scikit-learn's early-stopped model (F1 0.333...)" {
	need_oracle
	seedws sourcedata
	crosscheck
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
