"""Incremental builds: recomputing only the changed days gives a full build's marts, without rereading history."""

from __future__ import annotations

import shutil
from datetime import date

import duckdb
import pytest

from inc_pipeline.warehouse import BuildFailed, GraphError, build_warehouse, load_models

from .conftest import DAYS, SITES, guests, land, land_day

LABEL = "http://127.0.0.1:8000"
SNAPSHOT_DAY = date(2025, 3, 6)


def marts(data_dir) -> dict[str, list[tuple]]:
    """Every mart's rows, sorted, so two warehouses can be compared whole."""
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        names = [
            n for (n,) in con.execute("select table_name from duckdb_tables() where schema_name = 'marts'").fetchall()
        ]
        return {name: sorted(con.execute(f"select * from marts.{name}").fetchall(), key=repr) for name in names}


def land_snapshots(lake, day: date, devices: list[tuple[str, str]]) -> None:
    land(lake, "shop_devices", day, [
        {"devSN": sn, "devModel": "GR 1200", "shopId": site, "devType": "AC", "aliasName": f"gw-{sn}-{day}",
         "site_id": site}
        for sn, site in devices
    ])  # fmt: skip
    land(lake, "user_shops", day, [{"shopId": int(site), "shopName": f"shop {site} {day}", "site_id": site}
                                   for site in SITES])  # fmt: skip


def relanded_day_one(lake) -> None:
    """DAYS[1] extracted again: other guest numbers, and one auth session per site fewer."""
    changed = [{**guests(site, DAYS[1]), "new": 1, "old": 2, "total": 3} for site in SITES]
    land(lake, "history_day_client_count", DAYS[1], changed)
    land(lake, "history_day_report", DAYS[1], [
        {"site_id": g["site_id"], "statTime": f"{DAYS[1]} 00:00:00", "clientCount": 3, "newCount": 1, "oldCount": 2,
         "avgTime": 60, "totalRxBytes": 1.5, "totalTxBytes": 0.5, "avgRxBytes": 0.5, "avgTxBytes": 0.2}
        for g in changed
    ])  # fmt: skip
    land(lake, "auth_history", DAYS[1], [
        {"shop_id": int(site), "user_mac": "hash-0", "access_start_time": 1741078800000, "access_duration": 60,
         "user_type": 7, "site_id": site}
        for site in SITES
    ])  # fmt: skip


@pytest.fixture
def changed(data_dir, tmp_path):
    """A published warehouse of DAYS[:2], then a day added, a day re-landed and a newer snapshot; returns the
    changed days and a second data dir holding the same lake, for a full build to compare with."""
    lake = data_dir / "lake"
    land_snapshots(lake, DAYS[0], [("sn-1", "101"), ("sn-2", "202")])
    build_warehouse(data_dir, source_label=LABEL)
    land_day(lake, DAYS[2])
    relanded_day_one(lake)
    land_snapshots(lake, SNAPSHOT_DAY, [("sn-1", "101")])  # sn-2 missing today: its last row stays
    full = tmp_path / "full"
    shutil.copytree(lake, full / "lake")
    return [DAYS[1], DAYS[2], SNAPSHOT_DAY], full


def test_an_incremental_build_equals_a_full_build(data_dir, changed):
    dates, full = changed
    result = build_warehouse(data_dir, source_label=LABEL, changed_dates=dates)
    build_warehouse(full, source_label=LABEL)
    assert result.version == 2 and result.blocking_failures == []
    incremental, rebuilt = marts(data_dir), marts(full)
    assert incremental == rebuilt
    assert len(incremental["auth_sessions"]) == 2 * 2 + 2 + 2 * 2  # DAYS[0], DAYS[1] re-landed, DAYS[2]
    assert {row[2] for row in incremental["device_inventory"]} == {f"gw-sn-1-{SNAPSHOT_DAY}", f"gw-sn-2-{DAYS[0]}"}


def test_an_incremental_build_reads_only_the_changed_partitions(data_dir, changed):
    dates, _ = changed
    shutil.rmtree(data_dir / "lake" / "history_day_client_count" / f"date={DAYS[0]}")  # history is not read again
    result = build_warehouse(data_dir, source_label=LABEL, changed_dates=dates)
    assert result.models["stg_history_day_client_count"] == 2 * len(SITES)  # the view over the changed days
    days = {row[1] for row in marts(data_dir)["guest_daily"]}
    assert days == set(DAYS)


def test_tests_of_an_incremental_build_check_the_new_rows(data_dir, changed):
    dates, _ = changed
    land(data_dir / "lake", "history_day_client_count", DAYS[2], [
        {"site_id": "101", "new": -1, "old": 0, "total": -1}
    ])  # fmt: skip
    with pytest.raises(BuildFailed, match="guest_daily: expression"):
        build_warehouse(data_dir, source_label=LABEL, changed_dates=dates)


def test_without_a_published_warehouse_the_build_is_full(data_dir):
    result = build_warehouse(data_dir, source_label=LABEL, changed_dates=[DAYS[1]])
    assert result.models["guest_daily"] == 2 * len(SITES)


def test_an_incremental_mart_needs_a_key(tmp_path):
    sql_dir = tmp_path / "sql"
    shutil.copytree(load_models().sql_dir, sql_dir)
    (sql_dir / "marts" / "keyless.sql").write_text("select 1 as date")
    (sql_dir / "marts" / "keyless.yml").write_text("incremental:\n  partition_date: date\n")
    with pytest.raises(GraphError, match="keyless: an incremental mart needs a `unique` test"):
        load_models(sql_dir)
