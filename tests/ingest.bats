#!/usr/bin/env bats
# ingest: every *.csv of input_folder_path into finaldata.csv and
# ingestedfiles.txt, exact duplicates dropped, or nothing written at all.

load test_helper

HEADER=corporation,lastmonth_activity,lastyear_activity,number_of_employees,exited

# pandas_kept: a digit per row of practicedata/*.csv, 1 where pandas'
# concat(...).drop_duplicates() keeps it
pandas_kept() {
	"$ORACLE" -c '
import glob, pandas as pd
files = sorted(glob.glob("practicedata/*.csv"), key=lambda f: f.encode())
d = pd.concat([pd.read_csv(f) for f in files])
print("".join("0" if x else "1" for x in d.duplicated()))'
}

# inputws: an empty workspace with an empty practicedata/, the current folder
inputws() {
	mkws
	mkdir "$WS/practicedata"
	cd "$WS"
}

# the fixture workspace, already ingested once; its outputs' digests in $BEFORE
ingested() {
	mkws "$FIXTURES/ingest/ws"
	cd "$WS"
	run -0 ingest -q
	BEFORE=$(treesum "$WS/ingesteddata")
}

# ingest failed and left ingesteddata/ as it was, with no temp file
unchanged() {
	[ "$(treesum "$WS/ingesteddata")" = "$BEFORE" ]
	[ -z "$(find "$WS" -name '.tmp.*')" ]
}

@test "ingest with an operand is a usage error" {
	mkws "$FIXTURES/ingest/ws"
	cd "$WS"
	run -2 --separate-stderr ingest practicedata
	[ "$output" = "" ]
	[ "$stderr" = "usage: ingest [-hnqV] [-C dir] [-c file] [-o dir]" ]
	[ ! -e ingesteddata ]
}

@test "ingest with an unknown option is a usage error" {
	mkws "$FIXTURES/ingest/ws"
	cd "$WS"
	run -2 --separate-stderr ingest -x
	[ "${stderr_lines[0]}" = "ingest: invalid option -- 'x'" ]
	[ "${stderr_lines[1]}" = "usage: ingest [-hnqV] [-C dir] [-c file] [-o dir]" ]
	[ "${#stderr_lines[@]}" -eq 2 ]
	[ ! -e ingesteddata ]
}

@test "ingest -h prints the usage on stdout and succeeds" {
	run -0 --separate-stderr ingest -h
	[ "${lines[0]}" = "usage: ingest [-hnqV] [-C dir] [-c file] [-o dir]" ]
	[ "$stderr" = "" ]
}

@test "ingest -V prints the version" {
	run -0 --separate-stderr ingest -V
	[ "$output" = "ingest (riskwatch) 0.1.0" ]
}

@test "ingest of the seed's practicedata writes its 26 distinct rows" {
	seedws
	cd "$WS"
	run -0 --separate-stderr ingest
	[ "$output" = "" ]
	[ "$stderr" = "ingest: 2 files, 36 rows read, 10 duplicates dropped, 26 rows written to ingesteddata/finaldata.csv" ]
	[ "$(wc -l <ingesteddata/finaldata.csv)" -eq 27 ]
	cmp "$FIXTURES/ingest/seed-practice-finaldata.csv" ingesteddata/finaldata.csv
}

@test "ingest of the seed's sourcedata finds no duplicates" {
	seedws sourcedata
	cd "$WS"
	run -0 --separate-stderr ingest
	[ "$output" = "" ]
	[ "$stderr" = "ingest: 2 files, 26 rows read, 0 duplicates dropped, 26 rows written to ingesteddata/finaldata.csv" ]
	[ "$(wc -l <ingesteddata/finaldata.csv)" -eq 27 ]
	cmp "$FIXTURES/ingest/seed-source-finaldata.csv" ingesteddata/finaldata.csv
}

@test "ingest lists the seed's files with their sha256 and row counts" {
	seedws
	cd "$WS"
	run -0 ingest -q
	local s1 s2
	s1=$(sha256sum <practicedata/dataset1.csv | cut -d' ' -f1)
	s2=$(sha256sum <practicedata/dataset2.csv | cut -d' ' -f1)
	printf 'practicedata/dataset1.csv\t%s\t17\npracticedata/dataset2.csv\t%s\t19\n' \
	    "$s1" "$s2" >expected
	diff -u expected ingesteddata/ingestedfiles.txt
}

@test "ingest drops exact duplicate rows and keeps the first, in order" {
	mkws "$FIXTURES/ingest/ws"
	cd "$WS"
	run -0 --separate-stderr ingest
	[ "$output" = "" ]
	[ "$stderr" = "ingest: 3 files, 12 rows read, 4 duplicates dropped, 8 rows written to ingesteddata/finaldata.csv" ]
	diff -u "$FIXTURES/ingest/expected/finaldata.csv" ingesteddata/finaldata.csv
}

@test "ingest reads the files in byte order of name and skips other files" {
	mkws "$FIXTURES/ingest/ws"
	cd "$WS"
	run -0 ingest -q
	local b a c
	b=$(sha256sum <practicedata/B.csv | cut -d' ' -f1)
	a=$(sha256sum <practicedata/a.csv | cut -d' ' -f1)
	c=$(sha256sum <practicedata/c.csv | cut -d' ' -f1)
	printf 'practicedata/B.csv\t%s\t3\npracticedata/a.csv\t%s\t9\npracticedata/c.csv\t%s\t0\n' \
	    "$b" "$a" "$c" >expected
	diff -u expected ingesteddata/ingestedfiles.txt
	[ "$(sed -n 2p ingesteddata/finaldata.csv)" = "zeta,10,200,3,1" ]
}

@test "ingest skips hidden files, as pandas' glob(\"*.csv\") does" {
	mkws "$FIXTURES/ingest/ws"
	cd "$WS"
	printf 'not,a,header\n' >practicedata/.draft.csv
	run -0 ingest -q
	diff -u "$FIXTURES/ingest/expected/finaldata.csv" ingesteddata/finaldata.csv
	run -0 grep -c . ingesteddata/ingestedfiles.txt
	[ "$output" = 3 ]
}

@test "ingest -q says nothing and still writes" {
	mkws "$FIXTURES/ingest/ws"
	cd "$WS"
	run -0 --separate-stderr ingest -q
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	diff -u "$FIXTURES/ingest/expected/finaldata.csv" ingesteddata/finaldata.csv
}

@test "ingest accepts a UTF-8 BOM and CRLF line ends and copies neither" {
	inputws
	printf '\357\273\277%s\r\nx,1,2,3,0\r\ny,4,5,6,1\r\n' "$HEADER" >practicedata/a.csv
	printf '%s\ny,4,5,6,1\nz,7,8,9,0\n' "$HEADER" >practicedata/b.csv
	run -0 --separate-stderr ingest
	[ "$stderr" = "ingest: 2 files, 4 rows read, 1 duplicates dropped, 3 rows written to ingesteddata/finaldata.csv" ]
	printf '%s\nx,1,2,3,0\ny,4,5,6,1\nz,7,8,9,0\n' "$HEADER" >expected
	cmp expected ingesteddata/finaldata.csv
}

@test "ingest writes quoted fields with minimal quoting" {
	inputws
	{
		echo "$HEADER"
		echo '"acme, ltd",1,2,3,0'
		echo '"say ""hi""",4,5,6,1'
		echo '"plain",7,8,9,0'
		printf '"two\nlines",1,2,3,1\n'
		echo '"",1,2,3,0'
	} >practicedata/a.csv
	run -0 ingest -q
	{
		echo "$HEADER"
		echo '"acme, ltd",1,2,3,0'
		echo '"say ""hi""",4,5,6,1'
		echo 'plain,7,8,9,0'
		printf '"two\nlines",1,2,3,1\n'
		echo ',1,2,3,0'
	} >expected
	cmp expected ingesteddata/finaldata.csv
}

@test "ingest counts a quoted field and the same field unquoted as one row" {
	inputws
	printf '%s\n"x",1,2,3,0\nx,1,2,3,0\n' "$HEADER" >practicedata/a.csv
	run -0 --separate-stderr ingest
	[ "$stderr" = "ingest: 1 file, 2 rows read, 1 duplicates dropped, 1 rows written to ingesteddata/finaldata.csv" ]
	printf '%s\nx,1,2,3,0\n' "$HEADER" >expected
	cmp expected ingesteddata/finaldata.csv
}

@test "ingest accepts missing values, blank or NA, and writes them as read" {
	inputws
	printf '%s\na,,2,3,0\nb,NA,NA,NA,NA\nc,1,2,3,\n,4,5,6,1\n' "$HEADER" >practicedata/a.csv
	run -0 ingest -q
	cmp practicedata/a.csv ingesteddata/finaldata.csv
}

@test "ingest accepts numbers with a sign, a point and an exponent" {
	inputws
	printf '%s\na,-1.5e3,+2,.5,1\n' "$HEADER" >practicedata/a.csv
	run -0 ingest -q
	cmp practicedata/a.csv ingesteddata/finaldata.csv
}

@test "ingest accepts a last line without a newline and skips blank lines" {
	inputws
	printf '%s\nx,1,2,3,0\n\ny,4,5,6,1' "$HEADER" >practicedata/a.csv
	run -0 --separate-stderr ingest
	[ "$stderr" = "ingest: 1 file, 2 rows read, 0 duplicates dropped, 2 rows written to ingesteddata/finaldata.csv" ]
	printf '%s\nx,1,2,3,0\ny,4,5,6,1\n' "$HEADER" >expected
	cmp expected ingesteddata/finaldata.csv
}

@test "ingest of header-only files writes the header alone" {
	inputws
	printf '%s\n' "$HEADER" >practicedata/a.csv
	printf '%s\n' "$HEADER" >practicedata/b.csv
	run -0 --separate-stderr ingest
	[ "$stderr" = "ingest: 2 files, 0 rows read, 0 duplicates dropped, 0 rows written to ingesteddata/finaldata.csv" ]
	cmp practicedata/a.csv ingesteddata/finaldata.csv
	local h
	h=$(sha256sum <practicedata/a.csv | cut -d' ' -f1)
	printf 'practicedata/a.csv\t%s\t0\npracticedata/b.csv\t%s\t0\n' "$h" "$h" >expected
	cmp expected ingesteddata/ingestedfiles.txt
}

@test "ingest carries other columns through untouched" {
	inputws
	printf 'region,%s,note\nnorth,x,1,2,3,0,anything at all\n' "$HEADER" >practicedata/a.csv
	run -0 ingest -q
	cmp practicedata/a.csv ingesteddata/finaldata.csv
}

@test "ingest rejects a feature that is not a number and writes nothing" {
	ingested
	printf '%s\nx,1,2,3,0\ny,1,abc,3,1\n' "$HEADER" >practicedata/b.csv
	run -1 --separate-stderr ingest
	[ "$output" = "" ]
	[ "${stderr_lines[0]}" = 'ingest: practicedata/b.csv:3: field 3 (lastyear_activity): "abc" is not a number' ]
	[ "${stderr_lines[1]}" = "ingest: nothing written" ]
	[ "${#stderr_lines[@]}" -eq 2 ]
	unchanged
}

@test "ingest takes pandas' NA words, padded numbers and a '+', and keeps them as written" {
	ingested
	printf '%s\nx, +1 ,#N/A,3,0\ny,<NA>,\t2e0 ,n/a,1\nz,-1.#QNAN,0.1000000000000000000001,null,NaN\n' \
	    "$HEADER" >practicedata/b.csv
	run -0 --separate-stderr ingest -q
	[ "$(tail -n 3 ingesteddata/finaldata.csv)" = "$(tail -n 3 practicedata/b.csv)" ]
}

@test "ingest rejects inf, an overflow, hex and a padded NA word" {
	ingested
	local v
	for v in inf -Infinity 1e999 0x10 ' NA' NAN; do
		printf '%s\nx,%s,2,3,0\n' "$HEADER" "$v" >practicedata/b.csv
		run -1 --separate-stderr ingest
		[ "${stderr_lines[0]}" = "ingest: practicedata/b.csv:2: field 2 (lastmonth_activity): \"$v\" is not a number" ]
		unchanged
	done
}

@test "ingest rejects a target that is not 0 or 1" {
	ingested
	printf '%s\nx,1,2,3,0\ny,1,2,3,2\n' "$HEADER" >practicedata/b.csv
	run -1 --separate-stderr ingest
	[ "${stderr_lines[0]}" = 'ingest: practicedata/b.csv:3: field 5 (exited): "2" is not 0 or 1' ]
	[ "${stderr_lines[1]}" = "ingest: nothing written" ]
	unchanged
}

@test "ingest rejects a row longer than its header" {
	ingested
	printf '%s\nx,1,2,3,0\ny,1,2,3,0,9\n' "$HEADER" >practicedata/b.csv
	run -1 --separate-stderr ingest
	[ "${stderr_lines[0]}" = "ingest: practicedata/b.csv:3: expected 5 fields, found 6" ]
	[ "${stderr_lines[1]}" = "ingest: nothing written" ]
	unchanged
}

@test "ingest rejects a later file without a feature or the target, naming both" {
	ingested
	printf 'corporation,lastmonth_activity,number_of_employees,exited\nx,1,3,0\n' \
	    >practicedata/b.csv
	printf 'corporation,lastmonth_activity,lastyear_activity,number_of_employees\nx,1,2,3\n' \
	    >practicedata/d.csv
	run -1 --separate-stderr ingest
	[ "${stderr_lines[0]}" = 'ingest: practicedata/b.csv:1: no column "lastyear_activity" (a feature)' ]
	[ "${stderr_lines[1]}" = 'ingest: practicedata/d.csv:1: no column "exited" (the target)' ]
	[ "${stderr_lines[2]}" = "ingest: nothing written" ]
	[ "${#stderr_lines[@]}" -eq 3 ]
	unchanged
}

@test "ingest rejects a first file without the target column: a config error" {
	ingested
	printf 'corporation,lastmonth_activity,lastyear_activity,number_of_employees\nx,1,2,3\n' \
	    >practicedata/A.csv
	run -2 --separate-stderr ingest
	[ "${stderr_lines[0]}" = 'ingest: practicedata/A.csv:1: no column "exited" (the target)' ]
	unchanged
}

@test "ingest rejects text that is not UTF-8" {
	ingested
	printf '%s\nx\377y,1,2,3,0\n' "$HEADER" >practicedata/b.csv
	run -1 --separate-stderr ingest
	[ "${stderr_lines[0]}" = "ingest: practicedata/b.csv:2: field 1 (corporation): not UTF-8 text, or a NUL byte" ]
	[ "${stderr_lines[1]}" = "ingest: nothing written" ]
	unchanged
}

@test "ingest rejects a NUL byte in a field" {
	ingested
	printf '%s\nx\000y,1,2,3,0\n' "$HEADER" >practicedata/b.csv
	run -1 --separate-stderr ingest
	[ "${stderr_lines[0]}" = "ingest: practicedata/b.csv:2: field 1 (corporation): not UTF-8 text, or a NUL byte" ]
	unchanged
}

@test "ingest rejects an unclosed quote" {
	ingested
	printf '%s\n"x,1,2,3,0\n' "$HEADER" >practicedata/b.csv
	run -1 --separate-stderr ingest
	[ "${stderr_lines[0]}" = "ingest: practicedata/b.csv:2: unclosed quote at end of file" ]
	[ "${stderr_lines[1]}" = "ingest: nothing written" ]
	unchanged
}

@test "ingest rejects a stray quote inside a field" {
	ingested
	printf '%s\nx"y,1,2,3,0\n' "$HEADER" >practicedata/b.csv
	run -1 --separate-stderr ingest
	[ "${stderr_lines[0]}" = "ingest: practicedata/b.csv:2: error parsing data while strict checking enabled (a stray or unclosed quote)" ]
	unchanged
}

@test "ingest rejects an empty file" {
	ingested
	: >practicedata/b.csv
	run -1 --separate-stderr ingest
	[ "${stderr_lines[0]}" = "ingest: practicedata/b.csv: empty file: no header" ]
	[ "${stderr_lines[1]}" = "ingest: nothing written" ]
	unchanged
}

@test "ingest reports the errors of every bad file" {
	ingested
	printf '%s\nx,1,2,3,0\ny,1,abc,3,1\n' "$HEADER" >practicedata/b.csv
	printf '%s\nz,1,2,3,7\n' "$HEADER" >practicedata/d.csv
	run -1 --separate-stderr ingest
	[ "$output" = "" ]
	[ "${stderr_lines[0]}" = 'ingest: practicedata/b.csv:3: field 3 (lastyear_activity): "abc" is not a number' ]
	[ "${stderr_lines[1]}" = 'ingest: practicedata/d.csv:2: field 5 (exited): "7" is not 0 or 1' ]
	[ "${stderr_lines[2]}" = "ingest: nothing written" ]
	[ "${#stderr_lines[@]}" -eq 3 ]
	unchanged
}

@test "ingest of a folder without *.csv files fails and writes nothing" {
	ingested
	rm practicedata/*.csv
	run -1 --separate-stderr ingest
	[ "$output" = "" ]
	[ "$stderr" = "ingest: practicedata: no *.csv files" ]
	unchanged
}

@test "ingest of a missing input folder is a config error naming the key" {
	ingested
	rm -r practicedata
	run -2 --separate-stderr ingest
	[ "$output" = "" ]
	[ "$stderr" = 'ingest: config: key "input_folder_path": practicedata: No such file or directory' ]
	unchanged
}

@test "ingest of an input folder that is a file is a config error naming the key" {
	ingested
	rm -r practicedata
	echo data >practicedata
	run -2 --separate-stderr ingest
	[ "$stderr" = 'ingest: config: key "input_folder_path": practicedata: not a folder' ]
	unchanged
}

@test "ingest into an output folder that is a file names the key and the problem" {
	mkws "$FIXTURES/ingest/ws"
	cd "$WS"
	echo data >ingesteddata
	run -1 --separate-stderr ingest
	[ "$output" = "" ]
	[ "$stderr" = 'ingest: config: key "output_folder_path": ingesteddata: not a folder' ]
	[ "$(cat ingesteddata)" = data ]
}

@test "ingest checks a header of 100000 names for repeats in linear time" {
	inputws
	# quadratic, this was 5e9 name comparisons
	seq -f 'c%g' 1 100000 | paste -sd, >names
	seq -f '%g' 1 100000 | paste -sd, >values
	printf '%s,%s\nx,1,2,3,0,%s\n' "$HEADER" "$(cat names)" "$(cat values)" \
	    >practicedata/a.csv
	run -0 --separate-stderr ingest
	[ "$stderr" = "ingest: 1 file, 1 rows read, 0 duplicates dropped, 1 rows written to ingesteddata/finaldata.csv" ]
	cmp practicedata/a.csv ingesteddata/finaldata.csv
	printf '%s,%s,c100000\nx,1,2,3,0,%s,0\n' "$HEADER" "$(cat names)" \
	    "$(cat values)" >practicedata/a.csv
	run -0 ingest -q
	[ "$(head -n 1 ingesteddata/finaldata.csv | cut -d, -f1-8)" = "$HEADER,c1,c2,c3" ]
	[ "$(head -n 1 ingesteddata/finaldata.csv | tr , "\n" | tail -n 3 | paste -sd,)" = "c99999,c100000,c100000.1" ]
}

@test "ingest fails on a read error, never takes it for the end of the file" {
	[ -z "${ASAN_OPTIONS:-}${RISK_SLOW:-}" ] ||
		skip "ulimit -v does not mix with the sanitizers or valgrind"
	mkws "$FIXTURES/ingest/ws"
	cd "$WS"
	run -0 ingest -q
	BEFORE=$(treesum "$WS/ingesteddata")
	# a 16 MB field does not fit in 20 MB of address space: the reader's
	# buffer cannot grow (getline's ENOMEM once ended the file here)
	{
		printf '%s\nw,1,2,3,0\nx' "$HEADER"
		head -c 16000000 /dev/zero | tr '\0' x
		printf ',1,2,3,0\ny,4,5,6,1\n'
	} >practicedata/b.csv
	run -1 --separate-stderr sh -c 'ulimit -v 20000 && exec ingest'
	[ "$output" = "" ]
	[ "${stderr_lines[0]}" = "ingest: practicedata/b.csv:3: memory exhausted while increasing buffer size" ]
	[ "${stderr_lines[1]}" = "ingest: nothing written" ]
	[ "${#stderr_lines[@]}" -eq 2 ]
	unchanged
}

@test "ingest records the sha256 of exactly the bytes it read from a growing file" {
	inputws
	{
		echo "$HEADER"
		seq -f 'r%g,1,2,3,0' 1 300000
	} >practicedata/a.csv
	# rows appended, a whole line a write, all the time ingest reads
	(
		i=0
		while :; do
			echo "g$i,4,5,6,1"
			i=$((i + 1))
		done >>practicedata/a.csv
	) 3>&- &
	local pid=$! rows sum
	run ingest -q
	kill "$pid"
	wait "$pid" || true
	[ "$status" -eq 0 ]
	rows=$(cut -f3 ingesteddata/ingestedfiles.txt)
	sum=$(cut -f2 ingesteddata/ingestedfiles.txt)
	# the recorded digest is that of the header and the rows written
	[ "$(head -n $((rows + 1)) practicedata/a.csv | sha256sum | cut -d' ' -f1)" = "$sum" ]
	head -n $((rows + 1)) practicedata/a.csv | cmp - ingesteddata/finaldata.csv
}

@test "ingest refuses a file name with a control character, escaped, and writes nothing" {
	ingested
	printf '%s\nq,1,2,3,0\n' "$HEADER" >"practicedata/x"$'\n'"y.csv"
	printf '%s\nq,1,2,3,0\n' "$HEADER" >"practicedata/z"$'\e]0;t\a'".csv"
	run -1 --separate-stderr ingest
	[ "$output" = "" ]
	[ "${stderr_lines[0]}" = 'ingest: practicedata/x\ny.csv: a control character in the name (it would break ingestedfiles.txt): rename the file' ]
	[ "${stderr_lines[1]}" = 'ingest: practicedata/z\x1b]0;t\x07.csv: a control character in the name (it would break ingestedfiles.txt): rename the file' ]
	[ "${stderr_lines[2]}" = "ingest: nothing written" ]
	[ "${#stderr_lines[@]}" -eq 3 ]
	unchanged
	run -1 --separate-stderr ingest -n
	[ "$output" = "" ]
	[ "${stderr_lines[2]}" = "ingest: nothing written" ]
}

@test "ingest removes the temp files killed runs left of its outputs, and only those" {
	mkws "$FIXTURES/ingest/ws"
	cd "$WS"
	mkdir ingesteddata
	touch ingesteddata/.tmp.finaldata.csv.Ab1xYz ingesteddata/.tmp.ingestedfiles.txt.q2W3e4 \
	    ingesteddata/.tmp.finaldata.cols.Qw3eR5 \
	    ingesteddata/.tmp.finaldata.csv.Ab1xYz.keep ingesteddata/.tmp.other.Ab1xYz \
	    ingesteddata/notes.txt
	run -0 ingest -q
	run -0 ls -A ingesteddata
	[ "$output" = "$(printf '%s\n' .tmp.finaldata.csv.Ab1xYz.keep .tmp.other.Ab1xYz finaldata.cols finaldata.csv ingestedfiles.txt notes.txt)" ]
	diff -u "$FIXTURES/ingest/expected/finaldata.csv" ingesteddata/finaldata.csv
}

@test "ingest does not write into an output folder another run is writing" {
	ingested
	run -1 --separate-stderr flock -n ingesteddata ingest
	[ "$output" = "" ]
	[ "$stderr" = "ingest: ingesteddata: another run is writing here" ]
	unchanged
}

@test "ingest counts CR-only line ends (old Mac files) as lines" {
	ingested
	printf '%s\rx,1,2,3,0\r\ry,1,abc,3,1\r' "$HEADER" >practicedata/b.csv
	run -1 --separate-stderr ingest
	[ "${stderr_lines[0]}" = 'ingest: practicedata/b.csv:4: field 3 (lastyear_activity): "abc" is not a number' ]
	unchanged
	printf '%s\rx,1,2,3,0\ry,1,2,3,1' "$HEADER" >practicedata/B.csv
	rm practicedata/[ab].csv
	run -0 ingest -q
	printf '%s\nx,1,2,3,0\ny,1,2,3,1\n' "$HEADER" | cmp - ingesteddata/finaldata.csv
}

@test "ingest escapes control characters from data in its messages" {
	ingested
	printf '%s\nx,1,\033]0;owned\007,3,0\n' "$HEADER" >practicedata/b.csv
	printf '%s\nx,"1\n2",2,3,0\n' "$HEADER" >practicedata/d.csv
	printf '"new\nname\033[2J",%s\n\377,x,1,2,3,0\n' "$HEADER" >practicedata/e.csv
	run -1 --separate-stderr ingest
	[ "${stderr_lines[0]}" = 'ingest: practicedata/b.csv:2: field 3 (lastyear_activity): "\x1b]0;owned\x07" is not a number' ]
	[ "${stderr_lines[1]}" = 'ingest: practicedata/d.csv:2: field 2 (lastmonth_activity): "1\n2" is not a number' ]
	[ "${stderr_lines[2]}" = 'ingest: practicedata/e.csv:3: field 1 (new\nname\x1b[2J): not UTF-8 text, or a NUL byte' ]
	[ "${stderr_lines[3]}" = "ingest: nothing written" ]
	[ "${#stderr_lines[@]}" -eq 4 ]
	unchanged
}

@test "ingest warns of *.csv entries that are not regular files and skips them" {
	mkws "$FIXTURES/ingest/ws"
	cd "$WS"
	mkdir practicedata/dir.csv
	mkfifo practicedata/fifo.csv
	ln -s nowhere practicedata/link.csv
	ln -s a.csv practicedata/same.csv
	run -0 --separate-stderr ingest
	[ "$output" = "" ]
	[ "${stderr_lines[0]}" = "ingest: practicedata/dir.csv: a folder, skipped" ]
	[ "${stderr_lines[1]}" = "ingest: practicedata/fifo.csv: a FIFO, skipped" ]
	[ "${stderr_lines[2]}" = "ingest: practicedata/link.csv: a link to nothing, skipped" ]
	[ "${stderr_lines[3]}" = "ingest: 4 files, 21 rows read, 13 duplicates dropped, 8 rows written to ingesteddata/finaldata.csv" ]
	[ "${#stderr_lines[@]}" -eq 4 ]
	diff -u "$FIXTURES/ingest/expected/finaldata.csv" ingesteddata/finaldata.csv
}

# pandas 1.5's concat of the input files and drop_duplicates, against
# finaldata.csv read back: the same columns, rows, order and values
pandas_agrees() {
	need_oracle
	run -0 "$ORACLE" -c '
import glob, pandas as pd
files = sorted(glob.glob("practicedata/*.csv"), key=lambda f: f.encode())
want = pd.concat([pd.read_csv(f) for f in files]).drop_duplicates()
got = pd.read_csv("ingesteddata/finaldata.csv")
assert list(got.columns) == list(want.columns), (list(got.columns), list(want.columns))
pd.testing.assert_frame_equal(got, want.reset_index(drop=True), check_dtype=False)
print("same")'
	[ "$output" = same ]
}

@test "ingest reads a short row's missing trailing fields as NA, as pandas does" {
	inputws
	printf '%s\nx,1,2,3,0\ny,4,5\n' "$HEADER" >practicedata/a.csv
	printf '%s\ny,4,5,,\nz,7,8,9,1\nw,1\n' "$HEADER" >practicedata/b.csv
	run -0 --separate-stderr ingest
	[ "$stderr" = "ingest: 2 files, 5 rows read, 1 duplicates dropped, 4 rows written to ingesteddata/finaldata.csv; 2 rows short, missing fields as NA" ]
	printf '%s\nx,1,2,3,0\ny,4,5,,\nz,7,8,9,1\nw,1,,,\n' "$HEADER" >expected
	cmp expected ingesteddata/finaldata.csv
	pandas_agrees
}

@test "ingest matches a later file's columns in another order by name" {
	inputws
	printf '%s\nx,1,2,3,0\n' "$HEADER" >practicedata/a.csv
	printf 'exited,number_of_employees,lastyear_activity,lastmonth_activity,corporation\n0,3,2,1,x\n1,6,5,4,w\n' \
	    >practicedata/b.csv
	run -0 --separate-stderr ingest
	[ "$stderr" = "ingest: 2 files, 3 rows read, 1 duplicates dropped, 2 rows written to ingesteddata/finaldata.csv; realigned by column name: practicedata/b.csv" ]
	printf '%s\nx,1,2,3,0\nw,4,5,6,1\n' "$HEADER" >expected
	cmp expected ingesteddata/finaldata.csv
	pandas_agrees
}

@test "ingest adds a column only a later file has at the end, empty before; a file without a column that is not a feature has it empty" {
	inputws
	printf '%s\nx,1,2,3,0\n' "$HEADER" >practicedata/a.csv
	printf '%s,region\ny,4,5,6,1,north\n' "$HEADER" >practicedata/b.csv
	printf 'lastmonth_activity,lastyear_activity,number_of_employees,exited\n7,8,9,0\n' \
	    >practicedata/c.csv
	run -0 --separate-stderr ingest
	[ "$stderr" = "ingest: 3 files, 3 rows read, 0 duplicates dropped, 3 rows written to ingesteddata/finaldata.csv; realigned by column name: practicedata/a.csv, practicedata/c.csv" ]
	printf '%s,region\nx,1,2,3,0,\ny,4,5,6,1,north\n,7,8,9,0,\n' "$HEADER" >expected
	cmp expected ingesteddata/finaldata.csv
	pandas_agrees
}

@test "ingest renames a repeated column name as pandas does: .1, .2, skipping names taken" {
	inputws
	printf '%s,note,note,note.1\nx,1,2,3,0,p,q,r\n' "$HEADER" >practicedata/a.csv
	printf '%s,note,note,note.1\ny,1,2,3,0,p,q,r\n' "$HEADER" >practicedata/b.csv
	run -0 --separate-stderr ingest
	[ "$stderr" = "ingest: 2 files, 2 rows read, 0 duplicates dropped, 2 rows written to ingesteddata/finaldata.csv" ]
	printf '%s,note,note.2,note.1\nx,1,2,3,0,p,q,r\ny,1,2,3,0,p,q,r\n' "$HEADER" >expected
	cmp expected ingesteddata/finaldata.csv
	pandas_agrees
}

@test "ingest takes any numeric spelling of 0 and 1 as a target" {
	inputws
	printf '%s\nx,1,2,3,1.0\ny,4,5,6,0.0\nz,7,8,9,1e0\nv,1,1,1,-0\nu,1,1,1,\n' "$HEADER" \
	    >practicedata/a.csv
	run -0 ingest -q
	cmp practicedata/a.csv ingesteddata/finaldata.csv
	pandas_agrees
	# train reads them as the two classes too: four rows, one left out
	run -0 --separate-stderr train
	[ "${lines[0]}" = "$(printf 'rows\t4')" ]
	[ "${lines[1]}" = "$(printf 'left_out\t1')" ]
}

@test "ingest takes True and False as a target in a column of only those" {
	inputws
	printf '%s\nx,1,2,3,True\ny,4,5,6,False\n' "$HEADER" >practicedata/a.csv
	printf '%s\nz,7,8,9,TRUE\nw,1,1,1,false\n' "$HEADER" >practicedata/b.csv
	run -0 ingest -q
	printf '%s\nx,1,2,3,True\ny,4,5,6,False\nz,7,8,9,TRUE\nw,1,1,1,false\n' "$HEADER" >expected
	cmp expected ingesteddata/finaldata.csv
	pandas_agrees
}

@test "ingest refuses True and False beside numbers in the target, naming file, line and field" {
	ingested
	printf '%s\nx,1,2,3,True\n' "$HEADER" >practicedata/b.csv
	printf '%s\nx,1,2,3,yes\n' "$HEADER" >practicedata/d.csv
	run -1 --separate-stderr ingest
	[ "${stderr_lines[0]}" = 'ingest: practicedata/b.csv:2: field 5 (exited): "True" in a column of numbers' ]
	[ "${stderr_lines[1]}" = 'ingest: practicedata/d.csv:2: field 5 (exited): "yes" is not 0 or 1' ]
	[ "${stderr_lines[2]}" = "ingest: nothing written" ]
	unchanged
}

@test "ingest drops duplicates by value, as drop_duplicates judges them, keeping the first as written" {
	inputws
	# 7 = 7.0, -0.0 = 0, NA = blank, 14.2 = 14.199999999999999 as pandas
	# reads them; 7 in a column of numbers is not "7" in a text column
	# (d.csv's note holds "abc"); True in a True/False column = 1.0
	printf '%s\nx,7,2,3,0\ny,-0.0,5,6,1\nz,NA,8,9,0\n' "$HEADER" >practicedata/a.csv
	printf '%s\nx,7.0,2,3,0\ny,0,5,6,1\nz,,8,9,0\nw,14.2,1,1,1\nw,14.199999999999999,1,1,1\n' \
	    "$HEADER" >practicedata/b.csv
	printf '%s,note\nv,1,1,1,0,7\nv,1,1,1,0,7.0\n' "$HEADER" >practicedata/c.csv
	printf '%s,note\nv,1,1,1,0,7\nv,1,1,1,0,abc\n' "$HEADER" >practicedata/d.csv
	printf '%s,note\nu,1,1,1,1,True\nu,1,1,1,1,False\n' "$HEADER" >practicedata/e.csv
	printf '%s,note\nu,1,1,1,1,1.0\nu,1,1,1,1,7\n' "$HEADER" >practicedata/f.csv
	run -0 --separate-stderr ingest
	[ "$stderr" = "ingest: 6 files, 16 rows read, 6 duplicates dropped, 10 rows written to ingesteddata/finaldata.csv; realigned by column name: practicedata/a.csv, practicedata/b.csv" ]
	{
		echo "$HEADER,note"
		printf '%s\n' x,7,2,3,0, y,-0.0,5,6,1, z,NA,8,9,0, w,14.2,1,1,1, \
		    v,1,1,1,0,7 v,1,1,1,0,7 v,1,1,1,0,abc u,1,1,1,1,True \
		    u,1,1,1,1,False u,1,1,1,1,7
	} >expected
	cmp expected ingesteddata/finaldata.csv
	need_oracle
	# the rows pandas keeps, 1 a row: the same as those above
	run -0 pandas_kept
	[ "$output" = 1110001010111101 ]
}

@test "ingest reads an integer beside other numbers through pandas' float parser when judging duplicates" {
	inputws
	# beside 0.5, pandas reads 83979937318606949 as its first 17 digits
	# times 10, 83979937318606960, which b.csv's integer column holds
	# exactly: a duplicate; in an integer column it is the nearest double,
	# 83979937318606944, and c.csv's row is no duplicate of b.csv's
	printf '%s\na,83979937318606949,1,1,0\nb,0.5,1,1,1\n' "$HEADER" >practicedata/a.csv
	printf '%s\na,83979937318606960,1,1,0\n' "$HEADER" >practicedata/b.csv
	printf '%s\na,83979937318606949,1,1,0\n' "$HEADER" >practicedata/c.csv
	run -0 --separate-stderr ingest
	[ "$stderr" = "ingest: 3 files, 4 rows read, 1 duplicates dropped, 3 rows written to ingesteddata/finaldata.csv" ]
	printf '%s\n' "$HEADER" a,83979937318606949,1,1,0 b,0.5,1,1,1 \
	    a,83979937318606949,1,1,0 >expected
	cmp expected ingesteddata/finaldata.csv
	need_oracle
	run -0 pandas_kept
	[ "$output" = 1101 ]
}

@test "ingest tells apart by value: signs, fractions, integers either side of 2^53, numbers and texts, long texts" {
	inputws
	long=$(printf '%0200d' 0 | tr 0 a)
	huge=$(printf '%020000d' 0 | tr 0 b)
	# -1 = -1.0, not 1; 0.5 not -0.5; 2^53 - 1 not 2^53 = 9007199254740992.0;
	# 1e300 = 1E300; a text column's "5" not a number column's 5; an
	# empty note is missing, as NA is; texts of 200 and 20000 bytes by
	# every byte
	printf '%s,note\nr,-1,1,1,0,a\nr,1,1,1,0,a\nr,-1.0,1,1,0,a\nr,0.5,1,1,0,a\nr,-0.5,1,1,0,a\n' \
	    "$HEADER" >practicedata/a.csv
	printf '%s,note\ns,9007199254740991,1,1,0,5\ns,9007199254740992,1,1,0,5\ns,9007199254740992.0,1,1,0,5\ns,1e300,1,1,0,5\ns,1E300,1,1,0,5\n' \
	    "$HEADER" >practicedata/b.csv
	printf '%s,note\ns,1e300,1,1,0,5\ns,1e300,1,1,0,x\ns,1e300,1,1,0,\ns,1e300,1,1,0,NA\n' \
	    "$HEADER" >practicedata/c.csv
	printf '%s,note\nt,1,1,1,0,%s\nt,1,1,1,0,%s1\nt,1,1,1,0,%s\nt,1,1,1,0,%s\nt,1,1,1,0,%s1\nt,1,1,1,0,%s\n' \
	    "$HEADER" "$long" "$long" "$long" "$huge" "$huge" "$huge" >practicedata/d.csv
	run -0 --separate-stderr ingest
	[ "$stderr" = "ingest: 4 files, 20 rows read, 6 duplicates dropped, 14 rows written to ingesteddata/finaldata.csv" ]
	{
		echo "$HEADER,note"
		printf '%s\n' r,-1,1,1,0,a r,1,1,1,0,a r,0.5,1,1,0,a r,-0.5,1,1,0,a \
		    s,9007199254740991,1,1,0,5 s,9007199254740992,1,1,0,5 \
		    s,1e300,1,1,0,5 s,1e300,1,1,0,5 s,1e300,1,1,0,x s,1e300,1,1,0, \
		    "t,1,1,1,0,$long" "t,1,1,1,0,${long}1" "t,1,1,1,0,$huge" \
		    "t,1,1,1,0,${huge}1"
	} >expected
	cmp expected ingesteddata/finaldata.csv
	need_oracle
	run -0 pandas_kept
	[ "$output" = 11011110101110110110 ]
}

@test "ingest judges duplicates by a column's kind in the whole file, when it changes late too" {
	inputws
	# a.csv's note turns text at its last row, after 2000 others, so "5"
	# and "5.0" differ there; b.csv's are numbers, where they are equal,
	# and differ from a.csv's texts; c.csv's turns text late too: its
	# "05" is no 5 of b.csv's, its "5" a.csv's "5"; d.csv's 1.0 is b.csv's
	# 1, which c.csv's second read must not forget
	{
		echo "$HEADER,note"
		printf '%s\n' x,1,1,1,0,5 x,1,1,1,0,5.0
		seq 2000 | sed 's/.*/r,&,1,1,0,1/'
		printf '%s\n' r,1,1,1,0,1 x,1,1,1,0,True
	} >practicedata/a.csv
	printf '%s,note\n' "$HEADER" >practicedata/b.csv
	printf '%s\n' x,1,1,1,0,5 x,1,1,1,0,5.0 r,1,1,1,0,1 >>practicedata/b.csv
	printf '%s,note\n' "$HEADER" >practicedata/c.csv
	printf '%s\n' x,1,1,1,0,05 x,1,1,1,0,5 q,1,1,1,0,1 q,1,1,1,0,1.0 \
	    z,1,1,1,0,abc >>practicedata/c.csv
	printf '%s,note\nr,1,1,1,0,1.0\n' "$HEADER" >practicedata/d.csv
	run -0 --separate-stderr ingest
	[ "$stderr" = "ingest: 4 files, 2013 rows read, 4 duplicates dropped, 2009 rows written to ingesteddata/finaldata.csv" ]
	{
		echo "$HEADER,note"
		printf '%s\n' x,1,1,1,0,5 x,1,1,1,0,5.0
		seq 2000 | sed 's/.*/r,&,1,1,0,1/'
		printf '%s\n' x,1,1,1,0,True x,1,1,1,0,5 r,1,1,1,0,1 \
		    x,1,1,1,0,05 q,1,1,1,0,1 q,1,1,1,0,1.0 z,1,1,1,0,abc
	} >expected
	cmp expected ingesteddata/finaldata.csv
	need_oracle
	run -0 pandas_kept
	[ "$output" = "11$(printf '%02000d' 0 | tr 0 1)01101101110" ]
}

@test "ingest shows the rows read on one updating line only when stderr is a terminal" {
	command -v script >/dev/null || skip "no script(1)"
	genws 70000
	run -0 --separate-stderr ingest
	[ "$stderr" = "ingest: 1 file, 70000 rows read, 0 duplicates dropped, 70000 rows written to ingesteddata/finaldata.csv" ]
	run -0 script -qec ingest /dev/null
	[[ "$output" =~ ^$'\r'"ingest: read 65536 rows, "[0-9]+\.[0-9][0-9]" M rows/s"$'\e[K\r\e[K'"ingest: 1 file, 70000 rows read, 0 duplicates dropped, 70000 rows written to ingesteddata/finaldata.csv"$'\r'$ ]]
	# -q: nothing on the terminal either
	run -0 script -qec "ingest -q" /dev/null
	[ "$output" = "" ]
}
