"""The model: a Spark ML pipeline, its regularisation chosen by cross-validation, then calibrated.

Stages (all saved in one PipelineModel, so loading it and scoring gives the same PDs):

1. prepare     SQLTransformer: gold columns -> model inputs (features.prepare_statement)
2. impute      Imputer: median of the training rows for missing numeric inputs
3. assemble    VectorAssembler: numeric inputs -> one vector
4. index       StringIndexer: categories by training frequency; unseen ones kept apart
5. encode      OneHotEncoder: one 0/1 column per category seen in training; an unseen category
               is all zeros
6. assemble    VectorAssembler: imputed numerics + 0/1 indicators + one-hot columns
7. scale       StandardScaler on all of them: mean 0, standard deviation 1, so the penalty
               treats every input alike (a column constant in training becomes 0)
8. scorecard   LogisticRegression with class weights (weightCol): each class carries half the
               total weight, so the rare defaults shape the fit as much as the non-defaults
9. slice       VectorSlicer: the scorecard's log-odds (margin)
10. calibrate  LogisticRegression on that margin alone, unweighted, fitted on the training rows
               (Platt scaling). Class weighting shifts the scorecard's log-odds up by about
               ln(w_default / w_non_default); this stage removes that shift (its intercept) and
               any over- or under-confidence (its slope), so predicted PDs match default rates.

Stages 1-7 learn only unsupervised statistics (medians, means and SDs, the category list) and
never read the label; they are fitted once on the whole training period. CrossValidator then
tunes stage 8 on those features, with folds grouped by customer, scoring each grid point by the
class-weighted log loss on the held-out customers: the loss the scorecard itself minimises,
and a proper scoring rule, so it rewards ranking and calibration together. (AUC alone is blind
to calibration; on this data it prefers heavy L1 penalties, whose shrunken scorecards the
two-parameter calibration cannot straighten.) Refitting stages 1-7 inside every fold and grid
point would repeat the same label-free statistics 18 times over. Stages 9-10 are fitted once,
after the search, on the whole training period.

The final PD is still a logistic function of the inputs, log-odds = slope * scorecard +
intercept, which is what explain.py reports as odds ratios.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyspark.ml import Pipeline, PipelineModel
from pyspark.ml.classification import LogisticRegression
from pyspark.ml.evaluation import MulticlassClassificationEvaluator
from pyspark.ml.feature import (
    Imputer,
    OneHotEncoder,
    SQLTransformer,
    StandardScaler,
    StringIndexer,
    VectorAssembler,
    VectorSlicer,
)
from pyspark.ml.tuning import CrossValidator, ParamGridBuilder
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from ml.config import TrainConfig
from ml.features import LABEL, FeatureSpec, input_column
from ml.split import FOLD

WEIGHT = "class_weight"
WEIGHTED_RAW = "weighted_raw"
WEIGHTED_MARGIN = "weighted_margin"
FEATURES = "features"
UNSCALED = "unscaled_features"
PROBABILITY = "probability"


def class_weights(positives: int, negatives: int) -> tuple[float, float]:
    """(weight of a default, weight of a non-default): each class gets half the total weight."""
    if positives <= 0 or negatives <= 0:
        raise ValueError("both classes are needed to weight them")
    total = positives + negatives
    return total / (2.0 * positives), total / (2.0 * negatives)


def with_class_weight(frame: DataFrame, weights: tuple[float, float]) -> DataFrame:
    positive, negative = weights
    return frame.withColumn(
        WEIGHT, F.when(F.col(LABEL) == 1.0, F.lit(positive)).otherwise(F.lit(negative))
    )


def feature_stages(spec: FeatureSpec) -> list:
    """Stages 1-7: gold row -> `features` vector, every input standardised."""
    numeric = [input_column(f) for f in spec.numeric]
    imputed = [f"{c}_imputed" for c in numeric]
    categorical = [input_column(c) for c in spec.categorical]
    indexed = [f"{c}_index" for c in categorical]
    encoded = [f"{c}_onehot" for c in categorical]
    stages = [SQLTransformer(statement=spec.prepare_statement())]
    if numeric:
        stages.append(Imputer(inputCols=numeric, outputCols=imputed, strategy="median"))
    if categorical:
        stages += [
            StringIndexer(
                inputCols=categorical,
                outputCols=indexed,
                handleInvalid="keep",
                stringOrderType="frequencyDesc",
            ),
            OneHotEncoder(inputCols=indexed, outputCols=encoded, dropLast=True),
        ]
    return [
        *stages,
        VectorAssembler(
            inputCols=[*imputed, *(input_column(f) for f in spec.indicators), *encoded],
            outputCol=UNSCALED,
        ),
        # Every input, 0/1 flags and one-hot columns included, is standardised: one L2 penalty
        # then weighs a 1-SD move of every input alike. Unscaled flags beside standardised
        # numerics were penalised per unit, which for a rare flag (SD 0.2) is a 5x heavier
        # penalty per SD than a numeric's and shrank is_in_arrears to an odds ratio of 1.09.
        StandardScaler(inputCol=UNSCALED, outputCol=FEATURES, withMean=True, withStd=True),
    ]


def scorecard(config: TrainConfig) -> LogisticRegression:
    """Stage 8. standardization=False: the numeric inputs are already scaled, so the penalty
    acts on the coefficients as reported (per 1 SD; per unit for 0/1 columns)."""
    return LogisticRegression(
        featuresCol=FEATURES,
        labelCol=LABEL,
        weightCol=WEIGHT,
        rawPredictionCol=WEIGHTED_RAW,
        probabilityCol="weighted_probability",
        predictionCol="weighted_prediction",
        family="binomial",
        standardization=False,
        maxIter=config.max_iter,
        tol=1e-6,
    )


def calibration_stages() -> list:
    """Stages 9-10: the scorecard's log-odds, recalibrated by an unweighted logistic fit."""
    return [
        VectorSlicer(inputCol=WEIGHTED_RAW, outputCol=WEIGHTED_MARGIN, indices=[1]),
        LogisticRegression(
            featuresCol=WEIGHTED_MARGIN,
            labelCol=LABEL,
            family="binomial",
            regParam=0.0,
            standardization=False,
            maxIter=100,
            tol=1e-10,
        ),
    ]


@dataclass
class FittedModel:
    model: PipelineModel  # stages 1-10
    weights: tuple[float, float]
    grid: list[dict]  # per grid point: params and mean cross-validated weighted log loss
    best: dict  # the chosen regParam and elasticNetParam
    calibration_slope: float
    calibration_intercept: float


def fit(train: DataFrame, config: TrainConfig, spec: FeatureSpec) -> FittedModel:
    """Fit the features, choose the penalty by cross-validation, then calibrate.

    The regParam grid starts at config.reg_params. While the best point sits at an end of the
    grid, the grid is extended one decade beyond that end (at most config.grid_widenings times),
    so the chosen penalty is an interior optimum; if it is still at an end, `edge` says which.

    `train` needs the gold columns, `label` and the fold column (split.fold_column).
    """
    counts = {row[LABEL]: row["count"] for row in train.groupBy(LABEL).count().collect()}
    weights = class_weights(int(counts.get(1.0, 0)), int(counts.get(0.0, 0)))
    weighted = with_class_weight(train, weights)

    features = Pipeline(stages=feature_stages(spec)).fit(weighted)
    design = features.transform(weighted).select(FEATURES, LABEL, WEIGHT, FOLD).cache()
    try:
        lr = scorecard(config)
        evaluator = MulticlassClassificationEvaluator(
            metricName="logLoss",
            labelCol=LABEL,
            weightCol=WEIGHT,
            probabilityCol="weighted_probability",
            predictionCol="weighted_prediction",
        )
        points: list[dict] = []
        best_model = None
        regs = sorted(config.reg_params)
        mixes = list(config.elastic_net_params)
        for _ in range(config.grid_widenings + 1):
            tried = {p["regParam"] for p in points}
            grid = (
                ParamGridBuilder()
                .addGrid(lr.regParam, [r for r in regs if r not in tried])
                .addGrid(lr.elasticNetParam, mixes)
                .build()
            )
            tuned = CrossValidator(
                estimator=lr,
                estimatorParamMaps=grid,
                evaluator=evaluator,
                numFolds=config.num_folds,
                foldCol=FOLD,
                seed=config.seed,
                parallelism=config.parallelism,
            ).fit(design)
            round_points = [
                {
                    "regParam": params[lr.regParam],
                    "elasticNetParam": params[lr.elasticNetParam],
                    "cv_weighted_log_loss": metric,
                }
                for params, metric in zip(grid, tuned.avgMetrics)
            ]
            points += round_points
            best_point = min(points, key=lambda p: p["cv_weighted_log_loss"])
            if best_point in round_points:
                best_model = tuned.bestModel
            edge = grid_edge(best_point["regParam"], [p["regParam"] for p in points])
            if edge is None:
                break
            regs = (
                [best_point["regParam"] / 10.0]
                if edge == "lowest"
                else [best_point["regParam"] * 10.0]
            )
            # Widening explores the penalty's strength at the best mix only (one fit per fold).
            mixes = [best_point["elasticNetParam"]]
        if best_model is None or (
            best_model.getRegParam(),
            best_model.getElasticNetParam(),
        ) != (best_point["regParam"], best_point["elasticNetParam"]):
            best_model = lr.copy(
                {
                    lr.regParam: best_point["regParam"],
                    lr.elasticNetParam: best_point["elasticNetParam"],
                }
            ).fit(design)
        best = best_model
        calibrator = Pipeline(stages=calibration_stages()).fit(best.transform(design))
    finally:
        design.unpersist()
    platt = calibrator.stages[-1]
    points.sort(key=lambda p: (p["regParam"], p["elasticNetParam"]))
    return FittedModel(
        model=PipelineModel(stages=[*features.stages, best, *calibrator.stages]),
        weights=weights,
        grid=points,
        best={
            "regParam": best.getRegParam(),
            "elasticNetParam": best.getElasticNetParam(),
            "grid_edge": edge,
        },
        calibration_slope=float(platt.coefficients[0]),
        calibration_intercept=float(platt.intercept),
    )


def grid_edge(chosen: float, tried: list[float]) -> str | None:
    """'lowest' or 'highest' when `chosen` is an end of the regParam values tried, else None."""
    values = sorted(set(tried))
    if len(values) < 2 or values[0] < chosen < values[-1]:
        return None
    return "lowest" if chosen == values[0] else "highest"
