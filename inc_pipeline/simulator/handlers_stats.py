"""Handlers of the /stamonitor statistics endpoints: thin selections over stats.figures and friends."""

from __future__ import annotations

import numpy as np

from . import stats
from .context import Call
from .errors import bad_parameter
from .world import DAY_MS

CLIENT_TYPES = {"novo": "newCount", "antigo": "oldCount", "total": "clientCount", "new": "newCount",
                "old": "oldCount"}  # fmt: skip
FLOW_TYPES = {"totalRx": "totalRxBytes", "totalTx": "totalTxBytes", "avgRx": "avgRxBytes", "avgTx": "avgTxBytes"}
TRAFFIC = ("totalTxBytes", "totalRxBytes", "avgTxBytes", "avgRxBytes")
DWELL_BUCKETS = ("lt5Minutes", "lt30Minutes", "lt120Minutes", "gte120Minutes")
VISITS = ("one", "two", "three", "gteFour")


def scope(call: Call, *, current: bool = False, shops_field: str = "shops") -> tuple[list[int], int, int]:
    """(sites, start, end) of a stamonitor call; `user` must be the account's user name."""
    if call.text("user") != call.world.config.user:
        raise bad_parameter("user", "not this account's user")
    shops = call.sites(shops_field)
    start, end = call.today_window() if current else call.window()
    return shops, start, end


def _pick(values: dict, names) -> dict:
    return {n: values[n] for n in names}


def client_count(call: Call, current: bool = False) -> dict:
    return _pick(stats.figures(call.world, *scope(call, current=current)), ("new", "old", "total"))


def current_client_count(call: Call) -> dict:
    return client_count(call, current=True)


def online_count(call: Call) -> dict:
    """Distinct clients with a session active now."""
    shops, _, _ = scope(call, current=True)
    now = call.world.config.now_ms()
    count = 0
    for site in shops:
        d = call.world.window(site, now - 2 * DAY_MS, now)
        count += len(np.unique(d.client[d.start + d.duration * 1000 > now]))
    return {"onlineCount": count}


def peak(call: Call) -> dict:
    """Per-day maxima over the window of each daily figure; the current day cannot be asked for."""
    shops, start, end = scope(call)
    if end >= call.world.config.now_ms() // DAY_MS * DAY_MS:
        raise bad_parameter("endTime", "the current day has no peak statistics yet")
    names = ("avgRxBytes", "avgTxBytes", "clientCount", "totalTxBytes", "totalRxBytes", "avgTime", "newCount",
             "oldCount")  # fmt: skip
    days = [f for _, f in stats.daily(call.world, shops, start, end)]
    return {n: max((f[n] for f in days), default=0) for n in names}


def hour_detail(call: Call) -> list[dict]:
    return stats.hourly(call.world, *scope(call))


def day_detail(call: Call) -> list[dict]:
    return [{**_pick(f, ("newCount", "oldCount", "clientCount")), "time": stats.date_text(day)}
            for day, f in stats.daily(call.world, *scope(call))]  # fmt: skip


def week_client_times(call: Call) -> dict:
    """Both getCurrentWeekClientTimes readings: visit counts over the window as given."""
    return _pick(stats.figures(call.world, *scope(call)), VISITS)


def week_client_times_detail(call: Call) -> list[dict]:
    shops, start, end = scope(call)
    return [{**_pick(stats.figures(call.world, shops, lo, hi), VISITS), "date": stats.date_text(monday)}
            for monday, lo, hi in stats.report_periods(call.world, start, end, "week")]  # fmt: skip


def avg_duration(call: Call, current: bool = False) -> dict:
    return {"time": stats.figures(call.world, *scope(call, current=current))["avgTime"]}


def duration_ratio(call: Call, current: bool = False) -> dict:
    return _pick(stats.figures(call.world, *scope(call, current=current)), DWELL_BUCKETS)


def duration_detail(call: Call) -> list[dict]:
    return [{"date": stats.date_text(day), "time": f["avgTime"]} for day, f in stats.daily(call.world, *scope(call))]


def net_flow(call: Call, current: bool = False) -> dict:
    return _pick(stats.figures(call.world, *scope(call, current=current)), TRAFFIC)


def net_flow_detail(call: Call) -> list[dict]:
    return [{**_pick(f, TRAFFIC), "date": stats.date_text(day)} for day, f in stats.daily(call.world, *scope(call))]


def _top_bottom(call: Call, field: str, tokens: dict) -> dict:
    token = call.text(field)
    if token not in tokens:
        raise bad_parameter(field, f"one of {', '.join(tokens)}")
    ranked = [{"index": stats.date_text(day), "count": f[tokens[token]]}
              for day, f in stats.daily(call.world, *scope(call))]  # fmt: skip
    return {"top5": sorted(ranked, key=lambda r: (-r["count"], r["index"]))[:5],
            "bottom5": sorted(ranked, key=lambda r: (r["count"], r["index"]))[:5]}  # fmt: skip


def client_top_bottom(call: Call) -> dict:
    """clientType: novo (new), antigo (old/regular), total; English new/old also accepted."""
    return _top_bottom(call, "clientType", CLIENT_TYPES)


def flow_top_bottom(call: Call) -> dict:
    """flowType: totalRx, totalTx, avgRx, avgTx (MB)."""
    return _top_bottom(call, "flowType", FLOW_TYPES)


REPORT_SUMMARY_READINGS = ("as_asked", "whole_periods")


def report_static(call: Call) -> dict:
    """getReportStaticData: the summary (distinct clients, visits, dwell) of the window, read as the simulator's
    `report_summary` says (config.py): the window as asked, or widened to the whole weeks / months of the
    reportType. The summary is the API's own figure for the range: distinct clients do not add up over days."""
    report_type = call.param("reportType")
    if report_type not in (None, "day", "week", "month"):
        raise bad_parameter("reportType", "one of day, week, month")
    shops, start, end = scope(call)
    reading = call.world.config.report_summary
    if reading not in REPORT_SUMMARY_READINGS:
        raise ValueError(f"report_summary={reading!r}: use one of {', '.join(REPORT_SUMMARY_READINGS)}")
    whole = reading == "whole_periods" and report_type in ("week", "month")
    if whole:
        start, end = stats.whole_periods(start, end, report_type)
    f = stats.figures(call.world, shops, start, end)
    summary = {**_pick(f, ("new", "old", "total", "one", "two", "three", "avgTime")), "four": f["gteFour"]}
    if reading == "whole_periods" and report_type != "week":
        summary.update(dict.fromkeys(("one", "two", "three", "four")))  # "supported only in weekly reports"
    return summary


def ssid_data(call: Call, current: bool = False) -> list[dict]:
    return stats.ssids(call.world, *scope(call, current=current))


def vendor_data(call: Call, current: bool = False) -> list[dict]:
    return stats.vendors(call.world, *scope(call, current=current))


def current(handler):
    """The 'current*' twin of a history handler: same figures over today (UTC) up to now."""
    return lambda call: handler(call, current=True)
