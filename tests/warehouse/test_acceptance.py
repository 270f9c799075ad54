"""Acceptance: one pipeline run over nine simulated days, then every mart equals the simulator's own answers.

The run is the real one (every endpoint asset over a partition range, then the warehouse asset, in one Dagster
run) against a simulator whose world ends 2026-11-04, followed by the next daily run of the last day (an
incremental warehouse build); the marts checked are the ones after both. The range 2026-10-26 (Mon) ..
2026-11-03 holds a complete ISO week (10-26 .. 11-01) and a month end (10-31). The expected numbers are asked of
the API separately (`oracle.py`), for whole UTC days, weeks and months, never read back from the lake.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import numpy as np
import pytest
from dagster import DagsterInstance, ExecuteInProcessResult, materialize

from inc_pipeline.client import IncClient
from inc_pipeline.defs.resources import IncApiResource, PipelineSettings
from inc_pipeline.landing.macs import canonical_mac
from inc_pipeline.landing.privacy import pseudonym
from inc_pipeline.ops.run import RANGE_END_TAG, RANGE_START_TAG, check_range
from inc_pipeline.simulator import SimulatorServer

from .contract import MARTS, PERSONAL_FIELDS
from .oracle import Oracle, utc_hour

pytestmark = pytest.mark.slow

WORLD_END = date(2026, 11, 4)
FIRST, LAST = date(2026, 10, 26), date(2026, 11, 3)
WEEK = date(2026, 10, 26)  # Monday of the complete ISO week
MONTH = date(2026, 10, 1)  # its last day, 10-31, is in the range
PII_KEY = "acceptance-pii-key"
SITE_DAYS = (
    ("1001", date(2026, 10, 26)),  # the first day
    ("1002", date(2026, 10, 31)),  # a month end, Saturday
    ("1003", date(2026, 11, 1)),  # a Sunday closing the week
    ("1001", date(2026, 11, 3)),  # the last day
    ("1003", date(2026, 10, 29)),
)
LOCAL_SITE = "1001"  # read on São Paulo's clock (UTC-3 all year since 2019); the other sites on INC_TIMEZONE's (UTC)
SAO_PAULO = ZoneInfo("America/Sao_Paulo")
SITE_ZONES = f"{LOCAL_SITE}=America/Sao_Paulo"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "warehouse.md"


@dataclass
class Run:
    sim: SimulatorServer
    result: ExecuteInProcessResult
    data_dir: Path
    oracle: Oracle
    sites: list[str]
    first_build: dict[str, list[tuple]]  # every mart after the full build, before the incremental one
    rerun: ExecuteInProcessResult


@pytest.fixture(scope="module")
def run(sim_config, tmp_path_factory):
    """One pipeline run over FIRST..LAST into a temporary data dir; the oracle asks the same simulator."""
    from inc_pipeline.definitions import defs

    config = replace(sim_config, end_date=WORLD_END, enforce_limits=False)
    data_dir = tmp_path_factory.mktemp("acceptance") / "data"
    check_range(FIRST, LAST)  # the CLI's own rule: only complete days
    with SimulatorServer(config) as sim:
        resources = {
            "inc_api": IncApiResource(
                base_url=sim.base_url, api_key=sim.api_key, user=config.user, default_rate_per_second=1000
            ),
            "settings": PipelineSettings(data_dir=str(data_dir), pii_key=PII_KEY, site_timezones=SITE_ZONES),
        }

        def run_days(first: date, last: date) -> ExecuteInProcessResult:
            return materialize(
                list(defs.assets),
                resources=resources,
                instance=DagsterInstance.ephemeral(),
                tags={RANGE_START_TAG: first.isoformat(), RANGE_END_TAG: last.isoformat()},
                raise_on_error=False,
            )

        result = run_days(FIRST, LAST)  # no warehouse yet: a full build
        first_build = _all_marts(data_dir) if result.success else {}
        rerun = run_days(LAST, LAST)  # the daily run: the warehouse rebuilds that day (and today's snapshots)
        state = data_dir.parent / "oracle-state"
        with IncClient(sim.base_url, sim.api_key, state_dir=state, default_rate_per_second=1000) as client:
            sites = [str(site) for site in sorted(sim.world.sites)]
            yield Run(sim, result, data_dir, Oracle(client, config.user), sites, first_build, rerun)


def _all_marts(data_dir: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        return {name: sorted(con.execute(f"select * from marts.{name}").fetchall(), key=repr) for name in MARTS}


@pytest.fixture(scope="module")
def con(run):
    assert run.result.success, _failures(run.result)
    with duckdb.connect(str(run.data_dir / "warehouse.duckdb"), read_only=True) as connection:
        yield connection


def _failures(result) -> str:
    return "; ".join(
        f"{e.step_key}: {e.step_failure_data.error.message.strip().splitlines()[-1]}"
        for e in result.all_events
        if e.is_step_failure
    )


def rows(con, sql: str, *params) -> list[tuple]:
    return con.execute(sql, list(params)).fetchall()


def hours_of(day: date) -> tuple:
    """The UTC instants bounding a day: [midnight, next midnight)."""
    return utc_hour(f"{day} 00:00:00"), utc_hour(f"{day + timedelta(days=1)} 00:00:00")


def approx(values):
    return pytest.approx(values, abs=1e-6)


def test_the_run_succeeds_and_every_check_passes(run):
    assert run.result.success, _failures(run.result)
    evaluations = run.result.get_asset_check_evaluations()
    failed = [f"{e.asset_key.to_user_string()}:{e.check_name}" for e in evaluations if not e.passed]
    assert failed == []
    names = {e.check_name for e in evaluations}
    assert {"model_tests", "report_daily_vs_guest_daily", "dwell_buckets_vs_guests"} <= names
    assert {"vendor_clients_vs_guests", "auth_clients_within_guests"} <= names


def test_the_daily_incremental_run_changes_nothing_the_api_did_not(run, con):
    assert run.rerun.success, _failures(run.rerun)
    assert [e.check_name for e in run.rerun.get_asset_check_evaluations() if not e.passed] == []
    assert rows(con, "select max(version) from meta.build_info") == [(2,)]
    read = {e.asset_key.to_user_string(): e.materialization.metadata["rows_recomputed"].value
            for e in run.rerun.get_asset_materialization_events()
            if "rows_recomputed" in e.materialization.metadata}  # fmt: skip
    assert read["staging/stg_history_day_client_count"] == len(run.sites)  # one day read, not nine
    assert _all_marts(run.data_dir) == run.first_build


def test_every_mart_exists_with_exactly_the_contract_columns(con):
    found = dict(
        rows(
            con,
            "select table_name, list(column_name order by column_index) from duckdb_columns() "
            "where schema_name = 'marts' group by table_name",
        )
    )
    assert {name: tuple(cols) for name, cols in found.items()} == MARTS
    empty = [name for name in MARTS if rows(con, f"select count(*) from marts.{name}") == [(0,)]]
    assert empty == []


def test_docs_name_every_mart_and_column():
    text = DOCS.read_text()
    for mart, columns in MARTS.items():
        line = next((line for line in text.splitlines() if line.startswith(f"| `{mart}` |")), None)
        assert line is not None, f"docs/warehouse.md has no row for {mart}"
        named = set(re.findall(r"`([a-z_0-9]+)`", line))
        assert set(columns) - named == set(), mart


def test_guest_daily(run, con):
    for site, day in SITE_DAYS:
        api = run.oracle.one("history_day_client_count", site, day)
        mart = rows(con, "select new_guests, regular_guests, total_guests from marts.guest_daily "
                         "where site_id = ? and date = ?", site, day)  # fmt: skip
        assert mart == [(api["new"], api["old"], api["total"])], (site, day)
    assert rows(con, "select count(*), min(date), max(date) from marts.guest_daily") == [(27, FIRST, LAST)]


def test_guest_hourly(run, con):
    for site, day in SITE_DAYS:
        points = run.oracle.site("history_hour_client_count_detail", site, day)
        api = {utc_hour(p["time"]): p["clientCount"] for p in points}
        sql = "select hour, clients from marts.guest_hourly where site_id = ? and hour >= ? and hour < ?"
        mart = dict(rows(con, sql, site, *hours_of(day)))
        assert len(api) == 24 and mart == api, (site, day)


def test_visits_weekly_and_report_weekly(run, con):
    sunday = WEEK + timedelta(days=6)
    for site in run.sites:
        (visits,) = run.oracle.site("history_week_client_times_detail", site, WEEK, sunday)
        mart = rows(con, "select one_visit, two_visits, three_visits, four_plus_visits from marts.visits_weekly "
                         "where site_id = ? and week_start = ?", site, WEEK)  # fmt: skip
        assert mart == [(visits["one"], visits["two"], visits["three"], visits["gteFour"])], site
        report = run.oracle.one("history_week_report", site, WEEK, sunday)
        mart = rows(con, "select * exclude (site_id, period_start) from marts.report_weekly "
                         "where site_id = ? and period_start = ?", site, WEEK)  # fmt: skip
        expected = (*_report_numbers(report), report["oneTime"], report["twoTimes"], report["threeTimes"],
                    report["fourTimes"], report["minavgTime"], report["maxavgTime"], 7, True)  # fmt: skip
        assert mart == [approx(expected)], site
    assert rows(con, "select distinct period_start from marts.report_weekly") == [(WEEK,)]


def test_report_monthly(run, con):
    for site in run.sites:
        report = run.oracle.one("history_month_report", site, MONTH, date(2026, 10, 31))
        mart = rows(con, "select * exclude (site_id, period_start) from marts.report_monthly "
                         "where site_id = ? and period_start = ?", site, MONTH)  # fmt: skip
        assert mart == [approx((*_report_numbers(report), 31, True))], site  # October, asked whole
    assert rows(con, "select count(*) from marts.report_monthly") == [(len(run.sites),)]


def _report_numbers(report: dict) -> tuple:
    return (report["clientCount"], report["newCount"], report["oldCount"], report["avgTime"], report["totalRxBytes"],
            report["totalTxBytes"], report["avgRxBytes"], report["avgTxBytes"])  # fmt: skip


def test_report_daily_and_traffic_daily(run, con):
    for site, day in SITE_DAYS:
        report = run.oracle.one("history_day_report", site, day)
        mart = rows(con, "select * exclude (site_id, period_start) from marts.report_daily "
                         "where site_id = ? and period_start = ?", site, day)  # fmt: skip
        assert mart == [approx(_report_numbers(report))], (site, day)
        flow = run.oracle.one("history_net_flow_bytes", site, day)
        mart = rows(con, "select rx_mb, tx_mb, avg_rx_mb, avg_tx_mb from marts.traffic_daily "
                         "where site_id = ? and date = ?", site, day)  # fmt: skip
        expected = (flow["totalRxBytes"], flow["totalTxBytes"], flow["avgRxBytes"], flow["avgTxBytes"])
        assert mart == [approx(expected)], (site, day)


def test_dwell_daily(run, con):
    for site, day in SITE_DAYS:
        average = run.oracle.one("history_client_stay_avg_duration", site, day)
        buckets = run.oracle.one("history_client_stay_duration_ratio", site, day)
        mart = rows(con, "select avg_dwell_s, dwell_lt_5m, dwell_5_30m, dwell_30_120m, dwell_gte_120m "
                         "from marts.dwell_daily where site_id = ? and date = ?", site, day)  # fmt: skip
        expected = (average["time"], buckets["lt5Minutes"], buckets["lt30Minutes"], buckets["lt120Minutes"],
                    buckets["gte120Minutes"])  # fmt: skip
        assert mart == [approx(expected)], (site, day)


def test_vendor_daily_and_ssid_daily(run, con):
    for site, day in SITE_DAYS:
        total = run.oracle.one("history_day_client_count", site, day)["total"]
        vendors = run.oracle.site("history_vendor_data", site, day)
        api = {v["clientVendorEn"]: (v["clientVendor"], v["count"]) for v in vendors}
        where = "from marts.vendor_daily where site_id = ? and date = ?"
        mart = {vendor: (zh, n) for vendor, zh, n in rows(con, f"select vendor, vendor_zh, clients {where}", site, day)}
        assert mart == api, (site, day)
        shares = rows(con, f"select sum(share), sum(clients) {where}", site, day)
        assert shares == [(pytest.approx(1.0), total)], (site, day)
        api = {s["SSID"]: s["count"] for s in run.oracle.site("history_ssid_data", site, day)}
        mart = dict(rows(con, "select ssid, clients from marts.ssid_daily where site_id = ? and date = ?", site, day))
        assert mart == api, (site, day)


def test_auth_sessions_are_every_record_the_api_returned(run, con):
    records = run.oracle.auth_records(run.sites, FIRST, LAST)
    key = PII_KEY.encode()
    expected = sorted(
        (str(r["shop_id"]), r["access_start_time"], r["access_duration"], r["user_type"], pseudonym(r["user_mac"], key),
         r["vendor"], r["terminal_model"], r["ap_mac"], float(r["upstream"]), float(r["downstream"]))
        for r in records
    )  # fmt: skip
    types = {1: "one-key", 2: "SMS", 6: "WeChat official account", 7: "WeChat Wi-Fi", 8: "app",
             9: "Tencent secure Wi-Fi", 10: "fixed account"}  # fmt: skip
    mart = rows(con, "select site_id, epoch_ms(session_start), duration_s, auth_type, client_key, vendor, "
                     "terminal_model, ap_mac, upstream, downstream from marts.auth_sessions")  # fmt: skip
    assert len(mart) == len(records) > 9 * 3 * 20
    assert sorted(mart) == [(*r[:3], types[r[3]], *r[4:]) for r in expected]


def test_each_guest_is_an_authenticated_client_in_the_simulator(con):
    """The simulator's sessions are all portal authentications, so the portal's clients are exactly the guests."""
    gaps = rows(con, """
        with auth as (
            select site_id, cast(timezone('UTC', session_start) as date) as date, count(distinct client_key) as n
            from marts.auth_sessions group by all
        )
        select guest_daily.site_id, guest_daily.date, total_guests, auth.n
        from marts.guest_daily left join auth using (site_id, date)
        where auth.n is distinct from total_guests
    """)  # fmt: skip
    assert gaps == []


def test_no_personal_value_reaches_the_warehouse(run, con):
    records = run.oracle.auth_records(run.sites[:1], FIRST, FIRST)
    personal = {str(r[f]) for r in records for f in PERSONAL_FIELDS if r.get(f) not in (None, "")}
    columns = rows(con, "select schema_name, table_name, column_name from duckdb_columns() "
                        "where schema_name in ('marts', 'intermediate', 'meta') and data_type = 'VARCHAR'")  # fmt: skip
    assert not {c for *_, c in columns} & set(PERSONAL_FIELDS)
    leaked = []
    for schema, table, column in columns:
        values = {v for (v,) in rows(con, f'select distinct "{column}" from {schema}.{table}')}
        leaked += [f"{schema}.{table}.{column}" for v in values & personal]
    assert personal and leaked == []


def test_interface_traffic_hourly(run, con):
    site_of = {device["devSN"]: str(device["shopId"]) for device in run.oracle.devices(run.sites)}
    for sn, day in zip(_devices(con), (FIRST, date(2026, 10, 31), LAST), strict=False):
        points = run.oracle.device("device_interface_flow", sn, day)
        expected = {utc_hour(p["updateTime"]): (1, p["downFlow"], p["upFlow"], p["speedDown"], p["speedUp"])
                    for p in points}  # fmt: skip
        sql = ("select hour, samples, down_kbit, up_kbit, avg_speed_down_kbps, avg_speed_up_kbps "
               "from marts.interface_traffic_hourly where dev_sn = ? and hour >= ? and hour < ?")  # fmt: skip
        mart = {hour: tuple(rest) for hour, *rest in rows(con, sql, sn, *hours_of(day))}
        assert len(expected) == 24 and mart == expected, (sn, day)
        sites = rows(con, "select distinct site_id from marts.interface_traffic_hourly where dev_sn = ?", sn)
        assert sites == [(site_of[sn],)], (sn, sites)  # the device's site in the API's /shop/device


def _devices(con) -> list[str]:
    return [sn for (sn,) in rows(con, "select dev_sn from marts.device_inventory order by site_id")]


def test_inventories_and_sites_equal_the_snapshots(run, con):
    shops = {str(s["shopId"]): s for s in run.oracle.shops()}
    sites = rows(con, "select site_id, site_name, region, state, city from marts.sites")
    assert {site[0]: site[1:] for site in sites} == {
        i: (s["shopName"], s["region"], s["state"], s["city"]) for i, s in shops.items()}  # fmt: skip
    devices = run.oracle.devices(run.sites)
    for device in devices:
        (info,) = run.oracle.device("device_operation_basic_info", device["devSN"])
        sql = ("select site_id, alias_name, dev_model, dev_type, dev_name, software_version, dev_status, online_s, "
               "egress_ip, dev_mac from marts.device_inventory where dev_sn = ?")  # fmt: skip
        mart = rows(con, sql, device["devSN"])
        assert mart == [(str(device["shopId"]), device["aliasName"], device["devModel"], device["devType"],
                         info["devName"], info["devSoftVersion"], info["devStatus"].lower(), info["devOnlineTime"],
                         info["devAddress"], canonical_mac(info["devMAC"]) or None)]  # fmt: skip  # "": no MAC (ACs)
        for ap in run.oracle.device("device_ap_info", device["devSN"]):
            mart = rows(con, "select dev_sn, site_id, ap_name, ap_status, ap_online_time, ap_mac "
                             "from marts.ap_inventory where ap_sn = ?", ap["apSN"])  # fmt: skip
            assert mart == [(device["devSN"], str(device["shopId"]), ap["apName"], ap["apStatus"], ap["apOnlineTime"],
                             ap["apMAC"].lower())]  # fmt: skip
        for gps in run.oracle.device("ap_gps_by_device_sn", device["devSN"]):
            mart = rows(con, "select longitude, latitude from marts.ap_inventory where ap_sn = ?", gps["apSN"])
            assert mart == [approx((float(gps["apLongitude"]), float(gps["apLatitude"])))]
    assert rows(con, "select count(*) from marts.device_inventory") == [(len(devices),)]


def test_ap_daily_and_configuration_histories_equal_the_snapshots(run, con):
    """One snapshot day in this run: each AP's row of that day, its radios and SSIDs as the API listed them."""
    (day,) = rows(con, "select distinct snapshot_date from marts.ap_daily")
    for device in run.oracle.devices(run.sites):
        online = run.oracle.device("online_clients", device["devSN"])
        for ap in run.oracle.device("device_ap_info", device["devSN"]):
            radios = [r for r in run.oracle.device("device_radio_info", device["devSN"]) if r["apSN"] == ap["apSN"]]
            mart = rows(con, "select dev_sn, site_id, ap_name, ap_status, ap_online_time, radios, online_clients "
                             "from marts.ap_daily where ap_sn = ?", ap["apSN"])  # fmt: skip
            clients = sum(1 for c in online if c["apName"] == ap["apName"])
            assert mart == [(device["devSN"], str(device["shopId"]), ap["apName"], ap["apStatus"], ap["apOnlineTime"],
                             len(radios) or None, clients)]  # fmt: skip
        for radio in run.oracle.device("device_radio_info", device["devSN"]):
            mart = rows(con, "select radio_mode, radio_channel, radio_power, valid_from, valid_to, is_current "
                             "from marts.radio_config_history where ap_sn = ? and radio_id = ?",
                        radio["apSN"], radio["radioId"])  # fmt: skip
            assert mart == [(radio["radioMode"], int(radio["radioChannel"]), str(radio["radioPower"]), day[0], None,
                             True)]  # fmt: skip
        for ssid in run.oracle.device("device_ssid_info", device["devSN"]):
            mart = rows(con, "select service_name, max_clients, valid_from, is_current from marts.ssid_config_history "
                             "where dev_sn = ? and ssid = ?", device["devSN"], ssid["SSIDName"])  # fmt: skip
            assert mart == [(ssid["spName"], int(ssid["maxClient"]), day[0], True)]


def _local(record: dict) -> datetime:
    return datetime.fromtimestamp(record["access_start_time"] / 1000, SAO_PAULO)


def test_a_session_at_2330_local_time_counts_on_the_local_day(run, con):
    records = run.oracle.auth_records([LOCAL_SITE], FIRST, LAST)
    late = [r for r in records if _local(r).hour == 23]  # 02:00-03:00 UTC of the next day
    session = min(late, key=lambda r: abs(_local(r).minute - 30))
    local = _local(session)
    assert datetime.fromtimestamp(session["access_start_time"] / 1000, UTC).date() == local.date() + timedelta(days=1)
    sql = ("select timezone, local_date, local_hour from marts.auth_sessions "
           "where site_id = ? and epoch_ms(session_start) = ?")  # fmt: skip
    mart = rows(con, sql, LOCAL_SITE, session["access_start_time"])
    assert mart == [("America/Sao_Paulo", local.date(), 23)]
    for day in (FIRST + timedelta(days=i) for i in range((LAST - FIRST).days)):  # local days wholly in the range
        expected = sum(_local(r).date() == day for r in records)
        counted = rows(con, "select count(*) from marts.auth_sessions where site_id = ? and local_date = ?",
                       LOCAL_SITE, day)  # fmt: skip
        assert counted == [(expected,)], day
    other = rows(con, "select distinct timezone from marts.auth_sessions where site_id <> ? "
                      "and local_date <> cast(timezone('UTC', session_start) as date)", LOCAL_SITE)  # fmt: skip
    assert other == []  # the other sites take INC_TIMEZONE's zone, UTC


def test_hours_carry_the_sites_local_date_and_hour(con):
    hour = utc_hour(f"{LAST} 02:00:00")
    sql = "select timezone, local_date, local_hour from marts.guest_hourly where site_id = ? and hour = ?"
    local = (LOCAL_SITE, ("America/Sao_Paulo", LAST - timedelta(days=1), 23))
    for site, expected in (local, ("1002", ("UTC", LAST, 2))):
        mart = rows(con, sql, site, hour)
        assert mart == [expected], site
    zones = rows(con, "select distinct site_id, timezone from marts.interface_traffic_hourly where site_id = ?",
                 LOCAL_SITE)  # fmt: skip
    assert zones == [(LOCAL_SITE, "America/Sao_Paulo")]


def _utc_day(record: dict) -> date:
    return datetime.fromtimestamp(record["access_start_time"] / 1000, UTC).date()


def _sessions_figures(records: list[dict]) -> tuple:
    durations = [r["access_duration"] for r in records]
    clients = {r["user_mac"] for r in records}
    return len(records), len(clients), float(np.quantile(durations, 0.5)), float(np.quantile(durations, 0.9))


OVERVIEW_SQL = """
    select day_timezone, total_guests, new_guests, regular_guests, sessions, authenticated_clients, median_dwell_s,
           p90_dwell_s, avg_dwell_s, top_vendor, top_vendor_clients, rx_mb, tx_mb,
           has_guests and has_sessions and has_dwell and has_vendors and has_traffic
    from marts.site_daily_overview where site_id = ? and date = ?
"""


def test_site_daily_overview_equals_the_api_and_its_sources(run, con):
    for site, day in SITE_DAYS:
        guests = run.oracle.one("history_day_client_count", site, day)
        flow = run.oracle.one("history_net_flow_bytes", site, day)
        dwell = run.oracle.one("history_client_stay_avg_duration", site, day)
        vendors = run.oracle.site("history_vendor_data", site, day)
        top = min(vendors, key=lambda v: (-v["count"], v["clientVendorEn"]))
        sessions = [r for r in run.oracle.auth_records([site], day, day) if _utc_day(r) == day]
        mart = rows(con, OVERVIEW_SQL, site, day)
        expected = ("UTC", guests["total"], guests["new"], guests["old"], *_sessions_figures(sessions), dwell["time"],
                    top["clientVendorEn"], top["count"], flow["totalRxBytes"], flow["totalTxBytes"], True)  # fmt: skip
        assert mart == [approx(expected)], (site, day)
    totals = "select sum(total_guests), sum(sessions), sum(rx_mb), sum(tx_mb), count(*) from marts.site_daily_overview"
    sources = ("select (select sum(total_guests) from marts.guest_daily), (select count(*) from marts.auth_sessions), "
               "(select sum(rx_mb) from marts.traffic_daily), (select sum(tx_mb) from marts.traffic_daily), "
               "(select count(*) from marts.guest_daily)")  # fmt: skip
    assert rows(con, totals) == [approx(rows(con, sources)[0])]


PERIOD_SQL = """
    select site_id, {start}, days_covered, is_complete, guest_days, new_guest_days, regular_guest_days, sessions,
           authenticated_clients, median_dwell_s, p90_dwell_s, rx_mb, tx_mb
    from marts.{mart} order by site_id, {start}
"""


def _period_expected(run, con, grain: str) -> list[tuple]:
    """Each site's weeks or months summed from guest_daily and traffic_daily, sessions from the API's records."""
    records = run.oracle.auth_records(run.sites, FIRST, LAST)
    out = []
    for site in run.sites:
        sums = rows(con, f"""
            select cast(date_trunc('{grain}', g.date) as date) as start, count(*), sum(total_guests), sum(new_guests),
                   sum(regular_guests), sum(t.rx_mb), sum(t.tx_mb)
            from marts.guest_daily as g join marts.traffic_daily as t using (site_id, date)
            where site_id = ? group by all order by start""", site)  # fmt: skip
        for start, days, guests, new, regular, rx, tx in sums:
            end = start + timedelta(days=7) if grain == "week" else (start + timedelta(days=31)).replace(day=1)
            length = (end - start).days
            period = [r for r in records if str(r["shop_id"]) == site and start <= _utc_day(r) < end]
            count, clients, median, p90 = _sessions_figures(period)
            out.append((site, start, days, days == length, guests, new, regular, count, clients, median, p90, rx, tx))
    return out


def test_weekly_and_monthly_overviews_are_the_sums_of_their_days(run, con):
    for grain, mart, start in (("week", "site_weekly_overview", "week_start"),
                               ("month", "site_monthly_overview", "month_start")):  # fmt: skip
        found = rows(con, PERIOD_SQL.format(start=start, mart=mart))
        assert found == [approx(row) for row in _period_expected(run, con, grain)], mart


def test_a_partial_week_or_month_is_flagged(con):
    weeks = rows(con, "select week_start, min(days_covered), bool_or(is_complete) from marts.site_weekly_overview "
                      "group by all order by 1")  # fmt: skip
    assert weeks == [(WEEK, 7, True), (WEEK + timedelta(days=7), 2, False)]  # 10-26..11-01 whole; 11-02, 11-03
    months = rows(con, "select month_start, max(days_covered), bool_or(is_complete) from marts.site_monthly_overview "
                       "group by all order by 1")  # fmt: skip
    assert months == [(MONTH, 6, False), (date(2026, 11, 1), 3, False)]
