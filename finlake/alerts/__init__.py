"""Alerting from one definition: the rules in alerts/rules.yml, evaluated on the dev warehouse
(`finlake alerts`, finlake/alerts/local.py) or on Athena (the Lambda, finlake/alerts/aws.py).

    rules.py    read and check the rules file; render a rule's SQL for an engine
    engine.py   evaluate rules through a query function; dedup against the previous state
    local.py    DuckDB: the notifications file, the state file and the summary

The modules the Lambda ships (rules, engine, aws) import only the standard library (and boto3,
which the Lambda runtime provides), so its zip stays small; DuckDB and PyYAML are imported by
local.py and by rules.py for a .yml file only.
"""
