"""Incremental builds: recomputing only the changed days gives a full build's marts, without rereading history."""

from __future__ import annotations

import re
import shutil
from datetime import date

import duckdb
import pytest

from inc_pipeline.warehouse import BuildFailed, GraphError, build_warehouse, load_models
from inc_pipeline.warehouse.incremental import on_days

from .conftest import DAYS, SITES, guests, land, land_day

LABEL = "http://127.0.0.1:8000"
SNAPSHOT_DAY = date(2025, 3, 6)


def marts(data_dir) -> dict[str, list[tuple]]:
    """Every mart's rows, sorted, so two warehouses can be compared whole."""
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        names = [
            n for (n,) in con.execute("select table_name from information_schema.tables "
                                      "where table_schema = 'marts'").fetchall()  # tables and views
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
    # the staging table keeps the removed day's rows from the published warehouse: only changed days were read
    assert result.models["stg_history_day_client_count"] == len(DAYS) * len(SITES)
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
    with pytest.raises(GraphError, match="keyless: an incremental model needs a `unique` test"):
        load_models(sql_dir)


def test_a_daily_build_keeps_the_published_staging_rows_without_reading_history(data_dir):
    build_warehouse(data_dir, source_label=LABEL)
    land_day(data_dir / "lake", DAYS[2])
    # History that is not read cannot break the build: a staging table is replaced by landed day.
    (data_dir / "lake" / "history_day_client_count" / f"date={DAYS[0]}" / "part-0.parquet").write_bytes(b"not parquet")
    result = build_warehouse(data_dir, source_label=LABEL, changed_dates=[DAYS[2]])
    assert result.version == 2 and result.blocking_failures == []
    totals = {row[1]: row[4] for row in marts(data_dir)["guest_daily"] if row[0] == "101"}
    assert totals == {day: guests("101", day)["total"] for day in DAYS}


def test_a_table_first_landed_after_the_published_build_is_merged_in(data_dir):
    build_warehouse(data_dir, source_label=LABEL)  # no history_ssid_data yet: its staging table is empty
    counts = (("guest", 3), ("staff", 1))
    land(data_dir / "lake", "history_ssid_data", DAYS[2], [
        {"site_id": site, "SSID": ssid, "count": count} for site in SITES for ssid, count in counts
    ])  # fmt: skip
    build_warehouse(data_dir, source_label=LABEL, changed_dates=[DAYS[2]])
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select count(*), sum(clients) from staging.stg_history_ssid_data").fetchone() == (4, 8)
        shares = con.execute("select ssid, share from marts.ssid_daily where site_id = '202'").fetchall()
    assert sorted(shares) == [("guest", 0.75), ("staff", 0.25)]


def test_on_days_selects_utc_days_with_one_range_per_run_of_days():
    days = [date(2025, 3, 3), date(2025, 3, 4), date(2025, 3, 6)]
    condition = on_days("t", days)
    assert condition.count(" or ") == 1  # 03-03..03-04, then 03-06
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")  # as the build's session
    con.execute("create table instants (t timestamptz)")
    con.execute("""insert into instants values ('2025-03-02 23:59:59.999+00'), ('2025-03-03 00:00:00+00'),
        ('2025-03-04 23:59:59.999+00'), ('2025-03-05 00:00:00+00'), ('2025-03-06 01:00:00+01'),
        ('2025-03-06 23:30:00-01'), (null)""")
    picked = con.execute(f"select strftime(t, '%Y-%m-%d %H:%M') from instants where {condition} order by t").fetchall()
    assert picked == [("2025-03-03 00:00",), ("2025-03-04 23:59",), ("2025-03-06 00:00",)]
    sundays = on_days("cast(w as date) + 6", [date(2025, 3, 2), date(2025, 3, 9)])  # weeks landed on their Sunday
    weeks = f"select count(*) from range(date '2025-02-24', date '2025-03-10', interval 7 day) as r(w) where {sundays}"
    assert con.execute(weeks).fetchone() == (2,)
    assert on_days("t", []) == "false"


def test_on_days_over_a_column_skips_the_row_groups_of_other_days():
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    con.execute("create table sessions as select timestamptz '2025-01-01 00:00:00+00' + to_minutes(i) as t "
                "from range(500000) as r(i)")  # fmt: skip
    plan = con.execute(f"explain analyze select count(*) from sessions where {on_days('t', [date(2025, 3, 3)])}")
    profile = plan.fetchall()[0][1]
    scanned, total = map(int, re.search(r"Row Groups Scanned: (\d+) / (\d+)", profile).groups())
    assert scanned <= 2 < total
