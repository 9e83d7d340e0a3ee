#!/usr/bin/env bats
# The pieces fullprocess is made of: ingest -n (new data) and -o, deploy
# --check (the drift tests on the score history), --seen, --get.

load test_helper

PROD=production_deployment
TAB=$'\t'

# a workspace with the fixture model deployed (F1 0.4 on its test data)
deployedws() {
	mkws "$FIXTURES/deploy/ws"
	cd "$WS"
	run -0 ingest -q
	run -0 train -q
	run -0 score -q
	run -0 deploy -q
	ID=${output#"$PROD/history/"}
}

# drifttest NAME: the workspace's config with drift_test NAME
drifttest() {
	cat >config.json <<EOF
{
  "input_folder_path": "practicedata",
  "output_folder_path": "ingesteddata",
  "test_data_path": "testdata",
  "output_model_path": "practicemodels",
  "prod_deployment_path": "production_deployment",
  "drift_test": "$1"
}
EOF
}

# shifted: shifted.csv, finaldata.csv with every feature 100 times larger
shifted() {
	awk -F, -v OFS=, 'NR > 1 { $2 = $2 * 100 + 7; $3 = $3 * 100 + 7; $4 = $4 * 100 + 7 } 1' \
	    ingesteddata/finaldata.csv >shifted.csv
}

# history F1...: a score history holding these scores
history() {
	local f
	{
		echo time,f1,model,event
		for f in "$@"; do
			echo "2026-11-24T15:20:00Z,$f,$ID,check"
		done
	} >"$PROD/scorehistory.csv"
}

@test "deploy --check by the raw test: the deployed score itself is no drift" {
	deployedws
	run -0 --separate-stderr deploy --check 0.4
	[ "$output" = "nodrift${TAB}raw${TAB}0.4${TAB}>=${TAB}0.4${TAB}the deployed score${TAB}nodrift${TAB}0${TAB}3${TAB}0 of 3 features drifted${TAB}nodrift" ]
	[ "$stderr" = "" ]
	run -0 deploy --check 0.39999999999999997
	[ "$output" = "drift${TAB}raw${TAB}0.39999999999999997${TAB}<${TAB}0.4${TAB}the deployed score${TAB}nodrift${TAB}0${TAB}3${TAB}0 of 3 features drifted${TAB}drift" ]
}

@test "deploy --check adds a check line with the new score to the history" {
	deployedws
	run -0 deploy --check 0.25
	[[ $(sed -n 2p "$PROD/scorehistory.csv") == *,0.4,$ID,deploy ]]
	[ "$(wc -l <"$PROD/scorehistory.csv")" -eq 3 ]
	[[ $(sed -n 3p "$PROD/scorehistory.csv") =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z,0.25,$ID,check$ ]]
}

@test "deploy --check records its decision with the figures in decisions.csv" {
	deployedws
	run -0 deploy --check 0.25
	run -0 deploy --check 0.5
	[ "$(sed -n 1p "$PROD/decisions.csv")" = "time,event,model,test,f1,op,threshold,score,drifted,features,data,decision" ]
	[[ $(sed -n 2p "$PROD/decisions.csv") =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z,check,$ID,raw,0.25,\<,0.4,drift,0,3,nodrift,drift$ ]]
	[ "$(sed -n 3p "$PROD/decisions.csv" | cut -d, -f2-)" = "check,$ID,raw,0.5,>=,0.4,nodrift,0,3,nodrift,nodrift" ]
	[ "$(wc -l <"$PROD/decisions.csv")" -eq 3 ]
	run -0 deploy -n --check 0.1
	[ "$(wc -l <"$PROD/decisions.csv")" -eq 3 ]
}

@test "deploy --check runs the data test beside the score test; drift_test data lets it decide" {
	deployedws
	shifted
	local score="raw${TAB}0.4${TAB}>=${TAB}0.4${TAB}the deployed score"
	run -0 deploy -n --check 0.4 -d shifted.csv
	[ "$output" = "nodrift${TAB}$score${TAB}drift${TAB}3${TAB}3${TAB}3 of 3 features drifted${TAB}nodrift" ]
	drifttest data
	run -0 --separate-stderr deploy --check 0.4 -d shifted.csv
	[ "$output" = "nodrift${TAB}$score${TAB}drift${TAB}3${TAB}3${TAB}3 of 3 features drifted${TAB}drift" ]
	[ "$stderr" = "" ]
	[ "$(tail -1 "$PROD/decisions.csv" | cut -d, -f2-)" = "check,$ID,raw,0.4,>=,0.4,nodrift,3,3,drift,drift" ]
	run -0 deploy -n --check 0.1
	[ "${output##*"${TAB}"}" = nodrift ]
}

@test "deploy --check with a score test and data in drift_test finds drift only when both do" {
	deployedws
	shifted
	echo '{ "drift_test": ["data", "raw"] }' >config.json
	run -0 deploy -n --check 0.4 -d shifted.csv
	[ "${output##*"${TAB}"}" = nodrift ]
	run -0 deploy -n --check 0.1
	[ "$output" = "drift${TAB}raw${TAB}0.1${TAB}<${TAB}0.4${TAB}the deployed score${TAB}nodrift${TAB}0${TAB}3${TAB}0 of 3 features drifted${TAB}nodrift" ]
	run -0 deploy -n --check 0.1 -d shifted.csv
	[ "${output##*"${TAB}"}" = drift ]
}

@test "deploy --check without a reference profile says why, and the score test decides" {
	deployedws
	shifted
	drifttest data
	rm "$PROD/history/$ID/reference.json"
	run -0 --separate-stderr deploy --check 0.1 -d shifted.csv
	[ "$output" = "drift${TAB}raw${TAB}0.1${TAB}<${TAB}0.4${TAB}the deployed score${TAB}none${TAB}${TAB}${TAB}not run: $PROD/history/$ID/reference.json: no reference profile: the deployment was made before deploy kept one; deploy again to measure data drift${TAB}drift" ]
	[ "$(tail -1 "$PROD/decisions.csv" | cut -d, -f2-)" = "check,$ID,raw,0.1,<,0.4,drift,,,,drift" ]
}

@test "deploy -d is for --check only" {
	deployedws
	run -2 --separate-stderr deploy -d x.csv --list
	[ "$output" = "" ]
}

@test "deploy --check by the parametric test: mean - 2 std of the history" {
	deployedws
	drifttest parametric
	history 0.5 0.6 0.7
	local d="mean 0.6 - 2 * std 0.08164965809277258 of 3 scores"
	run -0 deploy -n --check 0.4367006838144548
	[ "$output" = "nodrift${TAB}parametric${TAB}0.4367006838144548${TAB}>=${TAB}0.4367006838144548${TAB}$d${TAB}nodrift${TAB}0${TAB}3${TAB}0 of 3 features drifted${TAB}nodrift" ]
	run -0 deploy -n --check 0.43670068381445476
	[ "$output" = "drift${TAB}parametric${TAB}0.43670068381445476${TAB}<${TAB}0.4367006838144548${TAB}$d${TAB}nodrift${TAB}0${TAB}3${TAB}0 of 3 features drifted${TAB}drift" ]
	# below the deployed 0.4 would be drift by the raw test, not by this one
	run -0 deploy --check 0.39
	[ "$output" = "drift${TAB}parametric${TAB}0.39${TAB}<${TAB}0.4367006838144548${TAB}$d${TAB}nodrift${TAB}0${TAB}3${TAB}0 of 3 features drifted${TAB}drift" ]
}

@test "deploy --check by the nonparametric test: Q1 - 1.5 IQR of the history" {
	deployedws
	drifttest nonparametric
	history 0.8 0.5 0.7 0.6
	local d="Q1 0.575 - 1.5 * IQR 0.15000000000000002 of 4 scores"
	run -0 deploy -n --check 0.35
	[ "$output" = "nodrift${TAB}nonparametric${TAB}0.35${TAB}>=${TAB}0.3499999999999999${TAB}$d${TAB}nodrift${TAB}0${TAB}3${TAB}0 of 3 features drifted${TAB}nodrift" ]
	run -0 deploy -n --check 0.34
	[ "$output" = "drift${TAB}nonparametric${TAB}0.34${TAB}<${TAB}0.3499999999999999${TAB}$d${TAB}nodrift${TAB}0${TAB}3${TAB}0 of 3 features drifted${TAB}drift" ]
	# below the deployed score, above the threshold: no drift
	run -0 deploy -n --check 0.36
	[ "${output%%"$TAB"*}" = nodrift ]
}

@test "deploy --check with fewer than 2 scores in the history falls back to raw" {
	deployedws
	local t
	for t in parametric nonparametric; do
		drifttest $t
		run -0 deploy -n --check 0.39
		[ "$output" = "drift${TAB}raw${TAB}0.39${TAB}<${TAB}0.4${TAB}the deployed score: $t needs 2 scores in the history, it has 1${TAB}nodrift${TAB}0${TAB}3${TAB}0 of 3 features drifted${TAB}drift" ]
		rm "$PROD/scorehistory.csv"
		run -0 deploy -n --check 0.4
		[ "$output" = "nodrift${TAB}raw${TAB}0.4${TAB}>=${TAB}0.4${TAB}the deployed score: $t needs 2 scores in the history, it has 0${TAB}nodrift${TAB}0${TAB}3${TAB}0 of 3 features drifted${TAB}nodrift" ]
		history 0.4
	done
}

@test "deploy --check thresholds are numpy's to the last bit" {
	need_oracle
	deployedws
	local t line
	"$ORACLE" - >cases <<'EOF'
import numpy as np
rng = np.random.default_rng(5)
for n in (2, 3, 7, 8, 9, 17, 40, 131, 300):
    h = [float(x) for x in rng.random(n)]
    p = np.mean(h) - 2 * np.std(h)
    q1, q3 = np.quantile(h, 0.25), np.quantile(h, 0.75)
    print(" ".join(repr(x) for x in h), "|", repr(float(p)),
          repr(float(q1 - (q3 - q1) * 1.5)))
EOF
	[ "$(wc -l <cases)" -eq 9 ]
	while IFS='|' read -r h thresholds; do
		history $h
		set -- $thresholds
		drifttest parametric
		run -0 deploy -n --check 0
		[ "$(cut -f5 <<<"$output")" = "$1" ]
		drifttest nonparametric
		run -0 deploy -n --check 0
		[ "$(cut -f5 <<<"$output")" = "$2" ]
	done <cases
}

@test "deploy -n --check writes nothing" {
	deployedws
	local before
	before=$(treesum "$PROD")
	run -0 deploy -n --check 0.1
	[ "${output%%"$TAB"*}" = drift ]
	[ "$(treesum "$PROD")" = "$before" ]
}

@test "deploy --check with nothing deployed fails" {
	mkws "$FIXTURES/deploy/ws"
	cd "$WS"
	run -1 --separate-stderr deploy --check 0.5
	[ "$output" = "" ]
	[ "$stderr" = "deploy: $PROD: nothing is deployed" ]
	[ ! -e "$PROD" ]
}

@test "deploy --check of something that is not an F1 is a usage error" {
	deployedws
	local before
	before=$(treesum "$PROD")
	for f in abc 1.5 -0.1 nan ""; do
		run -2 --separate-stderr deploy --check "$f"
		[ "$stderr" = "deploy: --check: \"$f\" is not an F1 score (a number from 0 to 1)" ]
	done
	[ "$(treesum "$PROD")" = "$before" ]
}

@test "deploy --check on a damaged score history fails and names the line" {
	deployedws
	printf 'time,f1,model,event\nx,0.5,a,deploy\nx,high,a,check\n' \
	    >"$PROD/scorehistory.csv"
	run -1 --separate-stderr deploy --check 0.5
	[ "$stderr" = "deploy: $PROD/scorehistory.csv:3: expected time,f1,model,event with an F1 from 0 to 1" ]
	[ "$(wc -l <"$PROD/scorehistory.csv")" -eq 3 ]
}

@test "deploy -n is a usage error without --check or --seen" {
	deployedws
	run -2 --separate-stderr deploy -n
	[ "$stderr" = "usage: deploy [-fhnqV] [-C dir] [-c file] [-d data] [--adopt | --foreign | --list | --rollback | --check f1 | --seen | --get key | --verify]" ]
	run -2 deploy -n --list
	run -2 deploy --check 0.5 --seen
}

@test "deploy --seen adds the ingested files to the deployment's list, nothing else" {
	deployedws
	local model score
	model=$(sha256sum <"$PROD/trainedmodel.json")
	score=$(cat "$PROD/latestscore.txt")
	cp practicedata/a.csv practicedata/b.csv
	run -0 ingest -q
	run -0 --separate-stderr deploy --seen
	[ "$output" = "$PROD/history/$ID/ingestedfiles.txt" ]
	[ "$stderr" = "deploy: 1 file of ingesteddata/ingestedfiles.txt recorded as seen by $ID" ]
	diff -u ingesteddata/ingestedfiles.txt "$PROD/ingestedfiles.txt"
	[ "$(sha256sum <"$PROD/trainedmodel.json")" = "$model" ]
	[ "$(cat "$PROD/latestscore.txt")" = "$score" ]
	[ "$(readlink "$PROD/current")" = "history/$ID" ]
	run -0 ingest -q -n
	[ "$output" = "" ]
}

@test "deploy --seen keeps files the new list does not name, and -n writes nothing" {
	deployedws
	local before
	mkdir other
	cp practicedata/a.csv other/c.csv
	sed -i 's/"practicedata"/"other"/' config.json
	run -0 ingest -q
	before=$(treesum "$PROD")
	run -0 --separate-stderr deploy -n --seen
	[ "$stderr" = "deploy: 1 file of ingesteddata/ingestedfiles.txt would be recorded as seen by $ID" ]
	[ "$(treesum "$PROD")" = "$before" ]
	run -0 deploy -q --seen
	[ "$(cut -f1 "$PROD/ingestedfiles.txt")" = "$(printf '%s\n' practicedata/a.csv other/c.csv)" ]
}

@test "deploy --get prints the configuration's values, defaults included" {
	deployedws
	run -0 deploy --get prod_deployment_path
	[ "$output" = production_deployment ]
	run -0 deploy --get drift_test
	[ "$output" = raw ]
	run -0 deploy --get api.host
	[ "$output" = 127.0.0.1 ]
	run -0 deploy --get api.port
	[ "$output" = 8000 ]
	run -0 deploy --get api.url
	[ "$output" = http://127.0.0.1:8000 ]
	run -2 --separate-stderr deploy --get api
	[ "$stderr" = 'deploy: --get: unknown key "api"' ]
}

@test "deploy --get api.url brackets an IPv6 host: the scripts' one URL" {
	mkws "$FIXTURES/deploy/ws"
	cd "$WS"
	printf '{"api": {"host": "::1", "port": 8123}}\n' >config.json
	run -0 deploy --get api.url
	[ "$output" = 'http://[::1]:8123' ]
}

@test "ingest -n lists the input files the deployment has not seen, and writes nothing" {
	mkws "$FIXTURES/deploy/ws"
	cd "$WS"
	run -0 --separate-stderr ingest -n
	[ "$output" = "practicedata/a.csv${TAB}new" ]
	[ "$stderr" = "ingest: 1 of 1 file new to $PROD/ingestedfiles.txt (none yet)" ]
	[ ! -e ingesteddata ]
	run -0 ingest -q
	run -0 train -q
	run -0 score -q
	run -0 deploy -q
	local before
	before=$(treesum .)
	run -0 --separate-stderr ingest -n
	[ "$output" = "" ]
	[ "$stderr" = "ingest: 0 of 1 file new to $PROD/ingestedfiles.txt" ]
	cp practicedata/a.csv practicedata/b.csv
	echo ',1,2,3,1' >>practicedata/a.csv
	run -0 ingest -q -n
	[ "$output" = "practicedata/a.csv${TAB}changed${LF:-
}practicedata/b.csv${TAB}new" ]
	rm practicedata/b.csv
	sed -i '$d' practicedata/a.csv
	[ "$(treesum .)" = "$before" ]
}

@test "ingest -o writes finaldata.csv and ingestedfiles.txt to another folder" {
	mkws "$FIXTURES/deploy/ws"
	cd "$WS"
	run -0 ingest -q -o "$BATS_TEST_TMPDIR/out"
	[ ! -e ingesteddata ]
	run -0 ingest -q
	cmp ingesteddata/finaldata.csv "$BATS_TEST_TMPDIR/out/finaldata.csv"
	cmp ingesteddata/ingestedfiles.txt "$BATS_TEST_TMPDIR/out/ingestedfiles.txt"
}
