#!/usr/bin/env bats
# Every fuzz harness once over its corpus (tests/fuzz/NAME/), built without
# libFuzzer: the seeds and every finding kept as a regression case. A crash
# or a failed check of the harness aborts it.

load test_helper

# replay NAME: the harness ran every file of its corpus
replay() {
	local n
	n=$(find "$ROOT/tests/fuzz/$1" -type f ! -name '.*' | wc -l)
	[ "$n" -gt 0 ]
	run "$ROOT/tests/fuzz/$1_replay" "$ROOT/tests/fuzz/$1"
	[ "$status" -eq 0 ]
	[ "$output" = "$1: $n inputs" ]
}

@test "fuzz: the CSV reader's corpus replays without a finding" {
	replay csv
}

@test "fuzz: the config loader's corpus replays without a finding" {
	replay config
}

@test "fuzz: the model loader's corpus replays without a finding" {
	replay model
}

@test "fuzz: the score history's corpus replays without a finding" {
	replay history
}

@test "fuzz: the ingested-file list's corpus replays without a finding" {
	replay filelist
}

@test "fuzz: the reference profile loader's corpus replays without a finding" {
	replay profile
}

@test "fuzz: the column file loader's corpus replays without a finding" {
	replay colfile
}

@test "fuzz: serve's request bodies replay without a finding" {
	replay serve
}
