#!/usr/bin/env bats
# score: the F1 of a model on test data, printed and written to
# latestscore.txt beside the model; a model that fails validation is refused.

load test_helper

HEADER=corporation,lastmonth_activity,lastyear_activity,number_of_employees,exited
USAGE="usage: score [-hnqV] [-C dir] [-c file] [-d data] [-m model] [--json]"

# the seed's practicedata (or the folder named), ingested and trained on
seedtrained() {
	seedws "$@"
	cd "$WS"
	run -0 ingest -q
	run -0 train -q
}

# the fixture workspace, scored once; latestscore.txt's digest in $BEFORE
scored() {
	mkws "$FIXTURES/score/ws"
	cd "$WS"
	run -0 score -q
	[ "$output" = 0.6666666666666666 ]
	BEFORE=$(sha256sum practicemodels/latestscore.txt)
}

# score failed, latestscore.txt is as it was and no temp file is left
unchanged() {
	[ "$(sha256sum practicemodels/latestscore.txt)" = "$BEFORE" ]
	[ "$(cat practicemodels/latestscore.txt)" = 0.6666666666666666 ]
	[ -z "$(find "$WS" -name '.tmp.*')" ]
}

# badmodel NAME: the fixture's corrupt model NAME as the workspace's model
badmodel() {
	cp "$FIXTURES/score/models/$1" practicemodels/trainedmodel.json
}

@test "score with an operand is a usage error" {
	scored
	run -2 --separate-stderr score testdata/testdata.csv
	[ "$output" = "" ]
	[ "$stderr" = "$USAGE" ]
	unchanged
}

@test "score -m without a model is a usage error" {
	scored
	run -2 --separate-stderr score -m
	[ "$output" = "" ]
	[ "${stderr_lines[0]}" = "score: option requires an argument -- 'm'" ]
	[ "${stderr_lines[1]}" = "$USAGE" ]
	unchanged
}

@test "score -h prints the usage on stdout and succeeds" {
	run -0 --separate-stderr score -h
	[ "${lines[0]}" = "$USAGE" ]
	[ "$stderr" = "" ]
}

@test "score of the seed's practice model is the seed's F1" {
	seedtrained
	run -0 --separate-stderr score
	[ "$output" = 0.5714285714285715 ]
	[ "$stderr" = "score: F1 0.5714285714285715 on 5 rows of testdata/testdata.csv (0 left out): practicemodels/latestscore.txt" ]
	printf '0.5714285714285715\n' >expected
	cmp expected practicemodels/latestscore.txt
}

@test "score --json of the seed's practice model gives every figure" {
	seedtrained
	run -0 --separate-stderr score --json
	[ "$output" = '{"f1":0.5714285714285715,"precision":0.5,"recall":0.6666666666666666,"accuracy":0.4,"confusion":[[0,2],[1,2]],"rows":5,"left_out":0}' ]
	[ "$(cat practicemodels/latestscore.txt)" = 0.5714285714285715 ]
}

@test "score of the model retrained on the seed's sourcedata is 1/3" {
	seedtrained sourcedata
	run -0 --separate-stderr score --json
	[ "$output" = '{"f1":0.3333333333333333,"precision":0.3333333333333333,"recall":0.3333333333333333,"accuracy":0.2,"confusion":[[0,2],[2,1]],"rows":5,"left_out":0}' ]
	printf '0.3333333333333333\n' >expected
	cmp expected practicemodels/latestscore.txt
}

@test "score of the practice model on the sourcedata finaldata.csv" {
	seedtrained
	sed -i 's/"practicedata"/"sourcedata"/' config.json
	run -0 ingest -q
	run -0 --separate-stderr score -n -d ingesteddata/finaldata.csv
	[ "$output" = 0.6923076923076923 ]
	[ "$stderr" = "score: F1 0.6923076923076923 on 26 rows of ingesteddata/finaldata.csv (0 left out)" ]
	[ ! -e practicemodels/latestscore.txt ]
}

@test "score leaves out and counts rows with a missing feature or target" {
	mkws "$FIXTURES/score/ws"
	cd "$WS"
	run -0 --separate-stderr score --json
	[ "$output" = '{"f1":0.6666666666666666,"precision":0.6666666666666666,"recall":0.6666666666666666,"accuracy":0.6,"confusion":[[1,1],[1,2]],"rows":5,"left_out":2}' ]
	[ "$stderr" = "score: F1 0.6666666666666666 on 5 rows of testdata/testdata.csv (2 left out): practicemodels/latestscore.txt" ]
}

@test "score -n prints the score and writes nothing" {
	mkws "$FIXTURES/score/ws"
	cd "$WS"
	local before
	before=$(treesum "$WS")
	run -0 --separate-stderr score -n
	[ "$output" = 0.6666666666666666 ]
	[ "$stderr" = "score: F1 0.6666666666666666 on 5 rows of testdata/testdata.csv (2 left out)" ]
	[ "$(treesum "$WS")" = "$before" ]
	[ ! -e practicemodels/latestscore.txt ]
}

@test "score -n leaves an earlier latestscore.txt as it was" {
	scored
	printf '%s\nb,200,100,5,1\n' "$HEADER" >other.csv
	run -0 score -q -n -d other.csv
	[ "$output" = 0.0 ]
	unchanged
}

@test "score -d - reads the test data from standard input" {
	mkws "$FIXTURES/score/ws"
	cd "$WS"
	run -0 --separate-stderr score -n -d - <testdata/testdata.csv
	[ "$output" = 0.6666666666666666 ]
	[ "$stderr" = "score: F1 0.6666666666666666 on 5 rows of (stdin) (2 left out)" ]
}

@test "score -m writes latestscore.txt beside the model it names" {
	mkws "$FIXTURES/score/ws"
	cd "$WS"
	mkdir models
	mv practicemodels/trainedmodel.json models/other.json
	run -0 --separate-stderr score -m models/other.json
	[ "$output" = 0.6666666666666666 ]
	[ "$stderr" = "score: F1 0.6666666666666666 on 5 rows of testdata/testdata.csv (2 left out): models/latestscore.txt" ]
	printf '0.6666666666666666\n' >expected
	cmp expected models/latestscore.txt
	[ -z "$(ls -A practicemodels)" ]
}

@test "score writes 0.0 when no row is predicted 1" {
	mkws "$FIXTURES/score/ws"
	cd "$WS"
	printf '%s\nb,200,100,5,1\nb,200,100,5,0\n' "$HEADER" >testdata/testdata.csv
	run -0 score -q --json
	[ "$output" = '{"f1":0.0,"precision":0.0,"recall":0.0,"accuracy":0.5,"confusion":[[1,0],[1,0]],"rows":2,"left_out":0}' ]
	printf '0.0\n' >expected
	cmp expected practicemodels/latestscore.txt
}

@test "score writes 1.0 for a perfect prediction" {
	mkws "$FIXTURES/score/ws"
	cd "$WS"
	printf '%s\na,10,100,5,1\nb,200,100,5,0\n' "$HEADER" >testdata/testdata.csv
	run -0 score -q
	[ "$output" = 1.0 ]
	[ "$(cat practicemodels/latestscore.txt)" = 1.0 ]
}

@test "score refuses a model that is not JSON" {
	scored
	badmodel notjson.json
	run -1 --separate-stderr score
	[ "$output" = "" ]
	[ "$stderr" = "score: practicemodels/trainedmodel.json:1: not a valid model: '[' or '{' expected near 'this'" ]
	unchanged
}

@test "score refuses a model of another format" {
	scored
	badmodel format.json
	run -1 --separate-stderr score
	[ "$output" = "" ]
	[ "$stderr" = 'score: practicemodels/trainedmodel.json: not a valid model: format is not "riskwatch-model/1"' ]
	unchanged
}

@test "score refuses a model with the wrong number of coefficients" {
	scored
	badmodel twocoefs.json
	run -1 --separate-stderr score
	[ "$stderr" = "score: practicemodels/trainedmodel.json: not a valid model: expected one number per feature in coefficients" ]
	unchanged
}

@test "score refuses a model with a string for a coefficient" {
	scored
	badmodel stringcoef.json
	run -1 --separate-stderr score
	[ "$stderr" = "score: practicemodels/trainedmodel.json: not a valid model: expected finite numbers in coefficients" ]
	unchanged
}

@test "score refuses a model with a coefficient out of range" {
	scored
	badmodel overflow.json
	run -1 --separate-stderr score
	[ "$stderr" = "score: practicemodels/trainedmodel.json:11: not a valid model: real number overflow near '1e999'" ]
	unchanged
}

@test "score refuses a model without a number for the intercept" {
	scored
	badmodel nullintercept.json
	run -1 --separate-stderr score
	[ "$stderr" = "score: practicemodels/trainedmodel.json: not a valid model: expected a finite number in intercept" ]
	unchanged
}

@test "score refuses a model whose features are not the config's" {
	scored
	badmodel otherfeature.json
	run -1 --separate-stderr score
	[ "$stderr" = "score: practicemodels/trainedmodel.json: the model's feature 2 is \"lastyear_visits\", the config's \"lastyear_activity\"" ]
	unchanged
}

@test "score -m of a corrupt model writes nothing beside it" {
	scored
	mkdir models
	cp "$FIXTURES/score/models/format.json" models/
	run -1 --separate-stderr score -m models/format.json
	[ "$stderr" = 'score: models/format.json: not a valid model: format is not "riskwatch-model/1"' ]
	[ "$(ls -A models)" = format.json ]
	unchanged
}

@test "score without a model fails" {
	mkws "$FIXTURES/score/ws"
	cd "$WS"
	rm practicemodels/trainedmodel.json
	run -1 --separate-stderr score
	[ "$output" = "" ]
	[ "$stderr" = "score: unable to open practicemodels/trainedmodel.json: No such file or directory" ]
	[ -z "$(ls -A practicemodels)" ]
}

@test "score of bad test data fails and keeps latestscore.txt" {
	scored
	printf '%s\na,10,100,5,yes\n' "$HEADER" >testdata/testdata.csv
	run -1 --separate-stderr score
	[ "$output" = "" ]
	[ "$stderr" = 'score: testdata/testdata.csv:2: field 5 (exited): "yes" is not 0 or 1' ]
	unchanged
}

@test "score of test data without a complete row fails" {
	scored
	printf '%s\na,NA,100,5,1\nb,1,2,3,\n' "$HEADER" >testdata/testdata.csv
	run -1 --separate-stderr score
	[ "$stderr" = "score: testdata/testdata.csv: no complete rows to score" ]
	unchanged
}

@test "score of missing test data fails and keeps latestscore.txt" {
	scored
	run -1 --separate-stderr score -d testdata/nothere.csv
	[ "$stderr" = "score: testdata/nothere.csv: No such file or directory" ]
	unchanged
}

@test "score never rewrites the score of a deployed model" {
	mkws "$FIXTURES/score/ws"
	cd "$WS"
	mkdir production_deployment
	cp practicemodels/trainedmodel.json production_deployment/
	printf '0.5\n' >production_deployment/latestscore.txt
	run -1 --separate-stderr score -m production_deployment/trainedmodel.json
	[ "$output" = "" ]
	[ "$stderr" = "score: production_deployment/trainedmodel.json: a deployed model: its score is not rewritten (score -n scores without writing)" ]
	[ "$(cat production_deployment/latestscore.txt)" = 0.5 ]
	run -0 score -q -n -m production_deployment/trainedmodel.json
	[ "$output" = 0.6666666666666666 ]
	[ "$(cat production_deployment/latestscore.txt)" = 0.5 ]
}

@test "score removes the temp files killed runs left of latestscore.txt, and only those" {
	scored
	touch practicemodels/.tmp.latestscore.txt.Ab1xYz practicemodels/.tmp.trainedmodel.json.Ab1xYz
	run -0 score -q
	[ ! -e practicemodels/.tmp.latestscore.txt.Ab1xYz ]
	[ -e practicemodels/.tmp.trainedmodel.json.Ab1xYz ]
	[ "$(cat practicemodels/latestscore.txt)" = 0.6666666666666666 ]
}
