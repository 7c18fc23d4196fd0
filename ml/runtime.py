"""The seam between the notebook and where it runs: Databricks, or a plain Python process.

On Databricks the notebook's globals hold `dbutils`, `spark` and `display`; locally this module
stands in for them: widgets are read from `--name value` arguments, the SparkSession is the
project's local one (finlake.spark.local_session) and `display` prints a table.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from finlake.errors import ConfigError
from finlake.lake import Lake
from ml.config import TrainConfig
from ml.data import FEATURES_MODEL, TRUTH_FILE

SCORES_MODEL = "customer_default_scores"
MONITORING_MODEL = "model_monitoring"


class LocalWidgets:
    """The part of `dbutils.widgets` the notebook uses, fed from command-line arguments."""

    def __init__(self, argv: Sequence[str]):
        self._given: dict[str, str] = {}
        self._spelled: dict[str, str] = {}  # as typed, for messages
        self._declared: dict[str, str] = {}
        args = list(argv)
        while args:
            arg = args.pop(0)
            if not arg.startswith("--"):
                raise ConfigError(f"Unexpected argument {arg!r}; pass widgets as --name value.")
            name, sep, value = arg[2:].partition("=")
            if not sep:
                if not args:
                    raise ConfigError(f"Argument --{name} needs a value.")
                value = args.pop(0)
            self._given[name.replace("-", "_")] = value
            self._spelled[name.replace("-", "_")] = name

    # The signatures mirror dbutils.widgets (camelCase included), so a call works on both.
    def text(self, name: str, defaultValue: str, label: str | None = None) -> None:
        self._declared[name] = defaultValue

    def dropdown(
        self,
        name: str,
        defaultValue: str,
        choices: Sequence[str],
        label: str | None = None,
    ) -> None:
        value = self._given.get(name, defaultValue)
        if value not in choices:
            raise ConfigError(f"--{name} must be one of {', '.join(choices)}, not {value!r}.")
        self._declared[name] = defaultValue

    def get(self, name: str) -> str:
        if name not in self._declared:
            raise ConfigError(f"No widget named {name} was declared.")
        unknown = sorted(set(self._given) - set(self._declared))
        if unknown:
            raise ConfigError(
                f"Unknown argument --{self._spelled[unknown[0]]}; the notebook's widgets are "
                f"{', '.join('--' + n.replace('_', '-') for n in self._declared)}."
            )
        return self._given.get(name, self._declared[name])


@dataclass(frozen=True)
class Widget:
    name: str
    default: str
    label: str
    choices: tuple[str, ...] = ()


def widget_specs() -> tuple[Widget, ...]:
    defaults = TrainConfig()
    return (
        Widget("source", "parquet", "Read gold from", ("parquet", "table")),
        Widget("lake", os.environ.get("FINLAKE_LAKE", "lake"), "Lake folder (source=parquet)"),
        Widget("features_table", f"gold.{FEATURES_MODEL}", "Features table (source=table)"),
        Widget("output", "", "Output folder for model and evidence (default: <lake>/ml)"),
        Widget("scores_table", f"gold.{SCORES_MODEL}", "Scores table (source=table)"),
        Widget("truth", "", "Ground-truth CSV (default: <lake>/_truth/ if present)"),
        Widget("test_months", str(defaults.test_months), "Out-of-time test months"),
        Widget("gap_months", str(defaults.gap_months), "Months between training and test"),
        Widget("seed", str(defaults.seed), "Seed"),
    )


def declare_widgets(widgets: Any) -> None:
    for w in widget_specs():
        if w.choices:
            widgets.dropdown(w.name, w.default, list(w.choices), w.label)
        else:
            widgets.text(w.name, w.default, w.label)


@dataclass(frozen=True)
class Source:
    """Where the gold features come from."""

    kind: str  # parquet | table
    lake_root: Path | None = None
    table: str | None = None

    def describe(self) -> str:
        if self.kind == "parquet":
            return str(Lake(self.lake_root).export(FEATURES_MODEL))
        return str(self.table)


@dataclass(frozen=True)
class Outputs:
    """Where the run writes: artifacts (model, metrics, plots, card) and the scores."""

    artifacts: Path
    scores_path: Path | None = None  # Parquet folder (local)
    scores_table: str | None = None  # catalog table (Databricks)

    @classmethod
    def for_lake(cls, lake: Lake) -> Outputs:
        return cls(artifacts=lake.ml, scores_path=lake.export(SCORES_MODEL))

    @property
    def scores_location(self) -> str:
        return self.scores_table or str(self.scores_path)

    @property
    def monitoring_path(self) -> Path | None:
        """Parquet folder of the monitoring table, beside the scores (local)."""
        return self.scores_path.parent / MONITORING_MODEL if self.scores_path else None

    @property
    def monitoring_table(self) -> str | None:
        """Catalog table of the monitoring table, in the scores' schema (Databricks)."""
        if not self.scores_table:
            return None
        schema = self.scores_table.rpartition(".")[0]
        return f"{schema}.{MONITORING_MODEL}" if schema else MONITORING_MODEL


@dataclass(frozen=True)
class RunParams:
    source: Source
    outputs: Outputs
    config: TrainConfig
    truth_path: Path | None


def _int(widgets: Any, name: str) -> int:
    value = widgets.get(name)
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"Widget {name} must be a whole number, not {value!r}.") from None


def read_params(widgets: Any) -> RunParams:
    """Turn widget values into the run's source, outputs, settings and truth file."""
    config = TrainConfig(
        test_months=_int(widgets, "test_months"),
        gap_months=_int(widgets, "gap_months"),
        seed=_int(widgets, "seed"),
    )
    kind = widgets.get("source")
    output = widgets.get("output").strip()
    truth = widgets.get("truth").strip()
    if kind == "parquet":
        lake = Lake.resolve(widgets.get("lake").strip() or None)
        outputs = Outputs.for_lake(lake)
        if output:
            outputs = Outputs(artifacts=Path(output), scores_path=outputs.scores_path)
        source = Source("parquet", lake_root=lake.root)
        truth_path = Path(truth) if truth else lake.truth / TRUTH_FILE
    elif kind == "table":
        if not output:
            raise ConfigError(
                "Set the output widget to a folder for the model and evidence (for example a "
                "Unity Catalog volume, /Volumes/<catalog>/<schema>/<volume>/default_model)."
            )
        source = Source("table", table=widgets.get("features_table").strip())
        outputs = Outputs(artifacts=Path(output), scores_table=widgets.get("scores_table").strip())
        truth_path = Path(truth) if truth else None
    else:
        raise ConfigError(f"Widget source must be parquet or table, not {kind!r}.")
    return RunParams(source=source, outputs=outputs, config=config, truth_path=truth_path)


def notebook_widgets(namespace: dict, argv: Sequence[str] | None = None) -> Any:
    """`dbutils.widgets` on Databricks, else widgets read from the command line."""
    dbutils = namespace.get("dbutils")
    if dbutils is not None:
        return dbutils.widgets
    return LocalWidgets(sys.argv[1:] if argv is None else argv)


def notebook_spark(namespace: dict):
    """The notebook's SparkSession on Databricks, else the project's local session."""
    spark = namespace.get("spark")
    if spark is not None:
        return spark
    from finlake.spark import local_session

    return local_session("finlake-default-model")


def notebook_display(namespace: dict) -> Callable[[Any], None]:
    """Databricks' `display`, else print a pandas DataFrame (or anything) as text."""
    display = namespace.get("display")
    if display is not None:
        return display

    def show(value: Any) -> None:
        to_string = getattr(value, "to_string", None)
        print(to_string(index=False) if callable(to_string) else value)

    return show
