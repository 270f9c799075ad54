"""Ranges for peaks, top/bottom and the report summary (issue #17): asked of the simulator over the last 7 days,
the last 30 days and each calendar month, landed per range, and the marts equal to the API's own answers for the
same site and range, value by value; a month asked before its end is partial and replaced by later days' runs."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import duckdb
import pandas as pd
import pytest

from inc_pipeline.catalog import ENDPOINTS_BY_ID, StatRange
from inc_pipeline.catalog.ranges import day_range_of
from inc_pipeline.extract.plan import Targets, plan_range_requests
from inc_pipeline.ops.status import landed_lines
from inc_pipeline.simulator import SimulatorServer
from inc_pipeline.warehouse.build import build_warehouse

from .helpers import lake, metadata, run, sim_client

pytestmark = pytest.mark.slow

RANGED = ["history_peak_number", "client_count_top_bottom", "flow_top_bottom", "report_static_data"]
READINGS = ("as_asked", "whole_periods")  # SimulatorConfig.report_summary: what reportType week/month mean
FIRST, BACKFILL_END, NEXT_DAY = "2026-10-01", "2026-11-03", "2026-11-04"
MARTS = ("peaks_by_range", "top_bottom_by_range", "summary_by_range")


def _marts(data_dir) -> dict[str, pd.DataFrame]:
    built = build_warehouse(data_dir, source_label="test")
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        out = {name: con.execute(f"select * from marts.{name} order by all").df() for name in MARTS}
        out["reconciled"] = {r.name: r for r in built.reconciliations}
        for table in ("history_peak_number", "client_count_top_bottom"):
            out[table] = con.execute(f"select * from staging.stg_{table}").df()
    return out


@pytest.fixture(scope="module")
def landed(sim_config, tmp_path_factory):
    """Per reading: a backfill of 2026-10-01..11-03 (October whole, November partial to the 3rd), then the daily
    run of 11-04 twice (idempotent), then 11-04 once more asking last_7 only (the other ranges must stay)."""
    out = {}
    for reading in READINGS:
        config = replace(sim_config, enforce_limits=False, days=60, report_summary=reading)
        data_dir = tmp_path_factory.mktemp(reading)
        endpoints = RANGED if reading == "as_asked" else ["report_static_data"]  # the reading touches it alone
        with SimulatorServer(config) as sim:
            run(["user_shops"], sim, data_dir)
            run(endpoints, sim, data_dir, days=(FIRST, BACKFILL_END))
            after_backfill = _marts(data_dir)
            run(endpoints, sim, data_dir, partition=NEXT_DAY)
            daily = run(endpoints, sim, data_dir, partition=NEXT_DAY)
            run(endpoints, sim, data_dir, partition=NEXT_DAY, stat_ranges="last_7")
            out[reading] = {"backfill": after_backfill, "last": _marts(data_dir), "dir": data_dir,
                            "api": _api_answers(sim, data_dir, endpoints),
                            "metadata": metadata(daily, "report_static_data")}  # fmt: skip
    return out


def _api_answers(sim, data_dir, endpoints) -> dict:
    """The simulator's own answer for every (endpoint, site, range) the runs asked, by a client of our own,
    with the same request the planner makes for that range."""
    client = sim_client(sim, data_dir / "reader")
    targets = Targets(sites=tuple(str(s) for s in sorted(sim.world.sites)), user="demo")
    answers = {}
    for endpoint_id in endpoints:
        endpoint = ENDPOINTS_BY_ID[endpoint_id]
        for days in (_days(FIRST, BACKFILL_END), [date.fromisoformat(NEXT_DAY)]):
            for request in plan_range_requests(endpoint, targets, days=days, kinds=list(StatRange)):
                c = request.context
                answers[endpoint_id, c["site_id"], c["range_kind"], c["range_start"], c["range_end"]] = client.call(
                    endpoint, request.params
                )
    return answers


def _days(first: str, last: str) -> list[date]:
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def _answer(landed, endpoint_id, row, reading="as_asked"):
    start, end = (day.date().isoformat() for day in (row.range_start, row.range_end))
    key = (endpoint_id, row.site_id, row.range_kind, start, end)
    return landed[reading]["api"][key]


def test_the_marts_hold_every_site_and_range_the_runs_asked(landed):
    peaks = landed["as_asked"]["last"]["peaks_by_range"]
    ranges = set(zip(peaks["range_kind"], peaks["range_start"].dt.date, peaks["range_end"].dt.date, strict=True))
    assert ranges == {
        ("last_7", date(2026, 10, 28), date(2026, 11, 3)), ("last_30", date(2026, 10, 5), date(2026, 11, 3)),
        ("last_7", date(2026, 10, 29), date(2026, 11, 4)), ("last_30", date(2026, 10, 6), date(2026, 11, 4)),
        ("month", date(2026, 10, 1), date(2026, 10, 31)), ("month", date(2026, 11, 1), date(2026, 11, 4)),
    }  # fmt: skip
    assert len(peaks) == 6 * 3  # three sites
    partial = peaks.set_index("range_kind")["is_partial"]
    assert not partial["last_7"].any() and not partial["last_30"].any()
    by_month = peaks[peaks["range_kind"] == "month"].groupby("range_start")["is_partial"].all()
    assert by_month[pd.Timestamp("2026-11-01")] and not by_month[pd.Timestamp("2026-10-01")]


def test_a_partial_month_is_replaced_by_a_later_days_run(landed):
    before = landed["as_asked"]["backfill"]["summary_by_range"]
    after = landed["as_asked"]["last"]["summary_by_range"]
    november = [frame[frame["range_start"] == pd.Timestamp("2026-11-01")] for frame in (before, after)]
    assert set(november[0]["range_end"]) == {pd.Timestamp("2026-11-03")} and november[0]["is_partial"].all()
    assert set(november[1]["range_end"]) == {pd.Timestamp("2026-11-04")} and len(november[1]) == 3
    assert set(november[1]["days"]) == {4}


def test_peaks_equal_the_apis_answer_for_the_range(landed):
    peaks = landed["as_asked"]["last"]["peaks_by_range"]
    names = {"peak_clients": "clientCount", "peak_new_guests": "newCount", "peak_regular_guests": "oldCount",
             "peak_avg_dwell_s": "avgTime", "peak_total_rx_mb": "totalRxBytes", "peak_total_tx_mb": "totalTxBytes",
             "peak_avg_rx_mb": "avgRxBytes", "peak_avg_tx_mb": "avgTxBytes"}  # fmt: skip
    for row in peaks.itertuples():
        answer = _answer(landed, "history_peak_number", row)
        assert {column: getattr(row, column) for column in names} == pytest.approx(
            {column: answer[field] for column, field in names.items()}
        ), row


def test_a_ranges_peak_is_the_highest_of_its_days_not_a_days_figure(landed):
    """The manual: 'estatísticas coletadas por dia', the maximum over the range; checked against the daily rows."""
    marts = landed["as_asked"]["last"]
    daily = marts["history_peak_number"]
    for row in marts["peaks_by_range"].itertuples():
        in_range = daily["partition_date"].between(row.range_start, row.range_end)
        days = daily[(daily["site_id"] == row.site_id) & in_range]
        assert len(days) == row.days
        assert row.peak_clients == days["peak_clients"].max()
        assert row.peak_total_rx_mb == pytest.approx(days["peak_total_rx_mb"].max())


def test_the_build_reconciles_each_ranges_peak_with_its_days(landed):
    """The reconciliation peaks_by_range_vs_daily_peaks compares every range whose days all landed."""
    reconciled = landed["as_asked"]["last"]["reconciled"]["peaks_by_range_vs_daily_peaks"]
    assert reconciled.rows_compared == 6 * 3 and reconciled.passed


@pytest.mark.parametrize("metric, endpoint_id", [("clients", "client_count_top_bottom"),
                                                 ("downloaded_mb", "flow_top_bottom")])  # fmt: skip
def test_top_bottom_equal_the_apis_ranking_over_the_range(landed, metric, endpoint_id):
    ranked = landed["as_asked"]["last"]["top_bottom_by_range"]
    ranked = ranked[ranked["metric"] == metric]
    # five of each group, or as many as the range has days (November so far: four)
    assert len(ranked) == 3 * (5 * 10 + 4 * 2)
    for (site, kind, start), rows in ranked.groupby(["site_id", "range_kind", "range_start"]):
        answer = _answer(landed, endpoint_id, rows.iloc[0])
        for group in ("top5", "bottom5"):
            mine = rows[rows["rank_group"] == group].sort_values("rank")
            assert list(mine["rank_index"]) == [entry["index"] for entry in answer[group]], (site, kind, start)
            assert list(mine["value"]) == pytest.approx([entry["count"] for entry in answer[group]])


def test_a_ranges_top_days_are_its_busiest_days(landed):
    """Ranked over the range's days: the top 5 are the 5 highest daily counts of the range, best first."""
    marts = landed["as_asked"]["last"]
    daily = marts["client_count_top_bottom"]
    daily = daily[daily["rank_group"] == "top5"]  # a day's own ranking: that day, once in each group
    ranked = marts["top_bottom_by_range"]
    tops = ranked[(ranked["metric"] == "clients") & (ranked["rank_group"] == "top5")]
    for (site, _, start), rows in tops.groupby(["site_id", "range_kind", "range_start"]):
        end = rows["range_end"].iloc[0]
        days = daily[(daily["site_id"] == site) & daily["partition_date"].between(start, end)]
        assert list(rows.sort_values("rank")["value"]) == sorted(days["clients"], reverse=True)[:5]
        assert rows["rank_day"].between(start, end).all()


@pytest.mark.parametrize("reading", READINGS)
def test_summary_equals_the_apis_answer_under_both_readings(landed, reading):
    summary = landed[reading]["last"]["summary_by_range"]
    assert len(summary) == 6 * 3
    names = {"total_guests": "total", "new_guests": "new", "regular_guests": "old", "avg_dwell_s": "avgTime",
             "one_visit": "one", "four_plus_visits": "four"}  # fmt: skip
    for row in summary.itertuples():
        answer = _answer(landed, "report_static_data", row, reading)
        mine = {column: getattr(row, column) for column in names}
        assert {k: (None if pd.isna(v) else v) for k, v in mine.items()} == pytest.approx(
            {column: answer[field] for column, field in names.items()}
        ), row


def test_the_summary_is_the_same_under_both_readings(landed):
    """Only a whole month is asked as reportType=month, so both readings of it answer alike (the visit counts
    aside: the whole-periods reading gives them only to weekly reports)."""
    columns = ["site_id", "range_kind", "range_start", "range_end", "total_guests", "new_guests", "avg_dwell_s"]
    both = [landed[reading]["last"]["summary_by_range"][columns] for reading in READINGS]
    pd.testing.assert_frame_equal(*both)
    assert landed["whole_periods"]["last"]["summary_by_range"]["one_visit"].isna().all()


def test_distinct_guests_of_a_range_are_not_the_sum_of_its_days(landed):
    summary = landed["as_asked"]["last"]["summary_by_range"]
    october = summary[(summary["range_kind"] == "month") & (summary["range_start"] == pd.Timestamp("2026-10-01"))]
    daily_sum = sum(
        _answer(landed, "report_static_data", row)["total"] for row in october.itertuples()
    )  # the month's own answers, for scale
    assert october["total_guests"].sum() == daily_sum
    peaks = landed["as_asked"]["last"]["history_peak_number"]
    october_days = peaks[peaks["partition_date"].between(pd.Timestamp("2026-10-01"), pd.Timestamp("2026-10-31"))]
    assert october["total_guests"].sum() < october_days["peak_clients"].sum()  # returning guests counted once


def test_a_partial_month_asked_as_a_monthly_report_would_not_be_the_range(landed, sim_config):
    """Why a partial month is asked with reportType=day: under the whole-periods reading a monthly report of
    11-01..11-04 is the whole of November so far, not the range the row names."""
    summary = landed["whole_periods"]["last"]["summary_by_range"]
    row = summary[(summary["range_kind"] == "month") & (summary["range_start"] == pd.Timestamp("2026-11-01"))].iloc[0]
    config = replace(sim_config, enforce_limits=False, days=60, report_summary="whole_periods")
    span = day_range_of(StatRange.MONTH, date(2026, 11, 4))
    request = plan_range_requests(ENDPOINTS_BY_ID["report_static_data"], Targets(sites=(row.site_id,), user="demo"),
                                  days=[span.end], kinds=[StatRange.MONTH])[0]  # fmt: skip
    assert request.params["reportType"] == "day"
    with SimulatorServer(config) as sim:
        monthly = sim_client(sim, landed["whole_periods"]["dir"] / "other").call(
            ENDPOINTS_BY_ID["report_static_data"], {**request.params, "reportType": "month"}
        )
    assert monthly["total"] > row.total_guests


def test_re_running_a_day_replaces_its_ranges_and_a_shorter_setting_keeps_the_others(landed):
    table = lake(landed["as_asked"]["dir"]).read("history_peak_number_by_range", [date(2026, 11, 4)])
    keys = table[["site_id", "range_kind", "range_start", "range_end"]]
    assert not keys.duplicated().any()
    assert sorted(set(table["range_kind"])) == ["last_30", "last_7", "month"]  # month and last_30 were kept
    assert len(table) == 3 * 3
    assert not (landed["as_asked"]["dir"] / "quarantine").exists()  # typed as the daily tables (traffic MB a float)
    status = "\n".join(landed_lines(lake(landed["as_asked"]["dir"])))
    assert "history_peak_number_by_range           2026-10-31..2026-11-04    3 days  range ends" in status


def test_the_assets_metadata_says_what_its_ranges_asked(landed):
    described = landed["as_asked"]["metadata"]
    assert (described["range_requests"], described["range_rows_landed"], described["range_units_failed"]) == (9, 9, 0)
    assert described["requests"] == 3  # the day's own: one a site
