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
