"""Settings of a training run; every one is recorded in metrics.json and in the model version."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from finlake.errors import ConfigError

LABEL_WINDOW_MONTHS = 12  # var('default_label_months') of the dbt project

# Version of the model code. It is part of every model version hash: bump it when a change to
# this package changes what a model learns from the same data.
MODEL_CODE_VERSION = "3"


@dataclass(frozen=True)
class TrainConfig:
    """How the model is validated and fitted.

    test_months: the latest labelled observation months held out as the out-of-time test set.
    gap_months: labelled months between training and test that neither uses (see split.py).
    seed: fixes the cross-validation folds; with the same data, the same model and scores.
    num_folds: cross-validation folds over the training period, grouped by customer.
    reg_params, elastic_net_params: the regularisation grid (regParam x elasticNetParam).
    parallelism: models cross-validation fits at the same time (1-2 on a laptop).
    grid_widenings: times the regParam grid may be extended by a decade past the end where its
        best point sits, so that the optimum is interior (the card reports an edge it keeps).
    holdout_share: share of customers held out of training altogether; the test set is these
        customers at the test months (out of borrower and out of time, see split.py).
    min_train_rows, min_train_defaults: below either, training refuses (too little to learn).
    min_test_defaults: below it, the test set is too small to say anything and the run warns.
    bootstrap_samples: customer-clustered bootstrap resamples behind every confidence interval.
    max_data_lag_days: the scoring date may lie at most this many days after the latest data
        its features read (feature_data_max_date); further, scoring refuses: a score 'as of' a
        date the data does not reach would describe the past as if it were today.
    monitoring_reference_months: the population stability index compares each later date with
        the training rows of this many latest training months (the population the model was
        last fitted on), not the whole window: a book ages month by month (tenure, age, loan
        seasoning), and the earliest training months would report that ageing as a shift.
    """

    test_months: int = 2
    gap_months: int = 0
    seed: int = 42
    num_folds: int = 3
    reg_params: tuple[float, ...] = (0.001, 0.01, 0.1)
    elastic_net_params: tuple[float, ...] = (0.0, 0.5)
    parallelism: int = 2
    max_iter: int = 100
    label_window_months: int = LABEL_WINDOW_MONTHS
    min_train_months: int = 1
    grid_widenings: int = 2
    holdout_share: float = 0.3
    min_train_rows: int = 100
    min_train_defaults: int = 10
    min_test_defaults: int = 30
    bootstrap_samples: int = 400
    max_data_lag_days: int = 45
    monitoring_reference_months: int = 3

    def __post_init__(self) -> None:
        if self.test_months < 1:
            raise ConfigError(f"test_months must be at least 1, not {self.test_months}.")
        if self.gap_months < 0:
            raise ConfigError(f"gap_months must be 0 or more, not {self.gap_months}.")
        if self.num_folds < 2:
            raise ConfigError(f"num_folds must be at least 2, not {self.num_folds}.")
        if self.parallelism < 1:
            raise ConfigError(f"parallelism must be at least 1, not {self.parallelism}.")
        if not self.reg_params or any(r <= 0 for r in self.reg_params):
            # regParam > 0 keeps the coefficients unique: every observed category has its own
            # one-hot column, which with an intercept is collinear without a penalty.
            raise ConfigError(f"reg_params must be positive numbers, not {self.reg_params}.")
        if not self.elastic_net_params or any(not 0 <= a <= 1 for a in self.elastic_net_params):
            raise ConfigError(
                f"elastic_net_params must lie between 0 and 1, not {self.elastic_net_params}."
            )

        if not 0 < self.holdout_share < 1:
            raise ConfigError(
                f"holdout_share must lie strictly between 0 and 1, not {self.holdout_share}."
            )
        for name in (
            "min_train_rows",
            "min_train_defaults",
            "min_test_defaults",
            "monitoring_reference_months",
        ):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be at least 1, not {getattr(self, name)}.")
        if self.bootstrap_samples < 50:
            raise ConfigError(
                f"bootstrap_samples must be at least 50, not {self.bootstrap_samples}."
            )

    def as_dict(self) -> dict:
        values = asdict(self)
        values["reg_params"] = list(self.reg_params)
        values["elastic_net_params"] = list(self.elastic_net_params)
        return values
