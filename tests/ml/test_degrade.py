"""Training on a bank that delivers less (#14 item 8): inputs all null or constant in the
training window are dropped and listed; too little data is refused in one sentence.

The gold table here is hand-made with pyarrow, not by Spark or dbt, and shaped unlike the
generator's: columns in another order, integer types narrower or wider, no income, credit score,
employment or salary data at all, an extra numeric input nobody told the model about, and extra
label-side columns it must not read.
"""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from finlake.cli import main as finlake_main
from finlake.errors import FinlakeError
from finlake.lake import Lake
from ml.config import TrainConfig
from ml.features import is_candidate_input
from ml.train import train_and_score

EMPTY = (
    "annual_income",
    "credit_score",
    "employment_status",
    "debt_to_income",
    "salary_inflow_3m",
    "salary_inflow_prior_3m",
    "salary_change_ratio_3m",
)
MONTHS = [date(2023, m, 1) for m in range(3, 13)]  # 7 labelled, 2 unlabelled, 1 scoring


def _table(customers: int = 120, seed: int = 11, leak: bool = False) -> pa.Table:
    rng = np.random.default_rng(seed)
    columns: dict[str, list] = {
        k: []
        for k in (
            "observation_date",
            "customer_id",
            "days_past_due",
            "missed_instalments_3m",
            "missed_instalments_6m",
            "late_payments_6m",
            "partial_payments_6m",
            "instalments_due_6m",
            "active_loan_count",
            "age_years",
            "tenure_months",
            "total_principal",
            "monthly_instalment",
            "max_interest_rate",
            "primary_loan_type",
            "has_mortgage",
            "months_since_last_origination",
            "total_inflow_90d",
            "total_outflow_90d",
            "gambling_spend_90d",
            "gambling_share_90d",
            "cash_advance_90d",
            "fees_3m",
            "card_spend_90d",
            "card_repayment_ratio_90d",
            "utilisation_ratio",
            "default_reason",
            "label_is_status_based",
            "is_scoring_date",
            "defaults_within_window",
            "feature_data_max_date",
            *EMPTY,
        )
    }
    for c in range(customers):
        frailty = rng.normal()
        for m, day in enumerate(MONTHS):
            dpd = int(rng.random() < 0.1 * np.exp(frailty)) * int(rng.integers(1, 90))
            utilisation = float(np.clip(0.4 + 0.2 * frailty + rng.normal(0, 0.1), 0, 1.5))
            risk = -3.0 + 1.2 * frailty + 1.5 * (dpd > 0)
            labelled = m < 7
            row = {
                "observation_date": day,
                "customer_id": f"B-{c:04d}",
                "days_past_due": dpd,
                "missed_instalments_3m": int(dpd > 0) * int(rng.integers(1, 3)),
                "missed_instalments_6m": int(dpd > 0) * int(rng.integers(1, 5)),
                "late_payments_6m": int(rng.integers(0, 3)),
                "partial_payments_6m": int(rng.integers(0, 2)),
                "instalments_due_6m": 6,
                "active_loan_count": 1,
                "age_years": int(rng.integers(20, 80)),
                "tenure_months": int(rng.integers(1, 300)),
                "total_principal": float(rng.uniform(1_000, 200_000)),
                "monthly_instalment": float(rng.uniform(50, 2_000)),
                "max_interest_rate": float(rng.uniform(2, 20)),
                "primary_loan_type": str(rng.choice(["hipoteca", "consumo"])),
                "has_mortgage": bool(rng.random() < 0.3),
                "months_since_last_origination": int(rng.integers(1, 100)),
                "total_inflow_90d": float(rng.uniform(0, 9_000)),
                "total_outflow_90d": float(rng.uniform(0, 9_000)),
                "gambling_spend_90d": 0.0,
                "gambling_share_90d": 0.0,
                "cash_advance_90d": 0.0,
                "fees_3m": float(rng.uniform(0, 30)),
                "card_spend_90d": float(rng.uniform(0, 900)),
                "card_repayment_ratio_90d": None,
                "utilisation_ratio": utilisation,
                "default_reason": "status" if labelled else None,
                "label_is_status_based": labelled,
                "is_scoring_date": m == len(MONTHS) - 1,
                "defaults_within_window": bool(rng.random() < 1 / (1 + np.exp(-risk)))
                if labelled
                else None,
                "feature_data_max_date": date(day.year, day.month - 1, 28),
                "true_pd_12m": float(1 / (1 + np.exp(-risk))),
                **dict.fromkeys(EMPTY),
            }
            if leak:  # a column that reads the outcome: what a broken point-in-time join does
                outcome = row["defaults_within_window"]
                row["utilisation_ratio"] = float(bool(outcome)) + 0.01 * float(rng.random())
            for key, value in row.items():
                columns.setdefault(key, []).append(value)
    types = {
        "days_past_due": pa.int16(),
        "missed_instalments_3m": pa.int8(),
        "annual_income": pa.decimal128(12, 0),
        "credit_score": pa.int16(),
        "employment_status": pa.string(),
        "debt_to_income": pa.float32(),
        "salary_inflow_3m": pa.decimal128(20, 4),
        "salary_inflow_prior_3m": pa.decimal128(20, 4),
        "salary_change_ratio_3m": pa.float64(),
        "card_repayment_ratio_90d": pa.float64(),
        "default_reason": pa.string(),
    }
    return pa.table({k: pa.array(v, type=types.get(k)) for k, v in columns.items()})


def _lake(root, table: pa.Table) -> Lake:
    """A lake with the table as its gold features and the true PD as the generator's truth."""
    lake = Lake.resolve(root)
    folder = lake.gold / "loan_default_features"
    folder.mkdir(parents=True)
    pq.write_table(table.drop_columns(["true_pd_12m"]), folder / "part-0.parquet")
    lake.truth.mkdir(parents=True, exist_ok=True)
    truth = table.select(["customer_id", "observation_date", "true_pd_12m"])
    pacsv.write_csv(truth, lake.truth / "default_risk_monthly.csv")
    return lake


QUICK = TrainConfig(
    reg_params=(0.01, 0.1),
    elastic_net_params=(0.0,),
    num_folds=2,
    grid_widenings=0,
    bootstrap_samples=100,
    min_train_defaults=5,
)


@pytest.fixture(scope="module")
def bank_lake(tmp_path_factory) -> Lake:
    return _lake(tmp_path_factory.mktemp("other_bank") / "lake", _table())


@pytest.fixture(scope="module")
def trained(bank_lake, spark):
    return train_and_score(bank_lake, QUICK, spark=spark)


def test_inputs_the_bank_does_not_deliver_are_dropped_and_listed(trained):
    dropped = trained.metrics["features"]["dropped"]
    # The model reads a derived step (salary_fell_by_half) instead of the ratio itself, so an
    # empty column the model never reads is not listed among the dropped inputs.
    for column in (c for c in EMPTY if is_candidate_input(c)):
        assert dropped[column] == "all null in the training window", column
    assert dropped["cash_advance_90d"].startswith("constant (0)")
    card = trained.model_card_path.read_text()
    assert "`annual_income` (all null in the training window)" in card
    assert "log_annual_income" not in json.dumps(trained.metrics["odds_ratios"])


def test_a_new_numeric_column_is_an_input_and_label_side_columns_are_not(trained):
    features = trained.metrics["features"]
    assert "utilisation_ratio" in features["numeric"]
    everything = [*features["numeric"], *features["indicators"], *features["categorical"]]
    assert not {"default_reason", "label_is_status_based"} & set(everything)
    assert trained.metrics["scores"]["rows"] == 120


def test_too_few_defaults_is_refused_in_one_sentence(bank_lake, capsys):
    code = finlake_main(["train", "--lake", str(bank_lake.root), "--min-train-defaults", "100000"])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1
    assert "min_train_defaults=100000" in err and "loan_default_features" in err
    assert "Py4J" not in err and "Traceback" not in err


def test_too_few_rows_is_refused_in_one_sentence(bank_lake, capsys):
    code = finlake_main(["train", "--lake", str(bank_lake.root), "--min-train-rows", "1000000"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1
    assert "min_train_rows=1000000" in err


def test_oracle_is_honest_on_this_bank(trained):
    """The truth is the law the rows were drawn from: the models stay within its interval."""
    _, high = trained.metrics["auc_gap_to_oracle_ci_95"]
    assert high >= -1e-9
    assert trained.metrics["oracle_rows_matched"] == trained.metrics["test_rows"]


def test_a_model_that_beats_the_oracle_fails_the_run(tmp_path, spark):
    """A new column that reads the outcome is picked up as an input (as any new column is); the
    models then rank better than the true PD allows, and the run stops in one sentence before
    anything is written."""
    lake = _lake(tmp_path / "lake", _table(customers=400, leak=True))
    with pytest.raises(FinlakeError, match=r"beats the oracle.*only leakage allows") as raised:
        train_and_score(lake, QUICK, spark=spark)
    assert len(str(raised.value).splitlines()) == 1
    assert not (lake.gold / "customer_default_scores").exists()
    assert not (lake.ml / "metrics.json").exists()


def test_scoring_a_date_past_the_data_is_refused(bank_lake, capsys):
    """#14 item 5: the scoring date 2023-12-01 lies 3 days after the latest data the features
    read (2023-11-28); allowed 1 day, scoring refuses in one sentence naming the setting."""
    code = finlake_main(["train", "--lake", str(bank_lake.root), "--max-data-lag-days", "1"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1
    assert "3 days after its latest data (2023-11-28)" in err
    assert "max_data_lag_days=1" in err
