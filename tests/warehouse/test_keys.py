"""Declared keys: each mart's unique key is its PRIMARY KEY (unless its YAML opts out, for marts that grow with
every hour or session), the columns of blocking not_null tests are NOT NULL, and incremental builds keep them."""

from __future__ import annotations

import duckdb
import pytest

from inc_pipeline.warehouse import BuildFailed, build_warehouse, load_models

from .conftest import DAYS, land, land_day

LABEL = "http://127.0.0.1:8000"


def constraints(data_dir) -> dict[tuple[str, str], set]:
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        rows = con.execute("select schema_name, table_name, constraint_type, constraint_column_names "
                           "from duckdb_constraints() where constraint_type in ('PRIMARY KEY', 'NOT NULL')").fetchall()
    found: dict[tuple[str, str], set] = {}
    for schema, table, kind, columns in rows:
        found.setdefault((schema, table), set()).add((kind, tuple(columns)))
    return found


def expected(model) -> set:
    declared = {("NOT NULL", (column,)) for column in model.declared_not_null}
    if model.declared_primary_key:
        key = model.declared_primary_key
        declared |= {("PRIMARY KEY", key)} | {("NOT NULL", (column,)) for column in key}
    return declared


def test_every_table_declares_its_keys_and_an_incremental_build_keeps_them(data_dir):
    build_warehouse(data_dir, source_label=LABEL)
    land_day(data_dir / "lake", DAYS[2])
    build_warehouse(data_dir, source_label=LABEL, changed_dates=[DAYS[2]])
    found, graph = constraints(data_dir), load_models()
    tables = [m for m in graph.models.values() if m.materialization == "table"]
    for model in tables:
        assert found.get((model.layer, model.name), set()) == expected(model), model.relation
    keyed = {m.name for m in tables if m.declared_primary_key}
    assert {"guest_daily", "report_weekly", "device_inventory", "ap_daily"} <= keyed
    assert not keyed & {"auth_sessions", "interface_traffic_hourly", "guest_hourly"}  # opted out, key tested


def test_a_changed_day_breaking_a_declared_key_is_refused_in_one_line(data_dir):
    build_warehouse(data_dir, source_label=LABEL)
    land(data_dir / "lake", "history_day_client_count", DAYS[2], [
        {"site_id": None, "new": 1, "old": 1, "total": 2},
    ])  # fmt: skip
    with pytest.raises(BuildFailed) as refused:
        build_warehouse(data_dir, source_label=LABEL, changed_dates=[DAYS[2]])
    assert len(str(refused.value).splitlines()) == 1 and "site_id" in str(refused.value)
