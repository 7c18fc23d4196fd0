"""The model's inputs: which gold columns it reads, how each becomes a number, and why.

Input: rows of gold.loan_default_features (see models/gold/risk/loan_default_features.yml).
Output: the SQL statement of the pipeline's first stage, which turns a gold row into model
inputs. Everything here is fixed by design, not learned from data, so the statement is the same
for every training run and is saved inside the fitted model.

Only the columns named below are read. Label-side columns (default_date, label_window_end,
is_label_complete) and the lineage column feature_data_max_date are never model inputs.
"""

from __future__ import annotations

from dataclasses import dataclass

KEYS = ("customer_id", "observation_date")
LABEL_SOURCE = "defaults_within_window"
LABEL = "label"

# Amounts are right-skewed over several orders of magnitude: the model sees ln(1 + amount),
# with negative amounts (none are expected) floored at 0.
MONEY = (
    "annual_income",
    "total_principal",
    "monthly_instalment",
    "salary_inflow_90d",
    "salary_inflow_prior_90d",
    "total_inflow_90d",
    "total_outflow_90d",
    "gambling_spend_90d",
    "cash_advance_90d",
    "fees_90d",
    "card_spend_90d",
)

# Counts, ages and rates used as they are.
PLAIN = (
    "age_years",
    "tenure_months",
    "credit_score",
    "active_loan_count",
    "max_interest_rate",
    "months_since_last_origination",
    "instalments_due_12m",
    "missed_instalments_3m",
    "missed_instalments_12m",
    "partial_payments_12m",
    "late_payments_12m",
    "days_past_due",
    "gambling_share_90d",
)

# Ratios with long right tails (card repayments reach 180x spend): winsorised at a fixed cap so
# that a handful of extreme rows cannot steer a linear model.
CAPPED = {
    "debt_to_income": 3.0,
    "salary_change_ratio": 3.0,
    "card_repayment_ratio_90d": 3.0,
}

FLAGS = ("has_mortgage",)

# 0/1 flags derived from gold columns, for effects that are a step rather than a slope in the
# log-odds: the first missed instalment moves a borrower into arrears, from where default is
# many times likelier (the log-odds jump at 1 day past due, then grow more slowly); a salary
# that stopped arriving marks an income shock; any betting or credit-card cash advance at all
# marks a behaviour, whatever its amount.
DERIVED = {
    "is_in_arrears": ("days_past_due > 0", "1 when days_past_due > 0"),
    "salary_stopped": (
        "salary_inflow_90d = 0 and salary_inflow_prior_90d > 0",
        "1 when salary_inflow_90d = 0 after salary in the 90 days before",
    ),
    "has_gambling_spend": ("gambling_spend_90d > 0", "1 when gambling_spend_90d > 0"),
    "has_cash_advance": ("cash_advance_90d > 0", "1 when cash_advance_90d > 0"),
}

# A missing value is information (no customer version known yet, no prior salary, no card
# spend), so these columns get a 0/1 indicator beside the median-imputed value. Columns whose
# missingness is identical to one listed here share its indicator instead of duplicating it:
# tenure_months with age_years (both from the customer version), debt_to_income with
# annual_income (its denominator). gambling_share_90d is missing only without any outflow,
# which ln(1 + total_outflow_90d) = 0 already says.
MISSING_INDICATORS = (
    "age_years",
    "annual_income",
    "credit_score",
    "salary_change_ratio",
    "card_repayment_ratio_90d",
)

CATEGORICAL = ("employment_status", "primary_loan_type")
UNKNOWN_CATEGORY = "unknown"


def money_feature(column: str) -> str:
    return f"log_{column}"


def indicator_feature(column: str) -> str:
    return f"{column}_missing"


@dataclass(frozen=True)
class FeatureSpec:
    """Names of the model inputs in the order the model sees them."""

    numeric: tuple[str, ...]  # continuous: median-imputed, then standardised
    indicators: tuple[str, ...]  # 0/1: missing-value indicators and flags, not scaled
    categorical: tuple[str, ...]  # strings: one-hot encoded

    @property
    def source_columns(self) -> tuple[str, ...]:
        """Gold columns the model reads (besides keys and label)."""
        return (*MONEY, *PLAIN, *CAPPED, *FLAGS, *CATEGORICAL)


def feature_spec() -> FeatureSpec:
    numeric = (*(money_feature(c) for c in MONEY), *PLAIN, *CAPPED)
    indicators = (*(indicator_feature(c) for c in MISSING_INDICATORS), *FLAGS, *DERIVED)
    return FeatureSpec(numeric=numeric, indicators=indicators, categorical=CATEGORICAL)


def input_column(feature: str) -> str:
    """The column the prepare stage writes for a model input (kept apart from gold's names)."""
    return f"{feature}__x"


def _keep_null(column: str, expression: str) -> str:
    """Spark's greatest() and least() skip nulls (least(null, 3) is 3): keep a missing value
    missing, so that the Imputer and the indicator see it."""
    return f"case when {column} is null then null else {expression} end"


def prepare_statement() -> str:
    """The SQLTransformer statement: gold columns in, model-input columns added.

    Nulls stay null in the numeric inputs (the Imputer fills them); indicators are computed here
    from the raw columns, before imputation. A missing category becomes 'unknown'.
    """
    exprs = []
    for column in MONEY:
        value = f"ln(1d + greatest(cast({column} as double), 0d))"
        exprs.append(f"{_keep_null(column, value)} as {input_column(money_feature(column))}")
    for column in PLAIN:
        exprs.append(f"cast({column} as double) as {input_column(column)}")
    for column, cap in CAPPED.items():
        value = f"least(cast({column} as double), {cap}d)"
        exprs.append(f"{_keep_null(column, value)} as {input_column(column)}")
    for column in MISSING_INDICATORS:
        exprs.append(
            f"cast({column} is null as double) as {input_column(indicator_feature(column))}"
        )
    for column in FLAGS:
        exprs.append(f"cast(coalesce({column}, false) as double) as {input_column(column)}")
    for name, (condition, _) in DERIVED.items():
        exprs.append(f"cast(coalesce({condition}, false) as double) as {input_column(name)}")
    for column in CATEGORICAL:
        exprs.append(f"coalesce({column}, '{UNKNOWN_CATEGORY}') as {input_column(column)}")
    return "select *, " + ", ".join(exprs) + " from __THIS__"


def describe_feature(feature: str) -> str:
    """One line saying how a model input is derived from gold, for the odds-ratio table."""
    for column in MONEY:
        if feature == money_feature(column):
            return f"ln(1 + {column})"
    for column in MISSING_INDICATORS:
        if feature == indicator_feature(column):
            return f"1 when {column} is missing"
    if feature in CAPPED:
        return f"{feature}, capped at {CAPPED[feature]:g}"
    if feature in FLAGS:
        return f"1 when {feature}"
    if feature in DERIVED:
        return DERIVED[feature][1]
    return feature
