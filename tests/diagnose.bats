#!/usr/bin/env bats
# diagnose: predictions of the deployed model, summary statistics and missing
# data of finaldata.csv, timings on a scratch copy, dependency versions.

load test_helper

USAGE="usage: diagnose [-hoqV] [-C dir] [-c file] [-d data] [-m model] [-n runs] [--json] [--proba] [predictions | summary | missing | timing | deps | drift ...]"
SEEDSUMMARY='{"summary":{"lastmonth_activity":{"mean":165.65384615384616,"median":73.0,"std":284.0332293669447},"lastyear_activity":{"mean":1502.923076923077,"median":955.0,"std":2192.6449584568304},"number_of_employees":{"mean":26.884615384615383,"median":14.0,"std":31.353885785435814}}}'

# the seed's practicedata ingested, trained on, scored and deployed
seeddeployed() {
	seedws
	cd "$WS"
	run -0 ingest -q
	run -0 train -q
	run -0 score -q
	run -0 deploy -q
}

@test "diagnose with an unknown part is a usage error" {
	run -2 --separate-stderr diagnose everything
	[ "$output" = "" ]
	[ "${stderr_lines[0]}" = "diagnose: everything: not a part (predictions, summary, missing, timing, deps, drift)" ]
	[ "${stderr_lines[1]}" = "$USAGE" ]
}

@test "diagnose -n with no number of runs is a usage error" {
	run -2 --separate-stderr diagnose -n 0 timing
	[ "${stderr_lines[0]}" = "diagnose: -n 0: expected a number of runs from 1 to 1000" ]
}

@test "diagnose -h prints the usage on stdout and succeeds" {
	run -0 --separate-stderr diagnose -h
	[ "${lines[0]}" = "$USAGE" ]
}

@test "diagnose predictions of the seed's deployed practice model are 0,1,1,1,1" {
	seeddeployed
	run -0 --separate-stderr diagnose predictions
	[ "$output" = "$(printf '0\n1\n1\n1\n1')" ]
	[ "$stderr" = "" ]
	run -0 diagnose --json predictions
	[ "$output" = '{"predictions":[0,1,1,1,1]}' ]
}

@test "diagnose predictions reads standard input with -d -" {
	seeddeployed
	run -0 diagnose -d - predictions <testdata/testdata.csv
	[ "$output" = "$(printf '0\n1\n1\n1\n1')" ]
}

@test "diagnose predictions --proba adds the probability of 1" {
	seeddeployed
	run -0 diagnose --proba predictions
	[ "${lines[0]}" = "$(printf '0\t0.1772271306423668')" ]
	[ "${#lines[@]}" -eq 5 ]
	# scikit-learn's predict_proba(...)[:, 1] on the seed's test data
	run -0 diagnose --json --proba predictions
	[ "$output" = '{"predictions":[0,1,1,1,1],"probabilities":[0.1772271306423668,0.9680254874454508,0.9999999999998084,0.675027734961195,0.7769576635843513]}' ]
}

@test "diagnose predictions -m uses another model: the retrained one gives 0,1,1,0,1" {
	seeddeployed
	sed -i 's/"practicedata"/"sourcedata"/' config.json
	run -0 ingest -q
	run -0 train -q
	run -0 diagnose --json -m practicemodels/trainedmodel.json predictions
	[ "$output" = '{"predictions":[0,1,1,0,1]}' ]
	run -0 diagnose --json predictions
	[ "$output" = '{"predictions":[0,1,1,1,1]}' ]
}

@test "diagnose predictions without a deployed model says so" {
	seedws
	cd "$WS"
	run -1 --separate-stderr diagnose predictions
	[ "$stderr" = "diagnose: production_deployment/trainedmodel.json: no deployed model: deploy one, or name one with -m" ]
}

@test "diagnose gives the no-model hint from the file's absence, not from words in the error" {
	mkws "$FIXTURES/deploy/ws"
	cd "$WS"
	printf '{"prod_deployment_path": "No such file"}\n' >config.json
	mkdir "No such file"
	echo x >"No such file/trainedmodel.json"
	run -1 --separate-stderr diagnose predictions
	[ "$stderr" = "diagnose: No such file/trainedmodel.json:1: not a valid model: '[' or '{' expected near 'x'" ]
}

@test "diagnose predictions refuses a corrupt model" {
	seeddeployed
	printf '{"format":"riskwatch-model/1"}\n' >bad.json
	run -1 --separate-stderr diagnose -m bad.json predictions
	[ "$output" = "" ]
	[[ "$stderr" == "diagnose: bad.json: not a valid model"* ]]
}

@test "diagnose summary of the seed's practice data gives the seed's figures exactly" {
	seeddeployed
	run -0 diagnose --json summary
	[ "$output" = "$SEEDSUMMARY" ]
	run -0 diagnose summary
	[ "${lines[0]}" = "column               mean                median  std" ]
	[ "${lines[1]}" = "lastmonth_activity   165.65384615384616  73.0    284.0332293669447" ]
	[ "${lines[2]}" = "lastyear_activity    1502.923076923077   955.0   2192.6449584568304" ]
	[ "${lines[3]}" = "number_of_employees  26.884615384615383  14.0    31.353885785435814" ]
}

@test "diagnose missing of the seed's practice data is 0 for every column" {
	seeddeployed
	run -0 diagnose --json missing
	[ "$output" = '{"missing":{"corporation":0.0,"lastmonth_activity":0.0,"lastyear_activity":0.0,"number_of_employees":0.0,"exited":0.0}}' ]
}

@test "diagnose missing counts blank and NA fields in every column as percentages" {
	mkws "$FIXTURES/diagnose/ws"
	cd "$WS"
	run -0 diagnose --json missing
	[ "$output" = '{"missing":{"corporation":12.5,"lastmonth_activity":25.0,"lastyear_activity":12.5,"number_of_employees":12.5,"exited":12.5}}' ]
}

@test "diagnose summary leaves missing values out, as pandas does" {
	mkws "$FIXTURES/diagnose/ws"
	cd "$WS"
	run -0 diagnose --json summary
	[ "$output" = '{"summary":{"lastmonth_activity":{"mean":4.666666666666667,"median":4.5,"std":2.581988897471611},"lastyear_activity":{"mean":47.375,"median":50.0,"std":25.577191173647925},"number_of_employees":{"mean":8.571428571428571,"median":9.0,"std":2.63673679998231}}}' ]
}

@test "diagnose summary agrees with pandas on generated data" {
	need_oracle
	mkdir -p "$BATS_TEST_TMPDIR/g/practicedata"
	cd "$BATS_TEST_TMPDIR/g"
	gendata 20000 7 30 5 >practicedata/a.csv
	run -0 ingest -q
	run -0 diagnose --json summary
	printf '%s\n' "$output" >c.json
	run -0 "$ORACLE" -c '
import json, pandas as pd
df = pd.read_csv("ingesteddata/finaldata.csv")
c = json.load(open("c.json"))["summary"]
for k in c:
    for f, v in (("mean", df[k].mean()), ("median", df[k].median()), ("std", df[k].std())):
        assert c[k][f] == v, (k, f, c[k][f], v)
print("same")'
	[ "$output" = same ]
}

@test "diagnose summary without finaldata.csv fails naming the file" {
	seedws
	cd "$WS"
	run -1 --separate-stderr diagnose summary
	[ "$stderr" = "diagnose: summary: ingesteddata/finaldata.csv: No such file or directory" ]
}

@test "diagnose timing leaves the workspace byte for byte as it was" {
	seeddeployed
	local before
	before=$(treesum "$WS")
	run -0 --separate-stderr diagnose --json timing
	[[ "$output" =~ ^\{\"timing\":\{\"ingest\":[0-9.e-]+,\"train\":[0-9.e-]+\}\}$ ]]
	[ "$(treesum "$WS")" = "$before" ]
	run -0 diagnose -n 2 --json timing
	[[ "$output" =~ \"runs\":2,\"ingest_min\":[0-9.e-]+,\"train_min\":[0-9.e-]+ ]]
	[ "$(treesum "$WS")" = "$before" ]
}

@test "diagnose timing says why when ingest fails on the copy" {
	mkws "$FIXTURES/diagnose/ws"
	cd "$WS"
	mkdir practicedata
	printf 'a,b\n1\n' >practicedata/bad.csv
	run -1 --separate-stderr diagnose timing
	[[ "$stderr" == *"diagnose: timing: "*"ingest failed (exit 2) on the scratch copy"* ]]
}

@test "diagnose deps names the six dependencies with versions" {
	run -0 diagnose --json deps
	[[ "$output" =~ ^\{\"dependencies\":\[\{\"name\":\"libcsv\",\"version\":\"[0-9][^\"]*\",\"latest\":\"[^\"]+\"\} ]]
	for d in jansson libmicrohttpd gnuplot curl bats; do
		[[ "$output" == *"{\"name\":\"$d\",\"version\":"* ]]
	done
}

@test "diagnose deps says unknown where it cannot tell, and succeeds" {
	run -0 env PATH=/nonexistent "$ROOT/bin/diagnose" --json deps
	[[ "$output" == *'{"name":"gnuplot","version":"unknown","latest":"unknown"}'* ]]
	[[ "$output" == *'{"name":"libcsv","version":"3.'* ]]
}

@test "diagnose with no part gives every part" {
	seeddeployed
	run -0 --separate-stderr diagnose
	[ "${lines[0]}" = "predictions (production_deployment/trainedmodel.json on testdata/testdata.csv)" ]
	[[ "$output" == *"summary (finaldata.csv)"* ]]
	[[ "$output" == *"missing (finaldata.csv)"* ]]
	[[ "$output" == *"timing (on a scratch copy)"* ]]
	[[ "$output" == *"dependencies"* ]]
	run -0 diagnose --json
	[[ "$output" == '{"predictions":[0,1,1,1,1],"summary":'*',"missing":'*',"timing":'*',"dependencies":['* ]]
}

@test "diagnose -o saves what it printed as diagnostics.json" {
	seeddeployed
	run -0 --separate-stderr diagnose -o --json summary missing
	[ "$stderr" = "diagnose: saved practicemodels/diagnostics.json" ]
	[ "$(cat practicemodels/diagnostics.json)" = "$output" ]
	[ -z "$(find "$WS" -name '.tmp.*')" ]
}

@test "diagnose -o saves nothing when a part fails" {
	seedws
	cd "$WS"
	mkdir practicemodels
	printf 'old\n' >practicemodels/diagnostics.json
	run -1 --separate-stderr diagnose -o summary deps
	[ "${stderr_lines[1]}" = "diagnose: diagnostics.json not saved: a part failed" ]
	[ "$(cat practicemodels/diagnostics.json)" = old ]
}

@test "diagnose summary reads many-digit numbers to pandas' doubles, not the nearest ones" {
	# expected: pandas 1.5's read_csv(...).mean(), .median(), .std(); a
	# correctly rounding reader gives other means in all three columns
	mkws "$FIXTURES/diagnose/manydigits"
	cd "$WS"
	run -0 diagnose --json summary
	[ "$output" = '{"summary":{"lastmonth_activity":{"mean":161071.3825116798,"median":161.08909454483288,"std":306810.11712610367},"lastyear_activity":{"mean":0.00050275109977015,"median":0.0004251644318378,"std":0.00027333944504424234},"number_of_employees":{"mean":354385469.09270585,"median":271.51437605619026,"std":1227616321.753008}}}' ]
}

@test "diagnose reads pandas' NA words, padded numbers and a '+' as pandas does" {
	mkws "$FIXTURES/diagnose/nawords"
	cd "$WS"
	run -0 diagnose --json summary missing
	[ "$output" = '{"summary":{"lastmonth_activity":{"mean":7.166666666666667,"median":9.0,"std":6.448514040717701},"lastyear_activity":{"mean":4.1152263004115226e+21,"median":80.0,"std":7.127781036956461e+21},"number_of_employees":{"mean":3.625,"median":3.625,"std":0.8838834764831844}},"missing":{"corporation":0.0,"lastmonth_activity":62.5,"lastyear_activity":62.5,"number_of_employees":75.0,"exited":25.0}}' ]
}

@test "diagnose summary of the many-digit fixtures agrees with pandas" {
	need_oracle
	local d
	for d in manydigits nawords; do
		run -0 diagnose -C "$FIXTURES/diagnose/$d" --json summary
		printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/c.json"
		run -0 "$ORACLE" -c '
import json, sys, pandas as pd
df = pd.read_csv(sys.argv[1] + "/ingesteddata/finaldata.csv")
c = json.load(open(sys.argv[2]))["summary"]
for k in ["lastmonth_activity", "lastyear_activity", "number_of_employees"]:
    for f, v in (("mean", df[k].mean()), ("median", df[k].median()), ("std", df[k].std())):
        assert c[k][f].hex() == v.hex(), (k, f, c[k][f], v)
print("same")' "$FIXTURES/diagnose/$d" "$BATS_TEST_TMPDIR/c.json"
		[ "$output" = same ]
	done
}

@test "diagnose predictions prints nothing when a row is bad, not the rows before it" {
	seeddeployed
	printf '%s\nx,1,2,3,0\ny,4,5,6,1\nz,abc,5,6,1\n' \
	    corporation,lastmonth_activity,lastyear_activity,number_of_employees,exited >bad.csv
	run -1 --separate-stderr diagnose -d bad.csv predictions
	[ "$output" = "" ]
	[ "$stderr" = 'diagnose: predictions: bad.csv:4: field 2 (lastmonth_activity): "abc" is not a number' ]
}

@test "diagnose timing removes the scratch copies of killed runs, not a live run's" {
	mkws "$FIXTURES/deploy/ws"
	cd "$WS"
	local tmp=$BATS_TEST_TMPDIR/tmp dead
	mkdir "$tmp"
	sh -c 'exit 0' &
	dead=$!
	wait "$dead"
	mkdir -p "$tmp/riskwatch-timing.$dead.Ab12Cd/input" "$tmp/riskwatch-adopt.$dead.Ef34Gh" \
	    "$tmp/riskwatch-timing.$$.Ij56Kl" "$tmp/riskwatch-timing.x.Mn78Op"
	echo a,b >"$tmp/riskwatch-timing.$dead.Ab12Cd/input/a.csv"
	TMPDIR=$tmp run -0 diagnose -q timing
	[ "$(ls -A "$tmp")" = "$(printf '%s\n' "riskwatch-timing.$$.Ij56Kl" riskwatch-timing.x.Mn78Op)" ]
}

# the sample workspace's practicedata ingested, trained on, scored and
# deployed; then its sourcedata (scripts/mksample: SHIFT 80 and 100 of
# scripts/gendata, which moves number_of_employees and lastmonth_activity
# and leaves lastyear_activity be) ingested as the new data
sampledrift() {
	WS=$BATS_TEST_TMPDIR/ws
	mkdir -p "$WS"
	cp -R "$ROOT/config.json" "$ROOT/practicedata" "$ROOT/sourcedata" \
	    "$ROOT/testdata" "$WS"/
	cd "$WS"
	run -0 ingest -q
	run -0 train -q
	run -0 score -q
	run -0 deploy -q
	ID=${output#production_deployment/history/}
	sed -i 's/"practicedata"/"sourcedata"/' config.json
	run -0 ingest -q
}

# the figures below agree with scipy 1.10 and numpy: ks_2samp(ref, new)
# for ks and p; wasserstein_distance(ref, new) / numpy.std(ref); PSI as
# tests/unit/datadrift_test.c computes it in Python (checked once with
# /usr/bin/python3 on the deployment's reference.json and finaldata.csv)
SAMPLEDRIFT="lastmonth_activity: ks 0.139760524375909 p 3.94331083017278e-05 psi 0.14657843679371418 wasserstein 0.2695837179187407 missing 0.0 -> 0.0: drifted
lastyear_activity: ks 0.052676668061283446 p 0.41486847707890984 psi 0.01835296698861019 wasserstein 0.04415480962777524 missing 0.0 -> 0.0: ok
number_of_employees: ks 0.25560337098798636 p 3.3152104245104854e-16 psi 0.4619434971947377 wasserstein 1.2408626471902993 missing 0.0 -> 0.0: drifted
target: class 1 share 0.5542406311637081 -> 0.5454545454545454
data: drifted (2 of 3 features)"

@test "diagnose drift flags the features the sample's sourcedata shifts, and only those" {
	sampledrift
	run -0 --separate-stderr diagnose drift
	[ "$output" = "$SAMPLEDRIFT" ]
	[ "$stderr" = "" ]
}

@test "diagnose drift --json prints the drift object, with the deployment it measured against" {
	sampledrift
	run -0 --separate-stderr diagnose drift --json
	[ "$output" = '{"reference":"'"$ID"'","reference_rows":507,"rows":594,"features":{"lastmonth_activity":{"ks":0.139760524375909,"ks_pvalue":3.94331083017278e-05,"psi":0.14657843679371418,"wasserstein":0.2695837179187407,"missing":0.0,"reference_missing":0.0,"test":"ks","drifted":true},"lastyear_activity":{"ks":0.052676668061283446,"ks_pvalue":0.41486847707890984,"psi":0.01835296698861019,"wasserstein":0.04415480962777524,"missing":0.0,"reference_missing":0.0,"test":"ks","drifted":false},"number_of_employees":{"ks":0.25560337098798636,"ks_pvalue":3.3152104245104854e-16,"psi":0.4619434971947377,"wasserstein":1.2408626471902993,"missing":0.0,"reference_missing":0.0,"test":"ks","drifted":true}},"target":{"name":"exited","reference_share":0.5542406311637081,"share":0.5454545454545454,"change":-0.008786085709162728},"drifted_features":2,"tested_features":3,"drifted":true}' ]
}

@test "diagnose drift of the training data itself finds no drift; -d names another file" {
	sampledrift
	run -0 diagnose drift -d practicedata/dataset1.csv
	[ "${lines[-1]}" = "data: no drift (0 of 3 features)" ]
	sed -i 's/"sourcedata"/"practicedata"/' config.json
	run -0 ingest -q
	run -0 diagnose drift
	[ "$output" = "lastmonth_activity: ks 0.0 p 1.0 psi 0.0 wasserstein 0.0 missing 0.0 -> 0.0: ok
lastyear_activity: ks 0.0 p 1.0 psi 0.0 wasserstein 0.0 missing 0.0 -> 0.0: ok
number_of_employees: ks 0.0 p 1.0 psi 0.0 wasserstein 0.0 missing 0.0 -> 0.0: ok
target: class 1 share 0.5542406311637081 -> 0.5542406311637081
data: no drift (0 of 3 features)" ]
}

@test "diagnose drift: past drift.ks_rows reference rows the normalised Wasserstein distance decides, at drift.wasserstein" {
	sampledrift
	sed -i 's/^{/{"drift":{"ks_rows":100,"wasserstein":0.25},/' config.json
	run -0 diagnose drift
	[ "${lines[0]}" = "lastmonth_activity: ks 0.139760524375909 p 3.94331083017278e-05 psi 0.14657843679371418 wasserstein 0.2695837179187407 missing 0.0 -> 0.0: drifted" ]
	[ "${lines[1]}" = "lastyear_activity: ks 0.052676668061283446 p 0.41486847707890984 psi 0.01835296698861019 wasserstein 0.04415480962777524 missing 0.0 -> 0.0: ok" ]
	sed -i 's/"wasserstein":0.25/"wasserstein":0.27/' config.json
	run -0 diagnose drift
	[ "${lines[0]}" = "lastmonth_activity: ks 0.139760524375909 p 3.94331083017278e-05 psi 0.14657843679371418 wasserstein 0.2695837179187407 missing 0.0 -> 0.0: ok" ]
	[ "${lines[-1]}" = "data: no drift (1 of 3 features)" ]
	sed -i 's/"wasserstein":0.27/"wasserstein":0.27,"share":0.3/' config.json
	run -0 diagnose drift
	[ "${lines[-1]}" = "data: drifted (1 of 3 features)" ]
}

@test "diagnose drift counts missing values as a share of the rows" {
	sampledrift
	{ cat ingesteddata/finaldata.csv; printf 'zzzz,,,,\nyyyy,5,,,1\n'; } >new.csv
	run -0 diagnose drift -d new.csv
	# 1 and 2 of 596 rows
	[ "${lines[0]}" = "${lines[0]%missing*}missing 0.0 -> 0.0016778523489932886: drifted" ]
	[ "${lines[1]}" = "${lines[1]%missing*}missing 0.0 -> 0.003355704697986577: ok" ]
	[ "${lines[2]}" = "${lines[2]%missing*}missing 0.0 -> 0.003355704697986577: drifted" ]
	[ "${lines[1]%missing*}" != "${lines[1]}" ]
}

@test "diagnose drift with nothing deployed fails and says so" {
	mkws "$FIXTURES/deploy/ws"
	cd "$WS"
	run -0 ingest -q
	run -1 --separate-stderr diagnose drift
	[ "$output" = "" ]
	[ "$stderr" = "diagnose: drift: production_deployment: nothing is deployed: no reference to measure data drift against" ]
}

@test "diagnose drift against a deployment without a reference profile says to deploy again" {
	sampledrift
	rm "production_deployment/history/$ID/reference.json"
	run -1 --separate-stderr diagnose drift
	[ "$stderr" = "diagnose: drift: production_deployment/history/$ID/reference.json: no reference profile: the deployment was made before deploy kept one; deploy again to measure data drift" ]
	run -1 --separate-stderr diagnose drift --json
	[ "$output" = "{}" ]
}

@test "diagnose drift refuses a damaged reference profile, naming the file and the key" {
	sampledrift
	ref=production_deployment/history/$ID/reference.json
	cp "$ref" good.json
	chmod u+w "$ref"
	check() {
		run -1 --separate-stderr diagnose drift
		[ "$output" = "" ]
		[ "$stderr" = "diagnose: drift: $ref$1" ]
	}
	printf 'not json' >"$ref"
	check ':1: '"'"'['"'"' or '"'"'{'"'"' expected near '"'"'not'"'"''
	sed 's/riskwatch-reference\/1/riskwatch-reference\/9/' good.json >"$ref"
	check ': key "format": expected "riskwatch-reference/1"'
	sed 's/"values":\[0.0,0.0,/"values":[1.0,0.0,/' good.json >"$ref"
	check ': key "features[0].values[1]": 0 is below the value before it (the values are sorted)'
	sed 's/"values":\[0.0,/"values":["x",/' good.json >"$ref"
	check ': key "features[0].values[0]": expected a finite number'
	sed 's/"rows":507/"rows":-1/' good.json >"$ref"
	check ': key "rows": expected an integer from 0 to 9007199254740992'
	sed 's/"counts":\[226,281\]/"counts":[226,280]/' good.json >"$ref"
	check ': key "target": the counts and missing do not add up to rows 507'
	sed 's/"name":"lastyear_activity"/"name":"lastmonth_activity"/' good.json >"$ref"
	check ': key "features[1].name": "lastmonth_activity" named twice'
	sed 's/"name":"lastyear_activity"/"name":"seats"/' good.json >"$ref"
	check ': feature "seats" of the reference is not among the config'"'"'s features'
	rm "$ref"
	mkdir "$ref"
	check ': not a reference profile (a regular file of at most 536870912 bytes)'
}

@test "diagnose drift of a file without a feature column is an error naming the file" {
	sampledrift
	printf 'a,b\n1,2\n' >bad.csv
	run -2 --separate-stderr diagnose drift -d bad.csv
	[ "$output" = "" ]
	[[ "$stderr" == "diagnose: drift: bad.csv:1: "* ]]
}

# Expected: pandas 1.5.3's figures of read_csv(to_csv(read_csv(file))), the
# original system's own finaldata.csv read back. Read once, lastyear's
# median would be 918.4660343854877 and number_of_employees' mean
# 0.00047229997061287824.
@test "diagnose summary sees finaldata.csv as the original system reads it back" {
	mkdir -p "$BATS_TEST_TMPDIR/r/ingesteddata"
	cd "$BATS_TEST_TMPDIR/r"
	printf '%s\n' corporation,lastmonth_activity,lastyear_activity,number_of_employees,exited \
	    a,22.61897767549093174877893,918.46603438548766,5.60717775137624950e-04,0 \
	    b,49.64884362599762824174218,960.9644534367178,7.24094634287115232e-04,1 \
	    c,49.10967103993890959792908,906.3164920058482,1.32087502413894475e-04,0 \
	    >ingesteddata/finaldata.csv
	run -0 diagnose --json summary
	[ "$output" = '{"summary":{"lastmonth_activity":{"mean":40.45916411380915,"median":49.1096710399389,"std":15.45240647552524},"lastyear_activity":{"mean":928.5823266093512,"median":918.4660343854875,"std":28.694153557935905},"number_of_employees":{"mean":0.00047229997061283335,"median":0.0005607177751376,"std":0.000305747268450509}}}' ]
}

# An int64 column is written and read back as integers; integers with a
# missing value are int64 upcast to float64, written in shortest form and
# misread past 9e14 (8883630563124567 comes back 8883630563124566); beside
# another number, pandas reads an integer with its float parser
# (83979937318606949 is 8.397993731860696e+16, not ...694e+16). The big
# integers come before the row that sets the type.
@test "diagnose summary reads integers past 9e14 as pandas types their column" {
	mkdir -p "$BATS_TEST_TMPDIR/r/ingesteddata"
	cd "$BATS_TEST_TMPDIR/r"
	printf '%s\n' corporation,lastmonth_activity,lastyear_activity,number_of_employees,exited \
	    a,8883630563124567,8883630563124567,83979937318606949,0 \
	    b,8883630563124567,,83979937318606949,1 \
	    c,1,8883630563124567,0.5,0 >ingesteddata/finaldata.csv
	run -0 diagnose --json summary
	[ "$output" = '{"summary":{"lastmonth_activity":{"mean":5922420375416379.0,"median":8883630563124567.0,"std":5128966497001155.0},"lastyear_activity":{"mean":8883630563124566.0,"median":8883630563124566.0,"std":0.0},"number_of_employees":{"mean":5.5986624879071304e+16,"median":8.397993731860696e+16,"std":4.8485839417425624e+16}}}' ]
}

@test "diagnose drift -m measures against the reference profile beside that model" {
	sampledrift
	dir=production_deployment/history/$ID
	run -0 diagnose drift -m "$dir/trainedmodel.json"
	[ "$output" = "$SAMPLEDRIFT" ]
	run -0 diagnose drift --json -m "$dir/trainedmodel.json"
	[[ "$output" == '{"reference":"'"$dir"'","reference_rows":507,"rows":594,'* ]]
	run -1 --separate-stderr diagnose drift -m practicemodels/trainedmodel.json
	[ "$stderr" = "diagnose: drift: practicemodels/reference.json: no reference profile: the deployment was made before deploy kept one; deploy again to measure data drift" ]
}
