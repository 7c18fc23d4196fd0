"""ml/publish_scores.py against moto's Glue and S3 alone (no engine): the scores replace the
rows of an existing Glue Iceberg table in one commit; names and columns that do not fit are
refused in one sentence. The scenario in test_prod_scenarios.py then reads them with Athena's
engine through dbt."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from finlake.errors import ConfigError
from ml import publish_scores
from tools.athena_check.moto_server import MotoServer

BUCKET = "lake"


@pytest.fixture(scope="module")
def glue_environment():
    with MotoServer() as server:
        server.create_bucket(BUCKET)
        server.client("glue").create_database(DatabaseInput={"Name": "gold"})
        environment = {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_ENDPOINT_URL": server.endpoint,
            "AWS_REGION": server.region,
        }
        from pyiceberg.catalog import load_catalog

        catalog = load_catalog("glue", **publish_scores.catalog_properties(environment))
        catalog.create_table(
            ("gold", "customer_default_scores"),
            schema=pa.schema(
                [
                    ("customer_id", pa.string()),
                    ("probability_of_default", pa.float64()),
                    ("scored_at", pa.timestamp("us")),
                ]
            ),
            location=f"s3://{BUCKET}/gold/customer_default_scores",
        )
        yield environment, catalog


def rows(count: int, pd: float) -> pa.Table:
    # Spark hands timestamps in nanoseconds, and the columns in its own order.
    return pa.table(
        {
            "scored_at": pa.array([dt.datetime(2025, 7, 1)] * count, pa.timestamp("ns")),
            "probability_of_default": [pd] * count,
            "customer_id": [f"C{i:03d}" for i in range(count)],
        }
    )


def test_scores_replace_the_table_in_one_commit_each(glue_environment):
    environment, catalog = glue_environment
    table = "glue:gold.customer_default_scores"
    publish_scores.publish(rows(3, 0.1), table, environment)
    publish_scores.publish(rows(2, 0.2), table, environment)
    iceberg = catalog.load_table(("gold", "customer_default_scores"))
    read = iceberg.scan().to_arrow()
    assert sorted(read["customer_id"].to_pylist()) == ["C000", "C001"]
    assert set(read["probability_of_default"].to_pylist()) == {0.2}
    assert read.schema.field("scored_at").type == pa.timestamp("us")
    assert iceberg.metadata_location.startswith(f"s3://{BUCKET}/gold/customer_default_scores/")


def test_columns_that_do_not_match_the_table_are_refused(glue_environment):
    environment, _ = glue_environment
    with pytest.raises(ConfigError, match=r"missing \['scored_at'\]"):
        publish_scores.publish(
            rows(1, 0.1).drop(["scored_at"]), "glue:gold.customer_default_scores", environment
        )


def test_a_table_that_was_never_bootstrapped_is_named(glue_environment):
    environment, _ = glue_environment
    with pytest.raises(ConfigError, match="bootstrap_lake_tables"):
        publish_scores.publish(rows(1, 0.1), "glue:gold.model_monitoring", environment)


@pytest.mark.parametrize("name", ["gold.customer_default_scores", "glue:scores", "glue:a.b.c"])
def test_names_that_are_not_glue_tables_are_refused(name):
    with pytest.raises(ConfigError, match=r"glue:<database>\.<table>"):
        publish_scores.parse(name)
