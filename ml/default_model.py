# Databricks notebook source
# MAGIC %md
# MAGIC # Probability of default: train, validate out of time, explain, score
# MAGIC
# MAGIC **Purpose.** Estimate each borrower's probability of defaulting (an instalment 90 days
# MAGIC past due, or a loan in default or charged off) within the next 12 months, from what the
# MAGIC bank knew at the start of the month, and write it to `gold.customer_default_scores`.
# MAGIC
# MAGIC **Story.** Load the gold features, hold out the latest labelled months as an
# MAGIC out-of-time test, fit a class-weighted, calibrated logistic regression whose
# MAGIC regularisation is chosen by cross-validation, show the evidence (discrimination,
# MAGIC calibration, odds ratios), score the customers at the latest date, and write the model,
# MAGIC the evidence and the scores.
# MAGIC
# MAGIC Every step is a function of `ml/` (tested in `tests/ml/`); the cells only call them.
# MAGIC Locally this file runs as a script: `python ml/default_model.py --lake DIR`.

# COMMAND ----------

# Make the repository importable: on Databricks the notebook's folder (ml/) is the working
# directory; as a script, this file's folder is.
import os
import sys

_here = os.path.dirname(os.path.abspath(__file__)) if "__file__" in globals() else os.getcwd()
_repo = os.path.dirname(_here)
if _repo not in sys.path:
    sys.path.insert(0, _repo)

from ml.runtime import (  # noqa: E402
    declare_widgets,
    notebook_display,
    notebook_spark,
    notebook_widgets,
    read_params,
)
from ml.train import TrainingRun  # noqa: E402

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
# MAGIC ## Split out of time
# MAGIC Training: the earlier labelled months. Test: the latest `test_months` labelled months,
# MAGIC all later than every training row (checked on the data). Months whose 12-month label
# MAGIC window is not complete are neither fitted nor tested; the scoring date is the month after
# MAGIC the latest extract. Why there is no 11-month gap: `ml/split.py`.

# COMMAND ----------

display(run.split())

# COMMAND ----------

# MAGIC %md
# MAGIC ## Fit
# MAGIC Imputation (+ missing indicators), scaling, one-hot encoding, class-weighted logistic
# MAGIC regression; regParam x elasticNetParam chosen by cross-validated AUC with folds grouped
# MAGIC by customer; then Platt calibration so that PDs match default rates.

# COMMAND ----------

display(run.fit())

# COMMAND ----------

# MAGIC %md
# MAGIC ## Evaluate on the out-of-time test months
# MAGIC ROC AUC, PR AUC, KS, Gini, Brier; calibration by decile of predicted PD with the 95%
# MAGIC band the observed rate should fall in; the oracle (true PD) where the generator's truth
# MAGIC exists.

# COMMAND ----------

calibration = run.evaluate()
print(
    {k: round(run.metrics[k], 4) for k in ("auc_roc", "pr_auc", "ks", "gini", "brier")}
    | {
        k: round(run.metrics[k], 4)
        for k in ("oracle_auc", "auc_ratio_to_oracle")
        if k in run.metrics
    }
)
display(calibration)

# COMMAND ----------

# MAGIC %md
# MAGIC ## Explain
# MAGIC Coefficients of the final (calibrated) model as odds ratios: per one standard deviation
# MAGIC for numeric inputs, flag on vs off for indicators, against the most frequent category
# MAGIC for categories.

# COMMAND ----------

display(run.explain())

# COMMAND ----------

# MAGIC %md
# MAGIC ## Score
# MAGIC PD and risk band (A < 1% <= B < 3% <= C < 10% <= D < 25% <= E) per customer at the
# MAGIC scoring date; `scored_at` is that date (the data's as-of), not the clock.

# COMMAND ----------

display(run.score())

# COMMAND ----------

# MAGIC %md
# MAGIC ## Write
# MAGIC The model, metrics.json, model_card.md, roc.png and calibration.png into `output`, and
# MAGIC the scores into the lake or the catalog; logged to MLflow where it is installed.

# COMMAND ----------

result = run.write()
print(result.describe())
