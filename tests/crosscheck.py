#!/usr/bin/python3
"""crosscheck - compare riskwatch's ingest, train and score with pandas and
scikit-learn on one workspace.

usage: /usr/bin/python3 tests/crosscheck.py BINDIR WORKSPACE
       /usr/bin/python3 tests/crosscheck.py --oracle-only WORKSPACE

Runs BINDIR/ingest, BINDIR/train and BINDIR/score (each with -q -C WORKSPACE),
then checks, against what the original Python system computes:

  finaldata.csv  byte-identical to
                 pd.concat([pd.read_csv(f) for f in sorted(input/*.csv)])
                   .drop_duplicates().to_csv(index=False)
  rows           the same number of rows
  model          trainedmodel.json: coefficients and intercept within 1e-6
                 relative of LogisticRegression(solver="liblinear", C, tol,
                 max_iter) fitted on the rows without missing values; the
                 same rows and iterations
  f1             what score prints equals repr(f1_score(...)) of the sklearn
                 model on test_data_path/testdata.csv, and latestscore.txt
                 holds the same string

One line per check ("ok rows 26", "FAIL coef got ... want ..."). Exit status:
0 all checks passed, 1 a check failed, 2 usage error or a workspace the
oracle cannot read. --oracle-only runs no tool and prints the oracle's
values. Writes into the workspace (the tools' outputs); nothing else.
"""

import glob
import hashlib
import io
import json
import math
import os
import subprocess
import sys
import warnings

import pandas as pd
from sklearn.exceptions import ConvergenceWarning, UndefinedMetricWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

DEFAULT_FEATURES = ["lastmonth_activity", "lastyear_activity", "number_of_employees"]
DEFAULT_MODEL = {"C": 1.0, "tol": 1e-4, "max_iter": 100}
MODEL_KEYS = ["format", "features", "target", "coefficients", "intercept", "C",
              "tol", "iterations", "rows", "data_sha256", "trained_at"]
REL_TOL = 1e-6
ABS_FLOOR = 1e-12  # |a-b| <= REL_TOL * max(|a|, |b|, ABS_FLOOR)
TOOL_TIMEOUT = 600


class OracleError(Exception):
    pass


def close(a, b):
    return abs(a - b) <= REL_TOL * max(abs(a), abs(b), ABS_FLOOR)


def fmt(x):
    return repr(float(x)) if isinstance(x, float) else repr(x)


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


class Oracle:
    """What pandas and scikit-learn make of the workspace."""

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
        self.finaldata = final.to_csv(index=False).encode("utf-8")
        self.rows = len(final)

        # train as the original system does: on finaldata.csv as written
        df = pd.read_csv(io.BytesIO(self.finaldata))
        cols = cfg.features + [cfg.target]
        for c in cols:
            if c not in df.columns:
                raise OracleError(f"finaldata has no column {c!r}")
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
        t = t.dropna(subset=cols)
        pred = model.predict(t[cfg.features].to_numpy(dtype=float))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UndefinedMetricWarning)
            self.f1 = float(f1_score(t[cfg.target].to_numpy(), pred))
        self.f1_repr = repr(self.f1)

    def show(self):
        print(f"oracle files {' '.join(os.path.basename(f) for f in self.files)}")
        print(f"oracle rows_read {self.rows_read}")
        print(f"oracle rows {self.rows}")
        print(f"oracle finaldata_sha256 {hashlib.sha256(self.finaldata).hexdigest()}")
        print(f"oracle train_rows {self.train_rows}")
        if self.model is None:
            print(f"oracle fit_error {self.fit_error}")
            return
        print(f"oracle coef {' '.join(fmt(c) for c in self.coef)}")
        print(f"oracle intercept {fmt(self.intercept)}")
        print(f"oracle n_iter {self.n_iter}")
        print(f"oracle f1 {self.f1_repr}")


class Checker:
    def __init__(self):
        self.failed = 0
        self.count = 0

    def ok(self, what, detail=""):
        self.count += 1
        print(f"ok {what}{' ' + detail if detail else ''}")

    def fail(self, what, detail=""):
        self.count += 1
        self.failed += 1
        print(f"FAIL {what}{' ' + detail if detail else ''}")

    def check(self, cond, what, ok_detail="", fail_detail=""):
        if cond:
            self.ok(what, ok_detail)
        else:
            self.fail(what, fail_detail)
        return cond


def run_tool(ck, bindir, tool, ws, expect_fail=False):
    """Run BINDIR/TOOL -q -C WS; returns (exit status or None, stdout).
    With expect_fail, a non-zero exit is only reported, not failed."""
    exe = os.path.join(bindir, tool)
    try:
        p = subprocess.run([exe, "-q", "-C", ws], stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=TOOL_TIMEOUT)
    except FileNotFoundError:
        ck.fail(tool, f"{exe}: not found")
        return None, b""
    except PermissionError:
        ck.fail(tool, f"{exe}: not executable")
        return None, b""
    except subprocess.TimeoutExpired:
        ck.fail(tool, f"timed out after {TOOL_TIMEOUT} s")
        return None, b""
    err = p.stderr.decode("utf-8", "replace").strip().splitlines()
    msg = f": {err[-1]}" if err else ""
    if p.returncode < 0:
        ck.fail(tool, f"killed by signal {-p.returncode}{msg}")
    elif p.returncode != 0 and expect_fail:
        print(f"{tool} exit {p.returncode}{msg}")
    elif p.returncode != 0:
        ck.fail(tool, f"exit {p.returncode}{msg}")
    else:
        ck.ok(tool, "exit 0")
    return p.returncode, p.stdout


def first_difference(got, want):
    g = got.split(b"\n")
    w = want.split(b"\n")
    for i, (a, b) in enumerate(zip(g, w), 1):
        if a != b:
            return i, a, b
    n = min(len(g), len(w)) + 1
    return n, b"\n".join(g[n - 1:n]), b"\n".join(w[n - 1:n])


def check_ingest(ck, cfg, orc):
    path = os.path.join(cfg.output, "finaldata.csv")
    try:
        with open(path, "rb") as f:
            got = f.read()
    except OSError as e:
        ck.fail("finaldata", str(e))
        ck.fail("rows", f"no finaldata.csv, want {orc.rows}")
        return
    if got == orc.finaldata:
        ck.ok("finaldata", f"{len(got)} bytes, identical")
    else:
        line, a, b = first_difference(got, orc.finaldata)
        ck.fail("finaldata", f"differs at line {line}: got {a!r} want {b!r}")
    rows = max(got.count(b"\n") + (0 if got.endswith(b"\n") or not got else 1) - 1, 0)
    ck.check(rows == orc.rows, "rows", str(rows), f"got {rows} want {orc.rows}")

    # ingestedfiles.txt: the input files, paths relative to the workspace
    path = os.path.join(cfg.output, "ingestedfiles.txt")
    want = [os.path.normpath(os.path.join(cfg.input_rel, os.path.basename(f)))
            for f in orc.files]
    try:
        with open(path, encoding="utf-8") as f:
            got = [os.path.normpath(l.split("\t")[0]) for l in f.read().splitlines() if l]
    except (OSError, ValueError) as e:
        ck.fail("ingestedfiles", str(e))
        return
    ck.check(sorted(got) == sorted(want), "ingestedfiles", str(len(got)),
             f"got {got} want {want}")


def check_model(ck, cfg, orc):
    path = os.path.join(cfg.model, "trainedmodel.json")
    try:
        with open(path, encoding="utf-8") as f:
            m = json.load(f)
    except (OSError, ValueError) as e:
        ck.fail("model", f"{path}: {e}")
        return False
    if not isinstance(m, dict):
        ck.fail("model", f"{path}: not a JSON object")
        return False
    missing = [k for k in MODEL_KEYS if k not in m]
    ck.check(not missing, "model keys", "", f"missing {' '.join(missing)}")
    ck.check(m.get("format") == "riskwatch-model/1", "format", m.get("format", ""),
             f"got {m.get('format')!r}")
    ck.check(m.get("features") == cfg.features, "features", "",
             f"got {m.get('features')!r} want {cfg.features!r}")
    ck.check(m.get("target") == cfg.target, "target", "",
             f"got {m.get('target')!r} want {cfg.target!r}")
    for key, want in (("C", cfg.C), ("tol", cfg.tol)):
        got = m.get(key)
        ck.check(isinstance(got, (int, float)) and float(got) == want, key,
                 fmt(want), f"got {got!r} want {fmt(want)}")

    coef = m.get("coefficients")
    if (not isinstance(coef, list) or len(coef) != len(orc.coef)
            or not all(isinstance(c, (int, float)) and math.isfinite(c) for c in coef)):
        ck.fail("coef", f"got {coef!r} want {' '.join(fmt(c) for c in orc.coef)}")
    else:
        bad = [i for i, (a, b) in enumerate(zip(coef, orc.coef)) if not close(a, b)]
        ck.check(not bad, "coef", " ".join(fmt(float(c)) for c in coef),
                 f"got {' '.join(fmt(float(c)) for c in coef)} "
                 f"want {' '.join(fmt(c) for c in orc.coef)} (differ at {bad})")
    b = m.get("intercept")
    if not isinstance(b, (int, float)) or not math.isfinite(b):
        ck.fail("intercept", f"got {b!r} want {fmt(orc.intercept)}")
    else:
        ck.check(close(b, orc.intercept), "intercept", fmt(float(b)),
                 f"got {fmt(float(b))} want {fmt(orc.intercept)}")
    it = m.get("iterations")
    ck.check(it == orc.n_iter, "iterations", str(orc.n_iter),
             f"got {it!r} want {orc.n_iter}")
    rows = m.get("rows")
    ck.check(rows == orc.train_rows, "model rows", str(orc.train_rows),
             f"got {rows!r} want {orc.train_rows}")
    return True


def check_score(ck, cfg, orc, stdout):
    got = stdout.decode("utf-8", "replace").strip()
    ck.check(got == orc.f1_repr, "f1", got, f"got {got!r} want {orc.f1_repr!r}")
    path = os.path.join(cfg.model, "latestscore.txt")
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, ValueError) as e:
        ck.fail("latestscore", str(e))
        return
    ck.check(text.strip() == orc.f1_repr, "latestscore", text.strip(),
             f"got {text!r} want {orc.f1_repr!r}")


def usage():
    print("usage: crosscheck.py BINDIR WORKSPACE\n"
          "       crosscheck.py --oracle-only WORKSPACE", file=sys.stderr)
    return 2


def main(argv):
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0
    oracle_only = False
    if argv and argv[0] == "--oracle-only":
        oracle_only = True
        argv = argv[1:]
        if len(argv) == 2:  # BINDIR given too: ignore it
            argv = argv[1:]
        if len(argv) != 1:
            return usage()
        bindir, ws = None, argv[0]
    elif len(argv) == 2:
        bindir, ws = argv
    else:
        return usage()
    if not os.path.isdir(ws):
        print(f"crosscheck: {ws}: not a directory", file=sys.stderr)
        return 2

    try:
        cfg = Config(ws)
        if oracle_only:
            Oracle(cfg).show()
            return 0
    except OracleError as e:
        print(f"crosscheck: oracle: {e}", file=sys.stderr)
        return 2

    ck = Checker()
    try:
        orc = Oracle(cfg)
    except OracleError as e:
        print(f"crosscheck: oracle: {e}", file=sys.stderr)
        return 2

    # a tool that fails has its outputs (stale ones, perhaps) left unchecked,
    # and the later tools are not run
    status, _ = run_tool(ck, bindir, "ingest", ws)
    if status != 0:
        return finish(ck)
    check_ingest(ck, cfg, orc)

    status, _ = run_tool(ck, bindir, "train", ws, expect_fail=orc.model is None)
    if orc.model is None:
        ck.check(status not in (0, None), "train refuses", orc.fit_error,
                 f"exit {status}, but sklearn: {orc.fit_error}")
        return finish(ck)
    if status != 0 or not check_model(ck, cfg, orc):
        return finish(ck)

    status, out = run_tool(ck, bindir, "score", ws)
    if status == 0:
        check_score(ck, cfg, orc, out)
    return finish(ck)


def finish(ck):
    print(f"crosscheck: {ck.count} checks, {ck.failed} failed")
    return 1 if ck.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
