"""The prod target run for real with no AWS account: moto, Trino and an Athena API facade."""
