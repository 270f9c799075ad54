"""Statistics agree with one another, because they are all computed from the same sessions."""

from __future__ import annotations

import datetime as dt

from .helpers import DAY_MS, call, day_ms, ok, stamonitor


def _day(sim, days_back: int) -> tuple[int, int]:
    start = day_ms(sim.config.end_date - dt.timedelta(days=days_back))
    return start, start + DAY_MS - 1


def test_new_plus_old_is_total_for_a_day(simulator):
    for back in (1, 5, 20):
        counts = stamonitor(simulator, "getHistoryDayClientCount", *_day(simulator, back))
        assert counts["new"] + counts["old"] == counts["total"] > 0


def test_dwell_buckets_sum_to_client_days_and_vendors_to_total(simulator):
    start, end = _day(simulator, 2)
    total = stamonitor(simulator, "getHistoryDayClientCount", start, end)["total"]
    buckets = stamonitor(simulator, "getHistoryClientStayDurationRatio", start, end)
    assert sum(buckets.values()) == total  # one day: one client-day per client
    vendors = stamonitor(simulator, "getHistoryVendorData", start, end)
    assert sum(v["count"] for v in vendors) == total
    assert {v["clientVendorEn"] for v in vendors} <= {"Apple", "Samsung", "Xiaomi", "Huawei", "Motorola", "Unknown"}
    ssids = stamonitor(simulator, "getHistorySSIDData", start, end)
    assert sum(s["count"] for s in ssids) >= total


def test_day_report_and_day_detail_match_day_counts(simulator):
    start = day_ms(simulator.config.end_date - dt.timedelta(days=7))
    end = start + 7 * DAY_MS - 1
    report = stamonitor(simulator, "getHistoryDayReport", start, end, active="firstPage", limit=10)["info"]
    detail = stamonitor(simulator, "getHistoryDayClientCountDetail", start, end)
    assert len(report) == len(detail) == 7
    for row, point in zip(report, detail, strict=True):
        day_start = day_ms(dt.date.fromisoformat(row["statTime"]))
        counts = stamonitor(simulator, "getHistoryDayClientCount", day_start, day_start + DAY_MS - 1)
        assert row["clientCount"] == point["clientCount"] == counts["total"]
        assert row["newCount"] == counts["new"] and point["time"] == row["statTime"]


def test_hourly_counts_are_distinct_per_hour(simulator):
    start, end = _day(simulator, 3)
    hours = stamonitor(simulator, "getHistoryHourClientCountDetail", start, end)
    total = stamonitor(simulator, "getHistoryDayClientCount", start, end)["total"]
    assert len(hours) == 24 and hours[0]["time"].endswith(" 00:00:00")
    assert max(h["clientCount"] for h in hours) <= total <= sum(h["clientCount"] for h in hours)


def test_visit_times_and_report_summary_agree(simulator):
    start = day_ms(simulator.config.end_date - dt.timedelta(days=10))
    end = start + 7 * DAY_MS - 1
    visits = stamonitor(simulator, "getCurrentWeekClientTimes", start, end)
    total = stamonitor(simulator, "getHistoryDayClientCount", start, end)["total"]
    assert sum(visits.values()) == total
    summary = stamonitor(simulator, "getReportStaticData", start, end, reportType="week")
    assert summary["total"] == total and summary["four"] == visits["gteFour"]
    assert summary["avgTime"] == stamonitor(simulator, "getHistoryClientStayAvgDuration", start, end)["time"]


def test_week_report_covers_complete_iso_weeks(simulator):
    end = day_ms(simulator.config.end_date) - 1
    start = end + 1 - 21 * DAY_MS
    weeks = stamonitor(simulator, "getHistoryWeekReport", start, end, active="firstPage", limit=10)["info"]
    detail = stamonitor(simulator, "getHistoryWeekClientTimesDetail", start, end)
    assert len(weeks) == len(detail) == 3
    for week, point in zip(weeks, detail, strict=True):
        assert dt.date.fromisoformat(week["statTime"]).weekday() == 0 and week["statTime"] == point["date"]
        assert week["oneTime"] == point["one"] and week["fourTimes"] == point["gteFour"]
        assert week["minavgTime"] <= week["avgTime"] * 2 and week["minavgTime"] <= week["maxavgTime"]


def test_traffic_averages_and_top_bottom(simulator):
    start = day_ms(simulator.config.end_date - dt.timedelta(days=8))
    end = start + 7 * DAY_MS - 1
    flow = stamonitor(simulator, "getHistoryNetFlowBytes", start, end)
    total = stamonitor(simulator, "getHistoryDayClientCount", start, end)["total"]
    assert abs(flow["avgRxBytes"] - flow["totalRxBytes"] / total) < 0.01
    detail = stamonitor(simulator, "getHistoryNetFlowDetail", start, end)
    assert abs(sum(d["totalRxBytes"] for d in detail) - flow["totalRxBytes"]) < 0.1
    ranked = stamonitor(simulator, "getClientCountTopAndBottom", start, end, clientType="total")
    counts = [c["count"] for c in ranked["top5"]]
    assert counts == sorted(counts, reverse=True) and len(ranked["bottom5"]) == 5
    peak = stamonitor(simulator, "getHistoryPeakNumber", start, end)
    assert peak["clientCount"] == counts[0]


def test_peak_refuses_the_current_day(simulator):
    start = day_ms(simulator.config.end_date)
    response = call(simulator, "POST", "/stamonitor/getHistoryPeakNumber",
                    {"user": "demo", "shops": [1001], "startTime": start, "endTime": start + 1000})  # fmt: skip
    assert response.json()["code"] == 1002


def test_current_endpoints_cover_today_up_to_now(simulator):
    today = day_ms(simulator.config.end_date)
    now = simulator.config.now_ms()
    current = stamonitor(simulator, "getCurrentClientCount", today - DAY_MS, now)
    history = stamonitor(simulator, "getHistoryDayClientCount", today, now)
    assert current == history and current["total"] > 0
    assert stamonitor(simulator, "getCurrentOnlineClientCount", today, now)["onlineCount"] >= 0


def test_auth_history_counts_sessions_and_pages(make_simulator):
    sim = make_simulator(enforce_limits=False)
    start, end = _day(sim, 4)
    body = {"shop_id": ["1001"], "begin_time": str(start), "end_time": end, "page_size": "7", "page_index": "1"}
    first = ok(call(sim, "POST", "/api/o2oportal/getAuthUserInfo", body))
    records = []
    for page in range(1, first["total_count"] // 7 + 2):
        records += ok(call(sim, "POST", "/api/o2oportal/getAuthUserInfo", {**body, "page_index": page}))["auth_list"]
    assert len(records) == first["total_count"]
    assert len({(r["user_mac"], r["access_start_time"]) for r in records}) == len(records)
    assert all(start <= r["access_start_time"] <= end for r in records)
    assert len({r["user_mac"] for r in records}) == stamonitor(sim, "getHistoryDayClientCount", start, end)["total"]
    assert {r["user_type"] for r in records} <= {1, 2, 6, 7, 8, 9, 10}
