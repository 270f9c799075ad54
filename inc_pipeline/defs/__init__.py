"""Dagster definitions, one sub-package per business domain; `inc_pipeline.definitions` merges them."""
