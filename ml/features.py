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
    "salary_inflow_3m",
    "salary_inflow_prior_3m",
    "total_inflow_90d",
    "total_outflow_90d",
    "gambling_spend_90d",
    "cash_advance_90d",
    "fees_3m",
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
    "instalments_due_6m",
    "missed_instalments_3m",
    "missed_instalments_6m",
    "partial_payments_6m",
    "late_payments_6m",
    "days_past_due",
    "gambling_share_90d",
)

# Ratios with long right tails (card repayments reach 180x spend): winsorised at a fixed cap so
# that a handful of extreme rows cannot steer a linear model.
CAPPED = {
    "debt_to_income": 3.0,
    "card_repayment_ratio_90d": 3.0,
}

FLAGS = ("has_mortgage",)

# 0/1 flags derived from gold columns, for effects that are a step rather than a slope in the
# log-odds: the first missed instalment moves a borrower into arrears, from where default is
# many times likelier (the log-odds jump at 1 day past due, then grow more slowly); a salary
# that stopped arriving marks an income shock; any betting or credit-card cash advance at all
# marks a behaviour, whatever its amount. A salary that fell by half or more is read as a step
# too, not the ratio itself: customers paid weekly or fortnightly get 12 to 14 or 6 to 7 paydays
# in 3 calendar months depending on the months, so the ratio wanders between 0.8 and 1.3 with
# the calendar while nobody's income moved.
DERIVED = {
    "is_in_arrears": ("days_past_due > 0", "1 when days_past_due > 0"),
    "salary_stopped": (
        "salary_inflow_3m = 0 and salary_inflow_prior_3m > 0",
        "1 when salary_inflow_3m = 0 after salary in the 3 months before",
    ),
    "salary_fell_by_half": (
        "salary_change_ratio_3m < 0.5",
        "1 when salary_inflow_3m is less than half of the 3 months before",
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
    "card_repayment_ratio_90d",
)

CATEGORICAL = ("employment_status", "primary_loan_type")
UNKNOWN_CATEGORY = "unknown"


# Columns of gold.loan_default_features that are never model inputs: keys, the label and its
# window, the scoring marker and lineage. Any other numeric or boolean column gold gains is
# picked up as an input (numeric: used as it is; boolean: a 0/1 flag), so a new feature needs no
# change here. A new label-side or lineage column must be named with one of NOT_INPUT_PREFIXES.
NOT_INPUTS = frozenset(
    (
        *KEYS,
        LABEL_SOURCE,
        "default_date",
        "label_window_end",
        "is_label_complete",
        "is_scoring_date",
        "feature_data_max_date",
    )
)
NOT_INPUT_PREFIXES = ("label_", "default", "is_label", "feature_data_", "as_of", "data_reach")

# Gold columns deliberately not read, because they mean something else at different dates:
# the 12-month repayment windows are null at the first six observation dates (the history
# starts six months before the first one), so their 6-month counterparts, full from the first
# date, are read instead; a 90-day salary window holds 2 or 3 paydays depending on the month,
# so the salary is read over 3 calendar months (salary_inflow_3m and the ratio to the 3 before);
# fees likewise (fees_3m: a monthly fee falls 2 or 3 times in 90 days, 3 in 3 calendar months).
NOT_READ = frozenset(
    (
        "instalments_due_12m",
        "missed_instalments_12m",
        "partial_payments_12m",
        "late_payments_12m",
        "salary_inflow_90d",
        "salary_inflow_prior_90d",
        "salary_change_ratio",
        "salary_change_ratio_3m",
        "fees_90d",
    )
)


def is_candidate_input(column: str) -> bool:
    return (
        column not in NOT_INPUTS
        and column not in NOT_READ
        and not column.startswith(NOT_INPUT_PREFIXES)
    )


def money_feature(column: str) -> str:
    return f"log_{column}"


def indicator_feature(column: str) -> str:
    return f"{column}_missing"


def _derived_sources(condition: str) -> tuple[str, ...]:
    """Gold columns a derived flag's condition reads (the names in the condition)."""
    words = {w for w in condition.replace("(", " ").replace(")", " ").split()}
    return tuple(sorted(w for w in words if w.isidentifier() and w not in ("and", "or", "not")))


@dataclass(frozen=True)
class FeatureSpec:
    """The gold columns the model reads, by kind, and the model inputs made from them.

    Model inputs in the order the model sees them: `numeric` (continuous, median-imputed),
    `indicators` (0/1: missing-value indicators, flags, derived flags) and `categorical`
    (strings, one-hot encoded). `dropped` names the gold columns left out, with the reason.
    """

    money: tuple[str, ...] = MONEY
    plain: tuple[str, ...] = PLAIN
    capped: tuple[tuple[str, float], ...] = tuple(CAPPED.items())
    flags: tuple[str, ...] = FLAGS
    derived: tuple[str, ...] = tuple(DERIVED)
    missing_indicators: tuple[str, ...] = MISSING_INDICATORS
    categorical: tuple[str, ...] = CATEGORICAL
    dropped: tuple[tuple[str, str], ...] = ()

    @property
    def numeric(self) -> tuple[str, ...]:
        return (
            *(money_feature(c) for c in self.money),
            *self.plain,
            *(c for c, _ in self.capped),
        )

    @property
    def indicators(self) -> tuple[str, ...]:
        return (
            *(indicator_feature(c) for c in self.missing_indicators),
            *self.flags,
            *self.derived,
        )

    @property
    def source_columns(self) -> tuple[str, ...]:
        """Gold columns the model reads (besides keys and label)."""
        derived_sources = [c for d in self.derived for c in _derived_sources(DERIVED[d][0])]
        columns = [
            *self.money,
            *self.plain,
            *(c for c, _ in self.capped),
            *self.flags,
            *self.categorical,
        ]
        return tuple(dict.fromkeys([*columns, *derived_sources]))

    def without(self, dropped: dict[str, str]) -> FeatureSpec:
        """This spec without the gold columns in `dropped` (column -> reason), and without the
        derived flags and indicators that read them."""
        if not dropped:
            return self
        keep = lambda columns: tuple(c for c in columns if c not in dropped)  # noqa: E731
        return FeatureSpec(
            money=keep(self.money),
            plain=keep(self.plain),
            capped=tuple((c, cap) for c, cap in self.capped if c not in dropped),
            flags=keep(self.flags),
            derived=tuple(
                d
                for d in self.derived
                if not any(s in dropped for s in _derived_sources(DERIVED[d][0]))
            ),
            missing_indicators=keep(self.missing_indicators),
            categorical=keep(self.categorical),
            dropped=(*self.dropped, *sorted(dropped.items())),
        )

    def prepare_statement(self) -> str:
        """The SQLTransformer statement: gold columns in, model-input columns added.

        Nulls stay null in the numeric inputs (the Imputer fills them); indicators are computed
        here from the raw columns, before imputation. A missing category becomes 'unknown'.
        """
        exprs = []
        for column in self.money:
            value = f"ln(1d + greatest(cast({column} as double), 0d))"
            exprs.append(f"{_keep_null(column, value)} as {input_column(money_feature(column))}")
        for column in self.plain:
            exprs.append(f"cast({column} as double) as {input_column(column)}")
        for column, cap in self.capped:
            value = f"least(cast({column} as double), {cap}d)"
            exprs.append(f"{_keep_null(column, value)} as {input_column(column)}")
        for column in self.missing_indicators:
            exprs.append(
                f"cast({column} is null as double) as {input_column(indicator_feature(column))}"
            )
        for column in self.flags:
            exprs.append(f"cast(coalesce({column}, false) as double) as {input_column(column)}")
        for name in self.derived:
            condition = DERIVED[name][0]
            exprs.append(f"cast(coalesce({condition}, false) as double) as {input_column(name)}")
        for column in self.categorical:
            exprs.append(f"coalesce({column}, '{UNKNOWN_CATEGORY}') as {input_column(column)}")
        return "select *, " + ", ".join(exprs) + " from __THIS__"


def feature_spec(columns: dict[str, str] | None = None) -> FeatureSpec:
    """The model's inputs. Without `columns`: the designed set above. With `columns` (gold
    column -> 'numeric', 'boolean', 'string' or other): the designed columns that exist, plus
    every other numeric column (used as it is) and boolean column (a 0/1 flag) that is not
    label-side or lineage (is_candidate_input)."""
    spec = FeatureSpec()
    if columns is None:
        return spec
    known = set(spec.source_columns)
    absent = {c: "not in the features table" for c in known if c not in columns}
    extra_numeric = tuple(
        c
        for c, kind in columns.items()
        if kind == "numeric" and c not in known and is_candidate_input(c)
    )
    extra_flags = tuple(
        c
        for c, kind in columns.items()
        if kind == "boolean" and c not in known and is_candidate_input(c)
    )
    spec = FeatureSpec(plain=(*spec.plain, *extra_numeric), flags=(*spec.flags, *extra_flags))
    return spec.without(absent)


def input_column(feature: str) -> str:
    """The column the prepare stage writes for a model input (kept apart from gold's names)."""
    return f"{feature}__x"


def _keep_null(column: str, expression: str) -> str:
    """Spark's greatest() and least() skip nulls (least(null, 3) is 3): keep a missing value
    missing, so that the Imputer and the indicator see it."""
    return f"case when {column} is null then null else {expression} end"


def prepare_statement() -> str:
    """The designed spec's prepare statement (FeatureSpec.prepare_statement)."""
    return feature_spec().prepare_statement()


def describe_feature(feature: str) -> str:
    """One line saying how a model input is derived from gold, for the odds-ratio table."""
    for column in MONEY:
        if feature == money_feature(column):
            return f"ln(1 + {column})"
    if feature.endswith("_missing"):
        return f"1 when {feature[: -len('_missing')]} is missing"
    if feature in CAPPED:
        return f"{feature}, capped at {CAPPED[feature]:g}"
    if feature in DERIVED:
        return DERIVED[feature][1]
    if feature in FLAGS:
        return f"1 when {feature}"
    return feature
