"""Out-of-time validation: train on earlier observation months, test on the latest labelled ones.

What "no customer's future leaks into training" means here, and how it is enforced:

1. Every training row's observation date is earlier than every test row's (and the scoring
   date is later than both). The plan below is built that way and `assert_out_of_time` checks
   the actual DataFrames before anything is fitted.
2. A row's features use only data known before its own observation date. gold holds this with
   the dbt test assert_default_features_use_only_the_past; `data.check_point_in_time` checks it
   again on the rows the model reads (feature_data_max_date < observation_date).
3. Labels look forward 12 months, so the label windows of the last training months overlap the
   test months: a training label at 2024-05 counts defaults up to 2025-04, after the first test
   date 2024-06. Measured on the small preset, 169 of 202 positive test rows were the *same
   default event* (customer and default date) already labelled positive in training, and 94% of
   test customers were training customers: the test re-tested training events.

   Two cures exist: a gap of (label window - 1) = 11 labelled months between training and test
   with test events already labelled in training dropped, or an out-of-borrower test. The gap
   needs 11 + test + training labelled months, which a two-year history cannot give (7 labelled
   months on the small preset). So the test set here is **out of borrower and out of time**: a
   fixed share of customers (holdout_share, by a hash of customer_id) is held out of training at
   every date, and the test set is those customers at the test months. No test customer has a
   training row (assert_out_of_borrower checks the data), so no test default event can have
   been seen in training; what training and test still share is the economy of the overlapping
   months, which the rolling-origin backtest (evaluation over every month that allows one)
   shows the spread of.
4. Cross-validation folds are grouped by customer, so regularisation is chosen on customers the
   fold's model has not seen.

The test rows of the customers *not* held out (seen in training) are scored too and reported as
a segment, to show how much the old design flattered the model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

from finlake.errors import ConfigError, FinlakeError
from ml.config import TrainConfig

ROLE = "split_role"
FOLD = "cv_fold"
HOLDOUT = "held_out_customer"


@dataclass(frozen=True)
class DateSummary:
    """One observation date of the gold features: how many rows, how many carry a label."""

    observation_date: date
    rows: int
    labelled_rows: int
    is_scoring_date: bool
    defaults: int = 0


@dataclass(frozen=True)
class SplitPlan:
    train_dates: tuple[date, ...]
    gap_dates: tuple[date, ...]
    test_dates: tuple[date, ...]
    unlabelled_dates: tuple[date, ...]  # label window not complete yet; neither fitted nor tested
    scoring_date: date
    label_window_months: int

    @property
    def label_overlap_months(self) -> int:
        """Months by which the last training label window runs past the first test date."""
        window_end = add_months(self.train_dates[-1], self.label_window_months)
        return max(0, months_between(self.test_dates[0], window_end))

    def role_of(self, day: date) -> str:
        for role, dates in (
            ("train", self.train_dates),
            ("gap", self.gap_dates),
            ("test", self.test_dates),
        ):
            if day in dates:
                return role
        return "scoring" if day == self.scoring_date else "unlabelled"

    def as_dict(self) -> dict:
        return {
            "train_dates": [d.isoformat() for d in self.train_dates],
            "gap_dates": [d.isoformat() for d in self.gap_dates],
            "test_dates": [d.isoformat() for d in self.test_dates],
            "unlabelled_dates": [d.isoformat() for d in self.unlabelled_dates],
            "scoring_date": self.scoring_date.isoformat(),
            "label_window_months": self.label_window_months,
            "label_overlap_months": self.label_overlap_months,
        }


def add_months(day: date, months: int) -> date:
    """The same day `months` later (observation dates are month starts, so no day overflow)."""
    index = day.year * 12 + day.month - 1 + months
    return day.replace(year=index // 12, month=index % 12 + 1)


def months_between(start: date, end: date) -> int:
    """Whole months from `start` to `end` (negative when end is earlier)."""
    return (end.year - start.year) * 12 + end.month - start.month


def plan_out_of_time(summary: Sequence[DateSummary], config: TrainConfig) -> SplitPlan:
    """Assign observation dates to training, gap and test; find the scoring date.

    Raises FinlakeError when the history is too short for the requested split or when gold
    holds a date that is partly labelled (a label window is complete for all rows of a date or
    for none).
    """
    ordered = sorted(summary, key=lambda s: s.observation_date)
    partial = [s.observation_date for s in ordered if 0 < s.labelled_rows < s.rows]
    if partial:
        raise FinlakeError(
            f"Observation date {partial[0]} of loan_default_features is only partly labelled; "
            "rebuild gold (finlake build) so each date's label window is complete or empty."
        )
    labelled = [s.observation_date for s in ordered if s.rows and s.labelled_rows == s.rows]
    scoring = [s.observation_date for s in ordered if s.is_scoring_date]
    if len(scoring) != 1:
        raise FinlakeError(
            f"loan_default_features must mark exactly one scoring date (is_scoring_date); "
            f"it marks {len(scoring)}. Rebuild gold with finlake build."
        )
    needed = config.test_months + config.gap_months + config.min_train_months
    if len(labelled) < needed:
        raise ConfigError(
            f"loan_default_features has {len(labelled)} labelled observation months, but "
            f"test_months={config.test_months} and gap_months={config.gap_months} need at "
            f"least {needed}; lower test_months or gap_months, or deliver a longer history."
        )
    held_out = config.test_months + config.gap_months
    plan = SplitPlan(
        train_dates=tuple(labelled[:-held_out]),
        gap_dates=tuple(labelled[len(labelled) - held_out : len(labelled) - config.test_months]),
        test_dates=tuple(labelled[-config.test_months :]),
        unlabelled_dates=tuple(
            s.observation_date
            for s in ordered
            if s.labelled_rows == 0 and s.observation_date != scoring[0]
        ),
        scoring_date=scoring[0],
        label_window_months=config.label_window_months,
    )
    if plan.scoring_date <= plan.test_dates[-1]:
        raise FinlakeError(
            f"The scoring date {plan.scoring_date} is not after the last labelled date "
            f"{plan.test_dates[-1]} in loan_default_features; rebuild gold with finlake build."
        )
    return plan


def role_column(plan: SplitPlan, date_column: str = "observation_date") -> Column:
    """'train', 'gap', 'test', 'scoring' or 'unlabelled' for each row, from its date."""
    column = F.col(date_column)
    return (
        F.when(column.isin(list(plan.train_dates)), "train")
        .when(column.isin(list(plan.gap_dates)), "gap")
        .when(column.isin(list(plan.test_dates)), "test")
        .when(column == F.lit(plan.scoring_date), "scoring")
        .otherwise("unlabelled")
    )


def assert_out_of_time(train: DataFrame, test: DataFrame, scoring: DataFrame) -> None:
    """Check on the data itself: every test row is later than every training row, every
    scoring row later than both, and no set is empty."""
    sets = ("training", "test", "scoring")
    tagged = [
        frame.select(F.lit(name).alias("set"), "observation_date")
        for name, frame in zip(sets, (train, test, scoring), strict=True)
    ]
    union = tagged[0].unionByName(tagged[1]).unionByName(tagged[2])
    bounds = {
        r["set"]: r
        for r in union.groupBy("set")
        .agg(F.min("observation_date").alias("first"), F.max("observation_date").alias("last"))
        .collect()
    }
    for name in sets:
        if name not in bounds:
            raise FinlakeError(f"The {name} set of loan_default_features is empty.")
    if not bounds["training"]["last"] < bounds["test"]["first"]:
        raise FinlakeError(
            f"Training rows reach {bounds['training']['last']}, not before the first test date "
            f"{bounds['test']['first']}; the out-of-time split is broken."
        )
    if not bounds["test"]["last"] < bounds["scoring"]["first"]:
        raise FinlakeError(
            f"Test rows reach {bounds['test']['last']}, not before the scoring date "
            f"{bounds['scoring']['first']}; the out-of-time split is broken."
        )


def fold_column(num_folds: int, seed: int) -> Column:
    """Cross-validation fold in [0, num_folds), the same for all rows of a customer."""
    return F.pmod(F.xxhash64(F.col("customer_id"), F.lit(seed)), F.lit(num_folds)).cast("int")


def holdout_customers(
    frame: DataFrame, plan: SplitPlan, share: float, seed: int, label: str = "label"
) -> DataFrame:
    """The customers held out of training: `share` of them, stratified by whether they default
    at a test date (so that a small portfolio's few defaulters are not all on one side), chosen
    within each stratum by a salted hash of the id. One column, customer_id, distinct.

    Stratifying on the test outcome decides only *which* customers are set aside, never what a
    model sees: none of their rows is fitted on.
    """
    customers = (
        frame.groupBy("customer_id")
        .agg(
            F.max(
                F.when(F.col("observation_date").isin(list(plan.test_dates)), F.col(label))
            ).alias("__defaults_in_test")
        )
        .withColumn("__stratum", F.coalesce(F.col("__defaults_in_test"), F.lit(-1.0)))
        .withColumn("__hash", F.xxhash64(F.col("customer_id"), F.lit(seed), F.lit("holdout")))
    )
    by_stratum = Window.partitionBy("__stratum").orderBy("__hash", "customer_id")
    ranked = customers.withColumn("__rank", F.percent_rank().over(by_stratum))
    # percent_rank runs 0..1 over a stratum: the first `share` of it (always its first customer).
    return ranked.filter(F.col("__rank") < F.lit(share)).select("customer_id")


def assert_out_of_borrower(train: DataFrame, test: DataFrame) -> None:
    """Check on the data itself: no test customer has a training row."""
    shared = (
        test.select("customer_id")
        .distinct()
        .join(train.select("customer_id").distinct(), on="customer_id", how="inner")
        .count()
    )
    if shared:
        raise FinlakeError(
            f"{shared} test customers also have training rows; the out-of-borrower split is broken."
        )
