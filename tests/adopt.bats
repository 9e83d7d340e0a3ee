#!/usr/bin/env bats
# Taking over a workspace left by the original Python system: deploy never
# replaces files it did not make, and deploy --adopt makes the Python
# deployment riskwatch's first one. The Python workspaces are made at test
# time by tests/fixtures/python/original.py, which runs the original's
# ingestion, training, scoring and deployment with pandas and scikit-learn.

load test_helper

PROD=production_deployment
ORIGINAL=$FIXTURES/python/original.py
GUARD="production_deployment holds files riskwatch did not make (ingestedfiles.txt, latestscore.txt, trainedmodel.pkl): a deployment of the Python system? Take it over with \"deploy --adopt\" (see MIGRATING in riskwatch(7)); nothing was changed"
STAMP='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z fullprocess: '

# the repository's sample workspace, which needs no seed data
samplews() {
	WS=$BATS_TEST_TMPDIR/ws
	mkdir -p "$WS"
	cp -R "$ROOT/config.json" "$ROOT/practicedata" "$ROOT/sourcedata" \
	    "$ROOT/testdata" "$WS"/
	cd "$WS"
}

# input INPUT: config.json's input_folder_path, the API where none answers
input() {
	cat >"$WS/config.json" <<EOF
{
  "input_folder_path": "$1",
  "output_folder_path": "ingesteddata",
  "test_data_path": "testdata",
  "output_model_path": "practicemodels",
  "prod_deployment_path": "$PROD",
  "api": { "host": "127.0.0.1", "port": 1 }
}
EOF
}

# python [FORMAT]: the original system run on the workspace
python() {
	need_oracle
	run -0 "$ORACLE" "$ORIGINAL" ${1:+-f "$1"} "$WS"
	cd "$WS"
}

# a deployment left by hand: what the guard sees without Python
handmade() {
	mkdir -p "$PROD"
	printf 'not a pickle' >"$PROD/trainedmodel.pkl"
	printf '0.5' >"$PROD/latestscore.txt"
	printf 'dataset1.csv\n' >"$PROD/ingestedfiles.txt"
}

# the digest of every file the Python deployment left, named by its name
originals() {
	(cd "$WS/$PROD" && sha256sum ingestedfiles.txt latestscore.txt \
	    trainedmodel.pkl)
}

adopted() {
	run -0 --separate-stderr deploy --adopt
	ID=${output#"$PROD/history/"}
	[ "$output" = "$PROD/history/$ID" ]
}

@test "deploy refuses to replace a Python deployment, says what it found and how to adopt it" {
	samplews
	run -0 ingest -q
	run -0 train -q
	run -0 score -q
	handmade
	local before
	before=$(treesum .)
	run -1 --separate-stderr deploy
	[ "$output" = "" ]
	[ "$stderr" = "deploy: $GUARD" ]
	[ "$(treesum .)" = "$before" ]
	[ ! -e "$PROD/history" ]
	run -1 --separate-stderr deploy --foreign
	[ "$stderr" = "deploy: $GUARD" ]
}

@test "deploy refuses a file it does not know in the deployment folder" {
	samplews
	run -0 ingest -q
	run -0 train -q
	run -0 score -q
	run -0 deploy -q
	echo notes >"$PROD/README"
	local before
	before=$(treesum .)
	run -1 --separate-stderr deploy
	[ "$stderr" = "deploy: $PROD holds files riskwatch did not make (README): move them away, or take over a deployment of the Python system with \"deploy --adopt\"; nothing was changed" ]
	[ "$(treesum .)" = "$before" ]
	rm "$PROD/README"
	run -0 deploy --foreign
	[ "$output" = "" ]
}

@test "a plain latestscore.txt where deploy puts a link is not deploy's" {
	samplews
	run -0 ingest -q
	run -0 train -q
	run -0 score -q
	run -0 deploy -q
	rm "$PROD/latestscore.txt"
	cp practicemodels/latestscore.txt "$PROD/latestscore.txt"
	run -1 --separate-stderr deploy
	[ "$stderr" = "deploy: $PROD holds files riskwatch did not make (latestscore.txt): a deployment of the Python system? Take it over with \"deploy --adopt\" (see MIGRATING in riskwatch(7)); nothing was changed" ]
}

@test "deploy --rollback, --seen and --check refuse a Python deployment; --list and -n do not write" {
	samplews
	handmade
	local before
	before=$(treesum .)
	run -1 --separate-stderr deploy --rollback
	[ "$stderr" = "deploy: $GUARD" ]
	run -1 --separate-stderr deploy --seen
	[ "$stderr" = "deploy: $GUARD" ]
	run -1 --separate-stderr deploy --check 0.5
	[ "$stderr" = "deploy: $GUARD" ]
	run -0 --separate-stderr deploy --list
	[ "$output" = "" ]
	[ "$(treesum .)" = "$before" ]
}

@test "fullprocess stops at the deployment check, naming the step, and changes nothing" {
	samplews
	input practicedata
	handmade
	local before
	before=$(treesum .)
	run -1 --separate-stderr fullprocess
	[ "$output" = "" ]
	[ "${#stderr_lines[@]}" -eq 2 ]
	[ "${stderr_lines[0]}" = "deploy: $GUARD" ]
	[[ ${stderr_lines[1]} =~ ${STAMP}step\ check\ the\ deployment\ failed\ \(exit\ 1\)\;\ the\ deployment\ is\ unchanged$ ]]
	[ "$(treesum . | grep -v fullprocess.lock)" = "$(grep -v fullprocess.lock <<<"$before")" ]
	[ ! -e ingesteddata ]
}

@test "deploy -f without --adopt, and --adopt with another verb, are usage errors" {
	samplews
	run -2 --separate-stderr deploy -f
	[ "$stderr" = "usage: deploy [-fhnqV] [-C dir] [-c file] [-d data] [--adopt | --foreign | --list | --rollback | --check f1 | --seen | --get key | --verify]" ]
	run -2 --separate-stderr deploy --adopt --list
	[ "$stderr" = "usage: deploy [-fhnqV] [-C dir] [-c file] [-d data] [--adopt | --foreign | --list | --rollback | --check f1 | --seen | --get key | --verify]" ]
}

@test "deploy --adopt takes over the seed's Python deployment: the same model, F1 and predictions" {
	seedws
	python list
	adopted
	[ "$stderr" = "deploy: adopted the Python deployment: retrained on 2 files, F1 0.5714285714285715 as its latestscore.txt says; its files are kept in $PROD/history/$ID/original" ]
	[ "$(readlink "$PROD/current")" = "history/$ID" ]
	[ "$(cat "$PROD/latestscore.txt")" = 0.5714285714285715 ]
	[ "$(cat "$PROD/history/$ID/original/latestscore.txt")" = 0.5714285714285715 ]
	# the coefficients and intercept, bit for bit, against the pickle's
	run -0 "$ORACLE" -c '
import json, pickle, sys
m = pickle.load(open(sys.argv[1], "rb"))
j = json.load(open(sys.argv[2]))
print(repr(list(m.coef_[0])), repr(m.intercept_[0]))
print(repr(j["coefficients"]), repr(j["intercept"]))' \
	    "$PROD/history/$ID/original/trainedmodel.pkl" \
	    "$PROD/trainedmodel.json"
	[ "${lines[0]}" = "${lines[1]}" ]
	[ "${lines[0]}" = "[-0.009747251357460414, 9.745638168591398e-05, 0.02912832017662122] 0.45403319696969624" ]
	# the predictions on the test data, the pickle's and the adopted model's
	run -0 "$ORACLE" -c '
import pickle, sys, pandas as pd
m = pickle.load(open(sys.argv[1], "rb"))
t = pd.read_csv(sys.argv[2])
f = ["lastmonth_activity", "lastyear_activity", "number_of_employees"]
print("\n".join(str(p) for p in m.predict(t[f].values)))' \
	    "$PROD/history/$ID/original/trainedmodel.pkl" testdata/testdata.csv
	local py=$output
	run -0 diagnose predictions
	[ "$output" = "$py" ]
	[ "$output" = "$(printf '%s\n' 0 1 1 1 1)" ]
}

@test "deploy --adopt keeps every original file, byte for byte, and leaves no .pkl at the top" {
	seedws
	python
	local before
	before=$(originals)
	adopted
	[ "$(cd "$PROD/history/$ID/original" && sha256sum ingestedfiles.txt \
	    latestscore.txt trainedmodel.pkl)" = "$before" ]
	[ "$(ls -A "$PROD/history/$ID/original")" = "$(printf '%s\n' \
	    ingestedfiles.txt latestscore.txt trainedmodel.pkl)" ]
	[ ! -e "$PROD/trainedmodel.pkl" ]
	local f
	for f in trainedmodel.json latestscore.txt ingestedfiles.txt; do
		[ "$(readlink "$PROD/$f")" = "current/$f" ]
	done
	run -0 deploy --foreign
	[ "$output" = "" ]
	run -0 --separate-stderr deploy --verify
	[ "$output" = "$PROD/history/$ID" ]
}

@test "deploy --adopt writes ingestedfiles.txt in riskwatch's form and the score history" {
	seedws
	python
	adopted
	printf 'practicedata/%s\t%s\t%s\n' \
	    dataset1.csv "$(sha256sum <practicedata/dataset1.csv | cut -d' ' -f1)" 17 \
	    dataset2.csv "$(sha256sum <practicedata/dataset2.csv | cut -d' ' -f1)" 19 \
	    >expected
	diff -u expected "$PROD/ingestedfiles.txt"
	[ "$(cut -d, -f2- "$PROD/scorehistory.csv")" = "$(printf '%s\n' \
	    f1,model,event "0.5714285714285715,$ID,adopt")" ]
}

@test "deploy --list shows the adopted deployment as current" {
	seedws
	python
	adopted
	run -0 --separate-stderr deploy --list
	[ "$output" = "$(printf '%s-%s-%sT%s:%s:%sZ\t0.5714285714285715\t26\t%s\t*' \
	    "${ID:0:4}" "${ID:4:2}" "${ID:6:2}" "${ID:9:2}" "${ID:11:2}" \
	    "${ID:13:2}" "$ID")" ]
}

@test "the next fullprocess on the seed's sourcedata keeps the adopted model, as the original would" {
	seedws
	input practicedata
	python
	adopted
	run -0 --separate-stderr fullprocess
	[[ $output =~ ${STAMP}no\ new\ data$ ]]
	input sourcedata
	local model
	model=$(treesum "$PROD/history/$ID" | grep -v '	\./ingestedfiles.txt$' | grep -v ' ./ingestedfiles.txt$')
	run -0 --separate-stderr fullprocess
	[ "${#lines[@]}" -eq 7 ]
	[ "$(sed -E "s/$STAMP//" <<<"$output")" = "$(printf '%s\n' \
	    "new data: sourcedata/dataset3.csv (new), sourcedata/dataset4.csv (new)" \
	    "score test (raw): new data F1 0.6923076923076923 >= 0.5714285714285715 (the deployed score): no drift" \
	    "data test: 3 of 3 features drifted: drift" \
	    "decision (drift_test raw): no drift" \
	    "the new files are recorded as seen; $ID stays deployed" \
	    "diagnostics in practicemodels/diagnostics.json" \
	    "report in practicemodels/report.pdf")" ]
	[ "$(readlink "$PROD/current")" = "history/$ID" ]
	[ "$(ls "$PROD/history")" = "$ID" ]
	[ "$(treesum "$PROD/history/$ID" | grep -v ' ./ingestedfiles.txt$')" = "$model" ]
}

@test "deploy --adopt reads every format the originals write, and the sample workspace without the seed" {
	local fmt expected
	for fmt in lines list comma semicolon paths abspaths; do
		samplews
		python "$fmt"
		[ "$(cat "$PROD/latestscore.txt")" = 0.7142857142857142 ]
		adopted
		expected=$(printf 'practicedata/%s\t%s\t%s\n' \
		    dataset1.csv "$(sha256sum <practicedata/dataset1.csv | cut -d' ' -f1)" 300 \
		    dataset2.csv "$(sha256sum <practicedata/dataset2.csv | cut -d' ' -f1)" 300)
		[ "$(cat "$PROD/ingestedfiles.txt")" = "$expected" ] || {
			echo "format $fmt: $(cat "$PROD/ingestedfiles.txt")"
			return 1
		}
		[ "$(cat "$PROD/latestscore.txt")" = 0.7142857142857142 ]
		cd /
		rm -rf "$WS"
	done
}

@test "deploy --adopt finds a file at its recorded path when input_folder_path has moved on" {
	samplews
	input practicedata
	python paths
	input sourcedata
	adopted
	[ "$(cut -f1 "$PROD/ingestedfiles.txt")" = "$(printf '%s\n' \
	    practicedata/dataset1.csv practicedata/dataset2.csv)" ]
}

@test "deploy --adopt names a recorded file it cannot find and changes nothing" {
	samplews
	input practicedata
	python
	input sourcedata
	local before
	before=$(treesum .)
	run -1 --separate-stderr deploy --adopt
	[ "$output" = "" ]
	[ "$stderr" = "deploy: $PROD/ingestedfiles.txt: dataset1.csv: no such file in sourcedata" ]
	[ "$(treesum .)" = "$before" ]
}

@test "deploy --adopt with another score says by how much and adopts nothing; -f adopts it" {
	samplews
	python
	printf '0.75' >"$PROD/latestscore.txt"
	local before sums
	before=$(treesum .)
	sums=$(originals)
	run -1 --separate-stderr deploy --adopt
	[ "$output" = "" ]
	[ "$stderr" = "deploy: the model retrained on the 2 files of $PROD/ingestedfiles.txt scores F1 0.7142857142857142 on the test data, the Python deployment's latestscore.txt says 0.75 (a difference of -0.03571428571428581): nothing was adopted; -f adopts it all the same" ]
	[ "$(treesum .)" = "$before" ]
	run -0 --separate-stderr deploy --adopt -f
	ID=${output#"$PROD/history/"}
	[ "${stderr_lines[0]}" = "deploy: F1 0.7142857142857142, the Python deployment's 0.75 (a difference of -0.03571428571428581): adopted all the same (-f)" ]
	[ "${stderr_lines[1]}" = "deploy: adopted the Python deployment: retrained on 2 files, F1 0.7142857142857142, its latestscore.txt says 0.75; its files are kept in $PROD/history/$ID/original" ]
	[ "$(cat "$PROD/latestscore.txt")" = 0.7142857142857142 ]
	[ "$(cd "$PROD/history/$ID/original" && sha256sum ingestedfiles.txt \
	    latestscore.txt trainedmodel.pkl)" = "$sums" ]
}

@test "deploy --rollback after adoption: nothing before it; after a redeploy, back to it" {
	samplews
	input practicedata
	python
	adopted
	local first=$ID
	run -1 --separate-stderr deploy --rollback
	[ "$stderr" = "deploy: $PROD: no deployment before $first" ]
	# the drifted sourcedata: fullprocess retrains and deploys
	input sourcedata
	run -0 fullprocess
	local second
	second=$(readlink "$PROD/current")
	second=${second#history/}
	[ "$second" != "$first" ]
	run -0 --separate-stderr deploy --rollback
	[ "$output" = "$PROD/history/$first" ]
	[ "$(readlink "$PROD/current")" = "history/$first" ]
	[ "$(cat "$PROD/latestscore.txt")" = 0.7142857142857142 ]
	[ "$(ls -A "$PROD/history/$first/original")" = "$(printf '%s\n' \
	    ingestedfiles.txt latestscore.txt trainedmodel.pkl)" ]
}

@test "deploy --adopt with nothing to adopt, or over riskwatch's own deployment, is refused" {
	samplews
	run -1 --separate-stderr deploy --adopt
	[ "$stderr" = "deploy: $PROD: no latestscore.txt and ingestedfiles.txt of the Python system: nothing to adopt" ]
	python
	adopted
	run -1 --separate-stderr deploy --adopt
	[ "$stderr" = "deploy: $PROD: riskwatch's deployment $ID is current: nothing to adopt" ]
}

@test "deploy --adopt refuses a recorded name that leaves the workspace" {
	samplews
	python
	printf '../../etc/passwd\n' >"$PROD/ingestedfiles.txt"
	local before
	before=$(treesum .)
	run -1 --separate-stderr deploy --adopt
	[ "$stderr" = "deploy: $PROD/ingestedfiles.txt: ../../etc/passwd: no such file in practicedata nor at that path inside the workspace" ]
	[ "$(treesum .)" = "$before" ]
}

@test "deploy --adopt names the step that fails on the test data and changes nothing" {
	samplews
	python
	printf 'corporation,lastmonth_activity\nx,1\n' >testdata/testdata.csv
	local before
	before=$(treesum .)
	run -1 --separate-stderr deploy --adopt
	[ "$output" = "" ]
	[ "$stderr" = "score: $(realpath testdata)/testdata.csv:1: no column \"lastyear_activity\" (a feature)
deploy: score failed (exit 2) on the files the Python deployment's ingestedfiles.txt names" ]
	[ "$(treesum .)" = "$before" ]
}

@test "deploy --adopt makes the deployment folder as the umask says" {
	samplews
	python
	umask 027
	adopted
	[ "$(stat -c %a "$PROD/history/$ID")" = 750 ]
}

@test "deploy --adopt refuses a latestscore.txt changed while it retrains" {
	# make check-valgrind's bin/deploy is a wrapper: a copy of it still
	# runs the real deploy, which finds its siblings beside itself
	[ "$(head -c 2 "$ROOT/bin/deploy")" != "#!" ] ||
		skip "a copy of the valgrind wrapper does not move the tool"
	samplews
	python
	# deploy runs its siblings: a score that rewrites the score first
	local bin=$BATS_TEST_TMPDIR/bin t
	mkdir "$bin"
	cp "$ROOT/bin/deploy" "$bin/"
	for t in ingest train; do
		printf '#!/bin/sh\nexec "%s" "$@"\n' "$ROOT/bin/$t" >"$bin/$t"
	done
	printf '#!/bin/sh\nprintf "0.7142857142857142\\n" >"%s"\nexec "%s" "$@"\n' \
	    "$WS/$PROD/latestscore.txt" "$ROOT/bin/score" >"$bin/score"
	chmod +x "$bin"/*
	run -1 --separate-stderr "$bin/deploy" --adopt
	[ "$output" = "" ]
	[ "$stderr" = "deploy: $PROD/latestscore.txt changed while the model was retrained: nothing was adopted; run deploy --adopt again" ]
	[ "$(ls -A "$PROD")" = "$(printf '%s\n' .deploy.lock ingestedfiles.txt latestscore.txt trainedmodel.pkl)" ]
}

@test "deploy --adopt keeps a reference profile of the data it retrained on (pandas counts 26 rows, 11 of class 0)" {
	seedws
	python list
	adopted
	run -0 ingest -q
	sum=$(sha256sum ingesteddata/finaldata.csv | cut -d' ' -f1)
	run -0 "$ORACLE" -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(d["data_sha256"], d["rows"], d["target"]["counts"], [f["name"] for f in d["features"]])
' "$PROD/history/$ID/reference.json"
	[ "$output" = "$sum 26 [11, 15] ['lastmonth_activity', 'lastyear_activity', 'number_of_employees']" ]
}
