#!/usr/bin/env bats
# make lint: cppcheck over cmd/ and lib/, shellcheck over the scripts, no
# eval in them; part of make test through this suite

load test_helper

needlint() {
	command -v cppcheck >/dev/null || skip "no cppcheck"
	command -v shellcheck >/dev/null || skip "no shellcheck"
}

@test "make lint finds nothing in the tree" {
	needlint
	run -0 make -s -C "$ROOT" lint
	[ "$output" = "" ]
}

@test "make lint fails on a C finding, naming file, line and check" {
	needlint
	local d=$BATS_TEST_TMPDIR
	printf 'int\nf(void)\n{\n\tint a[2] = { 0, 0 };\n\n\treturn a[2];\n}\n' >"$d/bad.c"
	run -2 make -s -C "$ROOT" lint LINTC="$d/bad.c"
	[ "${lines[0]}" = "$d/bad.c:6: error: arrayIndexOutOfBounds: Array 'a[2]' accessed at index 2, which is out of bounds." ]
}

@test "make lint fails on a shellcheck finding and on eval in a script" {
	needlint
	local d=$BATS_TEST_TMPDIR
	printf '#!/bin/sh\necho $1\n' >"$d/unquoted"
	run -2 make -s -C "$ROOT" lint LINTC=lib/fmt.c LINTSH="$d/unquoted"
	[[ "$output" == *"SC2086"* ]]
	printf '#!/bin/sh\nx=y\neval "$x=1"\n' >"$d/evals"
	run -2 make -s -C "$ROOT" lint LINTC=lib/fmt.c LINTSH="$d/evals"
	[ "${lines[0]}" = "3:eval \"\$x=1\"" ]
	[ "${lines[1]}" = "lint: eval in a script: call the command itself" ]
}
