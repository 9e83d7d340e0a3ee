#!/usr/bin/python3
"""The original system's steps as its Python code does them, one step a
process, for scripts/bench to time beside riskwatch's tools:

usage: seedpipeline.py ingest|train|score|summary WORKSPACE
       seedpipeline.py compare WORKSPACE SUMMARY_JSON

ingest   the input files concatenated and de-duplicated (pandas), written
         to WORKSPACE/seedpipeline/finaldata.csv
train    LogisticRegression(solver="liblinear") fitted on that file, kept in
         seedpipeline/trainedmodel.pkl
score    F1 on testdata/testdata.csv, written to seedpipeline/latestscore.txt
summary  mean, median, std of each feature of finaldata.csv, written to
         seedpipeline/summary.json
compare  riskwatch's answers in WORKSPACE (trainedmodel.json,
         latestscore.txt and SUMMARY_JSON, the output of diagnose --json
         summary) against the steps' answers, bit for bit: "agree" and
         whether the two finaldata.csv are the same bytes (a difference
         there is told, not a failure: the answers are what is compared),
         or one line per difference on standard error, exit 1.

The workspace is the one config.json describes, with its default paths
and features."""
import glob
import json
import os
import pickle
import sys

FEATURES = ["lastmonth_activity", "lastyear_activity", "number_of_employees"]
TARGET = "exited"


def paths(ws):
    out = os.path.join(ws, "seedpipeline")
    os.makedirs(out, exist_ok=True)
    return out, os.path.join(out, "finaldata.csv"), \
        os.path.join(out, "trainedmodel.pkl")


def ingest(ws):
    import pandas as pd
    out, final, _ = paths(ws)
    files = sorted(glob.glob(os.path.join(ws, "practicedata", "*.csv")))
    df = pd.concat([pd.read_csv(f) for f in files]).drop_duplicates()
    df.to_csv(final, index=False)


def train(ws):
    import pandas as pd
    from sklearn.linear_model import LogisticRegression
    _, final, model_path = paths(ws)
    df = pd.read_csv(final).dropna(subset=FEATURES + [TARGET])
    model = LogisticRegression(solver="liblinear")
    model.fit(df[FEATURES].to_numpy(dtype=float), df[TARGET].to_numpy())
    with open(model_path, "wb") as f:
        pickle.dump(model, f)


def score(ws):
    import pandas as pd
    from sklearn.metrics import f1_score
    out, _, model_path = paths(ws)
    with open(model_path, "rb") as f:
        model = pickle.load(f)
    t = pd.read_csv(os.path.join(ws, "testdata", "testdata.csv"))
    t = t.dropna(subset=FEATURES + [TARGET])
    f1 = float(f1_score(t[TARGET].to_numpy(),
                        model.predict(t[FEATURES].to_numpy(dtype=float))))
    with open(os.path.join(out, "latestscore.txt"), "w") as f:
        f.write(repr(f1) + "\n")


def summary(ws):
    import pandas as pd
    out, final, _ = paths(ws)
    df = pd.read_csv(final)
    s = {c: {"mean": float(df[c].mean()), "median": float(df[c].median()),
             "std": float(df[c].std())} for c in FEATURES}
    with open(os.path.join(out, "summary.json"), "w") as f:
        json.dump(s, f)


def same(a, b):
    return isinstance(a, float) and isinstance(b, float) and a.hex() == b.hex()


def compare(ws, summary_json):
    out, final, model_path = paths(ws)
    bad = []
    note = "finaldata.csv byte for byte"
    with open(final, "rb") as f:
        want = f.read().split(b"\n")
    with open(os.path.join(ws, "ingesteddata", "finaldata.csv"), "rb") as f:
        got = f.read().split(b"\n")
    if got != want:
        diff = [i for i, (g, w) in enumerate(zip(got, want)) if g != w]
        i = diff[0] if diff else min(len(got), len(want))
        note = (f"finaldata.csv not byte for byte ({len(diff)} of {len(want)} lines "
                f"differ, first line {i + 1}: {got[i][:60]!r} against "
                f"{want[i][:60]!r})" if i < min(len(got), len(want)) else
                f"finaldata.csv not byte for byte ({len(got)} lines "
                f"against {len(want)})")
    with open(model_path, "rb") as f:
        model = pickle.load(f)
    with open(os.path.join(ws, "practicemodels", "trainedmodel.json")) as f:
        got = json.load(f)
    want_coef = [float(v) for v in model.coef_[0]]
    for name, g, w in zip(FEATURES, got["coefficients"], want_coef):
        if not same(float(g), w):
            bad.append(f"coefficient {name}: {float(g)!r} against {w!r}")
    if not same(float(got["intercept"]), float(model.intercept_[0])):
        bad.append(f"intercept: {got['intercept']!r} against "
                   f"{float(model.intercept_[0])!r}")
    with open(os.path.join(out, "latestscore.txt")) as f:
        want_f1 = f.read().strip()
    with open(os.path.join(ws, "practicemodels", "latestscore.txt")) as f:
        got_f1 = f.read().strip()
    if got_f1 != want_f1:
        bad.append(f"f1: {got_f1} against {want_f1}")
    with open(os.path.join(out, "summary.json")) as f:
        want_s = json.load(f)
    with open(summary_json) as f:
        got_s = json.load(f)["summary"]
    for c in FEATURES:
        for k in ("mean", "median", "std"):
            g, w = float(got_s[c][k]), float(want_s[c][k])
            if not same(g, w):
                bad.append(f"summary {c} {k}: {g!r} against {w!r}")
    for line in bad:
        print(f"seedpipeline: differs: {line}", file=sys.stderr)
    if bad:
        sys.exit(1)
    print(f"agree: {len(want_coef)} coefficients and the intercept bit for "
          f"bit, f1 {want_f1}, summary of {len(FEATURES)} features bit for "
          f"bit; {note}")


STEPS = {"ingest": ingest, "train": train, "score": score, "summary": summary}

if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "compare":
        compare(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] in STEPS:
        STEPS[sys.argv[1]](sys.argv[2])
    else:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        sys.exit(2)
