"""A SparkSession for this machine: local mode with settings that suit a small laptop.

Only local runs come through here. On Glue, EMR or Databricks the platform builds the session
and its settings (cores, memory, shuffle partitions, logging) are left alone; the jobs take the
session as an argument.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from finlake.java import require_java

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

# Settings for Spark in local mode on a 2-core, few-GB machine. Keys are Spark's own.
LOCAL_SETTINGS = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "4",
    "spark.driver.memory": "2g",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.adaptive.enabled": "true",
    # Python workers: reuse them and give them this interpreter (the venv), not `python3`.
    "spark.python.worker.reuse": "true",
    # Tests and the CLI write to throwaway or explicit folders; no Hive metastore, no derby.log.
    "spark.sql.catalogImplementation": "in-memory",
    "spark.sql.warehouse.dir": str(Path(tempfile.gettempdir()) / "finlake-spark-warehouse"),
}

# More driver JVM options, space-separated, for every local session of this process and its
# children: `make test` sets -XX:TieredStopAtLevel=1 (tools/test_steps.py), so the many
# short-lived Spark JVMs its tests start (ingests, the notebook, the Glue job's local run)
# compile with C1 only, which costs them far less CPU on 2 cores.
JVM_OPTIONS_ENV = "FINLAKE_SPARK_JVM_OPTIONS"

# Log4j 2 configuration: errors only on the console, so a run prints its own summary and no
# JVM chatter. `verbose=True` keeps Spark's default (warnings and progress).
QUIET_LOG4J2 = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
# The shell and the Python gateway at the root's level, so Spark announces no "default log
# level" when PySpark starts it.
logger.repl.name = org.apache.spark.repl.Main
logger.repl.level = error
logger.gateway.name = org.apache.spark.api.python.PythonGatewayServer
logger.gateway.level = error
"""


def _quiet_log_config() -> Path:
    """The quiet configuration as a file, named by its content so versions never clash."""
    digest = hashlib.sha256(QUIET_LOG4J2.encode()).hexdigest()[:12]
    path = Path(tempfile.gettempdir()) / f"finlake-log4j2-{digest}.properties"
    if not path.is_file():
        temp = path.with_suffix(f".{os.getpid()}.tmp")
        temp.write_text(QUIET_LOG4J2)
        temp.replace(path)
    return path


def driver_java_options(java_options: str = "", verbose: bool = False) -> str:
    """The driver JVM's extra options: the quiet log configuration (unless `verbose`), then
    `java_options`, then FINLAKE_SPARK_JVM_OPTIONS."""
    quiet = "" if verbose else f"-Dlog4j.configurationFile={_quiet_log_config().as_uri()}"
    return " ".join(f"{quiet} {java_options} {os.environ.get(JVM_OPTIONS_ENV, '')}".split())


def local_session(
    app_name: str,
    verbose: bool = False,
    master: str = "local[*]",
    java_options: str = "",
    **settings: str,
) -> SparkSession:
    """A local-mode SparkSession (or the one already running in this process).

    Finds Java 17 first so that a machine without it gets one plain sentence, not a JVM trace.
    `settings` override LOCAL_SETTINGS (tests use one core and one shuffle partition);
    `java_options` are added to the driver JVM's options (e.g. `-XX:TieredStopAtLevel=1`,
    which halves the JVM's CPU for short runs such as test suites), and so are those of
    FINLAKE_SPARK_JVM_OPTIONS.
    """
    require_java()
    # Python workers must run this interpreter (the one with pyarrow and numpy installed).
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.master(master).appName(app_name)
    for key, value in {**LOCAL_SETTINGS, **settings}.items():
        builder = builder.config(key, value)
    if verbose:
        builder = builder.config("spark.ui.showConsoleProgress", "true")
    options = driver_java_options(java_options, verbose)
    if options:
        builder = builder.config("spark.driver.extraJavaOptions", options)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("WARN" if verbose else "ERROR")
    return session
