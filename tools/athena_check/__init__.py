"""Offline Athena readiness check: compile the project for the `prod` target (dbt-athena)
against a local AWS API emulator (moto) and check every compiled model and test."""
