#!/usr/bin/env bats
# serve: the HTTP API on the seed's workspace, on a free loopback port;
# every endpoint's answer, every refusal, and the server still up after.

load test_helper

setup_file() {
	load test_helper
	# the seed's workspace, or the sample one when the seed is not there:
	# the tests of the seed's figures then skip
	export SWS=$BATS_FILE_TMPDIR/ws SEEDED=0
	mkdir -p "$SWS"
	if [ -d "$SEED/practicedata" ]; then
		cp -R "$SEED"/. "$SWS"/
		SEEDED=1
	else
		cp -R "$ROOT/config.json" "$ROOT/practicedata" "$ROOT/sourcedata" \
		    "$ROOT/testdata" "$SWS"/
	fi
	for t in ingest train score deploy; do
		"$ROOT/bin/$t" -q -C "$SWS" >/dev/null
	done
	# what every way of asking for the test data's predictions must answer
	WANT=$("$ROOT/bin/diagnose" -C "$SWS" --json predictions \
	    -d testdata/testdata.csv)
	export WANT
	# the suite's server: the tests' teardown stops only their own
	LOG=$BATS_FILE_TMPDIR/serve.log start_serve "$SWS"
	echo "$spid" >"$BATS_FILE_TMPDIR/serve.pid"
	spid=
	export PORT URL
}

teardown_file() {
	if [ -f "$BATS_FILE_TMPDIR/serve.pid" ]; then
		pid=$(cat "$BATS_FILE_TMPDIR/serve.pid")
		kill -TERM "$pid"
		wait "$pid" 2>/dev/null || true
	fi
}

teardown() {
	if [ -n "${spid:-}" ]; then
		kill -TERM "$spid" 2>/dev/null || true
		wait "$spid" 2>/dev/null || true
	fi
}

seeded() {
	[ "$SEEDED" = 1 ] || skip "no seed data at $SEED"
}

# ownws: a copy of the suite's deployed workspace in $OWS
ownws() {
	OWS=$BATS_TEST_TMPDIR/ws
	cp -R "$SWS" "$OWS"
}

# start_serve DIR [options]: a server of its own on DIR, in $spid; $URL
# and $PORT point at it; its log is $LOG or $BATS_TEST_TMPDIR/serve.log
start_serve() {
	local dir=$1 log=${LOG:-$BATS_TEST_TMPDIR/serve.log}
	shift
	: >"$log"
	serve -C "$dir" -p 0 "$@" 2>>"$log" &
	spid=$!
	for _ in $(seq 50); do
		grep -q 'listening on' "$log" && break
		sleep 0.1
	done
	PORT=$(sed -n 's/.* port \([0-9]*\),.*/\1/p' "$log")
	[ -n "$PORT" ]
	URL=http://127.0.0.1:$PORT
}

# stop_serve: SIGTERM to the server of start_serve; its exit status in $st
stop_serve() {
	kill -TERM "$spid"
	st=0
	wait "$spid" || st=$?
	spid=
}

# raw FORMAT: the request printf FORMAT makes, sent as is on a connection
# of its own; the answer's status line in $rstatus, its headers but Date
# in $rhead (one a line), its body in $body
raw() {
	local req answer
	printf -v req "$1"
	answer=$(trap '' PIPE
		exec 3<>"/dev/tcp/127.0.0.1/$PORT"
		printf '%s' "$req" >&3
		timeout 10 cat <&3
		echo .)
	answer=${answer%.}
	rstatus=${answer%%$'\r'*}
	body=${answer#*$'\r\n\r\n'}
	rhead=${answer%%$'\r\n\r\n'*}
	rhead=$(sed '1d; /^Date: /d; s/\r$//' <<<"$rhead")
}

# get PATH [curl options]: status in $code, body in $body
get() {
	local path=$1
	shift
	body=$(curl -sS -o - -w '\n%{http_code}' --max-time 60 "$@" "$URL$path")
	code=${body##*$'\n'}
	body=${body%$'\n'*}
}

post_json() {
	get /prediction -X POST -H 'Content-Type: application/json' \
	    --data-binary "$1"
}

# is_want: the last answer was the test data's predictions
is_want() {
	[ "$code" = 200 ] && [ "$body" = "$WANT" ]
}

still_up() {
	get /health
	[ "$code" = 200 ]
}

@test "GET /health names the deployed model" {
	get /health
	[ "$code" = 200 ]
	id=$(readlink "$SWS/production_deployment/current")
	[ "$body" = "{\"status\":\"ok\",\"model\":\"${id#history/}\"}" ]
}

@test "POST /prediction of a dataset path gives the seed's predictions" {
	seeded
	post_json '{"dataset":"testdata/testdata.csv"}'
	[ "$code" = 200 ]
	[ "$body" = '{"predictions":[0,1,1,1,1]}' ]
}

@test "POST /prediction of a text/csv body gives the same predictions" {
	seeded
	get /prediction -X POST -H 'Content-Type: text/csv' \
	    --data-binary @"$SWS/testdata/testdata.csv"
	[ "$code" = 200 ]
	[ "$body" = '{"predictions":[0,1,1,1,1]}' ]
}

@test "a row with a missing feature is predicted null, as diagnose does" {
	seeded
	get /prediction -X POST -H 'Content-Type: text/csv' --data-binary \
	    $'corporation,lastmonth_activity,lastyear_activity,number_of_employees,exited\nx,,2145,99,0\nuhgr,101,12346,2,1\n'
	[ "$code" = 200 ]
	[ "$body" = '{"predictions":[null,1]}' ]
}

@test "GET /scoring gives the seed's F1" {
	seeded
	get /scoring
	[ "$code" = 200 ]
	[ "$body" = '{"f1":0.5714285714285715}' ]
	get /scoring
	[ "$body" = '{"f1":0.5714285714285715}' ]
}

@test "GET /summarystats gives the seed's mean, median and std" {
	seeded
	get /summarystats
	[ "$code" = 200 ]
	[ "$body" = '{"lastmonth_activity":{"mean":165.65384615384616,"median":73.0,"std":284.0332293669447},"lastyear_activity":{"mean":1502.923076923077,"median":955.0,"std":2192.6449584568304},"number_of_employees":{"mean":26.884615384615383,"median":14.0,"std":31.353885785435814}}' ]
}

@test "GET /diagnostics gives timing, missing data and dependencies" {
	get /diagnostics
	[ "$code" = 200 ]
	[[ "$body" == '{"timing":{"ingest":'* ]]
	[[ "$body" == *'"missing":{"corporation":0.0,"lastmonth_activity":0.0,"lastyear_activity":0.0,"number_of_employees":0.0,"exited":0.0},"dependencies":[{"name":"libcsv",'* ]]
}

@test "GET /metrics counts requests and gives the model's F1" {
	seeded
	get /health
	get /nope
	get /metrics
	[ "$code" = 200 ]
	[[ "$body" == *'riskwatch_http_requests_total{path="/health",code="200"} '* ]]
	[[ "$body" == *'riskwatch_http_errors_total{path="other",code="404"} '* ]]
	[[ "$body" == *'riskwatch_http_request_duration_seconds_bucket{path="/health",le="+Inf"} '* ]]
	grep -qx 'riskwatch_model_f1 0.5714285714285715' <<<"$body"
	grep -q '^riskwatch_model_deployed_timestamp_seconds [0-9]\{10\}$' <<<"$body"
}

@test "a dataset path climbing out with .. is refused without opening it" {
	echo "corporation,lastmonth_activity,lastyear_activity,number_of_employees,exited" \
	    >"$BATS_FILE_TMPDIR/outside.csv"
	post_json '{"dataset":"../outside.csv"}'
	[ "$code" = 400 ]
	[ "$body" = '{"error":"dataset: not inside the workspace"}' ]
	post_json '{"dataset":"testdata/../../outside.csv"}'
	[ "$code" = 400 ]
	still_up
}

@test "an absolute path outside the workspace is refused" {
	post_json '{"dataset":"/etc/passwd"}'
	[ "$code" = 400 ]
	[ "$body" = '{"error":"dataset: not a .csv file"}' ]
	post_json "{\"dataset\":\"$BATS_FILE_TMPDIR/outside.csv\"}"
	[ "$code" = 400 ]
	[ "$body" = '{"error":"dataset: not inside the workspace"}' ]
	still_up
}

@test "a symlink in a data folder pointing out of the workspace is refused" {
	ln -sf "$BATS_FILE_TMPDIR/outside.csv" "$SWS/testdata/link.csv"
	post_json '{"dataset":"testdata/link.csv"}'
	rm -f "$SWS/testdata/link.csv"
	[ "$code" = 400 ]
	[ "$body" = '{"error":"dataset: not inside the workspace"}' ]
	still_up
}

@test "any .csv file inside the workspace is a dataset; a missing one is 400" {
	mkdir -p "$SWS/elsewhere"
	cp "$SWS/testdata/testdata.csv" "$SWS/elsewhere/data.csv"
	post_json '{"dataset":"elsewhere/data.csv"}'
	is_want
	post_json "{\"dataset\":\"$SWS/elsewhere/data.csv\"}"
	is_want
	post_json '{"dataset":"missing/nothing.csv"}'
	[ "$code" = 400 ]
	[ "$body" = '{"error":"dataset: no such file in the workspace"}' ]
	still_up
}

@test "a folder named like a .csv file is refused" {
	mkdir -p "$SWS/testdata/dir.csv"
	post_json '{"dataset":"testdata/dir.csv"}'
	[ "$code" = 400 ]
	[ "$body" = '{"error":"dataset: not a regular file"}' ]
	still_up
}

@test "bad JSON and wrong types are 400" {
	post_json '{"dataset":'
	[ "$code" = 400 ]
	[[ "$body" == '{"error":"body: '* ]]
	post_json '"x"'
	[ "$code" = 400 ]
	[[ "$body" == '{"error":"body: '* ]]
	for b in '{"dataset":5}' '["testdata/testdata.csv"]' '{}' \
	    '{"dataset":"testdata/testdata.csv","x":1}' '{"dataset":null}'; do
		post_json "$b"
		[ "$code" = 400 ]
		[ "$body" = '{"error":"body: expected {\"dataset\": \"path\"}"}' ]
	done
	still_up
}

# The request shapes of the original system's clients, each answered as the
# test data's predictions.

@test "client shape: JSON {\"filepath\": path} (the commonest)" {
	post_json '{"filepath":"testdata/testdata.csv"}'
	is_want
}

@test "client shape: JSON {\"data_path\": name} resolved in test_data_path" {
	post_json '{"data_path":"testdata.csv"}'
	is_want
}

@test "client shape: JSON {\"file_location\": path}" {
	post_json '{"file_location":"testdata/testdata.csv"}'
	is_want
}

@test "client shape: JSON {\"data_file\": path}" {
	post_json '{"data_file":"testdata/testdata.csv"}'
	is_want
}

@test "client shape: JSON {\"datafile\": name}" {
	post_json '{"datafile":"testdata.csv"}'
	is_want
}

@test "client shape: JSON {\"datapath\": absolute path}" {
	post_json "{\"datapath\":\"$SWS/testdata/testdata.csv\"}"
	is_want
}

@test "client shape: JSON {\"location\": path}" {
	post_json '{"location":"testdata/testdata.csv"}'
	is_want
}

@test "client shape: GET /prediction?filename=name" {
	get '/prediction?filename=testdata.csv'
	is_want
}

@test "client shape: POST /prediction?filepath=path with no body" {
	get '/prediction?filepath=testdata/testdata.csv' -X POST
	is_want
}

@test "client shape: a multipart/form-data file upload" {
	get /prediction -F file=@"$SWS/testdata/testdata.csv"
	is_want
	: >"$BATS_TEST_TMPDIR/empty.csv"
	get /prediction -F file=@"$BATS_TEST_TMPDIR/empty.csv"
	[ "$code" = 400 ]
	[ "$body" = '{"error":"upload: empty"}' ]
}

@test "client shape: a multipart form field naming the file" {
	get /prediction -F filepath=testdata/testdata.csv
	is_want
}

@test "client shape: JSON without a Content-Type" {
	get /prediction -H 'Content-Type:' --data-binary '{"filepath":"testdata/testdata.csv"}'
	is_want
}

@test "client shape: JSON sent as a form (curl -d)" {
	get /prediction -d '{"filepath": "testdata/testdata.csv"}'
	is_want
}

@test "client shape: a form field filepath=path" {
	get /prediction -d filepath=testdata/testdata.csv
	is_want
}

@test "client shape: no dataset at all is the test data, GET or POST" {
	get /prediction
	is_want
	get /prediction -X POST
	is_want
}

@test "a dataset named twice is 400" {
	get '/prediction?filename=testdata.csv' -F file=@"$SWS/testdata/testdata.csv"
	[ "$code" = 400 ]
	[ "$body" = '{"error":"dataset: named more than once"}' ]
	get '/prediction?filename=testdata.csv&filepath=testdata.csv'
	[ "$code" = 400 ]
	[ "$body" = '{"error":"dataset: named more than once"}' ]
	get /prediction -F file=@"$SWS/testdata/testdata.csv" \
	    -F other=@"$SWS/testdata/testdata.csv"
	[ "$code" = 400 ]
	[ "$body" = '{"error":"dataset: named more than once"}' ]
}

@test "a form that names no dataset is 400" {
	get /prediction -d 'color=blue'
	[ "$code" = 400 ]
	[ "$body" = '{"error":"body: names no dataset"}' ]
	get /prediction -F color=blue
	[ "$code" = 400 ]
	[ "$body" = '{"error":"body: names no dataset"}' ]
}

@test "HEAD answers GET's headers without the body" {
	get /scoring
	len=${#body}
	raw 'HEAD /scoring HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'
	[ "$rstatus" = "HTTP/1.1 200 OK" ]
	[ "$rhead" = "Connection: close
Content-Type: application/json
Content-Length: $len" ]
	[ -z "$body" ]
}

@test "OPTIONS answers 200 with Allow" {
	run -0 curl -sS -i --max-time 10 -X OPTIONS "$URL/scoring"
	[ "${lines[0]}" = $'HTTP/1.1 200 OK\r' ]
	[[ "$output" == *$'Allow: GET, HEAD, POST, OPTIONS\r'* ]]
	[[ "$output" == *$'Content-Length: 0\r'* ]]
	get /nope -X OPTIONS
	[ "$code" = 404 ]
}

@test "//scoring is /scoring" {
	get /scoring
	want=$body
	get //scoring --path-as-is
	[ "$code" = 200 ]
	[ "$body" = "$want" ]
	get '///health' --path-as-is
	[ "$code" = 200 ]
}

@test "a read-only endpoint answers POST as GET" {
	for p in /scoring /summarystats /health; do
		get "$p"
		want=$body
		get "$p" -X POST -d 'ignored=1'
		[ "$code" = 200 ]
		[ "$body" = "$want" ]
	done
}

@test "a CSV body with a bad field is 400 naming the line" {
	get /prediction -X POST -H 'Content-Type: text/csv' --data-binary \
	    $'corporation,lastmonth_activity,lastyear_activity,number_of_employees,exited\nx,1,abc,3,0\n'
	[ "$code" = 400 ]
	[ "$body" = '{"error":"body:2: field 3 (lastyear_activity): \"abc\" is not a number"}' ]
	still_up
}

@test "a method no endpoint takes is 405 with Allow" {
	run curl -sS -i --max-time 10 -X PUT "$URL/prediction"
	[[ "$output" == "HTTP/1.1 405"* ]]
	[[ "$output" == *$'Allow: GET, HEAD, POST, OPTIONS\r'* ]]
	get /health -X DELETE
	[ "$code" = 405 ]
	[ "$body" = '{"error":"/health takes GET, HEAD, POST, OPTIONS"}' ]
	still_up
}

@test "an unknown path is 404" {
	get /../../etc/passwd --path-as-is
	[ "$code" = 404 ]
	get /predictionx
	[ "$code" = 404 ]
	[ "$body" = '{"error":"no such path: try /health"}' ]
	still_up
}

@test "a 20 MB body is 413" {
	head -c 20000000 /dev/zero >"$BATS_TEST_TMPDIR/big"
	get /prediction -X POST -H 'Content-Type: text/csv' \
	    --data-binary @"$BATS_TEST_TMPDIR/big"
	[ "$code" = 413 ]
	[ "$body" = '{"error":"body over 8388608 bytes"}' ]
	# the same without a Content-Length: chunked
	get /prediction -X POST -H 'Content-Type: text/csv' \
	    -H 'Transfer-Encoding: chunked' --data-binary @"$BATS_TEST_TMPDIR/big"
	[ "$code" = 413 ]
	still_up
}

@test "a content type other than JSON, CSV or a form is 415" {
	get /prediction -X POST -H 'Content-Type: application/xml' -d '<x/>'
	[ "$code" = 415 ]
	[ "$body" = '{"error":"send application/json ({\"dataset\": \"path\"}), text/csv, a form or a file"}' ]
	get /prediction -X POST -H 'Content-Type: text/plain' -d 'x'
	[ "$code" = 415 ]
	still_up
}

@test "slow /diagnostics requests do not hold up /health" {
	for i in 1 2 3 4 5 6; do
		curl -s --max-time 60 -o /dev/null "$URL/diagnostics" &
	done
	get /health --max-time 5
	[ "$code" = 200 ]
	wait
	still_up
}

@test "a new deployment and a rollback are seen without a restart" {
	seeded
	get /health
	first=$body
	cd "$SWS"
	sed 's/"practicedata"/"sourcedata"/' config.json >source.json
	ingest -q -c source.json
	train -q -c source.json >/dev/null
	score -q -c source.json >/dev/null
	deploy -q -c source.json >/dev/null
	get /scoring
	[ "$body" = '{"f1":0.3333333333333333}' ]
	get /health
	[ "$body" != "$first" ]
	deploy -q --rollback >/dev/null
	get /scoring
	[ "$body" = '{"f1":0.5714285714285715}' ]
	get /health
	[ "$body" = "$first" ]
}

@test "apicalls writes every endpoint's status and answer to apireturns.txt" {
	seeded
	cd "$SWS"
	printf '{"api":{"port":%s}}\n' "$PORT" >api.json
	run -0 apicalls -c api.json
	[ "${lines[-1]}" = "apicalls: 7 endpoints answered 200: practicemodels/apireturns.txt" ]
	run -0 grep -E '^(GET|POST) /' practicemodels/apireturns.txt
	[ "$output" = "GET /health 200
POST /prediction 200
GET /scoring 200
GET /summarystats 200
GET /diagnostics 200
GET /drift 200
GET /metrics 200" ]
	run -0 sed -n 5p practicemodels/apireturns.txt
	[ "$output" = '{"predictions":[0,1,1,1,1]}' ]
}

@test "apicalls refuses an API that serves another deployment and keeps nothing" {
	ownws
	deploy -q -C "$OWS" >/dev/null
	mine=$(readlink "$OWS/production_deployment/current")
	theirs=$(readlink "$SWS/production_deployment/current")
	[ "$mine" != "$theirs" ]
	printf '{"api":{"port":%s}}\n' "$PORT" >"$OWS/api.json"
	rm -f "$OWS/practicemodels/apireturns.txt"
	run -1 apicalls -C "$OWS" -c api.json
	[ "$output" = "apicalls: the API at http://127.0.0.1:$PORT serves deployment ${theirs#history/}, the workspace's current one is ${mine#history/}: nothing kept" ]
	[ ! -e "$OWS/practicemodels/apireturns.txt" ]
	run -0 ls -A "$OWS/practicemodels"
	[[ "$output" != *apireturns* ]]
}

@test "apicalls refuses an API whose /health is not ok" {
	ownws
	start_serve "$OWS" -q
	id=$(readlink "$OWS/production_deployment/current")
	printf 'x' >"$OWS/production_deployment/$id/trainedmodel.json"
	printf '{"api":{"port":%s}}\n' "$PORT" >"$OWS/api.json"
	rm -f "$OWS/practicemodels/apireturns.txt"
	run -1 apicalls -C "$OWS" -c api.json
	[ "${lines[-1]}" = "apicalls: the API at http://127.0.0.1:$PORT is not healthy: nothing kept" ]
	[[ "${lines[0]}" == "apicalls: GET /health answered 503: "* ]]
	[ ! -e "$OWS/practicemodels/apireturns.txt" ]
}

@test "apicalls with no server answering fails and says so" {
	cd "$SWS"
	printf '{"api":{"port":1}}\n' >down.json
	run -1 apicalls -c down.json
	[[ "$output" == "apicalls: the API at http://127.0.0.1:1 is not answering:"* ]]
}

@test "serve with a bad option is a usage error" {
	run -2 serve -x
	[ "${lines[-1]}" = "usage: serve [-hqV] [-b host] [-C dir] [-c file] [-p port]" ]
	run -2 serve -p 70000
	[ "${lines[0]}" = "serve: -p 70000: not a port number" ]
}

@test "serve stops cleanly on SIGTERM" {
	start_serve "$SWS"
	stop_serve
	[ "$st" -eq 0 ]
	[ "$(tail -1 "$BATS_TEST_TMPDIR/serve.log")" = "serve: SIGTERM: stopping" ]
}

@test "a body length told two ways is 400 and the connection closed (smuggling)" {
	local head='POST /prediction HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\n'
	while IFS='|' read -r headers why; do
		raw "$head$headers"'\r\n0\r\n\r\n'
		[ "$rstatus" = "HTTP/1.1 400 Bad Request" ]
		[ "$body" = "{\"error\":\"request: $why\"}" ]
	done <<-'EOF'
	Content-Length: 5\r\nContent-Length: 60\r\n|more than one Content-Length
	Content-Length: 5\r\nContent-Length: 5\r\n|more than one Content-Length
	Content-Length: 5\r\nTransfer-Encoding: chunked\r\n|both Content-Length and Transfer-Encoding
	Transfer-Encoding: chunked\r\nContent-Length: 5\r\n|both Content-Length and Transfer-Encoding
	Transfer-Encoding: gzip, chunked\r\n|a Transfer-Encoding other than chunked
	Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n|more than one Transfer-Encoding
	EOF
	still_up
}

@test "libmicrohttpd's own messages are prefixed, and silent under -q" {
	start_serve "$SWS"
	raw 'GET /health HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n'
	[ "$rstatus" = "HTTP/1.1 400 Bad Request" ]
	stop_serve
	run -0 grep -c '^serve: Error processing request (HTTP response code is 400' \
	    "$BATS_TEST_TMPDIR/serve.log"
	[ "$output" = 1 ]
	run -1 grep -v '^serve: ' "$BATS_TEST_TMPDIR/serve.log"
	start_serve "$SWS" -q
	raw 'GET /health HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n'
	[ "$rstatus" = "HTTP/1.1 400 Bad Request" ]
	stop_serve
	run -0 cat "$BATS_TEST_TMPDIR/serve.log"
	[ "${#lines[@]}" = 1 ]
	[[ "${lines[0]}" == "serve: listening on 127.0.0.1 port $PORT, "* ]]
}

@test "more idle connections than the limit do not shut /health out" {
	[ -x "$ORACLE" ] || skip "no $ORACLE"
	mkfifo "$BATS_TEST_TMPDIR/in"
	# 1100 idle connections from 127.0.0.2 to 127.0.0.7, over the 1024
	# the server takes at once
	"$ORACLE" "$FIXTURES/serve/hold.py" "$PORT" 1100 \
	    <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/held" &
	exec 4>"$BATS_TEST_TMPDIR/in"
	for _ in $(seq 100); do
		grep -q held "$BATS_TEST_TMPDIR/held" && break
		sleep 0.1
	done
	get /health --max-time 3
	exec 4>&-
	wait
	[ "$code" = 200 ]
	id=$(readlink "$SWS/production_deployment/current")
	[ "$body" = "{\"status\":\"ok\",\"model\":\"${id#history/}\"}" ]
	# the server closed the longest idle ones to keep 64 places free:
	# 1101 connections, at most 960 kept
	run -0 sed -n 's/^closed //p' "$BATS_TEST_TMPDIR/held"
	[ "$output" -ge 141 ]
	still_up
}

@test "SIGHUP does not stop serve: the model and cached answers are read again" {
	start_serve "$SWS"
	get /health
	[ "$code" = 200 ]
	kill -HUP "$spid"
	sleep 0.2
	get /health
	[ "$code" = 200 ]
	stop_serve
	[ "$st" -eq 0 ]
	run -0 grep -x 'serve: SIGHUP: the model and cached answers are read again at the next request' \
	    "$BATS_TEST_TMPDIR/serve.log"
}

@test "SIGTERM stops serve within the grace while keep-alive clients keep sending" {
	# a measure of time: under the sanitizers or valgrind the answers
	# under way can outlast the grace
	[ -z "${RISK_SLOW:-}" ] || skip "timing, with slower tools (RISK_SLOW)"
	ownws
	# a dataset whose prediction takes a while, so that a slow answer is
	# always under way
	awk 'NR == 1 { print; next } { for (i = 0; i < 40000; i++) print }' \
	    "$OWS/testdata/testdata.csv" >"$OWS/testdata/big.csv"
	start_serve "$OWS" -q
	urls=$(for _ in $(seq 300); do printf '%s/prediction ' "$URL"; done)
	for _ in 1 2 3; do
		# shellcheck disable=SC2086
		curl -s -H 'Content-Type: application/json' \
		    -d '{"dataset":"testdata/big.csv"}' $urls >/dev/null &
	done
	sleep 1
	t0=$(date +%s%N)
	stop_serve
	t1=$(date +%s%N)
	wait
	[ "$st" -eq 0 ]
	# within the grace of 5 s, and a second for the process to end: the
	# answers under way take far less on an idle machine, not on a busy one
	[ $(((t1 - t0) / 1000000)) -lt 6000 ]
}

@test "/health is 503 naming the reason when the model is corrupt or current dangles" {
	ownws
	start_serve "$OWS" -q
	id=$(readlink "$OWS/production_deployment/current")
	id=${id#history/}
	model=$OWS/production_deployment/history/$id/trainedmodel.json
	cp "$model" "$BATS_TEST_TMPDIR/model"
	printf '{"format":' >"$model"
	get /health
	[ "$code" = 503 ]
	[ "$body" = "{\"status\":\"error\",\"model\":\"$id\",\"error\":\"production_deployment/history/$id/trainedmodel.json:1: not a valid model: unexpected token near end of file\"}" ]
	sed 's/"number_of_employees"/"staff"/' "$BATS_TEST_TMPDIR/model" >"$model"
	get /health
	[ "$code" = 503 ]
	[ "$body" = "{\"status\":\"error\",\"model\":\"$id\",\"error\":\"production_deployment/history/$id/trainedmodel.json: the model's feature 3 is \\\"staff\\\", the config's \\\"number_of_employees\\\"\"}" ]
	get /prediction -X POST -H 'Content-Type: text/csv' \
	    --data-binary @"$OWS/testdata/testdata.csv"
	[ "$code" = 500 ]
	cp "$BATS_TEST_TMPDIR/model" "$model"
	get /health
	[ "$code" = 200 ]
	mv "$OWS/production_deployment/history/$id" "$OWS/production_deployment/gone"
	get /health
	[ "$code" = 503 ]
	[ "$body" = "{\"status\":\"error\",\"model\":\"$id\",\"error\":\"production_deployment/history/$id/trainedmodel.json: No such file or directory\"}" ]
	rm "$OWS/production_deployment/current"
	get /health
	[ "$code" = 503 ]
	[ "$body" = '{"status":"error","model":null,"error":"nothing is deployed in production_deployment"}' ]
}

@test "a CSV body with a huge header does not hold up /health" {
	awk 'BEGIN { for (i = 0; i < 40000; i++) printf "%sc%d", i ? "," : "", i
		print "" }' >"$BATS_TEST_TMPDIR/wide.csv"
	for _ in 1 2 3; do
		curl -s -o /dev/null --max-time 60 -H 'Content-Type: text/csv' \
		    --data-binary @"$BATS_TEST_TMPDIR/wide.csv" "$URL/prediction" &
	done
	sleep 0.3
	get /health --max-time "$PROMPT"
	[ "$code" = 200 ]
	wait
	still_up
}

@test "an empty text/csv body with ?filename= reads the file off the pool: /health still answers" {
	seeded
	ownws
	# the test data's rows 400000 times over: it takes a while to predict
	awk 'NR == 1 { print; next } { r[NR] = $0 }
	    END { for (i = 0; i < 400000; i++) for (j = 2; j <= NR; j++) print r[j] }' \
	    "$OWS/testdata/testdata.csv" >"$OWS/testdata/big.csv"
	start_serve "$OWS"
	pids=
	for _ in 1 2 3 4; do
		curl -s -o /dev/null --max-time 60 -X POST \
		    -H 'Content-Type: text/csv' --data-binary '' \
		    "$URL/prediction?filename=big.csv" &
		pids="$pids $!"
	done
	sleep 0.3
	get /health --max-time "$PROMPT"
	[ "$code" = 200 ]
	wait $pids
	get '/prediction?filename=testdata.csv' -X POST \
	    -H 'Content-Type: text/csv' --data-binary ''
	[ "$code" = 200 ]
	[ "$body" = '{"predictions":[0,1,1,1,1]}' ]
	still_up
}

@test "/diagnostics sees a change to any input file, however many there are" {
	seeded
	ownws
	long=$(printf 'x%.0s' $(seq 150))
	for i in $(seq 40); do
		cp "$OWS/practicedata/dataset1.csv" "$OWS/practicedata/$long$i.csv"
	done
	start_serve "$OWS"
	get /diagnostics
	[ "$code" = 200 ]
	first=$body
	get /diagnostics
	[ "$body" = "$first" ]
	# the last file read, far past the first 4096 bytes of keys
	last=$(ls -f "$OWS/practicedata" | grep -v '^\.' | tail -1)
	touch -d '2001-01-01' "$OWS/practicedata/$last"
	get /diagnostics
	[ "$code" = 200 ]
	[ "$body" != "$first" ]
	still_up
}

# ownws with finaldata.csv made again from practicedata, the data of the
# first deployment (an earlier test ingests sourcedata in the suite's)
trainingws() {
	ownws
	ingest -q -C "$OWS"
	[ "$(readlink "$OWS/production_deployment/current")" = \
	    "$(cd "$OWS/production_deployment" && ls -d history/* | head -1)" ]
}

@test "GET /drift answers what diagnose drift --json prints, and again when finaldata.csv changes" {
	trainingws
	start_serve "$OWS"
	get /drift
	[ "$code" = 200 ]
	[ "$body" = "$(diagnose -C "$OWS" drift --json)" ]
	[[ "$body" == *',"drifted_features":0,"tested_features":3,"drifted":false}' ]]
	first=$body
	cd "$OWS"
	sed -i 's/"practicedata"/"sourcedata"/' config.json
	ingest -q
	get /drift
	[ "$code" = 200 ]
	[ "$body" != "$first" ]
	[ "$body" = "$(diagnose -C "$OWS" drift --json)" ]
}

@test "GET /drift is 503 naming the file when the deployment has no reference profile" {
	ownws
	id=$(readlink "$OWS/production_deployment/current")
	rm "$OWS/production_deployment/$id/reference.json"
	start_serve "$OWS"
	get /drift
	[ "$code" = 503 ]
	[ "$body" = '{"error":"production_deployment/'"$id"'/reference.json: no reference profile: the deployment was made before deploy kept one; deploy again to measure data drift"}' ]
	get /metrics
	[ "$code" = 200 ]
	! grep -q drift_psi <<<"$body"
}

@test "GET /metrics gives each feature's PSI, KS p-value and drifted flag of /drift" {
	trainingws
	start_serve "$OWS"
	get /metrics
	[ "$code" = 200 ]
	run -0 grep -E '^riskwatch_(feature|data)_drift' <<<"$body"
	[ "$output" = 'riskwatch_feature_drift_psi{feature="lastmonth_activity"} 0.0
riskwatch_feature_drift_psi{feature="lastyear_activity"} 0.0
riskwatch_feature_drift_psi{feature="number_of_employees"} 0.0
riskwatch_feature_drift_ks_pvalue{feature="lastmonth_activity"} 1.0
riskwatch_feature_drift_ks_pvalue{feature="lastyear_activity"} 1.0
riskwatch_feature_drift_ks_pvalue{feature="number_of_employees"} 1.0
riskwatch_feature_drifted{feature="lastmonth_activity"} 0
riskwatch_feature_drifted{feature="lastyear_activity"} 0
riskwatch_feature_drifted{feature="number_of_employees"} 0
riskwatch_data_drifted 0' ]
}

@test "a feature name with a quote and a backslash is escaped in the drift gauges, and promtool accepts /metrics" {
	command -v promtool >/dev/null || skip "no promtool"
	WS=$BATS_TEST_TMPDIR/q
	mkdir -p "$WS/practicedata" "$WS/testdata"
	for f in practicedata/dataset1.csv testdata/testdata.csv; do
		sed '1s/^corporation,lastmonth_activity,/corporation,"last""month\\act",/' \
		    "$ROOT/$f" >"$WS/$f"
	done
	printf '%s\n' '{"features":["last\"month\\act","lastyear_activity","number_of_employees"]}' >"$WS/config.json"
	for t in ingest train score deploy; do
		"$ROOT/bin/$t" -q -C "$WS" >/dev/null
	done
	start_serve "$WS"
	get /metrics
	[ "$code" = 200 ]
	grep -qxF 'riskwatch_feature_drift_psi{feature="last\"month\\act"} 0.0' <<<"$body"
	grep -qxF 'riskwatch_feature_drifted{feature="last\"month\\act"} 0' <<<"$body"
	run -0 promtool check metrics <<<"$body"
}

@test "GET /metrics gives the last drift check of decisions.csv, its model escaped, and none without the file" {
	ownws
	P=$OWS/production_deployment
	[ ! -e "$P/decisions.csv" ]
	start_serve "$OWS"
	get /metrics
	[ "$code" = 200 ]
	! grep -q '^riskwatch_last_' <<<"$body"
	printf '%s\n' 'time,event,model,test,f1,op,threshold,score,drifted,features,data,decision' \
	    '2026-11-24T15:45:00Z,check,old,raw,0.25,<,0.4,drift,0,3,nodrift,drift' \
	    '2026-11-25T10:00:00Z,check,m"o\d,raw,0.6923076923076923,>=,0.5714285714285715,nodrift,1,3,nodrift,nodrift' \
	    '2026-11-25T10:00:01Z,gate,new,gate,0.5,<,0.6,,,,,kept' \
	    'a,short,line' >"$P/decisions.csv"
	get /metrics
	[ "$code" = 200 ]
	run -0 grep -E '^riskwatch_last_' <<<"$body"
	[ "$output" = 'riskwatch_last_decision_drift{model="m\"o\\d",test="raw"} 0
riskwatch_last_decision_timestamp_seconds 1795600800
riskwatch_last_check_f1 0.6923076923076923' ]
	grep -qxF '# TYPE riskwatch_last_decision_drift gauge' <<<"$body"
	if command -v promtool >/dev/null; then
		run -0 promtool check metrics <<<"$body"
	fi
}

@test "a last drift check with a bad time, F1, decision or model gives no decision gauges and the rest of /metrics" {
	ownws
	P=$OWS/production_deployment
	start_serve "$OWS"
	for bad in '2026-13-25T10:00:00Z,check,m,raw,0.5,<,0.6,drift,0,3,nodrift,drift' \
	    '2026-11-25T10:00:00Z,check,m,raw,nan,<,0.6,drift,0,3,nodrift,drift' \
	    '2026-11-25T10:00:00Z,check,m,raw,0.5x,<,0.6,drift,0,3,nodrift,drift' \
	    '2026-11-25T10:00:00Z,check,m,raw,0.5,<,0.6,drift,0,3,nodrift,maybe' \
	    '2026-11-25T10:00:00Z,check,,raw,0.5,<,0.6,drift,0,3,nodrift,drift' \
	    $'2026-11-25T10:00:00Z,check,m\xff,raw,0.5,<,0.6,drift,0,3,nodrift,drift'; do
		printf '%s\n' '2026-11-24T15:45:00Z,check,old,raw,0.25,<,0.4,drift,0,3,nodrift,drift' \
		    "$bad" >"$P/decisions.csv"
		get /metrics
		[ "$code" = 200 ]
		! grep -q '^riskwatch_last_' <<<"$body"
		grep -q '^riskwatch_data_drifted [01]$' <<<"$body"
	done
	printf '%s\n' '2026-11-24T15:45:00Z,check,old,raw,0.25,<,0.4,drift,0,3,nodrift,drift' \
	    >"$P/decisions.csv"
	get /metrics
	grep -qxF 'riskwatch_last_decision_drift{model="old",test="raw"} 1' <<<"$body"
	grep -qx 'riskwatch_last_decision_timestamp_seconds 1795535100' <<<"$body"
}
