"""One SparkSession for a whole test session, shared by every suite that needs Spark.

Import the fixture into a suite's conftest.py: `from tests.spark_fixture import spark`.
One core and one shuffle partition: small inputs, deterministic task order, and ~10 s of JVM
start paid once.
"""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def spark():
    from finlake.spark import local_session

    session = local_session(
        "finlake-tests",
        master="local[1]",
        # Short jobs: the C1 JIT alone halves the JVM's CPU time, which matters on 2 cores.
        java_options="-XX:TieredStopAtLevel=1",
        **{"spark.sql.shuffle.partitions": "1", "spark.driver.memory": "1g"},
    )
    yield session
    session.stop()


def _assert_dataframe_equal():
    """pyspark.testing.assertDataFrameEqual, importable next to pandas 3.

    PySpark 3.5's `pyspark.testing` package also imports pandas-on-Spark, which fails on pandas 3
    (`DateOffset` moved). The DataFrame assertion itself needs no pandas, so with pandas 3 the
    pandas-on-Spark helper is stubbed out before the package is imported.
    """
    import sys
    import types

    import pandas

    if int(pandas.__version__.split(".")[0]) >= 3:
        stub = types.ModuleType("pyspark.testing.pandasutils")
        stub.assertPandasOnSparkEqual = None
        sys.modules.setdefault("pyspark.testing.pandasutils", stub)
    from pyspark.testing import assertDataFrameEqual

    return assertDataFrameEqual


assertDataFrameEqual = _assert_dataframe_equal()
