"""The ranges' plan: which ranges a run of days asks, the requests for them, their cost, and INC_STAT_RANGES."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime

import pytest

from inc_pipeline.catalog import ENDPOINTS, ENDPOINTS_BY_ID, RANGE_TABLES, StatRange, endpoint
from inc_pipeline.catalog.ranges import DayRange, parse_stat_ranges, range_days
from inc_pipeline.defs.resources import PipelineSettings
from inc_pipeline.errors import UserError
from inc_pipeline.extract.budget import day_plan
from inc_pipeline.extract.plan import Targets, plan_range_requests, plan_requests
from inc_pipeline.landing.rules import landing_key
from inc_pipeline.landing.schemas import expected_columns

ALL = tuple(StatRange)
SITES = Targets(sites=("1001", "1002"), user="demo")
PEAK = ENDPOINTS_BY_ID["history_peak_number"]
SUMMARY = ENDPOINTS_BY_ID["report_static_data"]


def _ms(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() * 1000)


def test_the_four_per_day_aggregates_list_the_three_ranges_and_have_a_range_table_each():
    ranged = {e.id for e in ENDPOINTS if e.ranges}
    assert ranged == {"history_peak_number", "client_count_top_bottom", "flow_top_bottom", "report_static_data"}
    assert {t.id for t in RANGE_TABLES} == {f"{e}_by_range" for e in ranged}
    table = endpoint("client_count_top_bottom_by_range")
    assert landing_key(table) == ("site_id", "range_kind", "range_start", "range_end", "rank_group", "rank")
    assert {"range_kind", "range_start", "range_end"} <= set(expected_columns(table))


def test_a_daily_run_asks_each_range_ending_on_its_day():
    assert range_days([date(2026, 11, 19)], ALL) == [
        DayRange(StatRange.LAST_7, date(2026, 11, 13), date(2026, 11, 19)),
        DayRange(StatRange.LAST_30, date(2026, 10, 21), date(2026, 11, 19)),
        DayRange(StatRange.MONTH, date(2026, 11, 1), date(2026, 11, 19)),
    ]


def test_a_backfill_asks_the_rolling_ranges_once_and_every_whole_month():
    days = [date(2026, 9, 20)] + [date(2026, 10, d) for d in range(1, 32)] + [date(2026, 11, d) for d in (1, 2)]
    asked = range_days(days, ALL)
    months = [(r.start, r.end, r.partial) for r in asked if r.kind is StatRange.MONTH]
    assert months == [(date(2026, 9, 1), date(2026, 9, 20), True), (date(2026, 10, 1), date(2026, 10, 31), False),
                      (date(2026, 11, 1), date(2026, 11, 2), True)]  # fmt: skip
    rolling = [(r.kind, r.end) for r in asked if r.kind is not StatRange.MONTH]
    # 09-20 ends a run of its own (the gap before October): it asks its ranges too
    assert rolling == [(StatRange.LAST_7, date(2026, 9, 20)), (StatRange.LAST_30, date(2026, 9, 20)),
                       (StatRange.LAST_7, date(2026, 11, 2)), (StatRange.LAST_30, date(2026, 11, 2))]  # fmt: skip


def test_range_requests_cover_the_range_and_land_in_its_last_day():
    requests = plan_range_requests(PEAK, SITES, days=[date(2026, 11, 19)], kinds=ALL)
    assert len(requests) == 3 * 2
    last_30 = next(r for r in requests if r.context["range_kind"] == "last_30" and r.context["site_id"] == "1002")
    assert last_30.endpoint.id == "history_peak_number_by_range"
    assert last_30.params == {"user": "demo", "shops": ["1002"], "startTime": _ms(date(2026, 10, 21)),
                              "endTime": _ms(date(2026, 11, 20)) - 1}  # fmt: skip
    assert last_30.context == {"site_id": "1002", "range_kind": "last_30", "range_start": "2026-10-21",
                               "range_end": "2026-11-19"}  # fmt: skip
    assert last_30.partition_date == date(2026, 11, 19)


def test_only_a_whole_month_is_asked_as_a_monthly_summary():
    whole = plan_range_requests(SUMMARY, SITES, days=[date(2026, 10, 31)], kinds=ALL)
    types = {r.context["range_kind"]: r.params["reportType"] for r in whole}
    assert types == {"last_7": "day", "last_30": "day", "month": "month"}
    partial = plan_range_requests(SUMMARY, SITES, days=[date(2026, 11, 19)], kinds=[StatRange.MONTH])
    assert {r.params["reportType"] for r in partial} == {"day"}


def test_ranges_are_asked_only_as_the_setting_says_and_only_of_the_four():
    assert plan_range_requests(PEAK, SITES, days=[date(2026, 11, 19)], kinds=()) == []
    only = plan_range_requests(PEAK, SITES, days=[date(2026, 11, 19)], kinds=[StatRange.LAST_7])
    assert {r.context["range_kind"] for r in only} == {"last_7"}
    guests = ENDPOINTS_BY_ID["history_day_client_count"]
    assert plan_range_requests(guests, SITES, days=[date(2026, 11, 19)], kinds=ALL) == []


def test_the_days_plan_counts_the_ranges_on_their_endpoints_path():
    sites = Targets(sites=tuple(str(1000 + n) for n in range(1400)), user="plan")
    rows = {row.endpoint.id: row for row in day_plan(ENDPOINTS, sites, date(2026, 11, 19), default_rate=10,
                                                     stat_ranges=ALL)}  # fmt: skip
    peak = rows["history_peak_number"]
    assert (peak.calls, peak.range_calls) == (1400 * 4, 1400 * 3)
    assert peak.seconds == pytest.approx(1400 * 4 / 10)
    assert rows["history_day_client_count"].range_calls == 0
    without = day_plan([PEAK], sites, date(2026, 11, 19), default_rate=10)[0]
    assert (without.calls, without.range_calls) == (1400, 0)
    assert len(plan_requests(PEAK, sites, days=[date(2026, 11, 19)])) == 1400  # the daily plan is as it was


def test_inc_stat_ranges_parses_and_refuses_in_one_line():
    assert parse_stat_ranges("") == ALL
    assert parse_stat_ranges("none") == ()
    assert parse_stat_ranges(" month, last_7 ") == (StatRange.LAST_7, StatRange.MONTH)
    with pytest.raises(ValueError, match=r"^INC_STAT_RANGES='week': week is not a range: use some of last_7, "):
        parse_stat_ranges("week")
    with pytest.raises(UserError, match="INC_STAT_RANGES") as refused:
        PipelineSettings(stat_ranges="last_7,year").stat_range_kinds()
    assert "\n" not in str(refused.value)


def test_plan_shows_the_ranges_cost_and_refuses_a_bad_setting(tmp_path):
    def plan(ranges: str) -> subprocess.CompletedProcess:
        env = {**os.environ, "INC_DATA_DIR": str(tmp_path), "INC_STAT_RANGES": ranges}
        return subprocess.run([sys.executable, "-m", "inc_pipeline.cli", "plan", "--start", "2026-11-19", "--end",
                               "2026-11-19", "--sites", "10"], capture_output=True, text=True, env=env,
                              timeout=300, cwd=tmp_path)  # fmt: skip

    shown = plan("last_7,month")
    assert shown.returncode == 0, shown.stderr
    assert "ranges (last_7, month; INC_STAT_RANGES): 80 of the requests, history_peak_number 20," in shown.stdout
    assert "history_peak_number 20 of 30" in shown.stdout  # the day's run: 10 daily + 20 range calls
    refused = plan("weekly")
    assert refused.returncode != 0 and refused.stderr.strip().count("\n") == 0
    assert "INC_STAT_RANGES='weekly'" in refused.stderr
