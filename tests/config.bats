#!/usr/bin/env bats
# config.json as every tool reads it: errors that name the file and line or
# the key (exit 2), warnings for unknown keys, -c, -C and the defaults.

load test_helper

HEADER=corporation,lastmonth_activity,lastyear_activity,number_of_employees,exited

# the fixture workspace, with the current directory in it
ws() {
	mkws "$FIXTURES/config/ws"
	cd "$WS"
}

# the fixture workspace, ingested once; every file's digest in $BEFORE
ingested() {
	ws
	run -0 ingest -q
	BEFORE=$(treesum "$WS")
}

# badconfig TOOL MESSAGE: TOOL exits 2 printing only MESSAGE, and the
# workspace is as it was
badconfig() {
	run -2 --separate-stderr "$1"
	[ "$output" = "" ]
	[ "$stderr" = "$2" ]
	[ "$(treesum "$WS")" = "$BEFORE" ]
}

@test "a config that is not JSON is an error with its file and line" {
	ingested
	printf '{\n  "input_folder_path": "practicedata",\n  oops\n}\n' >config.json
	BEFORE=$(treesum "$WS")
	badconfig ingest "ingest: config.json:3: string or '}' expected near 'oops'"
}

@test "every tool refuses a config that is not JSON" {
	ingested
	printf '{"input_folder_path": "practicedata",}\n' >config.json
	BEFORE=$(treesum "$WS")
	local tool
	for tool in ingest train score deploy; do
		badconfig "$tool" "$tool: config.json:1: string or '}' expected near '}'"
	done
}

@test "a config with text after the object is an error with its line" {
	ingested
	printf '{"input_folder_path": "practicedata"}\n{}\n' >config.json
	BEFORE=$(treesum "$WS")
	badconfig ingest "ingest: config.json:2: end of file expected near '{'"
}

@test "a config that is not an object is an error" {
	ingested
	printf '["practicedata"]\n' >config.json
	BEFORE=$(treesum "$WS")
	badconfig ingest "ingest: config.json: expected a JSON object"
}

@test "a key given twice is an error naming the key" {
	ingested
	printf '{"input_folder_path": "practicedata",\n "input_folder_path": "otherdata"}\n' >config.json
	BEFORE=$(treesum "$WS")
	badconfig ingest "ingest: config.json:2: duplicate object key near '\"input_folder_path\"'"
}

@test "a path of the wrong type is an error naming the key" {
	ingested
	printf '{"input_folder_path": 5}\n' >config.json
	BEFORE=$(treesum "$WS")
	badconfig ingest 'ingest: config.json: key "input_folder_path": expected a non-empty string'
	printf '{"output_model_path": ["a"]}\n' >config.json
	BEFORE=$(treesum "$WS")
	badconfig score 'score: config.json: key "output_model_path": expected a non-empty string'
}

@test "an empty target is an error naming the key" {
	ingested
	printf '{"target": ""}\n' >config.json
	BEFORE=$(treesum "$WS")
	badconfig train 'train: config.json: key "target": expected a non-empty string'
}

@test "features that are not an array of names are an error naming the key" {
	ingested
	printf '{"features": "lastmonth_activity"}\n' >config.json
	BEFORE=$(treesum "$WS")
	badconfig ingest 'ingest: config.json: key "features": expected an array of 1 to 10000 column names'
	printf '{"features": []}\n' >config.json
	BEFORE=$(treesum "$WS")
	badconfig ingest 'ingest: config.json: key "features": expected an array of 1 to 10000 column names'
	printf '{"features": [3]}\n' >config.json
	BEFORE=$(treesum "$WS")
	badconfig ingest 'ingest: config.json: key "features": expected a non-empty string'
}

@test "model settings of the wrong type or range name the key" {
	ingested
	printf '{"model": 3}\n' >config.json
	BEFORE=$(treesum "$WS")
	badconfig train 'train: config.json: key "model": expected an object'
	printf '{"model": {"C": -1}}\n' >config.json
	BEFORE=$(treesum "$WS")
	badconfig train 'train: config.json: key "model.C": expected a positive number no greater than 1e6'
	printf '{"model": {"tol": "small"}}\n' >config.json
	BEFORE=$(treesum "$WS")
	badconfig train 'train: config.json: key "model.tol": expected a positive number'
	printf '{"model": {"max_iter": 1.5}}\n' >config.json
	BEFORE=$(treesum "$WS")
	badconfig train 'train: config.json: key "model.max_iter": expected an integer from 1 to 1000000'
}

@test "api settings of the wrong type or range name the key" {
	ingested
	printf '{"api": {"port": "80"}}\n' >config.json
	BEFORE=$(treesum "$WS")
	badconfig deploy 'deploy: config.json: key "api.port": expected an integer from 1 to 65535'
	printf '{"api": {"port": 65536}}\n' >config.json
	BEFORE=$(treesum "$WS")
	badconfig deploy 'deploy: config.json: key "api.port": expected an integer from 1 to 65535'
	printf '{"api": {"host": ""}}\n' >config.json
	BEFORE=$(treesum "$WS")
	badconfig ingest 'ingest: config.json: key "api.host": expected a non-empty string'
}

@test "an unknown drift test names the key and the choices" {
	ingested
	local bad
	for bad in '"bayesian"' '["raw", "raw"]' '["data"]' \
	    '["data", "data"]' '["raw", "data", "parametric"]' 1; do
		printf '{"drift_test": %s}\n' "$bad" >config.json
		BEFORE=$(treesum "$WS")
		badconfig ingest 'ingest: config.json: key "drift_test": expected "raw", "parametric", "nonparametric", "data", or one of the first three and "data" in an array'
	done
}

@test "drift_test takes the data test alone, or a score test and data, both to find drift" {
	ws
	local v
	for v in '"data"=data' '["raw", "data"]=raw+data' \
	    '["data", "nonparametric"]=nonparametric+data' \
	    '"parametric"=parametric'; do
		printf '{"drift_test": %s}\n' "${v%=*}" >config.json
		run -0 --separate-stderr deploy --get drift_test
		[ "$output" = "${v#*=}" ]
		[ "$stderr" = "" ]
	done
}

@test "the gate is off by default, on with true or a margin; a bad margin names the key" {
	ws
	run -0 deploy --get gate
	[ "$output" = off ]
	local v
	for v in 'true=on=0.0' 'false=off=0.0' '{"margin": 0.05}=on=0.05' \
	    '{}=on=0.0' '{"margin": 1}=on=1.0'; do
		printf '{"gate": %s}\n' "${v%%=*}" >config.json
		run -0 deploy --get gate
		[ "$output" = "$(cut -d= -f2 <<<"$v")" ]
		run -0 deploy --get gate.margin
		[ "$output" = "${v##*=}" ]
	done
	BEFORE=$(treesum "$WS")
	for v in '{"margin": -0.1}' '{"margin": 1.5}' '{"margin": "0.1"}'; do
		printf '{"gate": %s}\n' "$v" >config.json
		BEFORE=$(treesum "$WS")
		badconfig ingest 'ingest: config.json: key "gate.margin": expected a number from 0 to 1'
	done
	printf '{"gate": 1}\n' >config.json
	BEFORE=$(treesum "$WS")
	badconfig ingest 'ingest: config.json: key "gate": expected true, false or an object'
}

@test "an unknown key is a warning and the tool still works" {
	ws
	printf '{"colour": "blue", "model": {"penalty": "l2"}, "input_folder_path": "practicedata"}\n' >config.json
	run -0 --separate-stderr ingest
	[ "$output" = "" ]
	[ "${stderr_lines[0]}" = 'ingest: config.json: unknown key "colour" ignored' ]
	[ "${stderr_lines[1]}" = 'ingest: config.json: unknown key "model.penalty" ignored' ]
	[ "${stderr_lines[2]}" = "ingest: 1 file, 3 rows read, 0 duplicates dropped, 3 rows written to ingesteddata/finaldata.csv" ]
	[ "${#stderr_lines[@]}" -eq 3 ]
	cmp practicedata/a.csv ingesteddata/finaldata.csv
}

@test "an unknown key is warned about even under -q" {
	ws
	printf '{"colour": "blue"}\n' >config.json
	run -0 --separate-stderr ingest -q
	[ "$stderr" = 'ingest: config.json: unknown key "colour" ignored' ]
	cmp practicedata/a.csv ingesteddata/finaldata.csv
}

@test "-c reads another config file" {
	ws
	run -0 --separate-stderr ingest -c other.json
	[ "$stderr" = "ingest: 1 file, 2 rows read, 0 duplicates dropped, 2 rows written to otherout/finaldata.csv" ]
	cmp otherdata/b.csv otherout/finaldata.csv
	[ ! -e ingesteddata ]
}

@test "-c naming a missing file is an error, not the defaults" {
	ws
	rm config.json
	run -2 --separate-stderr ingest -c nothere.json
	[ "$output" = "" ]
	[ "$stderr" = "ingest: nothere.json: unable to open nothere.json: No such file or directory" ]
	[ ! -e ingesteddata ]
}

@test "-C works on another folder, with paths relative to it" {
	ws
	cd "$BATS_TEST_TMPDIR"
	run -0 --separate-stderr ingest -C ws
	[ "$stderr" = "ingest: 1 file, 3 rows read, 0 duplicates dropped, 3 rows written to ingesteddata/finaldata.csv" ]
	cmp ws/practicedata/a.csv ws/ingesteddata/finaldata.csv
	[ ! -e ingesteddata ]
	run -0 --separate-stderr train -q -C ws
	[ "${lines[0]}" = $'rows\t3' ]
	[ -f ws/practicemodels/trainedmodel.json ]
}

@test "-C with -c reads the config file inside the folder" {
	ws
	cd "$BATS_TEST_TMPDIR"
	run -0 ingest -q -C ws -c other.json
	cmp ws/otherdata/b.csv ws/otherout/finaldata.csv
	[ ! -e ws/ingesteddata ]
}

@test "-C naming a missing folder is an error" {
	mkdir "$BATS_TEST_TMPDIR/here"
	cd "$BATS_TEST_TMPDIR/here"
	run -2 --separate-stderr ingest -C nothere
	[ "$output" = "" ]
	[ "$stderr" = "ingest: nothere: No such file or directory" ]
	[ -z "$(ls -A)" ]
}

@test "the defaults apply when config.json is absent" {
	ws
	rm config.json other.json
	mkdir testdata
	cp practicedata/a.csv testdata/testdata.csv
	run -0 --separate-stderr ingest
	[ "$stderr" = "ingest: 1 file, 3 rows read, 0 duplicates dropped, 3 rows written to ingesteddata/finaldata.csv" ]
	run -0 --separate-stderr train
	[ "${lines[0]}" = $'rows\t3' ]
	[ "${lines[3]%%$'\t'*}" = lastmonth_activity ]
	[ "${lines[4]%%$'\t'*}" = lastyear_activity ]
	[ "${lines[5]%%$'\t'*}" = number_of_employees ]
	[ "$stderr" = "train: 3 rows (0 left out), ${lines[2]#*$'\t'} iterations: practicemodels/trainedmodel.json" ]
	grep -Fqx '  "C": 1.0,' practicemodels/trainedmodel.json
	grep -Fqx '  "tol": 0.0001,' practicemodels/trainedmodel.json
	grep -Fqx '  "target": "exited",' practicemodels/trainedmodel.json
	run -0 --separate-stderr score
	[ "$stderr" = "score: F1 $output on 3 rows of testdata/testdata.csv (0 left out): practicemodels/latestscore.txt" ]
	run -0 deploy -q
	[[ $output =~ ^production_deployment/history/ ]]
	[ -L production_deployment/current ]
}

@test "a target named in the config is the column predicted" {
	ws
	mkdir incoming
	printf 'corporation,lastmonth_activity,lastyear_activity,number_of_employees,churned\nab,12,340,4,1\ncd,250,1200,25,0\n' \
	    >incoming/a.csv
	printf '{"input_folder_path": "incoming", "target": "churned"}\n' >config.json
	run -0 ingest -q
	cmp incoming/a.csv ingesteddata/finaldata.csv
	run -0 train -q
	[ "${lines[0]}" = $'rows\t2' ]
	grep -Fqx '  "target": "churned",' practicemodels/trainedmodel.json
	printf '{"target": "churned"}\n' >config.json
	run -2 --separate-stderr ingest
	[ "${stderr_lines[0]}" = 'ingest: practicedata/a.csv:1: no column "churned" (the target)' ]
}

@test "features named in the config are the columns checked and fitted" {
	ws
	printf '%s\nab,12,n/a here,4,0\ncd,250,1200,25,1\n' "$HEADER" >practicedata/a.csv
	printf '{"features": ["number_of_employees", "lastmonth_activity"]}\n' >config.json
	run -0 --separate-stderr ingest
	[ "$stderr" = "ingest: 1 file, 2 rows read, 0 duplicates dropped, 2 rows written to ingesteddata/finaldata.csv" ]
	cmp practicedata/a.csv ingesteddata/finaldata.csv
	run -0 train -q
	[ "${lines[0]}" = $'rows\t2' ]
	[ "${lines[3]%%$'\t'*}" = number_of_employees ]
	[ "${lines[4]%%$'\t'*}" = lastmonth_activity ]
	[ "${lines[5]%%$'\t'*}" = intercept ]
}

@test "a target that is also a feature is an error naming the key" {
	ingested
	printf '{"features": ["lastmonth_activity", "exited"]}\n' >config.json
	BEFORE=$(treesum "$WS")
	badconfig ingest 'ingest: config.json: key "target": "exited" is also a feature'
}

@test "a feature named twice is an error naming the key" {
	ingested
	printf '{"features": ["lastmonth_activity", "lastmonth_activity"]}\n' >config.json
	BEFORE=$(treesum "$WS")
	badconfig ingest 'ingest: config.json: key "features": "lastmonth_activity" named twice'
}

@test "a config naming a missing input folder is an error naming the key" {
	ingested
	printf '{"input_folder_path": "incoming"}\n' >config.json
	BEFORE=$(treesum "$WS")
	badconfig ingest 'ingest: config: key "input_folder_path": incoming: No such file or directory'
}

@test "lock_timeout is seconds from 1 to a year, 3600 by default" {
	ingested
	run -0 deploy --get lock_timeout
	[ "$output" = 3600 ]
	printf '{"lock_timeout": 60}\n' >config.json
	run -0 deploy --get lock_timeout
	[ "$output" = 60 ]
	for v in 0 31536001 '"1h"' 1.5; do
		printf '{"lock_timeout": %s}\n' "$v" >config.json
		BEFORE=$(treesum "$WS")
		badconfig deploy 'deploy: config.json: key "lock_timeout": expected an integer from 1 to 31536000'
	done
}

@test "drift.reference_rows is an integer from 1 to 1000000, 10000 by default" {
	ingested
	run -0 deploy --get drift.reference_rows
	[ "$output" = 10000 ]
	printf '{"drift": {"reference_rows": 50}}\n' >config.json
	run -0 deploy --get drift.reference_rows
	[ "$output" = 50 ]
	for v in 0 1000001 '"10"' 1.5; do
		printf '{"drift": {"reference_rows": %s}}\n' "$v" >config.json
		BEFORE=$(treesum "$WS")
		badconfig deploy 'deploy: config.json: key "drift.reference_rows": expected an integer from 1 to 1000000'
	done
	printf '{"drift": []}\n' >config.json
	BEFORE=$(treesum "$WS")
	badconfig deploy 'deploy: config.json: key "drift": expected an object'
}

@test "a feature or target the data lacks is a config error, exit 2" {
	ingested
	run -0 train -q
	printf '{"features": ["seats"]}\n' >config.json
	BEFORE=$(treesum "$WS")
	badconfig train 'train: ingesteddata/finaldata.csv:1: no column "seats" (a feature)'
	printf '{"target": "churned"}\n' >config.json
	BEFORE=$(treesum "$WS")
	mkdir -p testdata
	cp practicedata/a.csv testdata/testdata.csv
	BEFORE=$(treesum "$WS")
	badconfig score 'score: testdata/testdata.csv:1: no column "churned" (the target)'
	run -2 --separate-stderr ingest -q
	[ "${stderr_lines[0]}" = 'ingest: practicedata/a.csv:1: no column "churned" (the target)' ]
	printf '{"features": ["seats"]}\n' >config.json
	BEFORE=$(treesum "$WS")
	run -2 --separate-stderr diagnose summary
	[ "$output" = "" ]
	[ "$stderr" = 'diagnose: summary: ingesteddata/finaldata.csv:1: no column "seats" (a feature)' ]
	[ "$(treesum "$WS")" = "$BEFORE" ]
}

@test "model.C above 1e6, C or tol not positive, max_iter below 1 name the key" {
	ingested
	local v
	for v in 1e300 1000000.5 0 -0.0; do
		printf '{"model": {"C": %s}}\n' "$v" >config.json
		BEFORE=$(treesum "$WS")
		badconfig train 'train: config.json: key "model.C": expected a positive number no greater than 1e6'
	done
	for v in 0 -1e-4; do
		printf '{"model": {"tol": %s}}\n' "$v" >config.json
		BEFORE=$(treesum "$WS")
		badconfig train 'train: config.json: key "model.tol": expected a positive number'
	done
	printf '{"model": {"max_iter": 0}}\n' >config.json
	BEFORE=$(treesum "$WS")
	badconfig train 'train: config.json: key "model.max_iter": expected an integer from 1 to 1000000'
	printf '{"model": {"C": 1e6}}\n' >config.json
	run -0 train -q
}

@test "an output folder that is the input folder is a config error naming both keys" {
	ingested
	local v
	for v in practicedata ./practicedata/ x/../practicedata "$WS/practicedata"; do
		printf '{"output_folder_path": "%s"}\n' "$v" >config.json
		BEFORE=$(treesum "$WS")
		badconfig ingest "ingest: config.json: keys \"input_folder_path\" and \"output_folder_path\" name one folder, $v: ingest would read its own output"
	done
}

@test "a folder that is or lies inside the deployment folder is a config error naming the keys" {
	ingested
	printf '{"output_model_path": "production_deployment"}\n' >config.json
	BEFORE=$(treesum "$WS")
	badconfig deploy 'deploy: config.json: keys "output_model_path" and "prod_deployment_path" name one folder, production_deployment: deploy'"'"'s links would replace its files'
	mkdir practicemodels
	ln -s practicemodels linked
	printf '{"prod_deployment_path": "linked"}\n' >config.json
	BEFORE=$(treesum "$WS")
	badconfig score 'score: config.json: keys "output_model_path" and "prod_deployment_path" name one folder, practicemodels: deploy'"'"'s links would replace its files'
	printf '{"test_data_path": "production_deployment/testdata"}\n' >config.json
	BEFORE=$(treesum "$WS")
	badconfig ingest 'ingest: config.json: key "test_data_path": production_deployment/testdata is inside "prod_deployment_path", whose every name deploy owns'
	printf '{"prod_deployment_path": "."}\n' >config.json
	BEFORE=$(treesum "$WS")
	badconfig ingest 'ingest: config.json: key "input_folder_path": practicedata is inside "prod_deployment_path", whose every name deploy owns'
}

@test "a relative path out of the workspace is a config error; an absolute one is taken" {
	ingested
	printf '{"output_folder_path": "../out"}\n' >config.json
	BEFORE=$(treesum "$WS")
	badconfig ingest 'ingest: config.json: key "output_folder_path": ../out is outside the workspace (an absolute path names such a folder on purpose)'
	printf '{"input_folder_path": "practicedata/../../ws/practicedata"}\n' >config.json
	BEFORE=$(treesum "$WS")
	badconfig ingest 'ingest: config.json: key "input_folder_path": practicedata/../../ws/practicedata is outside the workspace (an absolute path names such a folder on purpose)'
	printf '{"output_folder_path": "%s/out"}\n' "$BATS_TEST_TMPDIR" >config.json
	run -0 ingest -q
	cmp practicedata/a.csv "$BATS_TEST_TMPDIR/out/finaldata.csv"
}
