#!/usr/bin/python3
"""crosscheck - compare riskwatch with pandas and scikit-learn, bit for bit.

usage: /usr/bin/python3 tests/crosscheck.py BINDIR WORKSPACE
       /usr/bin/python3 tests/crosscheck.py --oracle-only WORKSPACE
       /usr/bin/python3 tests/crosscheck.py --corpus [--fast] [--list]
                 [-g GROUP] [-k TEXT] [--keep DIR] BINDIR
       /usr/bin/python3 tests/crosscheck.py --ks [--fast] DRIVER

The oracle is the original system's pipeline, run with pandas 1.5 and
scikit-learn 1.2 on the workspace:

  finaldata      pd.concat([pd.read_csv(f) for f in sorted(input/*.csv)])
                   .drop_duplicates(), written with to_csv(index=False)
  model          LogisticRegression(solver="liblinear", C, tol, max_iter)
                 fitted on finaldata.csv as read back by read_csv, rows
                 with a missing feature or target left out
  f1             repr(f1_score(...)) on test_data_path/testdata.csv
  predictions    model.predict of every test row (none for a row with a
                 missing feature)
  summary        mean, median, std (ddof=1) of each feature of finaldata.csv
  missing        percent of missing fields of each column of finaldata.csv

WORKSPACE mode runs BINDIR/ingest, train, score and diagnose on one
workspace and prints one line per field ("ok f1 0.5714285714285715",
"FAIL coef: ..."): finaldata.csv must be byte-identical, the rest
bit-identical, and score must write latestscore.txt.

--corpus builds every case of the corpus below in a scratch folder and runs
ingest, train, score -n and diagnose --json (predictions summary missing)
on it. It prints one line per case, "ok" or "FAIL", the case's name and the
capabilities it exercises, and under a failing case one line per field that
differs, with the first difference and both values (floats as float.hex and
repr). Then, per capability group, how many of its cases agree and the first
mismatch. Every case is built from a fixed seed: the same corpus every run.

The corpus: three sets of integer churn data like the seed's (counts1-3);
five data sets inside scikit-learn: breast cancer, wine (class 0 against
the rest), diabetes (progression above its median), digits (the 3s against
the 8s), iris (versicolor against virginica); and 60 make_classification
sets (synth1-60: 1-100 features, a 1-50 % minority class, each column
scaled by 1e-3...1e6, C 0.001...100, tol 1e-8...1e-2, max_iter 1...100).
The first 16 are written in every variant of VARIANTS, synth9-60 plainly:
260 cases, about 80 s on 2 cores (make crosscheck); --fast takes
seconds.

  --fast       the CI subset: the fast cases of the groups not in HELD_BACK
  --list       print the cases (name, capabilities, fast or not) and stop
  -g GROUP     only the cases exercising capability GROUP
  -k TEXT      only the cases whose name contains TEXT
  --keep DIR   build the workspaces in DIR and leave them there

--ks runs DRIVER (tests/unit/datadrift_test --pairs) on pairs of samples
from a fixed seed, random and tie-heavy, small (the exact distribution)
and past 10000 values (the asymptotic one), and compares with scipy 1.10:
ks_2samp's statistic bit for bit and its p-value within 1e-12,
wasserstein_distance and the PSI of riskwatch's definition (numpy
quantile edges, math.log) within 1e-12 of the larger. --fast: the small
pairs only.

Exit status: 0 everything agreed, 1 something differed, 2 usage error or
input the oracle cannot read.
"""

import glob
import io
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
import zlib

import numpy as np
import pandas as pd
from pandas._libs.parsers import STR_NA_VALUES
from sklearn import datasets
from sklearn.exceptions import ConvergenceWarning, UndefinedMetricWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

# ---------------------------------------------------------------------------
# Capability groups held back from the CI subset (--fast), with the reason.
# A group leaves this list once its cases agree on main; `make crosscheck`
# runs every group whatever this list says.
HELD_BACK = {}
# ---------------------------------------------------------------------------

DEFAULT_FEATURES = ["lastmonth_activity", "lastyear_activity", "number_of_employees"]
DEFAULT_MODEL = {"C": 1.0, "tol": 1e-4, "max_iter": 100}
MODEL_KEYS = ["format", "features", "target", "coefficients", "intercept", "C",
              "tol", "iterations", "rows", "data_sha256", "trained_at"]
TOOL_TIMEOUT = 600
NA_WORDS = sorted(STR_NA_VALUES)


class OracleError(Exception):
    pass


def show(x):
    """A value as the reports print it: floats as hex and repr."""
    if isinstance(x, float):
        return f"{x.hex()} ({x!r})"
    return repr(x)


def show_json(x):
    """A number read from JSON as show() prints it; anything else by repr."""
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        return show(float(x))
    return repr(x)


def same_float(a, b):
    """Bit for bit; NaN equals NaN, 0.0 differs from -0.0."""
    if isinstance(a, float) and isinstance(b, float):
        return a.hex() == b.hex() or (math.isnan(a) and math.isnan(b))
    return False


def same_cell(a, b):
    """Two cells of frame_cells: floats bit for bit, else equal and of the
    same type (None, bool or str)."""
    if isinstance(a, float) or isinstance(b, float):
        return same_float(a, b)
    return type(a) is type(b) and a == b


class Config:
    def __init__(self, ws):
        path = os.path.join(ws, "config.json")
        try:
            with open(path, encoding="utf-8") as f:
                cfg = json.load(f)
        except (OSError, ValueError) as e:
            raise OracleError(f"{path}: {e}")
        if not isinstance(cfg, dict):
            raise OracleError(f"{path}: not a JSON object")

        def p(key, default):
            return os.path.join(ws, cfg.get(key, default))

        self.input = p("input_folder_path", "practicedata")
        self.output = p("output_folder_path", "ingesteddata")
        self.test = p("test_data_path", "testdata")
        self.model = p("output_model_path", "practicemodels")
        self.input_rel = cfg.get("input_folder_path", "practicedata")
        self.target = cfg.get("target", "exited")
        self.features = list(cfg.get("features", DEFAULT_FEATURES))
        m = dict(DEFAULT_MODEL)
        m.update(cfg.get("model", {}))
        self.C = float(m["C"])
        self.tol = float(m["tol"])
        self.max_iter = int(m["max_iter"])


def cell(v):
    """A pandas cell as a comparable value: None (missing), a float, a
    bool or a str."""
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, float, np.integer, np.floating)):
        return float(v)
    return str(v)


def frame_cells(df):
    return [[cell(v) for v in row] for row in df.itertuples(index=False)]


class Oracle:
    """What the original system, pandas and scikit-learn, make of the
    workspace."""

    def __init__(self, cfg):
        self.cfg = cfg
        files = glob.glob(os.path.join(cfg.input, "*.csv"))
        self.files = sorted(files, key=os.fsencode)
        if not self.files:
            raise OracleError(f"{cfg.input}: no *.csv files")
        try:
            frames = [pd.read_csv(f) for f in self.files]
        except Exception as e:  # pandas raises many kinds
            raise OracleError(f"read_csv: {e}")
        final = pd.concat(frames).drop_duplicates()
        self.rows_read = sum(len(f) for f in frames)
        self.columns = [str(c) for c in final.columns]
        self.cells = frame_cells(final)
        self.finaldata = final.to_csv(index=False).encode("utf-8")
        self.rows = len(final)

        # the later steps read finaldata.csv as the original system wrote it
        df = pd.read_csv(io.BytesIO(self.finaldata))
        cols = cfg.features + [cfg.target]
        for c in cols:
            if c not in df.columns:
                raise OracleError(f"finaldata has no column {c!r}")
        self.summary = {}
        for c in cfg.features:
            self.summary[c] = {"mean": float(df[c].mean()),
                               "median": float(df[c].median()),
                               "std": float(df[c].std())}
        self.missing = {str(c): float(v)
                        for c, v in (df.isna().sum() / len(df) * 100).items()}

        df = df.dropna(subset=cols)
        self.train_rows = len(df)
        self.fit_error = None
        self.model = None
        try:
            model = LogisticRegression(solver="liblinear", C=cfg.C, tol=cfg.tol,
                                       max_iter=cfg.max_iter)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                model.fit(df[cfg.features].to_numpy(dtype=float),
                          df[cfg.target].to_numpy())
            self.model = model
        except ValueError as e:
            self.fit_error = str(e).splitlines()[0]
            return
        self.coef = [float(v) for v in model.coef_[0]]
        self.intercept = float(model.intercept_[0])
        self.n_iter = int(model.n_iter_[0])

        test = os.path.join(cfg.test, "testdata.csv")
        try:
            t = pd.read_csv(test)
        except Exception as e:
            raise OracleError(f"{test}: {e}")
        complete = t[cfg.features].notna().all(axis=1)
        self.predictions = [None] * len(t)
        if complete.any():
            pred = model.predict(t.loc[complete, cfg.features].to_numpy(dtype=float))
            for i, p in zip(np.flatnonzero(complete.to_numpy()), pred):
                self.predictions[i] = int(p)
        t = t.dropna(subset=cols)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UndefinedMetricWarning)
            self.f1 = float(f1_score(t[cfg.target].to_numpy(),
                                     model.predict(t[cfg.features].to_numpy(dtype=float))))
        self.f1_repr = repr(self.f1)

    def show(self):
        print(f"oracle files {' '.join(os.path.basename(f) for f in self.files)}")
        print(f"oracle rows_read {self.rows_read}")
        print(f"oracle rows {self.rows}")
        print(f"oracle train_rows {self.train_rows}")
        if self.model is None:
            print(f"oracle fit_error {self.fit_error}")
            return
        print(f"oracle coef {' '.join(c.hex() for c in self.coef)}")
        print(f"oracle intercept {self.intercept.hex()}")
        print(f"oracle n_iter {self.n_iter}")
        print(f"oracle f1 {self.f1_repr}")


# ---------------------------------------------------------------------------
# Running the tools and comparing what they give with the oracle. Each
# compare_* function returns a list of (field, difference) pairs, empty when
# the field agrees; the difference names the first mismatch and both values.

def run_tool(bindir, ws, args):
    """Run BINDIR/args[0] -q -C WS args[1:]: (exit status, stdout, first
    stderr line, which names the file, line and field of an error); status
    None when it could not run."""
    exe = os.path.join(bindir, args[0])
    try:
        p = subprocess.run([exe, "-q", "-C", ws] + args[1:],
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=TOOL_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, b"", str(e)
    err = p.stderr.decode("utf-8", "replace").strip().splitlines()
    return p.returncode, p.stdout, err[0] if err else ""


def tool_failed(name, status, err):
    if status is None:
        return [(name, f"did not run: {err}")]
    if status < 0:
        return [(name, f"killed by signal {-status}: {err}")]
    return [(name, f"exit {status}: {err}")]


def first_line_difference(got, want):
    g = got.split(b"\n")
    w = want.split(b"\n")
    for i, (a, b) in enumerate(zip(g, w), 1):
        if a != b:
            return i, a, b
    n = min(len(g), len(w)) + 1
    return n, b"\n".join(g[n - 1:n]), b"\n".join(w[n - 1:n])


def compare_finaldata(cfg, orc, want_bytes):
    """The rows, their order and their values; the bytes too when
    want_bytes (integer data, where SPEC promises byte identity)."""
    path = os.path.join(cfg.output, "finaldata.csv")
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        return [("finaldata", str(e))]
    diffs = []
    if want_bytes and raw != orc.finaldata:
        line, a, b = first_line_difference(raw, orc.finaldata)
        diffs.append(("finaldata bytes", f"line {line}: got {a!r} want {b!r}"))
    try:
        got = pd.read_csv(io.BytesIO(raw))
    except Exception as e:
        return diffs + [("finaldata", f"read_csv: {e}")]
    cols = [str(c) for c in got.columns]
    if cols != orc.columns:
        return diffs + [("finaldata header", f"got {cols} want {orc.columns}")]
    cells = frame_cells(got)
    if len(cells) != len(orc.cells):
        diffs.append(("finaldata rows", f"got {len(cells)} want {len(orc.cells)}"))
    for i, (g, w) in enumerate(zip(cells, orc.cells)):
        for name, a, b in zip(cols, g, w):
            if not same_cell(a, b):
                diffs.append(("finaldata values",
                              f"row {i + 1} column {name}: got {show(a)} want {show(b)}"))
                return diffs
    return diffs


def compare_model(cfg, orc):
    def same(a, b):
        if not isinstance(a, (int, float)) or isinstance(a, bool):
            return False
        return same_float(float(a), b)

    path = os.path.join(cfg.model, "trainedmodel.json")
    try:
        with open(path, encoding="utf-8") as f:
            m = json.load(f)
    except (OSError, ValueError) as e:
        return [("model", f"{path}: {e}")]
    if not isinstance(m, dict):
        return [("model", f"{path}: not a JSON object")]
    diffs = []
    missing = [k for k in MODEL_KEYS if k not in m]
    if missing:
        diffs.append(("model keys", f"missing {' '.join(missing)}"))
    if m.get("features") != cfg.features or m.get("target") != cfg.target:
        diffs.append(("model columns", f"got {m.get('features')} {m.get('target')!r}"))
    coef = m.get("coefficients")
    if not isinstance(coef, list) or len(coef) != len(orc.coef):
        diffs.append(("coef", f"got {coef!r} want {len(orc.coef)} numbers"))
    else:
        bad = [i for i, (a, b) in enumerate(zip(coef, orc.coef)) if not same(a, b)]
        if bad:
            i = bad[0]
            diffs.append(("coef", f"{len(bad)} of {len(coef)} differ, first [{i}] "
                          f"{cfg.features[i]}: got {show_json(coef[i])} want "
                          f"{show(orc.coef[i])}"))
    b = m.get("intercept")
    if not same(b, orc.intercept):
        diffs.append(("intercept", f"got {show_json(b)} want {show(orc.intercept)}"))
    if m.get("iterations") != orc.n_iter:
        diffs.append(("n_iter", f"got {m.get('iterations')!r} want {orc.n_iter}"))
    if m.get("rows") != orc.train_rows:
        diffs.append(("model rows", f"got {m.get('rows')!r} want {orc.train_rows}"))
    return diffs


def compare_diagnose(cfg, orc, out):
    try:
        d = json.loads(out)
    except ValueError as e:
        return [("diagnose", f"not JSON: {e}")]
    diffs = []
    pred = d.get("predictions")
    if not isinstance(pred, list) or len(pred) != len(orc.predictions):
        diffs.append(("predictions", f"got {len(pred) if isinstance(pred, list) else pred!r}"
                      f" values want {len(orc.predictions)}"))
    else:
        bad = [i for i, (a, b) in enumerate(zip(pred, orc.predictions)) if a != b]
        if bad:
            i = bad[0]
            diffs.append(("predictions", f"row {i + 1}: got {pred[i]!r} want "
                          f"{orc.predictions[i]!r} ({len(bad)} of {len(pred)} differ)"))
    summ = d.get("summary")
    if not isinstance(summ, dict):
        diffs.append(("summary", f"got {summ!r}"))
    else:
        bad = []
        for c in cfg.features:
            for stat in ("mean", "median", "std"):
                want = orc.summary[c][stat]
                got = summ.get(c, {}).get(stat, "absent")
                if got is None:  # JSON null: undefined, pandas' NaN
                    got = math.nan
                if not isinstance(got, (int, float)) or not same_float(float(got), want):
                    bad.append(f"{c} {stat}: got {show_json(got)} want {show(want)}")
        if bad:
            diffs.append(("summary", f"{len(bad)} of {3 * len(cfg.features)} "
                          f"differ, first {bad[0]}"))
    miss = d.get("missing")
    if not isinstance(miss, dict):
        diffs.append(("missing", f"got {miss!r}"))
    elif sorted(miss) != sorted(orc.missing):
        diffs.append(("missing", f"columns: got {sorted(miss)} want {sorted(orc.missing)}"))
    else:
        bad = [c for c, want in orc.missing.items()
               if not isinstance(miss[c], (int, float))
               or not same_float(float(miss[c]), want)]
        if bad:
            c = bad[0]
            diffs.append(("missing", f"{len(bad)} of {len(miss)} differ, first {c}: "
                          f"got {show_json(miss[c])} want {show(orc.missing[c])}"))
    return diffs


def compare_all(bindir, ws, cfg, orc, want_bytes):
    """Run the tools on WS, compare each step's results: [(field, diff)].
    A tool that fails stops the comparison of the steps after it."""
    status, _, err = run_tool(bindir, ws, ["ingest"])
    if status != 0:
        return tool_failed("ingest", status, err)
    diffs = compare_finaldata(cfg, orc, want_bytes)

    status, _, err = run_tool(bindir, ws, ["train"])
    if orc.model is None:
        if status in (0, None):
            diffs.append(("train", f"exit {status}, but scikit-learn refuses: "
                          f"{orc.fit_error}"))
        return diffs
    if status != 0:
        return diffs + tool_failed("train", status, err)
    diffs += compare_model(cfg, orc)

    status, out, err = run_tool(bindir, ws, ["score", "-n"])
    if status != 0:
        diffs += tool_failed("score", status, err)
    else:
        got = out.decode("utf-8", "replace").strip()
        if got != orc.f1_repr:
            diffs.append(("f1", f"got {got!r} want {orc.f1_repr!r}"))

    model = os.path.relpath(os.path.join(cfg.model, "trainedmodel.json"), ws)
    status, out, err = run_tool(bindir, ws, ["diagnose", "-m", model, "--json",
                                             "predictions", "summary", "missing"])
    if status != 0:
        diffs += tool_failed("diagnose", status, err)
    else:
        diffs += compare_diagnose(cfg, orc, out)
    return diffs


# ---------------------------------------------------------------------------
# One workspace, as the bats suite runs it: one line per field.

WORKSPACE_FIELDS = ["ingest", "finaldata", "train", "coef", "intercept", "n_iter",
                    "model", "score", "f1", "diagnose", "predictions", "summary",
                    "missing", "latestscore"]


def check_workspace(bindir, ws):
    try:
        cfg = Config(ws)
        orc = Oracle(cfg)
    except OracleError as e:
        print(f"crosscheck: oracle: {e}", file=sys.stderr)
        return 2
    diffs = compare_all(bindir, ws, cfg, orc, want_bytes=True)
    failed = {f.split()[0] for f, _ in diffs}
    if orc.model is not None and not failed & {"ingest", "train"}:
        # score -n wrote nothing; the pipeline's score writes latestscore.txt
        status, _, err = run_tool(bindir, ws, ["score"])
        path = os.path.join(cfg.model, "latestscore.txt")
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except OSError as e:
            text = str(e)
        if status != 0:
            diffs += tool_failed("latestscore", status, err)
        elif text != orc.f1_repr + "\n":
            diffs.append(("latestscore", f"got {text!r} want {orc.f1_repr!r}"))
    for field, diff in diffs:
        print(f"FAIL {field}: {diff}")
    failed = {f.split()[0] for f, _ in diffs}
    if failed & {"ingest", "train"} or orc.model is None:
        ran = WORKSPACE_FIELDS[:2] if "ingest" not in failed else []
    else:
        ran = WORKSPACE_FIELDS
    details = {"finaldata": f"{orc.rows} rows, {len(orc.finaldata)} bytes, identical",
               "f1": getattr(orc, "f1_repr", "")}
    if orc.model is not None:
        details["coef"] = " ".join(c.hex() for c in orc.coef)
        details["intercept"] = orc.intercept.hex()
        details["n_iter"] = str(orc.n_iter)
    for field in ran:
        if field not in failed:
            print(f"ok {field} {details.get(field, '')}".rstrip())
    if orc.model is None and "train" not in failed and "ingest" not in failed:
        print(f"ok train refuses: {orc.fit_error}")
    print(f"crosscheck: {len(diffs)} fields differ")
    return 1 if diffs else 0


# ---------------------------------------------------------------------------
# The corpus: data sets from inside scikit-learn and from make_classification,
# written as a user's export might write them. A source gives the data; a
# variant the way it is written to the CSV files; a case is one source
# written in one variant. Each case names the capabilities it exercises:
# its variant's and its source's training group.

VARIANTS = {
    # variant: capabilities it adds to the source's
    "plain": [],
    "missing": [],
    "na_words": ["na_words"],
    "dup_by_value": ["dup_by_value"],
    "many_digits": ["many_digits"],
    "short_rows": ["short_rows"],
    "realign": ["realign"],
    "extra_column": ["extra_column"],
    "float_target": ["float_target"],
    "bool_target": ["bool_target"],
    "padded": ["padded_numbers"],
    "repeated_name": ["repeated_name"],
    "everything": ["na_words", "dup_by_value", "many_digits", "short_rows",
                   "realign", "extra_column", "float_target", "padded_numbers",
                   "repeated_name"],
}
# the groups of training, one per kind of source, and the fields they decide
TRAINING_GROUPS = {"integer_training", "real_data_training", "synthetic_training"}
TRAINING_FIELDS = {"coef", "intercept", "n_iter", "f1", "predictions"}
# variants whose files hold missing values
WITH_MISSING = {"missing", "na_words", "dup_by_value", "everything"}
# variants whose integer data pandas writes back byte for byte
BYTE_IDENTICAL = {"plain", "realign"}


def sanitize(name):
    out = "".join(c if c.isalnum() else "_" for c in str(name).strip().lower())
    return "_".join(p for p in out.split("_") if p)


class Source:
    """A data set: X (rows x features), y (0/1), names, the model settings
    and the capabilities its training exercises."""

    def __init__(self, name, X, y, names, caps, C=1.0, tol=1e-4, max_iter=100,
                 target="target", text=None):
        self.name = name
        self.X = np.asarray(X, dtype=float)
        self.y = np.asarray(y).astype(int)
        self.names = names
        self.caps = list(caps)
        if len(names) > 64:
            self.caps.append("wide")
        self.C, self.tol, self.max_iter = C, tol, max_iter
        self.target = target
        self.text = text  # an optional text column, written after the id
        self.integral = [bool(np.all(self.X[:, j] == np.round(self.X[:, j]))
                              and np.all(np.abs(self.X[:, j]) < 1e15))
                         for j in range(self.X.shape[1])]


def real_source(name):
    if name == "breast_cancer":
        d = datasets.load_breast_cancer()
        X, y = d.data, d.target
    elif name == "wine":  # class 0 against the rest
        d = datasets.load_wine()
        X, y = d.data, d.target == 0
    elif name == "diabetes":  # disease progression above its median
        d = datasets.load_diabetes(scaled=False)
        X, y = d.data, d.target > np.median(d.target)
    elif name == "digits":  # the 3s against the 8s
        d = datasets.load_digits()
        keep = (d.target == 3) | (d.target == 8)
        X, y = d.data[keep], d.target[keep] == 8
    elif name == "iris":  # versicolor against virginica
        d = datasets.load_iris()
        keep = d.target != 0
        X, y = d.data[keep], d.target[keep] == 2
    else:
        raise ValueError(name)
    names = [sanitize(n) for n in d.feature_names]
    return Source(name, X, y, names, ["real_data_training"])


def synthetic_source(seed):
    """make_classification with 1-100 features, a 1-50 % minority class,
    each column scaled by 1e-3...1e6, and C, tol, max_iter drawn from their
    ranges. Numbers keep 7 significant digits, as an export would."""
    rng = random.Random(seed)
    d = rng.randint(1, 100)
    minority = rng.uniform(0.01, 0.5)
    n = min(max(rng.randint(80, 1200), int(12 / minority)), 2000)
    informative = rng.randint(1, max(1, min(d, 10)))
    redundant = rng.randint(0, min(d - informative, 5))
    clusters = 1 if informative < 2 else rng.choice([1, 2])
    X, y = datasets.make_classification(
        n_samples=n, n_features=d, n_informative=informative,
        n_redundant=redundant, n_repeated=0, n_clusters_per_class=clusters,
        weights=[1 - minority], flip_y=0.02, class_sep=rng.uniform(0.3, 2.0),
        random_state=seed)
    scales = [10 ** rng.uniform(-3, 6) for _ in range(d)]
    X = np.array([[float("%.7g" % (v * s)) for v, s in zip(row, scales)] for row in X])
    C = float("%.3g" % 10 ** rng.uniform(-3, 2))
    tol = float("%.2g" % 10 ** rng.uniform(-8, -2))
    max_iter = rng.randint(1, 100)
    names = [f"x{j}" for j in range(d)]
    return Source(f"synth{seed}", X, y, names, ["synthetic_training"],
                  C=C, tol=tol, max_iter=max_iter)


def counts_source(seed):
    """Integer churn data like the seed's: the base every capability is
    measured against (training on it agrees without liblinear's order)."""
    rs = np.random.RandomState(seed)
    n = 400
    month = rs.randint(0, 2001, n)
    year = month * rs.randint(3, 9, n) + rs.randint(0, 3000, n)
    staff = rs.randint(1, 1001, n)
    z = -0.004 * month + 0.0002 * year + 0.003 * staff - 0.5 + rs.normal(0, 1, n)
    y = z > 0
    corp = ["".join(chr(97 + c) for c in rs.randint(0, 26, 4)) for _ in range(n)]
    return Source(f"counts{seed}", np.column_stack([month, year, staff]), y,
                  DEFAULT_FEATURES, ["integer_training"], target="exited",
                  text=("corporation", corp))


REAL = ["breast_cancer", "wine", "diabetes", "digits", "iris"]
SYNTHETIC_SEEDS = list(range(1, 61))  # the first 8 in every variant
COUNTS_SEEDS = [1, 2, 3]
FAST_SOURCES = {"counts1", "counts2", "counts3", "iris", "wine", "synth1", "synth2",
                "synth5"}


class Case:
    def __init__(self, source_name, make_source, variant):
        self.source_name = source_name
        self.make_source = make_source
        self.variant = variant
        self.name = f"{source_name}.{variant}"
        self.fast = source_name in FAST_SOURCES
        self.seed = zlib.crc32(self.name.encode())
        self._caps = None

    @property
    def source(self):
        return SOURCES.setdefault(self.source_name, self.make_source())

    @property
    def caps(self):
        if self._caps is None:
            self._caps = sorted(set(self.source.caps) | set(VARIANTS[self.variant]))
        return self._caps


SOURCES = {}  # source name -> Source, made once


def corpus():
    cases = []

    def add(name, make, variants):
        for v in variants:
            cases.append(Case(name, make, v))

    for seed in COUNTS_SEEDS:
        add(f"counts{seed}", lambda seed=seed: counts_source(seed), VARIANTS)
    for name in REAL:
        add(name, lambda name=name: real_source(name), VARIANTS)
    for seed in SYNTHETIC_SEEDS:
        add(f"synth{seed}", lambda seed=seed: synthetic_source(seed),
            VARIANTS if seed <= 8 else ["plain"])
    return cases


# --- writing a case's workspace --------------------------------------------

def plain_number(v, integral):
    return str(int(v)) if integral else repr(float(v))


class Speller:
    """Spells the cells of one case's files as its variant asks. A cell is
    spelled the same in every file it is written to (its own random
    numbers, from the case, the row's id and the column), except that
    dup_by_value spells a repeated row's cells otherwise."""

    def __init__(self, case, rng):
        self.variant = case.variant
        self.caps = set(VARIANTS[case.variant])
        self.seed = case.seed
        self.rng = rng  # for the repeats' other spellings

    def cell_rng(self, key):
        return random.Random(f"{self.seed}:{key[0]}:{key[1]}")

    def missing(self, key, repeat):
        if "dup_by_value" in self.caps and repeat:
            return self.rng.choice(["", "nan", "NA"])
        if "na_words" in self.caps:
            return self.cell_rng(key).choice(NA_WORDS)
        return self.cell_rng(key).choice(["", "NA"])

    def number(self, key, v, integral, repeat):
        if "dup_by_value" in self.caps and repeat and self.rng.random() < 0.5:
            return self.other_spelling(v, integral)
        rng = self.cell_rng(key)
        if "many_digits" in self.caps and key[1] > 0 and rng.random() < 0.6:
            return self.many_digits(rng, v, integral)
        if "padded_numbers" in self.caps and key[1] > 0 and rng.random() < 0.3:
            text = plain_number(v, integral)
            if v >= 0 and rng.random() < 0.5:
                text = "+" + text
            return rng.choice([" ", ""]) + text + rng.choice([" ", "  ", ""])
        return plain_number(v, integral)

    def other_spelling(self, v, integral):
        """The same value as pandas reads it, written otherwise."""
        if v == 0:
            return self.rng.choice(["-0.0", "0.0", "-0", "0e0"])
        if integral:
            return self.rng.choice([f"{int(v)}.0", f"{int(v)}.00", f"{int(v)}e0"])
        long = "%.17g" % v
        return long if long != repr(float(v)) else "%.20g" % v

    def many_digits(self, rng, v, integral):
        if integral:
            return rng.choice([f"{int(v)}.00000000000000000000001",
                               f"{v:.6e}", f"000{int(v)}"])
        choice = rng.randrange(4)
        if choice == 0:  # the decimal value, digit for digit, to 25 figures
            return "%.25g" % v
        if choice == 1:  # scientific
            return "%.18e" % v
        if choice == 2 and abs(v) < 1:  # leading zeros after the point
            return "%.30f" % v
        # more digits than a double holds, at random
        text = repr(float(v))
        if "e" in text or "." not in text:
            text = "%.17f" % v
        return text + "".join(rng.choice("0123456789") for _ in range(rng.randint(3, 12)))

    def target(self, y, file_index):
        if self.variant == "bool_target":
            return "True" if y else "False"
        # 1.0/0.0 in every file; in the first file too but where repeats
        # spelled otherwise are the point (dup_by_value)
        if "float_target" in self.caps and (file_index != 0
                                            or "dup_by_value" not in self.caps):
            return "1.0" if y else "0.0"
        return str(y)


def build_case(case, ws):
    """Write the case's workspace: config.json, practicedata/{a,b,c}.csv,
    testdata/testdata.csv. Returns whether finaldata.csv must be
    byte-identical."""
    src = case.source
    rng = random.Random(case.seed)
    caps = set(VARIANTS[case.variant])
    n, d = src.X.shape

    header = ["id"] + ([src.text[0]] if src.text else []) + src.names + [src.target]
    first_feature = 1 + (1 if src.text else 0)

    def row(i):
        cells = [i + 1] + ([src.text[1][i]] if src.text else [])
        return cells + [float(v) for v in src.X[i]] + [int(src.y[i])]

    order = list(range(n))
    rng.shuffle(order)
    ntest = min(max(n // 4, 20), 400)
    test_rows = [row(i) for i in order[:ntest]]
    train_rows = [row(i) for i in order[ntest:]]

    if case.variant in WITH_MISSING:
        for r in train_rows + test_rows:
            for j in range(first_feature, len(header) - 1):
                if rng.random() < 0.03:
                    r[j] = None
        for r in train_rows:
            if rng.random() < 0.01:
                r[-1] = None

    # three files; repeats of earlier rows spread over the later ones
    third = len(train_rows) // 3
    files = [train_rows[:third], train_rows[third:2 * third], train_rows[2 * third:]]
    files = [[(r, False) for r in f] for f in files]
    for k in (1, 2):
        for _ in range(max(1, len(train_rows) // 25)):
            earlier = rng.choice(files[rng.randrange(k)] or files[k])[0]
            files[k].insert(rng.randrange(len(files[k]) + 1), (earlier, True))
    # and one repeat inside the first file
    if files[0]:
        files[0].append((files[0][0][0], True))

    sp = Speller(case, rng)

    def spell(r, j, repeat, file_index):
        v = r[j]
        if v is None:
            return sp.missing((r[0], j), repeat)
        if j == len(header) - 1:
            return sp.target(v, file_index)
        if src.text and j == 1:
            return v
        integral = j == 0 or src.integral[j - first_feature]
        return sp.number((r[0], j), v, integral, repeat)

    os.makedirs(os.path.join(ws, "practicedata"))
    os.makedirs(os.path.join(ws, "testdata"))
    for k, rows in enumerate(files):
        names = list(header)
        lines = []
        for r, repeat in rows:
            fields = [spell(r, j, repeat, k) for j in range(len(r))]
            if "short_rows" in caps and k > 0 and rng.random() < 0.04:
                fields = fields[:len(fields) - rng.randint(1, 2)]
            lines.append(fields)
        if "repeated_name" in caps:
            names += ["note", "note"]
            lines = [f + [str(rng.randint(0, 9)), str(rng.randint(0, 9))]
                     if len(f) == len(header) else f for f in lines]
        if "extra_column" in caps and k == 2:
            names.append("extra")
            lines = [f + [str(rng.randint(0, 99))] if len(f) == len(names) - 1 else f
                     for f in lines]
        if "realign" in caps and k == 1:
            perm = list(range(len(names)))
            rng.shuffle(perm)
            names = [names[p] for p in perm]
            lines = [[f[p] for p in perm if p < len(f)] for f in lines]
            # a short row stays short at the end: keep only full rows
            lines = [f for f in lines if len(f) == len(names)]
        write_csv(os.path.join(ws, "practicedata", "abc"[k] + ".csv"), names, lines)

    test_lines = [[spell(r, j, False, 1) for j in range(len(r))] for r in test_rows]
    write_csv(os.path.join(ws, "testdata", "testdata.csv"), header, test_lines)

    cfg = {"input_folder_path": "practicedata", "output_folder_path": "ingesteddata",
           "test_data_path": "testdata", "output_model_path": "practicemodels",
           "prod_deployment_path": "production_deployment",
           "features": src.names, "target": src.target,
           "model": {"C": src.C, "tol": src.tol, "max_iter": src.max_iter}}
    with open(os.path.join(ws, "config.json"), "w") as f:
        json.dump(cfg, f, indent=1)
        f.write("\n")
    return (case.variant in BYTE_IDENTICAL and all(src.integral)
            and case.variant not in WITH_MISSING)


def write_csv(path, header, lines):
    with open(path, "w", newline="") as f:
        f.write(",".join(header) + "\n")
        for fields in lines:
            f.write(",".join(fields) + "\n")


# --- running the corpus ----------------------------------------------------

def run_case(case, bindir, ws):
    """Build, run, compare: a list of (field, difference), empty when the
    case agrees."""
    want_bytes = build_case(case, ws)
    try:
        cfg = Config(ws)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            orc = Oracle(cfg)
    except OracleError as e:
        return [("oracle", str(e))]
    return compare_all(bindir, ws, cfg, orc, want_bytes)


def select(cases, fast, group, text):
    out = []
    for c in cases:
        if text and text not in c.name:
            continue
        if group and group not in c.caps:
            continue
        if fast and (not c.fast or set(c.caps) & set(HELD_BACK)):
            continue
        out.append(c)
    return out


def run_corpus(bindir, fast, group, text, keep, listing):
    cases = select(corpus(), fast, group, text)
    if listing:
        for c in cases:
            print(f"{c.name:28} {'fast' if c.fast else 'full'} {' '.join(c.caps)}")
        return 0
    if not cases:
        print("crosscheck: no case selected", file=sys.stderr)
        return 2
    if fast and HELD_BACK:
        print(f"held back: {' '.join(sorted(HELD_BACK))}")
    top = keep or tempfile.mkdtemp(prefix="crosscheck.")
    start = time.monotonic()
    results = []
    try:
        for c in cases:
            ws = os.path.join(top, c.name)
            shutil.rmtree(ws, ignore_errors=True)
            os.makedirs(ws)
            diffs = run_case(c, bindir, ws)
            results.append((c, diffs))
            verdict = "FAIL" if diffs else "ok"
            print(f"{verdict:4} {c.name:28} [{' '.join(c.caps)}]")
            for field, diff in diffs:
                print(f"     {field}: {diff}")
            sys.stdout.flush()
            if not keep:
                shutil.rmtree(ws, ignore_errors=True)
    finally:
        if not keep:
            shutil.rmtree(top, ignore_errors=True)
    seconds = time.monotonic() - start

    print()
    groups = sorted({g for c, _ in results for g in c.caps})
    for g in groups:
        report_group(g, [(c, diffs) for c, diffs in results if g in c.caps])
    failed = sum(1 for _, diffs in results if diffs)
    print(f"crosscheck: {len(results)} cases, {len(results) - failed} agree, "
          f"{failed} differ ({seconds:.0f} s)")
    return 1 if failed else 0


def report_group(group, results):
    """How many of the group's cases agree, and its first mismatch. A data
    group also says how many agree in the data fields (all but the model's)
    and shows its first mismatch there; a training group says how many agree
    among the cases whose data fields agree, and shows its first mismatch
    among those: what the group itself decides."""
    agree = sum(1 for _, diffs in results if not diffs)
    note = " (held back from --fast)" if group in HELD_BACK else ""
    data_ok = [(c, diffs) for c, diffs in results
               if all(field in TRAINING_FIELDS for field, _ in diffs)]
    if group in TRAINING_GROUPS:
        print(f"group {group}: {agree}/{len(results)} agree, {agree}/{len(data_ok)} "
              f"of those whose data fields agree{note}")
        first = [(c, d) for c, diffs in data_ok for d in diffs]
    else:
        print(f"group {group}: {agree}/{len(results)} agree, {len(data_ok)}/"
              f"{len(results)} in the data fields{note}")
        first = [(c, d) for c, diffs in results for d in diffs
                 if d[0] not in TRAINING_FIELDS]
    if first:
        # the case exercising the fewest capabilities says most
        c, (field, diff) = min(first, key=lambda cd: len(cd[0].caps))
        print(f"  first mismatch: {c.name}: {field}: {diff}")


def ks_pairs(fast):
    """(name, a, b): the samples of --ks, the same every run"""
    rng = np.random.default_rng(13)
    small = [(5, 5), (7, 10), (26, 30), (100, 100), (300, 250), (507, 594),
             (1000, 999), (2000, 3000), (9999, 10000), (10000, 10000)]
    large = [(10001, 50), (20000, 30), (20000, 140), (12000, 200),
             (15000, 3000), (10001, 10001), (50000, 400), (30000, 20000)]
    out = []
    for n1, n2 in small if fast else small + large:
        if fast and n1 > 1000:
            continue
        for shift in (0, 0.05, 0.3, 1.0):
            out.append((f"normal {n1}/{n2} shift {shift}",
                        rng.normal(size=n1), rng.normal(shift, 1, n2)))
        out.append((f"ties {n1}/{n2}", rng.integers(0, 5, n1).astype(float),
                    rng.integers(0, 6, n2).astype(float)))
        out.append((f"counts {n1}/{n2}",
                    np.floor(rng.lognormal(3, 1.2, n1)),
                    np.floor(rng.lognormal(3.2, 1.2, n2))))
    return out


def ks_psi(ref, cur):
    """riskwatch's PSI: numpy quantile edges at 0.1..0.9, right-closed bins,
    0.0001 for an empty bin, summed in bin order"""
    edges = []
    for k in range(1, 10):
        e = float(np.quantile(ref, k / 10.0))
        if not edges or e != edges[-1]:
            edges.append(e)
    r = list(np.searchsorted(ref, edges, "right")) + [len(ref)]
    c = list(np.searchsorted(cur, edges, "right")) + [len(cur)]
    s, r0, c0 = 0.0, 0, 0
    for r1, c1 in zip(r, c):
        p = (r1 - r0) / len(ref) or 0.0001
        q = (c1 - c0) / len(cur) or 0.0001
        s += (q - p) * math.log(q / p)
        r0, c0 = r1, c1
    return s


def run_ks(driver, fast):
    from scipy import stats
    cases = ks_pairs(fast)
    text = "".join(" ".join(repr(float(x)) for x in a) + "\n" +
                   " ".join(repr(float(x)) for x in b) + "\n"
                   for _, a, b in cases)
    proc = subprocess.run([driver, "--pairs"], input=text, text=True,
                          capture_output=True, timeout=TOOL_TIMEOUT)
    got = proc.stdout.split("\n")
    if proc.returncode != 0 or len(got) < len(cases):
        print(f"crosscheck: {driver} failed: {proc.stderr.strip()}",
              file=sys.stderr)
        return 1
    bad = 0
    for (name, a, b), line in zip(cases, got):
        d, p, exact, psi, wd = line.split()
        with warnings.catch_warnings():
            # scipy's note that its exact method gave way to the asymptotic
            warnings.simplefilter("ignore", RuntimeWarning)
            r = stats.ks_2samp(a, b)
        want_wd = stats.wasserstein_distance(a, b)
        want_psi = ks_psi(np.sort(a), np.sort(b))
        diffs = []
        if float(d) != r.statistic:
            diffs.append(f"ks {d} != {r.statistic!r}")
        if not abs(float(p) - r.pvalue) <= 1e-12:
            diffs.append(f"p {p} != {r.pvalue!r}")
        for what, x, y in (("wasserstein", float(wd), want_wd),
                           ("psi", float(psi), want_psi)):
            if not abs(x - y) <= 1e-12 * max(abs(x), abs(y), 1e-300):
                diffs.append(f"{what} {x!r} != {y!r}")
        method = "exact" if exact == "1" else "asymptotic"
        print(("FAIL " if diffs else "ok ") + f"{name} ({method})")
        for line in diffs:
            print("  " + line)
        bad += bool(diffs)
    print(f"crosscheck: {bad} of {len(cases)} pairs differ")
    return 1 if bad else 0


def usage():
    print("usage: crosscheck.py BINDIR WORKSPACE\n"
          "       crosscheck.py --oracle-only WORKSPACE\n"
          "       crosscheck.py --corpus [--fast] [--list] [-g GROUP] [-k TEXT] "
          "[--keep DIR] BINDIR\n"
          "       crosscheck.py --ks [--fast] DRIVER", file=sys.stderr)
    return 2


def main(argv):
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0
    if argv and argv[0] == "--oracle-only":
        if len(argv) != 2 or not os.path.isdir(argv[1]):
            return usage()
        try:
            Oracle(Config(argv[1])).show()
        except OracleError as e:
            print(f"crosscheck: oracle: {e}", file=sys.stderr)
            return 2
        return 0
    if argv and argv[0] == "--ks":
        fast = len(argv) == 3 and argv[1] == "--fast"
        if len(argv) != 2 + fast:
            return usage()
        return run_ks(os.path.abspath(argv[-1]), fast)
    if argv and argv[0] == "--corpus":
        fast = listing = False
        group = text = keep = None
        args = argv[1:]
        while args and args[0].startswith("-"):
            opt = args.pop(0)
            if opt == "--fast":
                fast = True
            elif opt == "--list":
                listing = True
            elif opt in ("-g", "-k", "--keep") and args:
                value = args.pop(0)
                if opt == "-g":
                    group = value
                elif opt == "-k":
                    text = value
                else:
                    keep = os.path.abspath(value)
            else:
                return usage()
        if len(args) != 1 and not (listing and not args):
            return usage()
        bindir = os.path.abspath(args[0]) if args else None
        return run_corpus(bindir, fast, group, text, keep, listing)
    if len(argv) != 2:
        return usage()
    bindir, ws = argv
    if not os.path.isdir(ws):
        print(f"crosscheck: {ws}: not a directory", file=sys.stderr)
        return 2
    return check_workspace(bindir, ws)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
