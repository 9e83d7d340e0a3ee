#!/usr/bin/env bats
# fullprocess: new data, the drift test, retrain and redeploy, one run at a
# time; crontab.example in cron's environment.

load test_helper

USAGE="usage: fullprocess [-hnqV] [-C dir] [-w seconds]"
PROD=production_deployment
STAMP='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z fullprocess: '

# config INPUT [DRIFT_TEST]: config.json with the API on a port where
# nothing answers
config() {
	cat >"$WS/config.json" <<EOF
{
  "input_folder_path": "$1",
  "output_folder_path": "ingesteddata",
  "test_data_path": "testdata",
  "output_model_path": "practicemodels",
  "prod_deployment_path": "$PROD",
  "drift_test": "${2:-raw}",
  "api": { "host": "127.0.0.1", "port": ${PORT:-1} }
}
EOF
}

# the repository's sample workspace: practicedata, drifted sourcedata
samplews() {
	WS=$BATS_TEST_TMPDIR/ws
	mkdir -p "$WS"
	cp -R "$ROOT/config.json" "$ROOT/practicedata" "$ROOT/sourcedata" \
	    "$ROOT/testdata" "$WS"/
	config practicedata
	cd "$WS"
}

# fp ARGS: run fullprocess; $log is its stdout without the timestamps,
# every line of which must carry one
fp() {
	run --separate-stderr fullprocess "$@"
	local l
	for l in "${lines[@]}"; do
		[[ $l =~ $STAMP ]] || {
			echo "no timestamp: $l"
			return 1
		}
	done
	log=$(sed -E "s/$STAMP//" <<<"$output")
}

# the lines a run logs when it refreshes diagnostics and the report
refreshed() {
	if [ -x "$ROOT/bin/diagnose" ]; then
		echo "diagnostics in practicemodels/diagnostics.json"
	else
		echo "no diagnose tool: diagnostics skipped"
	fi
	if [ -x "$ROOT/bin/report" ]; then
		echo "report in practicemodels/report.pdf"
	else
		echo "no report tool: report skipped"
	fi
}

# the lines a run logs after its deployment
afterdeploy() {
	refreshed
	echo "the API does not answer http://127.0.0.1:${PORT:-1}/health: apicalls skipped"
	echo done
}

# what diagnose and report made, when they exist
checkoutputs() {
	if [ -x "$ROOT/bin/diagnose" ]; then
		grep -q '"summary"' practicemodels/diagnostics.json
	fi
	if [ -x "$ROOT/bin/report" ]; then
		[ "$(head -c 4 practicemodels/report.pdf)" = %PDF ]
		[ "$(head -c 4 practicemodels/confusionmatrix.png | tail -c 3)" = PNG ]
	fi
}

current() {
	readlink "$PROD/current" | sed 's,^history/,,'
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

@test "fullprocess with an operand or a bad option is a usage error" {
	run -2 --separate-stderr fullprocess now
	[ "$stderr" = "$USAGE" ]
	run -2 --separate-stderr fullprocess -x
	[ "${stderr_lines[-1]}" = "$USAGE" ]
	run -2 --separate-stderr fullprocess -w soon
	[ "${stderr_lines[0]}" = "fullprocess: -w soon: not a number of seconds" ]
	run -0 --separate-stderr fullprocess -h
	[ "${lines[0]}" = "$USAGE" ]
	run -0 fullprocess -V
	[[ $output =~ ^fullprocess\ \(riskwatch\)\ [0-9.]+$ ]]
}

@test "fullprocess in a folder that does not exist exits 2" {
	run -2 fullprocess -C "$BATS_TEST_TMPDIR/nowhere"
}

@test "fullprocess on the seed: first deploy, no new data, sourcedata shows no drift" {
	seedws
	config practicedata
	cd "$WS"
	fp
	[ "$status" -eq 0 ]
	local id
	id=$(current)
	diff -u - <(echo "$log") <<EOF
new data: practicedata/dataset1.csv (new), practicedata/dataset2.csv (new)
nothing is deployed yet: a first model
deployed $id (F1 0.5714285714285715 on the test data)
$(afterdeploy)
EOF
	[ "$(cat "$PROD/latestscore.txt")" = 0.5714285714285715 ]
	checkoutputs

	# no new data: nothing is written
	local before
	before=$(treesum .)
	fp
	[ "$status" -eq 0 ]
	[ "$log" = "no new data" ]
	[ "$(treesum .)" = "$before" ]

	# the seed's sourcedata: the honest raw test finds no drift
	config sourcedata
	local model
	model=$(treesum "$PROD/history/$id" | grep -v ingestedfiles.txt)
	fp
	[ "$status" -eq 0 ]
	diff -u - <(echo "$log") <<EOF
new data: sourcedata/dataset3.csv (new), sourcedata/dataset4.csv (new)
score test (raw): new data F1 0.6923076923076923 >= 0.5714285714285715 (the deployed score): no drift
data test: 3 of 3 features drifted: drift
decision (drift_test raw): no drift
the new files are recorded as seen; $id stays deployed
$(refreshed)
EOF
	[ "$(current)" = "$id" ]
	[ "$(ls "$PROD/history")" = "$id" ]
	[ "$(treesum "$PROD/history/$id" | grep -v ingestedfiles.txt)" = "$model" ]
	[ "$(cut -f1 "$PROD/ingestedfiles.txt")" = "$(printf '%s\n' \
	    practicedata/dataset1.csv practicedata/dataset2.csv \
	    sourcedata/dataset3.csv sourcedata/dataset4.csv)" ]
	[ "$(cut -d, -f2- "$PROD/scorehistory.csv")" = "$(printf '%s\n' \
	    f1,model,event "0.5714285714285715,$id,deploy" \
	    "0.6923076923076923,$id,check")" ]

	# and the next run has nothing to test
	before=$(treesum .)
	fp
	[ "$log" = "no new data" ]
	[ "$(treesum .)" = "$before" ]
}

@test "fullprocess logs the fallback to raw with fewer than 2 scores in the history" {
	seedws
	config practicedata parametric
	cd "$WS"
	fp
	local id
	id=$(current)
	config sourcedata parametric
	fp
	[ "$status" -eq 0 ]
	[ "$(sed -n 2,4p <<<"$log")" = "score test (raw): new data F1 0.6923076923076923 >= 0.5714285714285715 (the deployed score: parametric needs 2 scores in the history, it has 1): no drift
data test: 3 of 3 features drifted: drift
decision (drift_test parametric): no drift" ]
	[ "$(current)" = "$id" ]
}

@test "fullprocess on the drifted sourcedata retrains and redeploys" {
	samplews
	fp
	local first
	first=$(current)
	config sourcedata
	fp
	[ "$status" -eq 0 ]
	local id
	id=$(current)
	[ "$id" != "$first" ]
	diff -u - <(echo "$log") <<EOF
new data: sourcedata/dataset3.csv (new), sourcedata/dataset4.csv (new)
score test (raw): new data F1 0.5266903914590747 < 0.7142857142857142 (the deployed score): drift
data test: 2 of 3 features drifted: drift
decision (drift_test raw): drift
deployed $id (F1 0.696 on the test data)
$(afterdeploy)
EOF
	checkoutputs
	run -0 deploy --list
	[ "${#lines[@]}" -eq 2 ]
	[[ ${lines[0]} == *"	0.7142857142857142	507	$first	-" ]]
	[[ ${lines[1]} == *"	0.696	594	$id	*" ]]
	[ "$(cut -d, -f2,4 "$PROD/scorehistory.csv")" = "$(printf '%s\n' \
	    f1,event 0.7142857142857142,deploy 0.5266903914590747,check \
	    0.696,deploy)" ]
	fp
	[ "$log" = "no new data" ]
}

@test "fullprocess retrains on a generated drifted file, with the new F1" {
	samplews
	fp
	gendata 300 5 100 >practicedata/dataset3.csv
	fp
	[ "$status" -eq 0 ]
	local id
	id=$(current)
	[ "$(sed -n 1,5p <<<"$log")" = "new data: practicedata/dataset3.csv (new)
score test (raw): new data F1 0.6696629213483146 < 0.7142857142857142 (the deployed score): drift
data test: 1 of 3 features drifted: no drift
decision (drift_test raw): drift
deployed $id (F1 0.6976744186046513 on the test data)" ]
	[ "$(cat "$PROD/latestscore.txt")" = 0.6976744186046513 ]
	run -0 deploy --list
	[[ ${lines[1]} == *"	0.6976744186046513	807	$id	*" ]]
}

@test "fullprocess tests a changed file again" {
	samplews
	fp
	local id
	id=$(current)
	# the same rows in another order: a new digest; scored on the
	# ingested data, as every check is
	{ head -1 practicedata/dataset2.csv; sed 1d practicedata/dataset2.csv | tac; } >x
	mv x practicedata/dataset2.csv
	fp
	[ "$status" -eq 0 ]
	diff -u - <(echo "$log") <<EOF
new data: practicedata/dataset2.csv (changed)
score test (raw): new data F1 0.7719298245614036 >= 0.7142857142857142 (the deployed score): no drift
data test: 0 of 3 features drifted: no drift
decision (drift_test raw): no drift
the new files are recorded as seen; $id stays deployed
$(refreshed)
EOF
	fp
	[ "$log" = "no new data" ]
}

@test "fullprocess with a corrupt new file fails at ingest and changes nothing" {
	samplews
	fp
	local before data
	before=$(prodstate)
	data=$(treesum ingesteddata)
	cp practicedata/dataset1.csv practicedata/dataset5.csv
	echo 'abcd,12,x,3,1' >>practicedata/dataset5.csv
	local n
	n=$(wc -l <practicedata/dataset5.csv)
	fp
	[ "$status" -eq 1 ]
	[ "$log" = "new data: practicedata/dataset5.csv (new)" ]
	[ "${stderr_lines[0]}" = "ingest: practicedata/dataset5.csv:$n: field 3 (lastyear_activity): \"x\" is not a number" ]
	[[ ${stderr_lines[-1]} =~ ${STAMP}step\ ingest\ failed\ \(exit\ 1\)\;\ the\ deployment\ is\ unchanged$ ]]
	[ "$(prodstate)" = "$before" ]
	[ "$(treesum ingesteddata)" = "$data" ]
	# and it fails again the next time, until the file is mended
	fp
	[ "$status" -eq 1 ]
	rm practicedata/dataset5.csv
	fp
	[ "$log" = "no new data" ]
}

@test "fullprocess -n changes nothing, with nothing deployed and with drift" {
	samplews
	local before
	before=$(find . | sort; treesum .)
	fp -n
	[ "$status" -eq 0 ]
	diff -u - <(echo "$log") <<EOF
dry run (-n): nothing is changed
new data: practicedata/dataset1.csv (new), practicedata/dataset2.csv (new)
nothing is deployed yet: a first model
would ingest, train, score, deploy, diagnose, report and call the API
EOF
	[ "$(find . | sort; treesum .)" = "$before" ]

	fp
	config sourcedata
	before=$(find . | sort; treesum .)
	fp -n
	[ "$status" -eq 0 ]
	diff -u - <(echo "$log") <<EOF
dry run (-n): nothing is changed
new data: sourcedata/dataset3.csv (new), sourcedata/dataset4.csv (new)
score test (raw): new data F1 0.5266903914590747 < 0.7142857142857142 (the deployed score): drift
data test: 2 of 3 features drifted: drift
decision (drift_test raw): drift
would train, score, deploy, diagnose, report and call the API
EOF
	[ "$(find . | sort; treesum .)" = "$before" ]
}

@test "fullprocess -n on data without drift says it would record it" {
	seedws
	config practicedata
	cd "$WS"
	fp
	local id before
	id=$(current)
	config sourcedata
	before=$(find . | sort; treesum .)
	fp -n
	[ "$(tail -4 <<<"$log")" = "score test (raw): new data F1 0.6923076923076923 >= 0.5714285714285715 (the deployed score): no drift
data test: 3 of 3 features drifted: drift
decision (drift_test raw): no drift
would record the new files as seen; $id would stay deployed" ]
	[ "$(find . | sort; treesum .)" = "$before" ]
}

@test "fullprocess while another run holds the lock exits 0; -w waits for it" {
	samplews
	flock .fullprocess.lock sh -c 'touch held; sleep 2' &
	local holder=$!
	while [ ! -e held ]; do sleep 0.05; done
	fp
	[ "$status" -eq 0 ]
	[ "$log" = "another run holds the lock: nothing to do" ]
	[ ! -e "$PROD" ]
	fp -w 30
	wait "$holder"
	[ "$status" -eq 0 ]
	[ "$(sed -n 2p <<<"$log")" = "nothing is deployed yet: a first model" ]
	[ -L "$PROD/current" ]
}

@test "fullprocess -w gives up after the seconds given" {
	samplews
	flock .fullprocess.lock sh -c 'touch held; sleep 3' &
	local holder=$!
	while [ ! -e held ]; do sleep 0.05; done
	fp -w 1
	[ "$status" -eq 0 ]
	[ "$log" = "another run holds the lock (waited 1 s): nothing to do" ]
	wait "$holder"
	[ ! -e "$PROD" ]
}

@test "two fullprocess runs started together make one deployment and both exit 0" {
	samplews
	fullprocess >out1 2>err1 &
	local p1=$!
	fullprocess >out2 2>err2 &
	local p2=$!
	local s1=0 s2=0
	wait "$p1" || s1=$?
	wait "$p2" || s2=$?
	cat out1 out2 err1 err2
	[ "$s1" -eq 0 ]
	[ "$s2" -eq 0 ]
	run -0 deploy --list
	[ "${#lines[@]}" -eq 1 ]
	[ "$(cat out1 out2 | grep -c 'fullprocess: deployed ')" -eq 1 ]
	grep -Eq 'another run holds the lock|no new data' out1 out2
}

@test "fullprocess after a rollback tests the new data against the model rolled back to" {
	samplews
	fp
	local first second
	first=$(current)
	config sourcedata
	fp
	second=$(current)
	run -0 deploy -q --rollback
	[ "$(current)" = "$first" ]
	[ "$(cat "$PROD/latestscore.txt")" = 0.7142857142857142 ]
	# the sourcedata files are new to the deployment rolled back to
	fp
	[ "$status" -eq 0 ]
	[ "$(sed -n 1,4p <<<"$log")" = "new data: sourcedata/dataset3.csv (new), sourcedata/dataset4.csv (new)
score test (raw): new data F1 0.5266903914590747 < 0.7142857142857142 (the deployed score): drift
data test: 2 of 3 features drifted: drift
decision (drift_test raw): drift" ]
	run -0 deploy --list
	[ "${#lines[@]}" -eq 3 ]
	[[ ${lines[1]} == *"	$second	-" ]]
	[[ ${lines[2]} == *"	0.696	594	"*"	*" ]]
}

# installed: risk-fullprocess beside risk-ingest, ..., with stand-ins for
# the steps after deploy
installed() {
	BIN=$BATS_TEST_TMPDIR/bin
	mkdir -p "$BIN"
	local t
	for t in ingest train score deploy; do
		ln -s "$ROOT/bin/$t" "$BIN/risk-$t"
	done
	cp "$ROOT/scripts/fullprocess" "$BIN/risk-fullprocess"
	printf '#!/bin/sh\necho diagnose "$@" >>%s/calls\n' "$BATS_TEST_TMPDIR" >"$BIN/risk-diagnose"
	printf '#!/bin/sh\necho "report: gnuplot failed" >&2\nexit 1\n' >"$BIN/risk-report"
	printf '#!/bin/sh\necho apicalls "$@" >>%s/calls\n' "$BATS_TEST_TMPDIR" >"$BIN/risk-apicalls"
	chmod +x "$BIN"/risk-*
}

@test "installed, fullprocess finds the risk- tools beside it; a step after deploy fails but the deployment stays" {
	samplews
	installed
	run --separate-stderr env -i HOME="$BATS_TEST_TMPDIR" PATH=/usr/bin:/bin \
	    "$BIN/risk-fullprocess" -C "$WS"
	[ "$status" -eq 1 ]
	local id
	id=$(current)
	[ "$(cat "$BATS_TEST_TMPDIR/calls")" = "diagnose -q -o" ]
	[[ ${lines[-1]} =~ ${STAMP}diagnostics\ in\ practicemodels/diagnostics.json$ ]]
	[ "${stderr_lines[0]}" = "report: gnuplot failed" ]
	[[ ${stderr_lines[1]} =~ ${STAMP}step\ report\ failed\ \(exit\ 1\)\;\ $id\ stays\ deployed$ ]]
	[ "$(cat "$PROD/latestscore.txt")" = 0.7142857142857142 ]
}

@test "fullprocess calls apicalls when the API answers /health" {
	samplews
	installed
	printf '#!/bin/sh\nexit 0\n' >"$BIN/risk-report"
	mkdir www
	echo '{"status":"ok"}' >www/health
	PORT=$("$ORACLE" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	config practicedata
	"$ORACLE" -m http.server "$PORT" --bind 127.0.0.1 -d www 2>/dev/null &
	local server=$!
	local i
	for i in $(seq 100); do
		curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break
		sleep 0.1
	done
	run --separate-stderr "$BIN/risk-fullprocess"
	kill "$server"
	[ "$status" -eq 0 ]
	grep -qx "apicalls" "$BATS_TEST_TMPDIR/calls"
	[[ ${lines[-2]} =~ ${STAMP}API\ answers\ in\ practicemodels/apireturns.txt$ ]]
}

@test "crontab.example: every 10 minutes, and its command works in cron's bare environment" {
	samplews
	local line m h dom mon dow cmd
	line=$(grep -v '^[[:space:]]*#' "$ROOT/crontab.example" | grep -v '^[[:space:]]*$' | grep -v '^[A-Z]*=')
	[ "$(wc -l <<<"$line")" -eq 1 ]
	read -r m h dom mon dow cmd <<<"$line"
	[ "$m $h $dom $mon $dow" = "*/10 * * * *" ]
	[[ $cmd == "cd /srv/churn && "* ]]
	[[ $cmd == *" >>fullprocess.log 2>&1" ]]
	cmd=${cmd//\/srv\/churn/$WS}
	cmd=${cmd//\/usr\/local\/bin\/risk-fullprocess/$ROOT\/scripts\/fullprocess}
	cd /
	run -0 env -i HOME="$BATS_TEST_TMPDIR" PATH=/usr/bin:/bin SHELL=/bin/sh /bin/sh -c "$cmd"
	[ "$output" = "" ]
	cd "$WS"
	grep -Eq "${STAMP}deployed $(current) \(F1 0.7142857142857142 on the test data\)$" fullprocess.log
	run -0 env -i HOME="$BATS_TEST_TMPDIR" PATH=/usr/bin:/bin SHELL=/bin/sh /bin/sh -c "$cmd"
	[[ $(tail -1 fullprocess.log) =~ ${STAMP}no\ new\ data$ ]]
}

@test "make fullprocess WS=dir runs it on that workspace" {
	samplews
	run -0 make -s -C "$ROOT" fullprocess WS="$WS"
	[ -L "$WS/$PROD/current" ]
	[[ $output == *"fullprocess: deployed "* ]]
}

# holdlock SECONDS_AGO: a background process holds the lock, its start
# made SECONDS_AGO; its pid in $holder
holdlock() {
	(
		exec 8>>.fullprocess.lock
		flock 8
		touch held
		exec sleep 60
	) >/dev/null 2>&1 &
	holder=$!
	while [ ! -e held ]; do sleep 0.05; done
	touch -d "@$(($(date +%s) - $1))" .fullprocess.lock
}

@test "fullprocess finding the lock held longer than lock_timeout says so and fails" {
	samplews
	sed -i 's/^{/{ "lock_timeout": 600,/' config.json
	local since
	holdlock 7200
	since=$(date -u -r .fullprocess.lock +%Y-%m-%dT%H:%M:%SZ)
	fp
	kill "$holder"
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[[ ${stderr} =~ ^${STAMP}another\ run\ has\ held\ the\ lock\ since\ $since\ \(720[01]\ s,\ more\ than\ lock_timeout\ 600\ s\):\ it\ may\ hang\;\ see\ fullprocess\(1\)$ ]]
	[ ! -e "$PROD" ]
}

@test "fullprocess finding the lock held for less than lock_timeout exits 0" {
	samplews
	sed -i 's/^{/{ "lock_timeout": 600,/' config.json
	holdlock 300
	fp
	kill "$holder"
	[ "$status" -eq 0 ]
	[ "$log" = "another run holds the lock: nothing to do" ]
	[ "$stderr" = "" ]
}

@test "fullprocess marks the lock with the time its run started" {
	samplews
	touch -d @1000000000 .fullprocess.lock
	fp
	[ "$status" -eq 0 ]
	[ "$(date -r .fullprocess.lock +%s)" -gt 1000000000 ]
}

@test "fullprocess with a current that dangles says so, names the step and changes nothing" {
	samplews
	fp
	local id before
	id=$(current)
	rm -r "$PROD/history/$id"
	before=$(prodstate)
	fp
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "${#stderr_lines[@]}" -eq 3 ]
	[[ ${stderr_lines[0]} =~ ^${STAMP}the\ deployment\ cannot\ be\ used:\ $PROD/current:\ history/$id:\ No\ such\ file\ or\ directory$ ]]
	[[ ${stderr_lines[1]} =~ ^${STAMP}to\ mend\ it,\ roll\ back\ to\ the\ deployment\ before\ \(deploy\ --rollback\),\ or\ train,\ score\ and\ deploy\ a\ new\ model$ ]]
	[[ ${stderr_lines[2]} =~ ^${STAMP}step\ check\ the\ deployment\ failed\ \(exit\ 1\)\;\ the\ deployment\ is\ unchanged$ ]]
	[ "$(prodstate)" = "$before" ]
	# mended by deploying the model again
	run -0 deploy -q
	fp
	[ "$status" -eq 0 ]
	[ "$log" = "no new data" ]
}

@test "fullprocess with a corrupt deployed model says why; a rollback mends it" {
	samplews
	fp
	local first id
	first=$(current)
	config sourcedata
	fp
	id=$(current)
	echo '{"format": "riskwatch-model/1"}' >"$PROD/history/$id/trainedmodel.json"
	fp -n
	[ "$status" -eq 1 ]
	[[ ${stderr_lines[0]} =~ ^${STAMP}the\ deployment\ cannot\ be\ used:\ $PROD/history/$id/trainedmodel.json:\ not\ a\ valid\ model:\ expected\ an\ array\ of\ 1\ to\ 10000\ names\ in\ features$ ]]
	[[ ${stderr_lines[2]} =~ ^${STAMP}step\ check\ the\ deployment\ failed\ \(exit\ 1\)\;\ the\ deployment\ is\ unchanged$ ]]
	run -0 deploy -q --rollback
	[ "$output" = "$PROD/history/$first" ]
	fp
	[ "$status" -eq 0 ]
	[ "$(sed -n 1p <<<"$log")" = "new data: sourcedata/dataset3.csv (new), sourcedata/dataset4.csv (new)" ]
}

@test "fullprocess with the gate keeps the deployed model when the retrained one scores worse, and exits 0" {
	samplews
	sed -i 's/^{/{ "gate": true,/' config.json
	fp
	local first
	first=$(current)
	config sourcedata
	sed -i 's/^{/{ "gate": true,/' config.json
	fp
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	local kept
	kept=$(ls "$PROD/history" | grep -vx "$first")
	diff -u - <(echo "$log") <<EOF2
new data: sourcedata/dataset3.csv (new), sourcedata/dataset4.csv (new)
score test (raw): new data F1 0.5266903914590747 < 0.7142857142857142 (the deployed score): drift
data test: 2 of 3 features drifted: drift
decision (drift_test raw): drift
kept the deployed model $first (F1 0.7142857142857142 on the test data): the new model $kept scores 0.696 < 0.7142857142857142 - margin 0.0
the new files are recorded as seen; $first stays deployed
$(refreshed)
EOF2
	[ "$(current)" = "$first" ]
	run -0 deploy --list
	[[ ${lines[0]} == *"	0.7142857142857142	507	$first	*" ]]
	[[ ${lines[1]} == *"	0.696	594	$kept	x" ]]
	[ "$(tail -1 "$PROD/decisions.csv" | cut -d, -f2-)" = "gate,$kept,gate,0.696,<,0.7142857142857142,,,,,kept" ]
	fp
	[ "$log" = "no new data" ]
}

@test "fullprocess with a gate margin deploys a retrained model within it" {
	samplews
	fp
	config sourcedata
	sed -i 's/^{/{ "gate": {"margin": 0.05},/' config.json
	fp
	[ "$status" -eq 0 ]
	local id
	id=$(current)
	[ "$(sed -n 5p <<<"$log")" = "deployed $id (F1 0.696 on the test data)" ]
	[ "$(tail -1 "$PROD/decisions.csv" | cut -d, -f2-)" = "gate,$id,gate,0.696,>=,0.6642857142857141,,,,,deployed" ]
}

@test "fullprocess with drift_test data retrains on the seed's sourcedata, whose features drifted though the score did not fall" {
	seedws
	config practicedata data
	cd "$WS"
	fp
	local first
	first=$(current)
	config sourcedata data
	fp
	[ "$status" -eq 0 ]
	local id
	id=$(current)
	[ "$id" != "$first" ]
	[ "$(sed -n 1,5p <<<"$log")" = "new data: sourcedata/dataset3.csv (new), sourcedata/dataset4.csv (new)
score test (raw): new data F1 0.6923076923076923 >= 0.5714285714285715 (the deployed score): no drift
data test: 3 of 3 features drifted: drift
decision (drift_test data): drift
deployed $id (F1 0.3333333333333333 on the test data)" ]
	[ "$(cut -d, -f2- "$PROD/decisions.csv")" = "event,model,test,f1,op,threshold,score,drifted,features,data,decision
check,$first,raw,0.6923076923076923,>=,0.5714285714285715,nodrift,3,3,drift,drift" ]
}

@test "fullprocess with a score test and data in drift_test retrains only when both find drift" {
	seedws
	config practicedata
	cd "$WS"
	fp
	local first
	first=$(current)
	config sourcedata
	sed -i 's/"drift_test": "raw"/"drift_test": ["raw", "data"]/' config.json
	fp
	[ "$status" -eq 0 ]
	[ "$(current)" = "$first" ]
	[ "$(sed -n 4,5p <<<"$log")" = "decision (drift_test raw+data): no drift
the new files are recorded as seen; $first stays deployed" ]
}

# page N of the report as text, one line per line, spaces squeezed
pagetext() {
	pdftotext -f "$1" -l "$1" -layout practicemodels/report.pdf - |
	    tr -d '\f' | sed -E 's/ +/ /g; s/^ //; s/ $//' | grep -v '^$'
}

@test "fullprocess without drift refreshes the report: page 1 states this run's decision" {
	[ -x "$ROOT/bin/report" ] || skip "no report tool"
	command -v gnuplot >/dev/null || skip "gnuplot is not installed"
	command -v pdftotext >/dev/null || skip "pdftotext is not installed"
	seedws
	config practicedata
	cd "$WS"
	fp
	[ "$(pagetext 1 | sed -n 2p)" = "no drift check yet" ]
	config sourcedata
	fp
	[ "$status" -eq 0 ]
	[ "$(pagetext 1 | sed -n 2,3p)" = "no drift: new data F1 0.692 ≥ deployed 0.571; 3 of 3 features drifted
the deployed model stays (checked $(tail -1 "$PROD/decisions.csv" | cut -d, -f1))" ]
}

@test "fullprocess with the gate refreshes the report: page 1 says the deployed model was kept" {
	[ -x "$ROOT/bin/report" ] || skip "no report tool"
	command -v gnuplot >/dev/null || skip "gnuplot is not installed"
	command -v pdftotext >/dev/null || skip "pdftotext is not installed"
	samplews
	sed -i 's/^{/{ "gate": true,/' config.json
	fp
	config sourcedata
	sed -i 's/^{/{ "gate": true,/' config.json
	fp
	[ "$status" -eq 0 ]
	[ "$(pagetext 1 | sed -n 3p)" = "retrained: the new model scores 0.696 < 0.714 on the test data: kept the deployed model" ]
}

@test "fullprocess without drift whose report fails exits 1 naming the step; the files stay seen" {
	[ -x "$ROOT/bin/report" ] || skip "no report tool"
	command -v gnuplot >/dev/null || skip "gnuplot is not installed"
	seedws
	config practicedata
	cd "$WS"
	fp
	local id before
	id=$(current)
	# report.pdf cannot be replaced by a folder's name
	rm practicemodels/report.pdf
	mkdir practicemodels/report.pdf
	config sourcedata
	fp
	[ "$status" -eq 1 ]
	[ "$(tail -1 <<<"$log")" = "diagnostics in practicemodels/diagnostics.json" ]
	[[ ${stderr_lines[-1]} =~ ${STAMP}step\ report\ failed\ \(exit\ 1\)\;\ the\ deployment\ is\ unchanged$ ]]
	[ "$(current)" = "$id" ]
	before=$(treesum .)
	fp
	[ "$log" = "no new data" ]
	[ "$(treesum .)" = "$before" ]
}
