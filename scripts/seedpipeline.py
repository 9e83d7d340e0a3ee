#!/usr/bin/python3
"""The original system's ingest, train and score, as its Python code does
them, for scripts/bench to compare with: usage: seedpipeline.py WORKSPACE.
Writes its outputs to WORKSPACE/seedpipeline/."""
import glob
import os
import sys

import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

ws = sys.argv[1]
out = os.path.join(ws, "seedpipeline")
os.makedirs(out, exist_ok=True)
files = sorted(glob.glob(os.path.join(ws, "practicedata", "*.csv")))
df = pd.concat([pd.read_csv(f) for f in files]).drop_duplicates()
df.to_csv(os.path.join(out, "finaldata.csv"), index=False)
data = pd.read_csv(os.path.join(out, "finaldata.csv"))
features = ["lastmonth_activity", "lastyear_activity", "number_of_employees"]
model = LogisticRegression(solver="liblinear").fit(data[features], data["exited"])
test = pd.read_csv(os.path.join(ws, "testdata", "testdata.csv"))
print(f1_score(test["exited"], model.predict(test[features])))
