#!/usr/bin/env bats
# make install and uninstall honour DESTDIR, PREFIX and PROGPREFIX

load test_helper

@test "make install puts risk-prefixed tools and the manual pages under DESTDIR" {
	d=$BATS_TEST_TMPDIR/root
	run -0 make -s -C "$ROOT" install DESTDIR="$d" PREFIX=/opt/rw
	for t in ingest train score deploy diagnose report serve; do
		[ -x "$d/opt/rw/bin/risk-$t" ]
		cmp "$ROOT/bin/$t" "$d/opt/rw/bin/risk-$t"
		[ -f "$d/opt/rw/share/man/man1/risk-$t.1" ]
	done
	for s in fullprocess apicalls; do
		[ -x "$d/opt/rw/bin/risk-$s" ]
		cmp "$ROOT/scripts/$s" "$d/opt/rw/bin/risk-$s"
		[ -f "$d/opt/rw/share/man/man1/risk-$s.1" ]
	done
	[ -f "$d/opt/rw/share/man/man5/riskwatch-config.5" ]
	[ -f "$d/opt/rw/share/man/man7/riskwatch.7" ]
	# the installed tool names itself without the prefix
	run -2 "$d/opt/rw/bin/risk-ingest" -x
	[ "${lines[-1]}" = "usage: ingest [-hnqV] [-C dir] [-c file] [-o dir]" ]
}

@test "PROGPREFIX changes the installed names and uninstall removes them all" {
	d=$BATS_TEST_TMPDIR/root
	run -0 make -s -C "$ROOT" install DESTDIR="$d" PREFIX=/usr PROGPREFIX=rw-
	[ -x "$d/usr/bin/rw-train" ]
	[ -f "$d/usr/share/man/man1/rw-train.1" ]
	run -0 make -s -C "$ROOT" uninstall DESTDIR="$d" PREFIX=/usr PROGPREFIX=rw-
	run -0 find "$d" -type f
	[ -z "$output" ]
}

@test "an installed apicalls finds the deploy installed beside it" {
	d=$BATS_TEST_TMPDIR/root
	run -0 make -s -C "$ROOT" install DESTDIR="$d" PREFIX=/usr PROGPREFIX=rw-
	mkdir -p "$BATS_TEST_TMPDIR/ws"
	printf '{"api":{"port":1}}\n' >"$BATS_TEST_TMPDIR/ws/config.json"
	run -1 env -i PATH=/usr/bin:/bin "$d/usr/bin/rw-apicalls" -C "$BATS_TEST_TMPDIR/ws"
	[[ "$output" == "apicalls: the API at http://127.0.0.1:1 is not answering:"* ]]
}

@test "installed manual pages cross-reference the installed names" {
	d=$BATS_TEST_TMPDIR/root
	run -0 make -s -C "$ROOT" install DESTDIR="$d" PREFIX=/opt/rw
	local man=$d/opt/rw/share/man
	grep -qx '\.Xr ingest 1 ,' "$ROOT/man/deploy.1"
	grep -qx '\.Xr risk-ingest 1 ,' "$man/man1/risk-deploy.1"
	grep -qx '\.Xr risk-fullprocess 1 ,' "$man/man7/riskwatch.7"
	grep -qx '\.It Xr risk-ingest 1' "$man/man7/riskwatch.7"
	# no tool of the suite is named unprefixed; other pages stay as they are
	run grep -hE '(^\.| )Xr (ingest|train|score|deploy|diagnose|report|serve|fullprocess|apicalls) ' \
	    "$man"/man1/*.1 "$man"/man5/*.5 "$man"/man7/*.7
	[ "$status" -eq 1 ]
	grep -qx '\.Xr flock 1 ,' "$man/man1/risk-fullprocess.1"
	# only the cross-references changed
	diff <(sed 's/Xr risk-/Xr /' "$man/man1/risk-deploy.1") "$ROOT/man/deploy.1"
	diff <(sed 's/Xr risk-/Xr /' "$man/man7/riskwatch.7") "$ROOT/man/riskwatch.7"
	# PROGPREFIX= keeps the names
	run -0 make -s -C "$ROOT" install DESTDIR="$d/plain" PREFIX=/opt/rw PROGPREFIX=
	cmp "$d/plain/opt/rw/share/man/man1/deploy.1" "$ROOT/man/deploy.1"
}
