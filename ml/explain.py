"""The model as odds ratios: what each input does to the odds of default, with its name.

Works on any fitted or loaded model of pipeline.py. The final log-odds is

    slope * (b0 + sum_j beta_j x_j) + intercept        (scorecard, then calibration)

so the effective coefficient of input j is slope * beta_j, and its odds ratio exp(that).
Numeric inputs are standardised: their odds ratio is per one standard deviation of the input
(the SD, and the input's definition, are listed beside it). 0/1 inputs: odds ratio when the
flag is 1 against 0. Categories: every category seen in training has its own column, which the
penalty makes unique; the table re-expresses them against the most frequent category (the
reference, odds ratio 1), moving the reference's coefficient into the intercept. That is the
same model, written the way a scorecard reviewer reads it. A category never seen in training
scores like a borrower with the intercept's baseline for that variable, i.e. with odds ratio
exp(-beta_reference) against the reference.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from pyspark.ml import PipelineModel
from pyspark.ml.classification import LogisticRegressionModel
from pyspark.ml.feature import (
    ImputerModel,
    StandardScalerModel,
    StringIndexerModel,
    VectorAssembler,
)

from finlake.errors import FinlakeError
from ml.features import describe_feature, input_column
from ml.pipeline import UNSCALED


@dataclass(frozen=True)
class Term:
    feature: str
    kind: str  # numeric | indicator | category | intercept
    description: str
    coefficient: float  # effective log-odds coefficient (after calibration)
    odds_ratio: float
    scale: float | None = None  # numeric: the SD one step stands for
    centre: float | None = None  # numeric: the training mean (value at 0)
    imputed_with: float | None = None  # numeric: the training median used for missing values


@dataclass(frozen=True)
class ModelParts:
    scorecard: LogisticRegressionModel
    calibrator: LogisticRegressionModel
    indexer: StringIndexerModel | None
    scaler: StandardScalerModel
    imputer: ImputerModel | None
    numeric: tuple[str, ...]  # model inputs, in vector order
    indicators: tuple[str, ...]
    categorical: tuple[str, ...]


def model_parts(model: PipelineModel) -> ModelParts:
    stages = model.stages
    regressions = [s for s in stages if isinstance(s, LogisticRegressionModel)]

    def one(kind, optional=False):
        found = [s for s in stages if isinstance(s, kind)]
        if optional and not found:
            return None
        if len(found) != 1:
            raise FinlakeError(f"The saved model has {len(found)} {kind.__name__} stages, not 1.")
        return found[0]

    imputer = one(ImputerModel, optional=True)
    indexer = one(StringIndexerModel, optional=True)
    assembled = next(
        s for s in stages if isinstance(s, VectorAssembler) and s.getOutputCol() == UNSCALED
    ).getInputCols()
    strip = lambda c: c.removesuffix("_imputed").removesuffix("__x")  # noqa: E731
    numeric = tuple(strip(c) for c in assembled if c.endswith("_imputed"))
    indicators = tuple(strip(c) for c in assembled if not c.endswith(("_imputed", "_onehot")))
    categorical = tuple(c.removesuffix("__x") for c in indexer.getInputCols()) if indexer else ()

    if len(regressions) != 2:
        raise FinlakeError(f"The saved model has {len(regressions)} logistic stages, not 2.")
    return ModelParts(
        scorecard=regressions[0],
        calibrator=regressions[1],
        indexer=indexer,
        scaler=one(StandardScalerModel),
        imputer=imputer,
        numeric=numeric,
        indicators=indicators,
        categorical=categorical,
    )


def effective_coefficients(
    beta: list[float], b0: float, slope: float, intercept: float
) -> tuple[list[float], float]:
    """Fold the calibration into the scorecard: the final model's coefficients and intercept."""
    return [slope * b for b in beta], slope * b0 + intercept


def reference_coded(
    levels: list[str], coefficients: list[float], reference: str
) -> tuple[dict[str, float], float]:
    """Coefficients of one categorical's levels against `reference`, and the amount the
    intercept absorbs (the reference's coefficient), leaving every prediction unchanged."""
    by_level = dict(zip(levels, coefficients, strict=True))
    shift = by_level[reference]
    return {level: c - shift for level, c in by_level.items()}, shift


def feature_names(parts: ModelParts) -> list[str]:
    """Names of the scorecard's inputs, in vector order (pipeline.feature_stages)."""
    names = [*parts.numeric, *parts.indicators]
    labels_array = parts.indexer.labelsArray if parts.indexer else []
    for column, labels in zip(parts.categorical, labels_array, strict=True):
        names.extend(f"{column}={label}" for label in labels)
    if len(names) != parts.scorecard.numFeatures:
        raise FinlakeError(
            f"The model has {parts.scorecard.numFeatures} inputs but the feature spec names "
            f"{len(names)}; the saved model does not match ml/features.py."
        )
    return names


def odds_ratio_table(model: PipelineModel) -> list[Term]:
    """Every input's effect on the final model. All inputs are standardised before the fit
    (pipeline.py); numeric inputs are reported per 1 SD, 0/1 inputs and categories per unit
    (flag on against off), which moves their centring into the intercept."""
    parts = model_parts(model)
    names = feature_names(parts)
    beta, intercept = effective_coefficients(
        list(parts.scorecard.coefficients.toArray()),
        parts.scorecard.intercept,
        float(parts.calibrator.coefficients[0]),
        parts.calibrator.intercept,
    )
    means = parts.scaler.mean.toArray()
    sds = parts.scaler.std.toArray()
    medians = parts.imputer.surrogateDF.first().asDict() if parts.imputer else {}

    def per_unit(position: int) -> float:
        """Coefficient per unit of a 0/1 input; its centring goes into the intercept."""
        nonlocal intercept
        if sds[position] <= 0:
            return 0.0
        unit = beta[position] / sds[position]
        intercept -= unit * means[position]
        return unit

    terms: list[Term] = []
    position = 0
    for feature in parts.numeric:
        coefficient = beta[position]
        terms.append(
            Term(
                feature=feature,
                kind="numeric",
                description=describe_feature(feature)
                + ("" if sds[position] > 0 else " (constant in training: no effect)"),
                coefficient=coefficient,
                odds_ratio=math.exp(coefficient),
                scale=float(sds[position]),
                centre=float(means[position]),
                imputed_with=medians.get(input_column(feature)),
            )
        )
        position += 1
    for feature in parts.indicators:
        coefficient = per_unit(position)
        terms.append(
            Term(
                feature,
                "indicator",
                describe_feature(feature),
                coefficient,
                math.exp(coefficient),
                scale=float(sds[position]),
            )
        )
        position += 1
    labels_array = parts.indexer.labelsArray if parts.indexer else []
    for column, labels in zip(parts.categorical, labels_array, strict=True):
        levels = list(labels)
        # One-hot columns: dropLast=True with handleInvalid='keep' gives one column per level.
        units = [per_unit(position + i) for i in range(len(levels))]
        coded, shift = reference_coded(levels, units, levels[0])
        intercept += shift
        for level in levels:
            description = (
                f"reference category of {column}"
                if level == levels[0]
                else f"{column} is {level}, against {levels[0]}"
            )
            terms.append(
                Term(
                    f"{column}={level}",
                    "category",
                    description,
                    coded[level],
                    math.exp(coded[level]),
                )
            )
        position += len(levels)
    if position != len(names):
        raise FinlakeError("The odds-ratio table does not cover every model input.")
    terms.insert(
        0,
        Term(
            "intercept",
            "intercept",
            "log-odds at the training mean of every numeric input, every flag 0, every "
            "category at its reference",
            intercept,
            math.exp(intercept),
        ),
    )
    return terms


def as_records(terms: list[Term]) -> list[dict]:
    return [asdict(t) for t in terms]
