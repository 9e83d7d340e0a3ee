#!/usr/bin/env bats
# report: confusionmatrix.png and report.pdf of the deployed model, drawn
# by gnuplot; nothing is overwritten when it fails.

load test_helper

USAGE="usage: report [-hqV] [-C dir] [-c file] [-m model]"

need_gnuplot() {
	command -v gnuplot >/dev/null || skip "gnuplot is not installed"
}

# the seed's practicedata ingested, trained on, scored and deployed
seeddeployed() {
	seedws
	cd "$WS"
	deployed
}

# the workspace in the current folder ingested, trained on, scored, deployed
deployed() {
	run -0 ingest -q
	run -0 train -q
	run -0 score -q
	run -0 deploy -q
}

@test "report with an operand is a usage error" {
	run -2 --separate-stderr report extra
	[ "$output" = "" ]
	[ "$stderr" = "$USAGE" ]
}

@test "report -h prints the usage on stdout and succeeds" {
	run -0 --separate-stderr report -h
	[ "${lines[0]}" = "$USAGE" ]
}

@test "report makes a PNG confusion matrix and an eight-page PDF" {
	need_gnuplot
	seeddeployed
	run -0 --separate-stderr diagnose -q -o timing deps
	run -0 --separate-stderr report
	[ "${lines[0]}" = practicemodels/confusionmatrix.png ]
	[ "${lines[1]}" = practicemodels/report.pdf ]
	[ "$stderr" = "report: F1 0.5714285714285715 on testdata/testdata.csv: practicemodels/confusionmatrix.png, practicemodels/report.pdf" ]
	[ "$(head -c 8 practicemodels/confusionmatrix.png | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]
	[ "$(stat -c %s practicemodels/confusionmatrix.png)" -gt 8000 ]
	[ "$(head -c 5 practicemodels/report.pdf)" = "%PDF-" ]
	if command -v pdfinfo >/dev/null; then
		[ "$(pdfinfo practicemodels/report.pdf | awk '/^Pages:/ { print $2 }')" = 8 ]
	fi
	[ -z "$(find "$WS" -name '.tmp.*')" ]
}

@test "report to a full standard output fails and says so, its files written" {
	need_gnuplot
	seeddeployed
	run -1 --separate-stderr bash -c "report -q >/dev/full"
	[ "$stderr" = "report: stdout: write error" ]
	[ "$(head -c 5 practicemodels/report.pdf)" = "%PDF-" ]
	[ -z "$(find "$WS" -name '.tmp.*')" ]
}

@test "report's first page gives the key figures" {
	need_gnuplot
	command -v pdftotext >/dev/null || skip "pdftotext is not installed"
	seeddeployed
	run -0 report -q
	run -0 pdftotext -f 1 -l 1 -layout practicemodels/report.pdf -
	[[ "$output" == *"no drift check yet"* ]]
	[[ "$output" == *"F1 0.5714285714285715, precision 0.5, recall 0.6666666666666666"* ]]
	[[ "$output" == *"trained at"*"on 26 rows"* ]]
	[[ "$output" == *"last drift check"*"none yet"* ]]
	[[ "$output" == *"drift_test"*"raw, gate off"* ]]
}

# page N of the PDF as text, one line per line, spaces squeezed
pagetext() {
	pdftotext -f "$1" -l "$1" -layout practicemodels/report.pdf - |
	    tr -d '\f' | sed -E 's/ +/ /g; s/^ //; s/ $//' | grep -v '^$'
}

@test "report's first page states the last run's decision in words" {
	need_gnuplot
	command -v pdftotext >/dev/null || skip "pdftotext is not installed"
	seeddeployed
	sed -i 's/"practicedata"/"sourcedata"/' config.json
	run -0 ingest -q
	run -0 deploy -q --check 0.6923076923076923
	run -0 report -q
	[ "$(pagetext 1 | sed -n 2,3p)" = "no drift: new data F1 0.692 ≥ deployed 0.571; 3 of 3 features drifted
the deployed model stays (checked $(tail -1 production_deployment/decisions.csv | cut -d, -f1))" ]
	run -0 deploy -q --check 0.5
	run -0 report -q
	[ "$(pagetext 1 | sed -n 2,3p)" = "drift: new data F1 0.500 < deployed 0.571; 3 of 3 features drifted
retrained and deployed (checked $(tail -1 production_deployment/decisions.csv | cut -d, -f1))" ]
}

@test "report's first page says when the gate kept the deployed model" {
	need_gnuplot
	command -v pdftotext >/dev/null || skip "pdftotext is not installed"
	seeddeployed
	sed -i 's/^{/{ "gate": true,/; s/"practicedata"/"sourcedata"/' config.json
	run -0 ingest -q
	run -0 deploy -q --check 0.5
	run -0 train -q
	run -0 score -q
	run -0 deploy -q
	run -0 report -q
	[ "$(pagetext 1 | sed -n 3p)" = "retrained: the new model scores 0.333 < 0.571 on the test data: kept the deployed model" ]
}

@test "report's data drift page gives each feature's figures, the drifted ones marked" {
	need_gnuplot
	command -v pdftotext >/dev/null || skip "pdftotext is not installed"
	seeddeployed
	local id
	id=$(readlink production_deployment/current)
	sed -i 's/"practicedata"/"sourcedata"/' config.json
	run -0 ingest -q
	run -0 report -q
	[ "$(pagetext 4)" = "Data drift: the test figures
ingesteddata/finaldata.csv (26 rows) against the reference profile of
deployment ${id#history/} (26 rows)
feature KS KS p PSI W1 / std missing
lastmonth_activity 0.4615 0.00713 2.6740 19.6048 0.0% -> 0.0% DRIFTED
lastyear_activity 0.5385 0.000832 2.6758 0.3439 0.0% -> 0.0% DRIFTED
number_of_employees 0.5000 0.00256 3.7563 14.0048 0.0% -> 0.0% DRIFTED
target exited: share of class 1 0.5769 -> 0.5000
data: DRIFTED (3 of 3 features drifted)
a feature drifts when KS p < the configured threshold (up to drift.ks_rows rows),
else when W1 / std > drift.wasserstein; the data when at least drift.share of the features do" ]
	[ "$(pagetext 5 | head -2)" = "Data drift: the reference sample against finaldata.csv
lastmonth_activity: DRIFTED (KS p 0.00713, PSI 2.674)" ]
}

@test "report's data drift page says why when the deployment has no reference profile" {
	need_gnuplot
	command -v pdftotext >/dev/null || skip "pdftotext is not installed"
	mkws "$FIXTURES/report/ws"
	cd "$WS"
	run -0 report -q
	[ "$(pagetext 4)" = "Data drift
the data drift of finaldata.csv could not be measured:
production_deployment/history/20261124T152000.000000Z-000000000001/reference.json: no
reference profile: the deployment was made before deploy kept one; deploy again to
measure data drift" ]
}

@test "report's F1 history draws deployments and checks apart, with the drift threshold" {
	need_gnuplot
	command -v pdftotext >/dev/null || skip "pdftotext is not installed"
	seeddeployed
	run -0 deploy -q --check 0.5
	run -0 report -q
	local text
	text=$(pagetext 3)
	[[ $text == *"deployment (on the test data)"* ]]
	[[ $text == *"drift check (on new data)"* ]]
	[[ $text == *"drift threshold now (raw): 0.5714285714285715"* ]]
}

@test "report refuses a corrupt model and overwrites nothing" {
	need_gnuplot
	seeddeployed
	run -0 report -q
	printf '{"format":"riskwatch-model/1","features":[]}\n' >bad.json
	local before
	before=$(treesum "$WS")
	run -1 --separate-stderr report -m bad.json
	[ "$output" = "" ]
	[[ "$stderr" == "report: bad.json: not a valid model"* ]]
	[ "$(treesum "$WS")" = "$before" ]
}

@test "report of test data without a configured column is a config error, exit 2" {
	need_gnuplot
	seeddeployed
	run -0 report -q
	cut -d, -f1,2,4,5 testdata/testdata.csv >t.csv
	mv t.csv testdata/testdata.csv
	local before
	before=$(treesum "$WS")
	run -2 --separate-stderr report
	[ "$output" = "" ]
	[ "$stderr" = 'report: testdata/testdata.csv:1: no column "lastyear_activity" (a feature)' ]
	[ "$(treesum "$WS")" = "$before" ]
}

@test "report without a deployed model says so" {
	need_gnuplot
	seedws
	cd "$WS"
	run -1 --separate-stderr report
	[ "$stderr" = "report: production_deployment/trainedmodel.json: no deployed model: deploy one, or name one with -m" ]
}

@test "report without gnuplot names the package to install" {
	seeddeployed
	run -1 --separate-stderr env PATH=/nonexistent "$ROOT/bin/report"
	[ "$stderr" = "report: gnuplot not found: install the package gnuplot-nox" ]
	[ ! -e practicemodels/report.pdf ]
}

# The injection corpus.  Each payload would run `touch X` had it reached
# gnuplot's script as code: after a newline or CR as a `!` command, in
# backquotes, through system() out of a quote of either kind, as a macro;
# with a trailing backslash and a tab.  `touch` is a shim that logs every
# call, so a command run anywhere (gnuplot runs in a scratch folder) is
# seen.  Each payload is a name of at most 24 bytes, as wide as the summary
# table's column.
PAYLOADS=(
	$'x\n!touch X\n'
	$'x\r!touch X'
	'x`touch X`'
	"x'.system('touch X').'"
	'x".system("touch X")."'
	'@GPVAL_TERM @x'
	'x\'
	$'x\t!touch X'
	'été `touch X`'
)
# how the report shows each: a control byte as \n, \r, \t or \xNN
SHOWN=(
	'x\n!touch X\n'
	'x\r!touch X'
	'x`touch X`'
	"x'.system('touch X').'"
	'x".system("touch X")."'
	'@GPVAL_TERM @x'
	'x\'
	'x\t!touch X'
	'été `touch X`'
)
# those with a control byte, which config and model names refuse
ctrl() { [[ $1 == *[$'\n\r\t']* ]]; }

# the touch shim first on PATH, and a TMPDIR of the test's own
injshim() {
	mkdir -p "$BATS_TEST_TMPDIR/shim"
	printf '#!/bin/sh\necho "$PWD: touch $*" >>"%s/ran"\nexec /usr/bin/touch "$@"\n' \
	    "$BATS_TEST_TMPDIR" >"$BATS_TEST_TMPDIR/shim/touch"
	chmod +x "$BATS_TEST_TMPDIR/shim/touch"
	PATH=$BATS_TEST_TMPDIR/shim:${PATH#"$BATS_TEST_TMPDIR/shim:"}
	export TMPDIR=$BATS_TEST_TMPDIR/tmp
	mkdir -p "$TMPDIR"
}

# a fresh copy of the fixture workspace in $WS, with the shim
injws() {
	need_gnuplot
	rm -rf "$BATS_TEST_TMPDIR/ws"
	mkws "$FIXTURES/report/ws"
	injshim
	cd "$WS"
}

# nothing ran: no call of the shim, no file X anywhere the test can write
noinjection() {
	[ ! -e "$BATS_TEST_TMPDIR/ran" ] || { cat "$BATS_TEST_TMPDIR/ran"; false; }
	[ -z "$(find "$BATS_TEST_TMPDIR" -name X)" ]
	[ -z "$(ls -A "$TMPDIR")" ]
}

# report succeeded: both files written whole, no temp file left
reported() {
	[ "$status" -eq 0 ] || { echo "$stderr"; false; }
	[ "$output" = "$(printf 'practicemodels/confusionmatrix.png\npracticemodels/report.pdf')" ]
	[ "$(head -c 8 practicemodels/confusionmatrix.png | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]
	[ "$(head -c 5 practicemodels/report.pdf)" = "%PDF-" ]
	[ "$(tail -c 6 practicemodels/report.pdf | tr -d '\n')" = "%%EOF" ]
	[ -z "$(find "$WS" -name '.tmp.*')" ]
}

# the PDF's text holds the string, when pdftotext can tell
shows() {
	command -v pdftotext >/dev/null || return 0
	local text
	text=$(pdftotext -raw practicemodels/report.pdf -)
	[[ $text == *"$1"* ]] || { echo "not shown: $1"; false; }
}

# the string as a quoted CSV field, and as a JSON string
csvq() { printf '"%s"' "${1//\"/\"\"}"; }
jsonq() {
	local s=${1//\\/\\\\}
	s=${s//\"/\\\"}
	s=${s//$'\n'/\\n}
	s=${s//$'\r'/\\r}
	s=${s//$'\t'/\\t}
	printf '"%s"' "$s"
}

# subst FILE OLD NEW: every OLD in FILE replaced by NEW, taken literally
subst() {
	R=$3 O=$2 awk 'BEGIN { o = ENVIRON["O"]; r = ENVIRON["R"] }
	{ out = ""; while ((i = index($0, o)) > 0) {
		out = out substr($0, 1, i - 1) r; $0 = substr($0, i + length(o)) }
	  print out $0 }' "$1" >"$1.new" && mv "$1.new" "$1"
}

@test "report draws a column name of the data as text and runs nothing" {
	local pi
	for pi in "${!PAYLOADS[@]}"; do
		injws
		subst ingesteddata/finaldata.csv corporation "$(csvq "${PAYLOADS[pi]}")"
		subst testdata/testdata.csv corporation "$(csvq "${PAYLOADS[pi]}")"
		run --separate-stderr report -q
		noinjection
		reported
		shows "${SHOWN[pi]}"
	done
}

@test "report draws a feature name of the config and model as text and runs nothing" {
	local pi
	for pi in "${!PAYLOADS[@]}"; do
		ctrl "${PAYLOADS[pi]}" && continue
		injws
		subst ingesteddata/finaldata.csv number_of_employees "$(csvq "${PAYLOADS[pi]}")"
		subst testdata/testdata.csv number_of_employees "$(csvq "${PAYLOADS[pi]}")"
		subst config.json '"number_of_employees"' "$(jsonq "${PAYLOADS[pi]}")"
		subst production_deployment/trainedmodel.json '"number_of_employees"' "$(jsonq "${PAYLOADS[pi]}")"
		run --separate-stderr report -q
		noinjection
		reported
		shows "${SHOWN[pi]}"
	done
}

@test "report refuses a feature or target name with a control byte in the config" {
	local pi
	for pi in "${!PAYLOADS[@]}"; do
		ctrl "${PAYLOADS[pi]}" || continue
		injws
		subst config.json '"number_of_employees"' "$(jsonq "${PAYLOADS[pi]}")"
		run -2 --separate-stderr report -q
		noinjection
		[ "$stderr" = 'report: config.json: key "features": a name holds a control character' ]
		injws
		subst config.json '"exited"' "$(jsonq "${PAYLOADS[pi]}")"
		run -2 --separate-stderr report -q
		[ "$stderr" = 'report: config.json: key "target": a name holds a control character' ]
		[ ! -e practicemodels/report.pdf ]
	done
	injws
	subst config.json '"number_of_employees"' '"a\u0000b"'
	run -2 --separate-stderr report -q
	[ "$stderr" = "report: config.json:8: \\u0000 is not allowed without JSON_ALLOW_NUL near '\"a\\u0000b\"'" ]
}

@test "report refuses a model whose names hold a control byte" {
	local pi
	for pi in "${!PAYLOADS[@]}"; do
		ctrl "${PAYLOADS[pi]}" || continue
		injws
		subst production_deployment/trainedmodel.json '"number_of_employees"' "$(jsonq "${PAYLOADS[pi]}")"
		run -1 --separate-stderr report -q
		noinjection
		[ "$stderr" = 'report: production_deployment/trainedmodel.json: not a valid model: a control character in features' ]
		injws
		subst production_deployment/trainedmodel.json '"exited"' "$(jsonq "${PAYLOADS[pi]}")"
		run -1 --separate-stderr report -q
		[ "$stderr" = 'report: production_deployment/trainedmodel.json: not a valid model: a control character in target' ]
		[ ! -e practicemodels/report.pdf ]
	done
}

@test "report refuses a model whose trained_at is not a UTC time as train writes it" {
	local pi
	for pi in "${!PAYLOADS[@]}"; do
		injws
		subst production_deployment/trainedmodel.json '"2026-11-24T15:20:00Z"' "$(jsonq "2026-11-24T15:20:00Z${PAYLOADS[pi]}")"
		run -1 --separate-stderr report -q
		noinjection
		[ "$stderr" = 'report: production_deployment/trainedmodel.json: not a valid model: expected a UTC time like 2026-11-24T15:20:00Z in trained_at' ]
		[ ! -e practicemodels/report.pdf ]
	done
	injws
	subst production_deployment/trainedmodel.json '"2026-11-24T15:20:00Z"' '"2026-11-24T15:20:00Z\u0000!touch X"'
	run -1 --separate-stderr report -q
	[[ $stderr == 'report: production_deployment/trainedmodel.json:'*': not a valid model: '*NUL* ]]
	noinjection
}

@test "report draws deployment ids and the drift line as text and runs nothing" {
	local pi id
	for pi in "${!PAYLOADS[@]}"; do
		injws
		id="20261124T153000.000000Z-${PAYLOADS[pi]}"
		mkdir "production_deployment/history/$id"
		echo 0.75 >"production_deployment/history/$id/latestscore.txt"
		ln -sfn "history/$id" production_deployment/current
		printf '2026-11-24T16:00:00Z,check,m,raw,0.5,<,0.75,drift,%s,3,drift,drift\n' \
		    "${PAYLOADS[pi]}" >>production_deployment/decisions.csv
		run --separate-stderr report -q
		noinjection
		reported
		shows "20261124T153000.000000Z-${SHOWN[pi]}"
		ctrl "${PAYLOADS[pi]}" || shows "deployed 0.750; ${SHOWN[pi]} of 3 features drifted"
	done
}

@test "report runs nothing from its workspace, config, model and temp paths" {
	local pi dir
	for pi in "${!PAYLOADS[@]}"; do
		injws
		dir="$BATS_TEST_TMPDIR/ws${PAYLOADS[pi]}"
		rm -rf "$dir"
		mv "$WS" "$dir"
		cd "$dir"
		mv testdata "t${PAYLOADS[pi]}"
		mv practicemodels "p${PAYLOADS[pi]}"
		subst config.json '"testdata"' "$(jsonq "t${PAYLOADS[pi]}")"
		subst config.json '"practicemodels"' "$(jsonq "p${PAYLOADS[pi]}")"
		cp production_deployment/trainedmodel.json "m${PAYLOADS[pi]}.json"
		mkdir -p "$BATS_TEST_TMPDIR/tmp${PAYLOADS[pi]}"
		cd /
		run --separate-stderr env TMPDIR="$BATS_TEST_TMPDIR/tmp${PAYLOADS[pi]}" \
		    report -q -C "$dir" -m "m${PAYLOADS[pi]}.json"
		cd "$dir"
		noinjection
		[ "$status" -eq 0 ] || { echo "$stderr"; false; }
		[ "$output" = "$(printf 'p%s/confusionmatrix.png\np%s/report.pdf' "${PAYLOADS[pi]}" "${PAYLOADS[pi]}")" ]
		[ "$(head -c 5 "p${PAYLOADS[pi]}/report.pdf")" = "%PDF-" ]
		[ -z "$(ls -A "$BATS_TEST_TMPDIR/tmp${PAYLOADS[pi]}")" ]
		mv "p${PAYLOADS[pi]}" practicemodels
		shows "m${SHOWN[pi]}.json"
		shows "t${SHOWN[pi]}/testdata.csv"
		rm -rf "$dir"
	done
}

@test "a CSV header with a newline and a command goes from the input folder to the report as text" {
	need_gnuplot
	seedws
	injshim
	cd "$WS"
	local f
	for f in practicedata/*.csv testdata/testdata.csv; do
		subst "$f" corporation "$(csvq $'corporation\n!touch X\n')"
	done
	deployed
	run --separate-stderr report -q
	noinjection
	reported
	shows 'corporation\n!touch X\n'
}

@test "input files named by every payload are reported on, or refused by ingest, and nothing runs" {
	need_gnuplot
	seedws
	injshim
	cd "$WS"
	local pi
	for pi in "${!PAYLOADS[@]}"; do
		ctrl "${PAYLOADS[pi]}" ||
			cp practicedata/dataset1.csv "practicedata/${PAYLOADS[pi]}.csv"
	done
	deployed
	run --separate-stderr report -q
	noinjection
	reported
	cp practicedata/dataset1.csv "practicedata/${PAYLOADS[0]}.csv"
	run -1 --separate-stderr ingest -q
	[ "${stderr_lines[0]}" = 'ingest: practicedata/x\n!touch X\n.csv: a control character in the name (it would break ingestedfiles.txt): rename the file' ]
	noinjection
}
