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
	[ "$output" = "$USAGE" ]
}

@test "report makes a PNG confusion matrix and a six-page PDF" {
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
		[ "$(pdfinfo practicemodels/report.pdf | awk '/^Pages:/ { print $2 }')" = 6 ]
	fi
	[ -z "$(find "$WS" -name '.tmp.*')" ]
}

@test "report's first page gives the key figures" {
	need_gnuplot
	command -v pdftotext >/dev/null || skip "pdftotext is not installed"
	seeddeployed
	run -0 report -q
	run -0 pdftotext -f 1 -l 1 -layout practicemodels/report.pdf -
	[[ "$output" == *"F1"*"0.5714285714285715"* ]]
	[[ "$output" == *"rows trained on"*"26"* ]]
	[[ "$output" == *"last drift check"*"none yet"* ]]
}

@test "report shows the newest drift check of scorehistory.csv" {
	need_gnuplot
	command -v pdftotext >/dev/null || skip "pdftotext is not installed"
	seeddeployed
	printf '2026-11-24T16:00:00Z,0.6923076923076923,x,check no drift\n' \
	    >>production_deployment/scorehistory.csv
	run -0 report -q
	run -0 pdftotext -f 1 -l 1 -layout practicemodels/report.pdf -
	[[ "$output" == *"2026-11-24T16:00:00Z,0.6923076923076923,x,check no drift"* ]]
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
