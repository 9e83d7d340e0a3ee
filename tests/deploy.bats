#!/usr/bin/env bats
# deploy: the trained model, its score and the ingested files' list become
# production_deployment/history/ID, with current a symlink to it; --list,
# --rollback.

load test_helper

USAGE="usage: deploy [-fhnqV] [-C dir] [-c file] [-d data] [--adopt | --foreign | --list | --rollback | --check f1 | --seen | --get key | --verify]"
PROD=production_deployment

# the seed's practicedata (or the folder named) ingested, trained, scored
pipeline() {
	seedws "$@"
	cd "$WS"
	run -0 ingest -q
	run -0 train -q
	run -0 score -q
}

# the same steps on the fixture workspace, which needs no seed data
localpipeline() {
	mkws "$FIXTURES/deploy/ws"
	cd "$WS"
	run -0 ingest -q
	run -0 train -q
	run -0 score -q
	[ "$output" = 0.4 ]
}

# the same steps again on the seed's sourcedata, in the same workspace
retrain_on_sourcedata() {
	sed -i 's/"practicedata"/"sourcedata"/' config.json
	run -0 ingest -q
	run -0 train -q
	run -0 score -q
	[ "$output" = 0.3333333333333333 ]
}

# deployed: deploy, and the new deployment's ID in $ID
deployed() {
	run -0 deploy -q
	ID=${output#"$PROD/history/"}
}

# the ISO 8601 time of an ID: 20261124T154500.123456Z-... is 2026-11-24T15:45:00Z
idtime() {
	printf '%s-%s-%sT%s:%s:%sZ' "${1:0:4}" "${1:4:2}" "${1:6:2}" \
	    "${1:9:2}" "${1:11:2}" "${1:13:2}"
}

# every name, link target and file digest under the deployment folder
prodstate() {
	(
		cd "$WS/$PROD" || exit 1
		find . | sort
		find . -type l | sort | while read -r l; do
			printf '%s -> %s\n' "$l" "$(readlink "$l")"
		done
		find . -type f -print0 | sort -z | xargs -0 sha256sum
	)
}

@test "deploy --list --rollback is a usage error" {
	localpipeline
	deployed
	local before
	before=$(prodstate)
	run -2 --separate-stderr deploy --list --rollback
	[ "$output" = "" ]
	[ "$stderr" = "$USAGE" ]
	[ "$(prodstate)" = "$before" ]
}

@test "deploy with an operand is a usage error and deploys nothing" {
	localpipeline
	run -2 --separate-stderr deploy now
	[ "$output" = "" ]
	[ "$stderr" = "$USAGE" ]
	[ ! -e "$PROD" ]
}

@test "deploy -h prints the usage on stdout and succeeds" {
	run -0 --separate-stderr deploy -h
	[ "${lines[0]}" = "$USAGE" ]
	[ "$stderr" = "" ]
}

@test "deploy prints the new folder, named by time and the model's digest" {
	pipeline
	run -0 --separate-stderr deploy
	local sha id
	sha=$(sha256sum <practicemodels/trainedmodel.json | cut -d' ' -f1)
	id=${output#"$PROD/history/"}
	[[ $id =~ ^[0-9]{8}T[0-9]{6}\.[0-9]{6}Z-${sha:0:12}$ ]]
	[ "$output" = "$PROD/history/$id" ]
	[ "$stderr" = "deploy: deployed $PROD/history/$id (F1 0.5714285714285715)" ]
	[ -d "$output" ]
}

@test "deploy points current at the new deployment" {
	pipeline
	deployed
	[ -L "$PROD/current" ]
	[ "$(readlink "$PROD/current")" = "history/$ID" ]
	[ "$(ls -A "$PROD/history")" = "$ID" ]
}

@test "deploy copies the model, its score and the ingested files' list" {
	pipeline
	deployed
	[ "$(ls -A "$PROD/history/$ID")" = "$(printf '%s\n' ingestedfiles.txt latestscore.txt reference.json trainedmodel.json)" ]
	cmp practicemodels/trainedmodel.json "$PROD/history/$ID/trainedmodel.json"
	cmp practicemodels/latestscore.txt "$PROD/history/$ID/latestscore.txt"
	cmp ingesteddata/ingestedfiles.txt "$PROD/history/$ID/ingestedfiles.txt"
}

@test "deploy's top-level files are links through current" {
	pipeline
	deployed
	local f
	for f in trainedmodel.json latestscore.txt ingestedfiles.txt; do
		[ -L "$PROD/$f" ]
		[ "$(readlink "$PROD/$f")" = "current/$f" ]
	done
	cmp practicemodels/trainedmodel.json "$PROD/trainedmodel.json"
	cmp practicemodels/latestscore.txt "$PROD/latestscore.txt"
	cmp ingesteddata/ingestedfiles.txt "$PROD/ingestedfiles.txt"
	[ "$(cat "$PROD/latestscore.txt")" = 0.5714285714285715 ]
}

@test "deploy adds the deployment to scorehistory.csv" {
	pipeline
	deployed
	printf 'time,f1,model,event\n%s,0.5714285714285715,%s,deploy\n' \
	    "$(idtime "$ID")" "$ID" >expected
	diff -u expected "$PROD/scorehistory.csv"
}

@test "a second deploy keeps the first" {
	pipeline
	deployed
	local first=$ID firstsum
	firstsum=$(treesum "$PROD/history/$first")
	retrain_on_sourcedata
	deployed
	[ "$ID" != "$first" ]
	[ "$(ls -A "$PROD/history")" = "$(printf '%s\n' "$first" "$ID")" ]
	[ "$(treesum "$PROD/history/$first")" = "$firstsum" ]
	[ "$(readlink "$PROD/current")" = "history/$ID" ]
	[ "$(cat "$PROD/latestscore.txt")" = 0.3333333333333333 ]
	cmp practicemodels/trainedmodel.json "$PROD/trainedmodel.json"
	printf 'time,f1,model,event\n%s,0.5714285714285715,%s,deploy\n%s,0.3333333333333333,%s,deploy\n' \
	    "$(idtime "$first")" "$first" "$(idtime "$ID")" "$ID" >expected
	diff -u expected "$PROD/scorehistory.csv"
}

@test "deploy --list shows every deployment, oldest first, the current marked" {
	pipeline
	deployed
	local first=$ID
	retrain_on_sourcedata
	deployed
	run -0 --separate-stderr deploy --list
	[ "${#lines[@]}" -eq 2 ]
	[ "${lines[0]}" = "$(idtime "$first")	0.5714285714285715	26	$first	-" ]
	[ "${lines[1]}" = "$(idtime "$ID")	0.3333333333333333	26	$ID	*" ]
	[ "$stderr" = "" ]
}

@test "deploy --list with nothing deployed prints nothing" {
	localpipeline
	run -0 --separate-stderr deploy --list
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	[ ! -e "$PROD" ]
}

@test "deploy --rollback makes the earlier deployment current" {
	pipeline
	deployed
	local first=$ID firstsum
	firstsum=$(treesum "$PROD/history/$first")
	retrain_on_sourcedata
	deployed
	run -0 --separate-stderr deploy --rollback
	[ "$output" = "$PROD/history/$first" ]
	[ "$stderr" = "deploy: rolled back from $ID to $first" ]
	[ "$(readlink "$PROD/current")" = "history/$first" ]
	[ "$(cat "$PROD/latestscore.txt")" = 0.5714285714285715 ]
	cmp "$PROD/history/$first/trainedmodel.json" "$PROD/trainedmodel.json"
	[ "$(treesum "$PROD/history/$first")" = "$firstsum" ]
	[ -d "$PROD/history/$ID" ]
	run -0 deploy --list
	[ "${lines[0]}" = "$(idtime "$first")	0.5714285714285715	26	$first	*" ]
	[ "${lines[1]}" = "$(idtime "$ID")	0.3333333333333333	26	$ID	-" ]
}

@test "deploy --rollback run again goes back one deployment further" {
	localpipeline
	deployed
	local ids=("$ID")
	deployed
	ids+=("$ID")
	deployed
	ids+=("$ID")
	run -0 deploy -q --rollback
	[ "$output" = "$PROD/history/${ids[1]}" ]
	run -0 deploy -q --rollback
	[ "$output" = "$PROD/history/${ids[0]}" ]
	[ "$(readlink "$PROD/current")" = "history/${ids[0]}" ]
	run -0 deploy --list
	[ "${#lines[@]}" -eq 3 ]
	[ "${lines[0]}" = "$(idtime "${ids[0]}")	0.4	8	${ids[0]}	*" ]
	[ "${lines[1]}" = "$(idtime "${ids[1]}")	0.4	8	${ids[1]}	-" ]
	[ "${lines[2]}" = "$(idtime "${ids[2]}")	0.4	8	${ids[2]}	-" ]
}

@test "deploy --rollback with no earlier deployment fails and changes nothing" {
	localpipeline
	deployed
	local before
	before=$(prodstate)
	run -1 --separate-stderr deploy --rollback
	[ "$output" = "" ]
	[ "$stderr" = "deploy: $PROD: no deployment before $ID" ]
	[ "$(prodstate)" = "$before" ]
}

@test "deploy --rollback with nothing deployed fails" {
	localpipeline
	run -1 --separate-stderr deploy --rollback
	[ "$output" = "" ]
	[ "$stderr" = "deploy: $PROD: nothing is deployed" ]
	[ ! -e "$PROD" ]
}

@test "deploy without latestscore.txt fails: run score first" {
	localpipeline
	deployed
	local before
	before=$(prodstate)
	run -0 train -q
	rm practicemodels/latestscore.txt
	run -1 --separate-stderr deploy
	[ "$output" = "" ]
	[ "$stderr" = "deploy: practicemodels/latestscore.txt: no score: run score first" ]
	[ "$(prodstate)" = "$before" ]
}

@test "deploy without latestscore.txt creates no deployment folder" {
	mkws "$FIXTURES/deploy/ws"
	cd "$WS"
	run -0 ingest -q
	run -0 train -q
	run -1 --separate-stderr deploy
	[ "$stderr" = "deploy: practicemodels/latestscore.txt: no score: run score first" ]
	[ ! -e "$PROD" ]
}

@test "deploy of a corrupt model fails and changes nothing" {
	localpipeline
	deployed
	local before
	before=$(prodstate)
	printf '{"format": "riskwatch-model/1"}\n' >practicemodels/trainedmodel.json
	run -1 --separate-stderr deploy
	[ "$output" = "" ]
	[ "$stderr" = "deploy: practicemodels/trainedmodel.json: not a valid model: expected an array of 1 to 10000 names in features" ]
	[ "$(prodstate)" = "$before" ]
	echo junk >practicemodels/trainedmodel.json
	run -1 --separate-stderr deploy
	[ "$stderr" = "deploy: practicemodels/trainedmodel.json:1: not a valid model: '[' or '{' expected near 'junk'" ]
	[ "$(prodstate)" = "$before" ]
}

@test "deploy of a score that is not an F1 fails and changes nothing" {
	localpipeline
	deployed
	local before
	before=$(prodstate)
	printf '2\n' >practicemodels/latestscore.txt
	run -1 --separate-stderr deploy
	[ "$stderr" = "deploy: practicemodels/latestscore.txt: not an F1 score (one number from 0 to 1)" ]
	[ "$(prodstate)" = "$before" ]
}

@test "deploy without ingestedfiles.txt fails: run ingest first" {
	localpipeline
	deployed
	local before
	before=$(prodstate)
	rm ingesteddata/ingestedfiles.txt
	run -1 --separate-stderr deploy
	[ "$output" = "" ]
	[ "$stderr" = "deploy: ingesteddata/ingestedfiles.txt: No such file or directory: run ingest first" ]
	[ "$(prodstate)" = "$before" ]
}

@test "deploy that fails while copying leaves no temporary folder" {
	localpipeline
	deployed
	local before
	before=$(prodstate)
	rm ingesteddata/ingestedfiles.txt
	mkdir ingesteddata/ingestedfiles.txt
	run -1 --separate-stderr deploy
	[ "$output" = "" ]
	[ "$stderr" = "deploy: ingesteddata/ingestedfiles.txt: read: Is a directory" ]
	[ "$(prodstate)" = "$before" ]
}

@test "deploy that cannot add to scorehistory.csv still deploys, and says so" {
	localpipeline
	mkdir -p "$PROD/scorehistory.csv"
	run -0 --separate-stderr deploy
	ID=${output#"$PROD/history/"}
	[ "$(readlink "$PROD/current")" = "history/$ID" ]
	[ "${stderr_lines[0]}" = "deploy: $ID is deployed, but $PROD/scorehistory.csv: Is a directory" ]
	[ "${stderr_lines[1]}" = "deploy: deployed $PROD/history/$ID (F1 0.4)" ]
}

@test "concurrent deploys and drift checks keep every score history line" {
	localpipeline
	deployed
	local first=$ID i pids=() bad=0
	for i in $(seq 12); do
		deploy -q >"out.d$i" 2>"err.d$i" &
		pids+=($!)
		deploy -q --check 0.${i}1 >"out.c$i" 2>"err.c$i" &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i" || bad=$((bad + 1))
	done
	cat err.*
	[ "$bad" -eq 0 ]
	[ -z "$(cat err.*)" ]
	[ "$(ls "$PROD/history" | wc -l)" -eq 13 ]
	[ "$(wc -l <"$PROD/scorehistory.csv")" -eq 26 ]
	# one deploy line for each deployment, one check line for each check
	ls "$PROD/history" | sed 's/$/,deploy/' | sort >expected
	grep ',deploy$' "$PROD/scorehistory.csv" | cut -d, -f3- | sort >got
	diff -u expected got
	for i in $(seq 12); do
		[ "$(grep -c ",0\.${i}1,[^,]*,check\$" "$PROD/scorehistory.csv")" -eq 1 ]
	done
	[ -z "$(ls -A "$PROD" | grep -v '^\.deploy\.lock$' | grep '^\.')" ]
	[ -z "$(ls -A "$PROD/history" | grep '^\.')" ]
}

@test "a NUL byte in scorehistory.csv is kept by the next deploy and named by --check" {
	localpipeline
	deployed
	printf 'x\0y,0.5,a,deploy\n' >>"$PROD/scorehistory.csv"
	cp "$PROD/scorehistory.csv" before
	deployed
	{ cat before; printf '%s,0.4,%s,deploy\n' "$(idtime "$ID")" "$ID"; } >expected
	cmp expected "$PROD/scorehistory.csv"
	run -1 --separate-stderr deploy --check 0.4
	[ "$output" = "" ]
	[ "$stderr" = "deploy: $PROD/scorehistory.csv:3: expected time,f1,model,event with an F1 from 0 to 1" ]
	cmp expected "$PROD/scorehistory.csv"
}

@test "deploy removes what killed runs left in the deployment folder" {
	localpipeline
	deployed
	local first=$ID
	mkdir "$PROD/history/.new-Ab12Cd" "$PROD/.tmp.Ef34Gh"
	cp practicemodels/trainedmodel.json "$PROD/history/.new-Ab12Cd/"
	echo half >"$PROD/history/.new-Ab12Cd/.tmp.Ij56Kl"
	ln -s history/x "$PROD/.tmp.Ef34Gh/current"
	echo half >"$PROD/.tmp.Mn78Op"
	echo half >"$PROD/history/$first/.tmp.Qr90St"
	run -0 --separate-stderr deploy
	sort <<<"$stderr" >got
	sort >expected <<EOF2
deploy: removed $PROD/.tmp.Ef34Gh, left by an interrupted run
deploy: removed $PROD/.tmp.Mn78Op, left by an interrupted run
deploy: removed $PROD/history/.new-Ab12Cd, left by an interrupted run
deploy: removed $PROD/history/$first/.tmp.Qr90St, left by an interrupted run
deploy: deployed $output (F1 0.4)
EOF2
	diff -u expected got
	[ "$(ls -A "$PROD")" = "$(printf '%s\n' .deploy.lock current history ingestedfiles.txt latestscore.txt scorehistory.csv trainedmodel.json)" ]
	[ "$(ls -A "$PROD/history")" = "$(printf '%s\n' "$first" "${output#"$PROD/history/"}")" ]
	[ "$(ls -A "$PROD/history/$first")" = "$(printf '%s\n' ingestedfiles.txt latestscore.txt reference.json trainedmodel.json)" ]
}

@test "deploy refuses a model whose features are not the config's" {
	localpipeline
	deployed
	local before
	before=$(prodstate)
	cp config.json config.orig
	sed -i 's/^{/{ "features": ["lastmonth_activity", "lastyear_activity"],/' config.json
	run -0 train -q
	run -0 score -q
	mv config.orig config.json
	run -1 --separate-stderr deploy
	[ "$output" = "" ]
	[ "$stderr" = "deploy: practicemodels/trainedmodel.json: the model has 2 features, the config 3" ]
	[ "$(prodstate)" = "$before" ]
}

@test "deploy refuses a model whose target is not the config's" {
	localpipeline
	local before
	sed -i 's/"target": "exited"/"target": "churned"/' practicemodels/trainedmodel.json
	run -1 --separate-stderr deploy
	[ "$output" = "" ]
	[ "$stderr" = "deploy: practicemodels/trainedmodel.json: the model predicts \"churned\", the config's target is \"exited\"" ]
	[ ! -e "$PROD" ]
}

@test "deploy refuses a latestscore.txt that is not the model's F1 on the test data" {
	localpipeline
	deployed
	local before
	before=$(prodstate)
	echo 0.5 >practicemodels/latestscore.txt
	run -1 --separate-stderr deploy
	[ "$output" = "" ]
	[ "$stderr" = "deploy: practicemodels/latestscore.txt: F1 0.5, but the model scores 0.4 on testdata/testdata.csv: run score" ]
	[ "$(prodstate)" = "$before" ]
	run -0 score -q
	run -0 deploy -q
}

@test "deploy --rollback skips a deployment a killed deploy never made current" {
	localpipeline
	deployed
	local first=$ID orphan
	deployed
	orphan=$ID
	# killed after history/ID was made, before current moved to it
	ln -sfn "history/$first" "$PROD/current"
	grep -v ",$orphan,deploy\$" "$PROD/scorehistory.csv" >x
	mv x "$PROD/scorehistory.csv"
	deployed
	run -0 --separate-stderr deploy --rollback
	[ "$output" = "$PROD/history/$first" ]
	[ "${stderr_lines[0]}" = "deploy: skipped $orphan: it never was deployed (no line in $PROD/scorehistory.csv)" ]
	[ "${stderr_lines[1]}" = "deploy: rolled back from $ID to $first" ]
	[ "$(readlink "$PROD/current")" = "history/$first" ]
}

@test "deploy --rollback skips a broken deployment" {
	localpipeline
	deployed
	local first=$ID broken
	deployed
	broken=$ID
	deployed
	rm "$PROD/history/$broken/trainedmodel.json"
	run -0 --separate-stderr deploy --rollback
	[ "$output" = "$PROD/history/$first" ]
	[ "${stderr_lines[0]}" = "deploy: skipped $broken: unable to open $PROD/history/$broken/trainedmodel.json: No such file or directory" ]
	[ "${stderr_lines[1]}" = "deploy: rolled back from $ID to $first" ]
	[ "$(readlink "$PROD/current")" = "history/$first" ]
}

@test "deploy --rollback with no valid earlier deployment fails and changes nothing" {
	localpipeline
	deployed
	local first=$ID before
	deployed
	echo 2 >"$PROD/history/$first/latestscore.txt"
	before=$(prodstate)
	run -1 --separate-stderr deploy --rollback
	[ "$output" = "" ]
	[ "${stderr_lines[0]}" = "deploy: skipped $first: $PROD/history/$first/latestscore.txt: not an F1 score (one number from 0 to 1)" ]
	[ "${stderr_lines[1]}" = "deploy: $PROD: no valid deployment before $ID" ]
	[ "${#stderr_lines[@]}" -eq 2 ]
	[ "$(prodstate)" = "$before" ]
}

@test "deploy --rollback from a current that dangles goes to the deployment before it" {
	localpipeline
	deployed
	local first=$ID
	deployed
	rm -r "$PROD/history/$ID"
	run -0 --separate-stderr deploy --rollback
	[ "$output" = "$PROD/history/$first" ]
	[ "$stderr" = "deploy: rolled back from $ID to $first" ]
	[ "$(cat "$PROD/latestscore.txt")" = 0.4 ]
}

@test "deploy --verify prints the current deployment when it can be used" {
	localpipeline
	deployed
	run -0 --separate-stderr deploy --verify
	[ "$output" = "$PROD/history/$ID" ]
	[ "$stderr" = "deploy: $ID is whole, and the config can score its model" ]
}

@test "deploy --verify says what is wrong with a damaged deployment" {
	localpipeline
	run -1 --separate-stderr deploy --verify
	[ "$stderr" = "deploy: $PROD: nothing is deployed" ]
	[ ! -e "$PROD" ]
	deployed
	echo junk >"$PROD/history/$ID/trainedmodel.json"
	run -1 --separate-stderr deploy -q --verify
	[ "$output" = "" ]
	[ "$stderr" = "deploy: $PROD/history/$ID/trainedmodel.json:1: not a valid model: '[' or '{' expected near 'junk'" ]
	rm -r "$PROD/history/$ID"
	run -1 --separate-stderr deploy -q --verify
	[ "$output" = "" ]
	[ "$stderr" = "deploy: $PROD/current: history/$ID: No such file or directory" ]
}

@test "deploy --list and --verify refuse a current that names no deployment" {
	localpipeline
	deployed
	local t
	for t in history/ history/. history/..; do
		ln -sfn "$t" "$PROD/current"
		run -1 --separate-stderr deploy --list
		[ "$stderr" = "deploy: $PROD/current: unexpected target $t" ]
		run -1 --separate-stderr deploy -q --verify
		[ "$output" = "" ]
		[ "$stderr" = "deploy: $PROD/current: unexpected target $t" ]
	done
}

@test "deploy makes the deployment folder as the umask says" {
	localpipeline
	umask 027
	deployed
	[ "$(stat -c %a "$PROD/history/$ID")" = 750 ]
	umask 002
	deployed
	[ "$(stat -c %a "$PROD/history/$ID")" = 775 ]
}

@test "deploy keeps a reference profile of finaldata.csv for the data drift tests" {
	localpipeline
	deployed
	sum=$(sha256sum ingesteddata/finaldata.csv | cut -d' ' -f1)
	cat >expected <<EOF2
{"format":"riskwatch-reference/1","data_sha256":"$sum","rows":8,"sample_rows":8,"target":{"name":"exited","missing":0,"counts":[4,4]},"features":[{"name":"lastmonth_activity","missing":0,"values":[5.0,12.0,18.0,40.0,160.0,220.0,250.0,310.0]},{"name":"lastyear_activity","missing":0,"values":[60.0,90.0,340.0,400.0,980.0,1200.0,1500.0,2600.0]},{"name":"number_of_employees","missing":0,"values":[2.0,3.0,4.0,7.0,18.0,25.0,30.0,60.0]}]}
EOF2
	diff -u expected "$PROD/history/$ID/reference.json"
}

@test "deploy samples drift.reference_rows rows of finaldata.csv, the same rows every time, missing values counted over all" {
	localpipeline
	printf '%s\n' 'zz,,100,,' 'yy,7,,9,1' >>ingesteddata/finaldata.csv
	sed -i 's/^{/{"drift":{"reference_rows":3},/' config.json
	deployed
	first=$ID
	sleep 0.01
	deployed
	cmp "$PROD/history/$first/reference.json" "$PROD/history/$ID/reference.json"
	run -0 "$ORACLE" -c '
import json, sys
d = json.load(open(sys.argv[1]))
rows = [l.split(",") for l in open("ingesteddata/finaldata.csv").read().split("\n")[1:] if l]
print(d["rows"], d["sample_rows"], d["target"])
for i, f in enumerate(d["features"]):
    col = [float(r[i + 1]) for r in rows if r[i + 1] != ""]
    v = f["values"]
    print(f["name"], f["missing"], len(v) <= 3, v == sorted(v), all(x in col for x in v))
' "$PROD/history/$ID/reference.json"
	[ "$output" = "10 3 {'name': 'exited', 'missing': 1, 'counts': [4, 5]}
lastmonth_activity 1 True True True
lastyear_activity 1 True True True
number_of_employees 1 True True True" ]
}

@test "deploy without finaldata.csv fails, names the file and deploys nothing" {
	localpipeline
	rm ingesteddata/finaldata.csv
	run -1 --separate-stderr deploy
	[ "$stderr" = "deploy: ingesteddata/finaldata.csv: No such file or directory" ]
	[ ! -e "$PROD/current" ]
	[ "$(ls -A "$PROD/history")" = "" ]
}

# gate [MARGIN]: the champion/challenger gate on, with that margin
gate() {
	sed -i "s/^{/{ \"gate\": {\"margin\": ${1:-0}},/" config.json
}

@test "deploy with the gate keeps a worse model out of current, in history and the decisions" {
	pipeline
	deployed
	local first=$ID before
	gate
	retrain_on_sourcedata
	before=$(cat "$PROD/scorehistory.csv")
	run -0 --separate-stderr deploy
	ID=${output#"$PROD/history/"}
	[ "$output" = "$PROD/history/$ID" ]
	[ "$ID" != "$first" ]
	[ "$stderr" = "deploy: kept the deployed model $first (F1 0.5714285714285715): the new model $ID scores 0.3333333333333333 < 0.5714285714285715 - margin 0.0; it stays in $PROD/history, never current" ]
	[ "$(readlink "$PROD/current")" = "history/$first" ]
	[ "$(cat "$PROD/latestscore.txt")" = 0.5714285714285715 ]
	cmp practicemodels/trainedmodel.json "$PROD/history/$ID/trainedmodel.json"
	[ "$(cat "$PROD/scorehistory.csv")" = "$before" ]
	[ "$(sed 's/^[^,]*,//' "$PROD/decisions.csv")" = "event,model,test,f1,op,threshold,score,drifted,features,data,decision
gate,$ID,gate,0.3333333333333333,<,0.5714285714285715,,,,,kept" ]
	run -0 --separate-stderr deploy --list
	[ "$output" = "$(idtime "$first")	0.5714285714285715	26	$first	*
$(idtime "$ID")	0.3333333333333333	26	$ID	x" ]
}

@test "deploy --rollback never selects a model the gate kept out" {
	pipeline
	deployed
	local first=$ID kept
	gate
	retrain_on_sourcedata
	deployed
	kept=$ID
	sed -i 's/"sourcedata"/"practicedata"/' config.json
	run -0 ingest -q
	run -0 train -q
	run -0 score -q
	deployed
	[ "$(readlink "$PROD/current")" = "history/$ID" ]
	run -0 --separate-stderr deploy --rollback
	[ "$output" = "$PROD/history/$first" ]
	[ "$stderr" = "deploy: skipped $kept: it never was deployed (no line in $PROD/scorehistory.csv)
deploy: rolled back from $ID to $first" ]
}

@test "deploy with the gate lets in a model not worse than the deployed one less the margin" {
	# 0.333 deployed, then 0.571 replaces it
	pipeline sourcedata
	deployed
	local first=$ID
	gate
	sed -i 's/"sourcedata"/"practicedata"/' config.json
	run -0 ingest -q
	run -0 train -q
	run -0 score -q
	run -0 --separate-stderr deploy
	ID=${output#"$PROD/history/"}
	[ "$(readlink "$PROD/current")" = "history/$ID" ]
	[ "${stderr_lines[0]}" = "deploy: the new model $ID scores 0.5714285714285715 >= 0.3333333333333333 - margin 0.0, the deployed model's F1: it replaces $first" ]
	[ "${stderr_lines[1]}" = "deploy: deployed $PROD/history/$ID (F1 0.5714285714285715)" ]
	[ "$(tail -1 "$PROD/decisions.csv" | cut -d, -f2-)" = "gate,$ID,gate,0.5714285714285715,>=,0.3333333333333333,,,,,deployed" ]
	# a margin lets in a model up to that much worse
	sed -i 's/"margin": 0/"margin": 0.25/' config.json
	retrain_on_sourcedata
	run -0 --separate-stderr deploy
	local third=${output#"$PROD/history/"}
	[ "$(readlink "$PROD/current")" = "history/$third" ]
	[ "$(tail -1 "$PROD/decisions.csv" | cut -d, -f2-)" = "gate,$third,gate,0.3333333333333333,>=,0.3214285714285715,,,,,deployed" ]
}

@test "deploy without the gate deploys a worse model and writes no decision" {
	pipeline
	deployed
	retrain_on_sourcedata
	deployed
	[ "$(readlink "$PROD/current")" = "history/$ID" ]
	[ "$(cat "$PROD/latestscore.txt")" = 0.3333333333333333 ]
	[ ! -e "$PROD/decisions.csv" ]
}
