"""tests/lake_copy.py: a copied lake reads only its own files, and a lake shared by the test
processes of one `make test` run is built once, whatever happens to the process building it."""

from __future__ import annotations

import multiprocessing
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from finlake.lake import Lake
from tests.lake_copy import SHARED_DIR_ENV, shared_lake


def small_lake(folder: Path) -> Lake:
    """A lake with one bronze Parquet file and a dev warehouse whose view reads it by path."""
    lake = Lake.resolve(folder)
    (lake.root / "bronze" / "t").mkdir(parents=True)
    parquet = lake.root / "bronze" / "t" / "part.parquet"
    with duckdb.connect(str(lake.warehouse)) as db:
        db.execute(f"copy (select 41 + range as x from range(2)) to '{parquet}' (format parquet)")
        db.execute("create schema bronze")
        db.execute(f"create view bronze.t as select * from read_parquet('{parquet}')")
    return lake


def test_a_shared_lakes_copy_reads_its_own_bronze(tmp_path, monkeypatch):
    monkeypatch.setenv(SHARED_DIR_ENV, str(tmp_path / "shared"))
    copy = shared_lake("w", tmp_path / "mine", small_lake)
    shutil.rmtree(tmp_path / "shared")  # the copy must not need anything of the shared one
    with duckdb.connect(str(copy.warehouse), read_only=True) as db:
        assert db.execute("select sum(x) from bronze.t").fetchone() == (83,)


def test_without_make_test_each_caller_builds_its_own(tmp_path, monkeypatch):
    monkeypatch.delenv(SHARED_DIR_ENV, raising=False)
    built = []
    lake = shared_lake("w", tmp_path / "mine", lambda f: built.append(f) or small_lake(f))
    assert built == [tmp_path / "mine"] and lake.root == (tmp_path / "mine").resolve()


def _counting_build(folder: Path, log: Path) -> Lake:
    with open(log, "a") as out:
        out.write(f"{os.getpid()}\n")
    return small_lake(folder)


def _ask(shared: str, name: str, target: str, log: str) -> None:
    os.environ[SHARED_DIR_ENV] = shared
    lake = shared_lake(name, Path(target), lambda f: _counting_build(f, Path(log)))
    with duckdb.connect(str(lake.warehouse), read_only=True) as db:
        assert db.execute("select count(*) from bronze.t").fetchone() == (2,)


def test_processes_asking_together_build_the_lake_once(tmp_path):
    log = tmp_path / "builds.log"
    context = multiprocessing.get_context("spawn")
    asks = [
        context.Process(
            target=_ask, args=(str(tmp_path / "shared"), "w", str(tmp_path / f"copy{i}"), str(log))
        )
        for i in range(3)
    ]
    for process in asks:
        process.start()
    for process in asks:
        process.join(60)
    assert [p.exitcode for p in asks] == [0, 0, 0]
    assert len(log.read_text().split()) == 1
    for i in range(3):
        assert (tmp_path / f"copy{i}" / "warehouse.duckdb").exists()


def test_a_build_that_fails_leaves_nothing_and_the_next_caller_builds(tmp_path, monkeypatch):
    monkeypatch.setenv(SHARED_DIR_ENV, str(tmp_path / "shared"))

    def broken(folder: Path) -> Lake:
        small_lake(folder)
        raise RuntimeError("the build failed half-way")

    with pytest.raises(RuntimeError):
        shared_lake("w", tmp_path / "first", broken)
    built = []
    lake = shared_lake("w", tmp_path / "second", lambda f: built.append(f) or small_lake(f))
    assert len(built) == 1 and lake.root == (tmp_path / "second").resolve()


def test_the_make_test_runner_names_the_jvm_options_variables_of_trino_and_spark():
    from finlake.spark import JVM_OPTIONS_ENV as SPARK
    from tools.test_steps import SPARK_JVM_OPTIONS_ENV, TRINO_JVM_OPTIONS_ENV
    from tools.trino.server import JVM_OPTIONS_ENV as TRINO

    assert (TRINO_JVM_OPTIONS_ENV, SPARK_JVM_OPTIONS_ENV) == (TRINO, SPARK)


def test_spark_sessions_take_the_jvm_options_of_the_environment(monkeypatch):
    from finlake.spark import JVM_OPTIONS_ENV, driver_java_options

    monkeypatch.setenv(JVM_OPTIONS_ENV, " -XX:TieredStopAtLevel=1  -Dx=y ")
    quiet = driver_java_options("-Da=b").split()
    assert quiet[0].startswith("-Dlog4j.configurationFile=file:")
    assert quiet[1:] == ["-Da=b", "-XX:TieredStopAtLevel=1", "-Dx=y"]
    assert driver_java_options(verbose=True) == "-XX:TieredStopAtLevel=1 -Dx=y"
    monkeypatch.delenv(JVM_OPTIONS_ENV)
    assert driver_java_options(verbose=True) == ""
