# Databricks notebook source
# MAGIC %md
# MAGIC # Probability of default: train, validate out of time, explain, score
# MAGIC
# MAGIC **Purpose.** Estimate each borrower's probability of defaulting (an instalment 90 days
# MAGIC past due, or a loan in default or charged off) within the next 12 months, from what the
# MAGIC bank knew at the start of the month, and write it to `gold.customer_default_scores`.
# MAGIC
# MAGIC **Story.** Load the gold features, hold out a share of customers altogether and test on
# MAGIC them at the latest labelled months (out of borrower and out of time), fit the champion
# MAGIC (a WoE-binned monotonic scorecard) and the challenger (a calibrated logistic regression)
# MAGIC on the same training rows, show the evidence with customer-clustered 95% intervals and
# MAGIC the oracle, a rolling-origin backtest, the terms, score the customers at the latest date
# MAGIC with their adverse-action reasons, and write the models, the evidence and the scores.
# MAGIC
# MAGIC Every step is a function of `ml/` (tested in `tests/ml/`); the cells only call them.
# MAGIC Locally this file runs as a script: `python ml/default_model.py --lake DIR`.

# COMMAND ----------

# The project is installed as a package (locally `make install`; on Databricks the wheel built
# by `pip wheel --no-deps .` attached to the cluster), so `ml` imports like any library: no
# sys.path edits, no import-dir.
from ml.runtime import (
    declare_widgets,
    notebook_display,
    notebook_spark,
    notebook_widgets,
    read_params,
)
from ml.train import TrainingRun

# COMMAND ----------

# MAGIC %md
# MAGIC ## Parameters
# MAGIC
# MAGIC | widget | default | meaning |
# MAGIC |---|---|---|
# MAGIC | `source` | `parquet` | `parquet`: the lake's export `<lake>/gold/loan_default_features/`; `table`: the catalog table |
# MAGIC | `lake` | `$FINLAKE_LAKE` or `lake` | lake folder (source `parquet`) |
# MAGIC | `features_table` | `gold.loan_default_features` | catalog table (source `table`) |
# MAGIC | `output` | `<lake>/ml` | folder for the model, metrics.json, plots and model card (required for `table`, e.g. a Unity Catalog volume) |
# MAGIC | `scores_table` | `gold.customer_default_scores` | scores table (source `table`; locally the scores go to `<lake>/gold/customer_default_scores/`) |
# MAGIC | `truth` | `<lake>/_truth/default_risk_monthly.csv` if present | generator ground truth, for the oracle comparison only |
# MAGIC | `test_months` | `2` | latest labelled months held out as the out-of-time test |
# MAGIC | `gap_months` | `0` | labelled months left out between training and test |
# MAGIC | `seed` | `42` | fixes the cross-validation folds |

# COMMAND ----------

widgets = notebook_widgets(globals())
declare_widgets(widgets)
params = read_params(widgets)
spark = notebook_spark(globals())
display = notebook_display(globals())
run = TrainingRun(spark, params)
print(f"source: {params.source.describe()}")
print(f"outputs: {params.outputs.artifacts} and {params.outputs.scores_location}")

# COMMAND ----------

# MAGIC %md
# MAGIC ## Load gold
# MAGIC The columns the model reads are checked against the gold contract; the run stops if a
# MAGIC (customer, date) key repeats or a feature was read on or after its observation date.

# COMMAND ----------

display(run.load())

# COMMAND ----------

# MAGIC %md
# MAGIC ## Split out of borrower and out of time
# MAGIC Training: the earlier labelled months of the customers not held out. Test: the held-out
# MAGIC customers at the latest `test_months` labelled months (checked on the data: later than
# MAGIC every training row, no customer in both). Inputs that are all null or constant in the
# MAGIC training rows are left out and listed. Why not an 11-month gap: `ml/split.py`.

# COMMAND ----------

display(run.split())

# COMMAND ----------

# MAGIC %md
# MAGIC ## Fit
# MAGIC Challenger: imputation (+ missing indicators), one-hot encoding, every input standardised,
# MAGIC class-weighted logistic regression with regParam x elasticNetParam chosen by
# MAGIC cross-validated log loss (folds grouped by customer, grid widened until its optimum is
# MAGIC inside), Platt calibration. Champion: monotonic WoE bins, logistic regression on the WoE
# MAGIC (penalty by grouped CV); the table shows the champion's penalty grid.

# COMMAND ----------

display(run.fit())

# COMMAND ----------

# MAGIC %md
# MAGIC ## Evaluate on unseen borrowers
# MAGIC ROC AUC, PR AUC, KS, Gini, Brier with customer-clustered bootstrap 95% intervals, for both
# MAGIC models and the oracle (true PD) where the generator's truth exists; the run fails if a
# MAGIC model beats the oracle beyond its interval, and warns when the test set is too small.
# MAGIC Calibration by decile; segments; a rolling-origin backtest.

# COMMAND ----------

calibration = run.evaluate()
print(
    {k: round(run.metrics[k], 4) for k in ("auc_roc", "pr_auc", "ks", "gini", "brier")}
    | {
        k: run.metrics[k]
        for k in ("auc_roc_ci_95", "oracle_auc", "oracle_auc_ci_95")
        if k in run.metrics
    }
    | {"challenger_auc_roc": round(run.metrics["challenger"]["auc_roc"], 4)}
)
display(calibration)

# COMMAND ----------

# MAGIC %md
# MAGIC ## Explain
# MAGIC The champion's terms: information value, bins, coefficient with its customer-clustered
# MAGIC standard error and sign stability over bootstrap refits. The challenger's odds ratios
# MAGIC are in metrics.json (`odds_ratios`).

# COMMAND ----------

display(run.explain())

# COMMAND ----------

# MAGIC %md
# MAGIC ## Score
# MAGIC The champion's PD, risk band (A < 1% <= B < 3% <= C < 10% <= D < 25% <= E) and up to
# MAGIC three adverse-action reasons per customer at the scoring date; `scored_at` is that date
# MAGIC (the data's as-of), not the clock.

# COMMAND ----------

display(run.score())

# COMMAND ----------

# MAGIC %md
# MAGIC ## Write
# MAGIC The models (challenger `model/`, champion `scorecard.json`), metrics.json,
# MAGIC model_card.md, roc.png and calibration.png into `output`, and
# MAGIC the scores into the lake or the catalog; logged to MLflow where it is installed.

# COMMAND ----------

result = run.write()
print(result.describe())
