"""Population stability of the champion on a built lake, in seconds rather than a training run.

    python bench/monitoring_psi.py LAKE [INPUT ...]

Numpy stand-in for the monitoring figures of `finlake train`: split as ml/split.py does (30% of
customers held out - by a CRC32 hash, not Spark's -, the last 2 labelled months tested), fit the
champion with ml.scorecard, monitor with ml.monitoring against the latest 3 training months,
print score and input PSI (and each INPUT named at every later date). Reports figures; never
fails on them.
"""

import sys
import zlib

import duckdb

from ml import monitoring
from ml.evaluation import auc_roc
from ml.features import DERIVED, feature_spec
from ml.scorecard import ScorecardSettings, fit_scorecard
from ml.validation import scorecard_inputs

lake = sys.argv[1]
flags = ", ".join(f"cast(coalesce({c}, false) as double) as {n}" for n, (c, _) in DERIVED.items())
df = duckdb.sql(
    f"select * replace (cast(has_mortgage as double) as has_mortgage), {flags}, "
    f"cast(defaults_within_window as double) as label from '{lake}/gold/loan_default_features/*.parquet'"
).df()
df["observation_date"] = df["observation_date"].astype(str)
h = df["customer_id"].map(lambda c: zlib.crc32(c.encode()) % 100)
held = h < 30
df["fold"] = df["customer_id"].map(lambda c: zlib.crc32((c + "f").encode()) % 3)
labelled = sorted(df.loc[df.label.notna(), "observation_date"].unique())
train_dates, test_dates = labelled[:-2], labelled[-2:]
train = df[df.observation_date.isin(train_dates) & ~held]
numeric, categorical = scorecard_inputs(feature_spec())
numeric = [c for c in numeric if c in df]
card = fit_scorecard(
    train,
    train.label.to_numpy(float),
    numeric,
    categorical,
    train.fold.to_numpy(),
    train.customer_id.to_numpy(),
    ScorecardSettings(sign_bootstrap=0),
)
df["pd"] = card.predict(df)
test = df[df.observation_date.isin(test_dates) & held]
print(
    lake,
    "champion AUC (unseen, test months)",
    round(auc_roc(test.label.to_numpy(float), test.pd.to_numpy()), 3),
)
ref = train[train.observation_date.isin(train_dates[-3:])].assign(pd=df.loc[train.index, "pd"])
ref = ref[ref.observation_date.isin(train_dates[-3:])]
later = df[df.observation_date > train_dates[-1]]
frame = monitoring.monitor(ref, later, card, "pd", "label", "check")
s = monitoring.summary(frame)
last = s["latest_date"]
print("score PSI by date:", {d: round(v, 3) for d, v in s["score_psi"].items()})
inputs = frame[frame.measure == "psi_input"]
at_last = inputs[inputs.observation_date == last].sort_values("metric_value", ascending=False)
print(
    "inputs at",
    last,
    ":",
    ", ".join(f"{r.subject} {r.metric_value:.3f}" for r in at_last.head(5).itertuples()),
)
print(
    "max input PSI over later dates:",
    round(inputs.metric_value.max(), 3),
    inputs.sort_values("metric_value").iloc[-1][["observation_date", "subject"]].tolist(),
    "| max score PSI:",
    round(max(s["score_psi"].values()), 3),
    "| scorecard inputs:",
    len(card.features),
)
for watched in sys.argv[2:]:  # e.g. fees_3m: its PSI at every later date
    rows = inputs[inputs.subject == watched]
    print(
        watched,
        {str(r.observation_date): round(r.metric_value, 3) for r in rows.itertuples()}
        if len(rows)
        else "not a scorecard input",
    )
