"""The notebook's parameters: the local widget stand-in and how widget values become a run."""

from __future__ import annotations

from pathlib import Path

import pytest

from finlake.errors import ConfigError
from ml.runtime import (
    LocalWidgets,
    declare_widgets,
    notebook_display,
    notebook_widgets,
    read_params,
)


def widgets(*argv: str) -> LocalWidgets:
    w = LocalWidgets(argv)
    declare_widgets(w)
    return w


def test_defaults_apply_without_arguments(monkeypatch, tmp_path):
    monkeypatch.setenv("FINLAKE_LAKE", str(tmp_path))
    params = read_params(widgets())
    assert params.source.kind == "parquet"
    assert params.source.lake_root == tmp_path.resolve()
    assert params.outputs.artifacts == tmp_path.resolve() / "ml"
    assert params.outputs.scores_path == tmp_path.resolve() / "gold" / "customer_default_scores"
    assert params.truth_path == tmp_path.resolve() / "_truth" / "default_risk_monthly.csv"
    assert (params.config.test_months, params.config.seed) == (2, 42)


def test_arguments_override_widgets_in_both_spellings(tmp_path):
    params = read_params(widgets("--lake", str(tmp_path), "--test-months=3", "--seed", "7"))
    assert params.source.lake_root == tmp_path.resolve()
    assert (params.config.test_months, params.config.seed) == (3, 7)


def test_output_moves_only_the_artifacts(tmp_path):
    params = read_params(widgets("--lake", str(tmp_path), "--output", str(tmp_path / "run")))
    assert params.outputs.artifacts == tmp_path / "run"
    assert params.outputs.scores_path == tmp_path.resolve() / "gold" / "customer_default_scores"


def test_table_source_needs_an_output_folder():
    with pytest.raises(ConfigError, match="Set the output widget"):
        read_params(widgets("--source", "table"))


def test_table_source_reads_and_writes_the_catalog():
    params = read_params(
        widgets("--source", "table", "--output", "/Volumes/main/risk/ml/default_model")
    )
    assert params.source.table == "gold.loan_default_features"
    assert params.outputs.scores_table == "gold.customer_default_scores"
    assert params.outputs.artifacts == Path("/Volumes/main/risk/ml/default_model")
    assert params.truth_path is None


def test_unknown_argument_is_named():
    with pytest.raises(ConfigError, match="Unknown argument --test-month"):
        read_params(widgets("--test-month", "3"))


def test_dropdown_value_must_be_a_choice():
    with pytest.raises(ConfigError, match="--source must be one of parquet, table"):
        widgets("--source", "csv")


def test_whole_numbers_are_checked():
    with pytest.raises(ConfigError, match="Widget seed must be a whole number"):
        read_params(widgets("--seed", "forty-two"))


def test_bad_settings_are_config_errors():
    with pytest.raises(ConfigError, match="test_months must be at least 1"):
        read_params(widgets("--test-months", "0"))


def test_databricks_globals_win():
    class Dbutils:
        widgets = object()

    assert notebook_widgets({"dbutils": Dbutils()}) is Dbutils.widgets
    assert isinstance(notebook_widgets({}, argv=[]), LocalWidgets)
    assert notebook_display({"display": print}) is print


def test_local_display_prints_tables(capsys):
    import pandas as pd

    notebook_display({})(pd.DataFrame({"band": ["A"], "rows": [3]}))
    assert capsys.readouterr().out.split() == ["band", "rows", "A", "3"]


def test_notebook_imports_the_installed_package_not_a_path():
    """Databricks as deployed: the notebook imports `ml` from the project's wheel, so it must
    not edit sys.path, and what the package reads at run time ships inside it."""
    import importlib.resources
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    notebook = (root / "ml" / "default_model.py").read_text()
    assert "sys.path." not in notebook and "import sys" not in notebook
    assert (importlib.resources.files("ml") / "reason_codes.csv").is_file()
    project = tomllib.loads((root / "pyproject.toml").read_text())
    assert "reason_codes.csv" in project["tool"]["setuptools"]["package-data"]["ml"]
    runtime = " ".join(project["project"]["dependencies"])
    assert "pandas" in runtime and "matplotlib" in runtime  # finlake train after pip install .
