"""Landing CSV extracts -> bronze Parquet: a PySpark job run locally and as an AWS Glue 5.0 job.

One run is `load.load_landing()`, called by the ingest stage of finlake/pipeline.py. Its steps:
`recovery` (undo an interrupted run), `plan` (discover, survey, decide), `parse` (the Spark
jobs), `publish` (into bronze, then the ledger), sharing one `state.IngestRun`; `report` is what
a run did and prints. Building blocks: `schemas` (the contract and the bronze, malformed and
ledger layouts), `rfc4180` (record splitting over bytes), `transforms` (header matching, row
shaping and the DataFrame steps), `storage` (the only module that touches storage), `ledger`
(the load log), `pii` (tokens of personal data), `worker` (what runs in Spark's Python
workers). Command lines: `cli` (python -m ingestion.cli) and `glue_job` (the Glue entry).
"""
