"""The notebook's scores written where Athena reads them: the Glue Data Catalog's Iceberg table.

On AWS the dbt source `ml.customer_default_scores` is an Iceberg table in the gold Glue database
(created empty by `dbt run-operation bootstrap_lake_tables`, at
s3://<lake>/gold/customer_default_scores/). A Spark `saveAsTable` on Databricks writes Delta,
which Athena does not read; this writes the same rows as an Iceberg commit with pyiceberg's Glue
catalog instead: Parquet data files under the table's location, a new metadata file, then Glue's
`metadata_location` swapped by one conditional UpdateTable, so Athena and dbt see the previous
scores or the new ones, never a mix. The whole table is replaced (the scores are one run's).

The destination is the Glue catalog when the notebook's `scores_table` widget reads
`glue:<database>.<table>`, e.g. `glue:finlake_prod_gold.customer_default_scores`
(ml/store.py hands such a name here; any other name is a Spark catalog table, as before). The
model monitoring table beside it, `glue:<database>.model_monitoring`, is written the same way.
AWS access is the usual chain (the cluster's instance profile assuming the `ml` role; region
from AWS_REGION); AWS_ENDPOINT_URL, when set, points Glue and S3 elsewhere (tests/athena_run
writes to its emulated account this way).
"""

from __future__ import annotations

import os
import warnings
from typing import Any

from finlake.errors import ConfigError

GLUE_SCHEME = "glue:"


def is_glue_table(table: str) -> bool:
    """True when a scores destination names a Glue Data Catalog table (`glue:<db>.<table>`)."""
    return table.startswith(GLUE_SCHEME)


def parse(table: str) -> tuple[str, str]:
    """(database, table) of `glue:<database>.<table>`."""
    database, dot, name = table.removeprefix(GLUE_SCHEME).partition(".")
    if not (is_glue_table(table) and dot and database and name and "." not in name):
        raise ConfigError(
            f"Scores table {table!r} is not a Glue table name; write it as "
            "glue:<database>.<table>, e.g. glue:finlake_prod_gold.customer_default_scores."
        )
    return database, name


def catalog_properties(environ: dict[str, str] | None = None) -> dict[str, str]:
    """pyiceberg's Glue catalog settings from the AWS environment: region, and the endpoints and
    keys only where the environment names them (else boto3's and Arrow's default chain)."""
    env = os.environ if environ is None else environ
    region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION")
    if not region:
        raise ConfigError(
            "AWS_REGION is not set; set it to the region of the lake (terraform output region_name)."
        )
    properties = {"type": "glue", "glue.region": region, "s3.region": region}
    glue = env.get("AWS_ENDPOINT_URL_GLUE") or env.get("AWS_ENDPOINT_URL")
    s3 = env.get("AWS_ENDPOINT_URL_S3") or env.get("AWS_ENDPOINT_URL")
    if glue:
        properties["glue.endpoint"] = glue
    if s3:
        properties["s3.endpoint"] = s3
    for key, name in (
        ("AWS_ACCESS_KEY_ID", "access-key-id"),
        ("AWS_SECRET_ACCESS_KEY", "secret-access-key"),
        ("AWS_SESSION_TOKEN", "session-token"),
    ):
        if env.get(key):
            properties[f"glue.{name}"] = env[key]
            properties[f"s3.{name}"] = env[key]
    return properties


def arrow_rows(rows: Any) -> Any:
    """A Spark or pandas DataFrame, or an Arrow table, as an Arrow table."""
    import pyarrow as pa

    if isinstance(rows, pa.Table):
        return rows
    if hasattr(rows, "sparkSession"):  # a Spark DataFrame: the scores are one row per customer
        rows = rows.toPandas()
    return pa.Table.from_pandas(rows, preserve_index=False)


def publish(rows: Any, table: str, environ: dict[str, str] | None = None) -> str:
    """Replace the rows of the Glue Iceberg table `table` (`glue:<db>.<table>`) by `rows`, in
    one Iceberg commit. The table must exist (bootstrap_lake_tables); its columns are the
    contract: a column missing from `rows`, or one it does not know, is an error."""
    import pyarrow as pa
    from pyiceberg.catalog import load_catalog
    from pyiceberg.exceptions import NoSuchTableError

    database, name = parse(table)
    catalog = load_catalog("glue", **catalog_properties(environ))
    try:
        iceberg = catalog.load_table((database, name))
    except NoSuchTableError:
        raise ConfigError(
            f"The Glue table {database}.{name} does not exist; create it once per environment "
            "with `dbt run-operation bootstrap_lake_tables --target prod`, then run again."
        ) from None
    data = arrow_rows(rows)
    schema = iceberg.schema().as_arrow()
    missing = [f.name for f in schema if f.name not in data.column_names]
    unknown = [c for c in data.column_names if c not in schema.names]
    if missing or unknown:
        raise ConfigError(
            f"The rows for {database}.{name} do not match its columns: "
            f"missing {missing or 'none'}, not in the table {unknown or 'none'}."
        )
    # In the table's column order and types (Spark hands UTC wall times in nanoseconds; the
    # Iceberg `timestamp` column is microseconds without a zone, as Athena writes it).
    columns = [data.column(field.name).cast(field.type) for field in schema]
    with warnings.catch_warnings():
        # pyiceberg warns when the overwrite's delete finds nothing, as on a table never written.
        warnings.filterwarnings("ignore", "Delete operation did not match any records")
        iceberg.overwrite(pa.Table.from_arrays(columns, schema=schema))
    return table
