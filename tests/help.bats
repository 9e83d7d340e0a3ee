#!/usr/bin/env bats
# -h and --help: the usage line, one line per option with what it does
# and its default, then where the manual is.

load test_helper

# help TOOL: TOOL -h on stdout, nothing on stderr, the same as --help
help() {
	run -0 --separate-stderr "$1" -h
	[ "$stderr" = "" ]
	local short=$output
	if [ "$1" != fullprocess ] && [ "$1" != apicalls ]; then
		run -0 --separate-stderr "$1" --help
		[ "$output" = "$short" ]
	fi
	if [ "$(head -c 2 "$ROOT/bin/$1")" = "#!" ]; then
		# make check-valgrind's wrapper runs the tool from bin/.vg,
		# where no man/ folder stands beside it
		[ "${lines[-1]}" = "The manual: man $1" ]
	else
		[ "${lines[-1]}" = "The manual: man -l $ROOT/man/$1.1" ]
	fi
}

# has LINE: one of the lines of the help is LINE
has() {
	local l
	for l in "${lines[@]}"; do
		[ "$l" = "$1" ] && return 0
	done
	echo "no line: $1"
	return 1
}

@test "ingest -h lists its options and the manual" {
	help ingest
	[ "${lines[0]}" = "usage: ingest [-hnqV] [-C dir] [-c file] [-o dir]" ]
	[ "${lines[1]}" = "  -C dir          work in the workspace dir (default: the current folder)" ]
	has "  -o dir          write finaldata.csv and ingestedfiles.txt in dir (default: output_folder_path)"
	[ "${#lines[@]}" -eq 9 ]
}

@test "train -h lists its options and the manual" {
	help train
	[ "${lines[0]}" = "usage: train [-hqV] [-C dir] [-c file] [--json]" ]
	has "  --json          print the model as JSON (default: a table)"
	[ "${lines[-2]}" = "  -V, --version   print the version and exit" ]
	[ "${#lines[@]}" -eq 8 ]
}

@test "score -h lists its options and the manual" {
	help score
	[ "${lines[0]}" = "usage: score [-hnqV] [-C dir] [-c file] [-d data] [-m model] [--json]" ]
	has "  -d data         score on the CSV file data, - for standard input (default: test_data_path/testdata.csv)"
	has "  -c file         read the configuration from file (default: config.json)"
	[ "${#lines[@]}" -eq 11 ]
}

@test "deploy -h lists its options and the manual" {
	help deploy
	[ "${lines[0]}" = "usage: deploy [-fhnqV] [-C dir] [-c file] [-d data] [--adopt | --foreign | --list | --rollback | --check f1 | --seen | --get key | --verify]" ]
	has "  --adopt         take over the Python system's deployment in prod_deployment_path"
	has "  -f              with --adopt: adopt even when the F1 differs (default: off)"
	has "  -d data         with --check: the new data for the data test (default: finaldata.csv)"
	[ "${#lines[@]}" -eq 18 ]
}

@test "diagnose -h lists its options and the manual" {
	help diagnose
	[[ ${lines[0]} == "usage: diagnose [-hoqV] "* ]]
	has "  -n runs         time ingest and train runs times, 1 to 1000 (default: 1)"
	has "  -q              quiet: no log lines on standard error (default: off)"
	[ "${#lines[@]}" -eq 13 ]
}

@test "report -h lists its options and the manual" {
	[ -x "$ROOT/bin/report" ] || skip "report is not built"
	help report
	[ "${lines[0]}" = "usage: report [-hqV] [-C dir] [-c file] [-m model]" ]
	has "  -m model        report on that model (default: the deployed one)"
	[ "${#lines[@]}" -eq 8 ]
}

@test "serve -h lists its options and the manual" {
	[ -x "$ROOT/bin/serve" ] || skip "serve is not built"
	help serve
	[ "${lines[0]}" = "usage: serve [-hqV] [-b host] [-C dir] [-c file] [-p port]" ]
	has "  -p port         listen on port, 0 for a free one (default: api.port, 8000)"
	[ "${#lines[@]}" -eq 9 ]
}

@test "fullprocess -h lists its options and the manual" {
	help fullprocess
	[ "${lines[0]}" = "usage: fullprocess [-hnqV] [-C dir] [-w seconds]" ]
	has "  -w seconds      wait that long for another run's lock (default: give up at once)"
	[ "${#lines[@]}" -eq 8 ]
}

@test "apicalls -h lists its options and the manual" {
	help apicalls
	[ "${lines[0]}" = "usage: apicalls [-h] [-C dir] [-c file]" ]
	has "  -c file         read the configuration from file (default: config.json)"
	[ "${#lines[@]}" -eq 5 ]
}

@test "-h and -V to a full standard output fail and say so" {
	local t
	for t in ingest train score deploy diagnose report serve; do
		run -1 --separate-stderr bash -c "$t -h >/dev/full"
		[ "$stderr" = "$t: stdout: write error" ]
		run -1 --separate-stderr bash -c "$t -V >/dev/full"
		[ "$stderr" = "$t: stdout: write error" ]
	done
}

@test "an installed tool's help names the installed manual page" {
	[ "$(head -c 2 "$ROOT/bin/deploy")" != "#!" ] ||
		skip "make check-valgrind installs its valgrind wrappers, not the tools"
	local d=$BATS_TEST_TMPDIR/inst
	run -0 make -C "$ROOT" install DESTDIR="$d" PREFIX=/opt/rw
	run -0 --separate-stderr "$d/opt/rw/bin/risk-deploy" -h
	[ "${lines[0]}" = "usage: deploy [-fhnqV] [-C dir] [-c file] [-d data] [--adopt | --foreign | --list | --rollback | --check f1 | --seen | --get key | --verify]" ]
	[ "${lines[-1]}" = "The manual: man risk-deploy" ]
	run -0 --separate-stderr "$d/opt/rw/bin/risk-fullprocess" -h
	[ "${lines[-1]}" = "The manual: man risk-fullprocess" ]
	run -0 --separate-stderr "$d/opt/rw/bin/risk-apicalls" -h
	[ "${lines[-1]}" = "The manual: man risk-apicalls" ]
}
