"""Landing CSV extracts -> bronze Parquet: a PySpark job run locally and as an AWS Glue 5.0 job.

Modules: `schemas` (the contract and the bronze, malformed and ledger layouts), `rfc4180`
(record splitting over bytes), `transforms` (header matching, row shaping and the DataFrame
steps), `io` (the only module that touches storage), `ledger` (the load log and what to do
with each file), `worker` (what runs in Spark's Python workers), `main` (`run()` and `main()`),
`glue_job` (the Glue entry point).
"""
