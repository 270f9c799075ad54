"""The one de-duplication contract (`landing.rules.landing_key`): every staging model keeps, per the landing key
(renamed as staging renames it) and `partition_date`, the row of the latest extraction; within one answer the first
record of a key is kept, as the writer keeps the first across pages."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import duckdb
import pytest

from inc_pipeline.catalog import TABLES
from inc_pipeline.landing.rules import context_columns, landing_key
from inc_pipeline.warehouse import build_warehouse, load_models

from .conftest import DAYS, land

PARTITION_BY = re.compile(r"qualify row_number\(\) over \(\s*partition by (.*?)\s+order by extracted_at desc", re.S)
SELECTED = re.compile(r"^\s*(.+?)\s+as\s+([a-z_0-9]+),?$", re.M)


def staging_key(endpoint) -> tuple[str, ...]:
    """The landing key as the staging model names its columns (a context column keeps its name)."""
    sql = load_models().models[f"stg_{endpoint.id}"].sql
    named = {}
    for expression, name in SELECTED.findall(sql.split("deduplicated as")[0]):
        for quoted, bare in re.findall(r'"([^"]+)"|\b([A-Za-z_][A-Za-z0-9_]*)\b', expression):
            named.setdefault(quoted or bare, name)
    context = set(context_columns(endpoint))
    return tuple(dict.fromkeys(column if column in context else named[column] for column in landing_key(endpoint)))


@pytest.mark.parametrize("endpoint", TABLES, ids=lambda e: e.id)
def test_every_staging_model_deduplicates_on_the_landing_key(endpoint):
    model = load_models().models[f"stg_{endpoint.id}"]
    (partition_by,) = PARTITION_BY.findall(model.sql)
    columns = [column.strip() for column in partition_by.split(",")]
    assert set(columns) - {"partition_date"} == set(staging_key(endpoint)), columns
    assert model.unique_key == tuple(columns)  # the unique test (and an incremental build's merge key) says the same


def test_the_latest_extraction_of_a_key_wins_in_staging(tmp_path):
    early = datetime(2025, 3, 3, 6, tzinfo=UTC)
    first = land(tmp_path / "lake", "device_ap_info", DAYS[0], [
        {"dev_sn": "dev-1", "apSN": "ap-1", "apName": "first", "apStatus": 1},
    ], extracted_at=early)  # fmt: skip
    first.rename(first.with_name("part-1.parquet"))  # two files in one partition: two extractions of the day
    land(tmp_path / "lake", "device_ap_info", DAYS[0], [
        {"dev_sn": "dev-1", "apSN": "ap-1", "apName": "second", "apStatus": 1},
        {"dev_sn": "dev-2", "apSN": "ap-1", "apName": "other controller", "apStatus": 1},
    ], extracted_at=early + timedelta(hours=6))  # fmt: skip
    build_warehouse(tmp_path, source_label="http://127.0.0.1:8000")
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        rows = con.execute("select dev_sn, ap_name from staging.stg_device_ap_info order by dev_sn").fetchall()
        daily = con.execute("select dev_sn, ap_name from marts.ap_daily").fetchall()
    assert rows == [("dev-1", "second"), ("dev-2", "other controller")]  # one row per landing key
    assert len(daily) == 1  # the mart chooses one listing per AP and day, in the open
