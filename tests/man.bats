#!/usr/bin/env bats
# the manual pages are clean mdoc

load test_helper

@test "every manual page is clean under mandoc -T lint" {
	command -v mandoc >/dev/null || skip "mandoc is not installed"
	n=0
	for page in "$ROOT"/man/*.[1-8]; do
		run mandoc -T lint -W warning "$page"
		echo "$page: $output"
		[ "$status" -eq 0 ]
		[ -z "$output" ]
		n=$((n + 1))
	done
	[ "$n" -ge 6 ]
}

@test "every tool has a page and every page names its tool" {
	for t in ingest train score deploy; do
		grep -q "^\.Nm $t$" "$ROOT/man/$t.1"
	done
}
