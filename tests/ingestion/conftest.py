"""Fixtures for the ingestion suite: the shared SparkSession comes from tests/conftest.py."""
