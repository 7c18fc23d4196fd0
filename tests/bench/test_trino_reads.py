"""bench/trino_reads.py turns Trino's query statistics into bytes per dbt node and catalog.
These checks need no server: they feed it query infos shaped like Trino 476's
(`GET /v1/query/{queryId}`); tests/trino/test_watermark_on_trino.py counts real builds."""

from __future__ import annotations

from bench.trino_reads import TrinoReadCounter, data_size, statement_node

NODE = "model.finlake.int_transactions__checked"


def info(operators: list[tuple[int, int, str]], inputs: list[dict], pruned=False) -> dict:
    total = sum(size for _, _, size in operators)
    summaries = [
        {"stageId": stage, "planNodeId": str(node), "physicalInputDataSize": f"{size}B"}
        for stage, node, size in operators
    ]
    return {
        "inputs": inputs,
        "queryStats": {
            "physicalInputDataSize": f"{total}B",
            "operatorSummaries": [] if pruned else summaries,
        },
    }


def scan(catalog: str, schema: str, table: str, fragment: int, node: int) -> dict:
    return {
        "catalogName": catalog,
        "schema": schema,
        "table": table,
        "fragmentId": str(fragment),
        "planNodeId": str(node),
    }


def test_data_sizes_as_trino_writes_them():
    assert data_size("37861B") == 37861
    assert data_size("1.50kB") == 1536
    assert data_size(None) == 0


def test_bytes_go_to_the_node_split_by_catalog():
    # the watermark scan of the model's own table (fused into a scan-filter-project node of
    # another id) and the scan of the new day's bronze, in stages of their own
    counter = TrinoReadCounter()
    query = info(
        [(2, 368, 19261), (3, 1, 18600), (0, 5, 0)],
        [scan("iceberg", "silver", "t", 2, 0), scan("bronze", "bronze", "b", 3, 1)],
    )
    counter.add(f'/* {{"node_id": "{NODE}"}} */ insert into t select 1', query)
    counter.add("select * from iceberg.information_schema.tables", None)
    reads = counter.per_model()
    assert reads[NODE]["bronze_bytes"] == 18600
    assert reads[NODE]["silver_bytes"] == 19261
    assert reads["(none)"]["statements"] == 1
    assert counter.bytes_by_table(NODE) == {"iceberg.silver.t": 19261, "bronze.bronze.b": 18600}


def test_a_pruned_info_falls_back_on_the_client_stages():
    counter = TrinoReadCounter()
    query = info(
        [(1, 7, 100), (2, 8, 50)],
        [scan("bronze", "bronze", "b", 1, 7), scan("iceberg", "gold", "g", 2, 8)],
        pruned=True,
    )
    stages = {
        "stageId": "0",
        "subStages": [
            {"stageId": "1", "physicalInputBytes": 100},
            {"stageId": "2", "physicalInputBytes": 50},
        ],
    }
    counter.add(f'/* {{"node_id": "{NODE}"}} */ select 1', query, {"rootStage": stages})
    assert counter.per_model()[NODE] == {
        "bronze_bytes": 100,
        "silver_bytes": 50,
        "other_bytes": 0,
        "statements": 1,
        "pruned": 1,
    }


def test_the_second_part_of_a_split_statement_keeps_its_node():
    """dbt-trino splits a contracted model's `create table ...; insert into ... select` and
    only the first part carries dbt's query comment."""

    class Wrapper:
        pass

    wrapper = Wrapper()
    assert statement_node(wrapper, f'/* {{"node_id": "{NODE}"}} */ create table t (a int)') == NODE
    assert statement_node(wrapper, "insert into t (select 1)") == NODE
    assert statement_node(wrapper, '/* {"app": "dbt"} */ select 1') == "(none)"
    assert statement_node(Wrapper(), "select 1") == "(none)"
