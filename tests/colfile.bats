#!/usr/bin/env bats
# finaldata.cols: ingest leaves finaldata.csv's read-back values beside it;
# train and diagnose read them when they match the text, and give the
# same bytes as from the text; a stale, damaged or missing one is the text.

load test_helper

# the fixture (integers, decimals that read back changed, an integer in a
# float column, NA words, a realigned second file), ingested
ingested() {
	mkws "$FIXTURES/colfile/ws"
	cd "$WS"
	run -0 ingest -q
}

# everything train and diagnose print from finaldata, into $1
outputs() {
	{
		train
		grep -v '"trained_at"' practicemodels/trainedmodel.json
		diagnose summary
		diagnose missing
		diagnose --json summary
		diagnose --json missing
	} >"$1" 2>&1
}

# outputs from finaldata.cols, then from the text alone: the same bytes
samebytes() {
	[ -f ingesteddata/finaldata.cols ]
	outputs "$BATS_TEST_TMPDIR/cols"
	rm ingesteddata/finaldata.cols
	outputs "$BATS_TEST_TMPDIR/text"
	diff -u "$BATS_TEST_TMPDIR/text" "$BATS_TEST_TMPDIR/cols"
}

# the bytes of finaldata.cols from $2 on, as hex
colbytes() {
	od -An -tx1 -j "$2" -N "$3" "$1" | tr -d ' \n'
}

@test "ingest leaves finaldata.cols beside finaldata.csv, with finaldata.csv's size and digest" {
	ingested
	run -0 ls -A ingesteddata
	[ "$output" = "$(printf '%s\n' finaldata.cols finaldata.csv ingestedfiles.txt)" ]
	[ "$(head -c 8 ingesteddata/finaldata.cols | od -An -c | tr -s ' ')" = ' R W C O L S \0 \n' ]
	# the size at 48, little-endian, and the digest at 104
	[ "$(colbytes ingesteddata/finaldata.cols 48 2)" = "$(printf '%04x' "$(stat -c %s ingesteddata/finaldata.csv)" | sed 's/\(..\)\(..\)/\2\1/')" ]
	[ "$(dd if=ingesteddata/finaldata.cols bs=1 skip=104 count=64 2>/dev/null)" = "$(sha256sum <ingesteddata/finaldata.csv | cut -d' ' -f1)" ]
}

@test "train and diagnose print the same bytes from finaldata.cols as from finaldata.csv" {
	ingested
	samebytes
	# and those bytes are the text's figures
	grep -qx 'lastmonth_activity   39.0                8.5     72.73738566052036' "$BATS_TEST_TMPDIR/text"
	grep -q '"data_sha256": "'"$(sha256sum <ingesteddata/finaldata.csv | cut -d' ' -f1)"'"' "$BATS_TEST_TMPDIR/cols"
}

@test "train and diagnose read finaldata.cols when it was made from the finaldata.csv in place" {
	ingested
	# the first row's lastmonth_activity, 1, made 2 in the column file
	# only (168 header, 80 names, 32 columns): the figures move
	printf '\0\0\0\0\0\0\0\100' |
	    dd of=ingesteddata/finaldata.cols bs=1 seek=280 conv=notrunc 2>/dev/null
	run -0 diagnose summary
	[ "${lines[1]}" = "lastmonth_activity   39.083333333333336  8.5     72.69044995837841" ]
	# finaldata.csv touched: the column file is stale, the text is read
	touch -d '2001-01-01' ingesteddata/finaldata.csv
	run -0 diagnose summary
	[ "${lines[1]}" = "lastmonth_activity   39.0                8.5     72.73738566052036" ]
}

@test "a stale, truncated, damaged or foreign finaldata.cols is left for the text, silently" {
	ingested
	outputs "$BATS_TEST_TMPDIR/want"
	cp ingesteddata/finaldata.cols "$BATS_TEST_TMPDIR/good"
	# stale: finaldata.csv replaced by the same bytes (another inode)
	cp ingesteddata/finaldata.csv x && mv x ingesteddata/finaldata.csv
	outputs "$BATS_TEST_TMPDIR/stale"
	diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/stale"
	# the tie made to match again, then the file cut, patched, replaced
	ingest -q
	outputs "$BATS_TEST_TMPDIR/again"
	diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/again"
	truncate -s 300 ingesteddata/finaldata.cols
	outputs "$BATS_TEST_TMPDIR/cut"
	diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/cut"
	ingest -q
	printf '\377\377\377\377\377\377\377\177' |
	    dd of=ingesteddata/finaldata.cols bs=1 seek=16 conv=notrunc 2>/dev/null
	outputs "$BATS_TEST_TMPDIR/rows"
	diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/rows"
	ingest -q
	printf '\0\0\0\0\0\0\360\177' |
	    dd of=ingesteddata/finaldata.cols bs=1 seek=280 conv=notrunc 2>/dev/null
	outputs "$BATS_TEST_TMPDIR/inf"
	diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/inf"
	head -c 4096 /dev/urandom >ingesteddata/finaldata.cols
	outputs "$BATS_TEST_TMPDIR/foreign"
	diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/foreign"
}

@test "a config of other features or another target reads the text" {
	ingested
	printf '{"features": ["lastyear_activity", "number_of_employees"]}\n' >two.json
	printf '{"target": "lastmonth_activity", "features": ["number_of_employees"]}\n' >other.json
	for c in two.json other.json; do
		run diagnose -c "$c" --json summary
		with="$status $output"
		mv ingesteddata/finaldata.cols "$BATS_TEST_TMPDIR/cols"
		run diagnose -c "$c" --json summary
		[ "$with" = "$status $output" ]
		mv "$BATS_TEST_TMPDIR/cols" ingesteddata/finaldata.cols
	done
	run -0 diagnose -c two.json --json summary
	[ "$output" = '{"summary":{"lastyear_activity":{"mean":9496678494483016.0,"median":0.3,"std":3.4240751819142508e+16},"number_of_employees":{"mean":11.416666666666666,"median":7.5,"std":11.696606604507398}}}' ]
}

@test "ingest writes no finaldata.cols when the text reads back in two passes, and removes the old one" {
	ingested
	[ -f ingesteddata/finaldata.cols ]
	# an integer of 9e14 or more, then a missing value in its column: a
	# reader of the text reads the column again as float64
	rm practicedata/*.csv
	printf 'corporation,lastmonth_activity,lastyear_activity,number_of_employees,exited\nbig,900000000000000123,1,2,1\nna,,3,4,0\n' >practicedata/c.csv
	run -0 ingest -q
	run -0 ls -A ingesteddata
	[ "$output" = "$(printf '%s\n' finaldata.csv ingestedfiles.txt)" ]
	run -0 diagnose summary
	[ "${lines[1]}" = "lastmonth_activity   9.000000000000001e+17  9.000000000000001e+17  NA" ]
}

@test "an ingest that fails leaves finaldata.cols as it was" {
	ingested
	before=$(treesum ingesteddata)
	printf 'corporation,lastmonth_activity,lastyear_activity,number_of_employees,exited\nbad,x,1,2,1\n' >practicedata/c.csv
	run -1 ingest -q
	[ "$(treesum ingesteddata)" = "$before" ]
	rm practicedata/c.csv
	samebytes
}

@test "the seed's data: train and diagnose print the same bytes with and without finaldata.cols" {
	seedws
	cd "$WS"
	run -0 ingest -q
	samebytes
}

@test "70000 generated rows: the same bytes with and without finaldata.cols" {
	genws 70000
	run -0 ingest -q
	samebytes
}

@test "a file read twice (a column's kind changes late): the same bytes with and without finaldata.cols" {
	ingested
	# 200 rows keyed with number_of_employees as integers, written out,
	# then 4.5: the rows are taken back and the file read again
	{
		echo corporation,lastmonth_activity,lastyear_activity,number_of_employees,exited
		awk 'BEGIN { for (i = 0; i < 200; i++) print "c" i "," i "," i + 0.5 "," i % 7 "," i % 2 }'
		echo abc,1,0.1,5,0
		echo ccc,7,3.5,4.5,1
	} >practicedata/c.csv
	run -0 ingest
	[ "$output" = "ingest: 3 files, 216 rows read, 2 duplicates dropped, 214 rows written to ingesteddata/finaldata.csv; realigned by column name: practicedata/b.csv" ]
	samebytes
}
