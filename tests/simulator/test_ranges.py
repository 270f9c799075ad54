"""A trend asked over several days answers what the days asked one by one answer; a report asked for several sites
answers, as one list of records naming their site, what each site's cursor-paged report answers."""

from __future__ import annotations

import datetime as dt

import pytest

from .helpers import DAY_MS, call, day_ms, ok, stamonitor

TRENDS = ("getHistoryHourClientCountDetail", "getHistoryDayClientCountDetail", "getHistoryWeekClientTimesDetail",
          "getHistoryClientStayDurationDetail", "getHistoryNetFlowDetail")  # fmt: skip
REPORTS = {  # name: (sites field, paging fields)
    "getHistoryDayReport": ("shops", ("active", "limit")),
    "getHistoryWeekReport": ("shops", ("active", "limit")),
    "getHistoryMonthReport": ("Shops", ("Active", "Limit")),
}
FIRST = dt.date(2026, 10, 25)  # 22 days to 2026-11-15: a month's end and four Sundays
DAYS = 22


@pytest.mark.parametrize("name", TRENDS)
def test_a_trend_over_a_run_of_days_is_the_days_one_by_one(simulator, name):
    start = day_ms(FIRST)
    ranged = stamonitor(simulator, name, start, start + DAYS * DAY_MS - 1)
    by_day = [point for n in range(DAYS) for point in
              stamonitor(simulator, name, start + n * DAY_MS, start + (n + 1) * DAY_MS - 1)]  # fmt: skip
    assert ranged == by_day and len(ranged) >= 4


@pytest.mark.parametrize("name", REPORTS)
def test_a_report_for_several_sites_and_days_is_each_sites_report(simulator, name):
    sites_field, (active, limit) = REPORTS[name]
    sites = sorted(simulator.world.sites)
    start, end = day_ms(FIRST), day_ms(FIRST) + DAYS * DAY_MS - 1

    def report(shops: list[int]):
        body = {"user": simulator.config.user, sites_field: shops, "startTime": start, "endTime": end,
                active: "firstPage", limit: 100}  # fmt: skip
        return ok(call(simulator, "POST", "/stamonitor/" + name, body))

    several = report(sites)
    assert isinstance(several, list), "several sites: a bare list of records (the manual's multi-site table)"
    one_by_one = []
    for site in sites:
        answer = report([site])
        assert answer["totalPage"] == 1 and answer["info"]
        one_by_one += answer["info"]
    assert several == one_by_one
    assert [r["scenarioid"] for r in several] == [str(s) for s in sites for _ in range(len(several) // len(sites))]


# Peaks, top/bottom and the report summary over a range of days (issue #17): the range's own figures, as the
# manual words them, never a day's.
RANGE_FIRST, RANGE_DAYS = dt.date(2026, 10, 26), 10  # Monday 10-26 .. Wednesday 11-04: two months, two weeks


def _range(sim, name: str, **extra):
    start = day_ms(RANGE_FIRST)
    site = [sorted(sim.world.sites)[0]]
    ranged = stamonitor(sim, name, start, start + RANGE_DAYS * DAY_MS - 1, shops=site, **extra)
    days = [stamonitor(sim, name, start + n * DAY_MS, start + (n + 1) * DAY_MS - 1, shops=site, **extra)
            for n in range(RANGE_DAYS)]  # fmt: skip
    return ranged, days


def test_a_ranges_peak_is_the_highest_of_its_days(simulator):
    ranged, days = _range(simulator, "getHistoryPeakNumber")
    assert ranged == {field: max(day[field] for day in days) for field in ranged}
    assert ranged["clientCount"] > min(day["clientCount"] for day in days)  # not any one day's figure


@pytest.mark.parametrize(("name", "token"), [("getClientCountTopAndBottom", {"clientType": "total"}),
                                             ("getFlowTopAndBottom", {"flowType": "totalRx"})])  # fmt: skip
def test_top_and_bottom_rank_the_ranges_days(simulator, name, token):
    ranged, days = _range(simulator, name, **token)
    each = [day["top5"][0] for day in days]  # a day's ranking holds that day alone
    assert [e["count"] for e in ranged["top5"]] == sorted((e["count"] for e in each), reverse=True)[:5]
    assert [e["count"] for e in ranged["bottom5"]] == sorted(e["count"] for e in each)[:5]
    assert {e["index"] for e in ranged["top5"] + ranged["bottom5"]} <= {e["index"] for e in each}


def test_a_ranges_summary_counts_each_guest_once(simulator):
    ranged, days = _range(simulator, "getReportStaticData", reportType="day")
    assert max(day["total"] for day in days) < ranged["total"] < sum(day["total"] for day in days)
    assert ranged["new"] + ranged["old"] == ranged["total"]


@pytest.mark.parametrize("reading", ["as_asked", "whole_periods"])
def test_the_summarys_report_type_under_both_readings(make_simulator, reading):
    """as_asked: the window as given, whatever reportType. whole_periods: week and month widen it to the whole
    weeks / months it touches, and one..four are answered for week only ('supported only in weekly reports')."""
    sim = make_simulator(enforce_limits=False, report_summary=reading, days=60)  # from 2026-09-22: all October
    site = [sorted(sim.world.sites)[0]]

    def summary(first: dt.date, last: dt.date, kind: str) -> dict:
        return stamonitor(sim, "getReportStaticData", day_ms(first), day_ms(last) + DAY_MS - 1, shops=site,
                          reportType=kind)  # fmt: skip

    october = summary(dt.date(2026, 10, 1), dt.date(2026, 10, 31), "day")
    assert summary(dt.date(2026, 10, 1), dt.date(2026, 10, 31), "month")["total"] == october["total"]
    part = summary(dt.date(2026, 10, 5), dt.date(2026, 10, 8), "month")
    week = summary(dt.date(2026, 10, 7), dt.date(2026, 10, 7), "week")
    whole_week = summary(dt.date(2026, 10, 5), dt.date(2026, 10, 11), "day")
    one_day = summary(dt.date(2026, 10, 7), dt.date(2026, 10, 7), "day")
    assert 0 < one_day["total"] < whole_week["total"] and 0 < whole_week["total"] < october["total"]
    if reading == "as_asked":
        assert part["total"] < october["total"] and week["total"] == one_day["total"]
        assert part["one"] is not None
    else:
        assert part["total"] == october["total"] and week["total"] == whole_week["total"]
        assert part["one"] is None and week["one"] is not None and one_day["four"] is None
