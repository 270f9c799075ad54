"""Day, week and month reports: one record per whole period; cursor paging for one site, a list for several."""

from __future__ import annotations

from . import stats
from .context import Call
from .errors import bad_parameter
from .handlers_stats import scope
from .paging import as_int, cursor

REPORT_FIELDS = ("clientCount", "avgTime", "newCount", "oldCount", "totalRxBytes", "totalTxBytes", "avgRxBytes",
                 "avgTxBytes")  # fmt: skip
SORT_ORDERS = ("ascendente", "descendente")


def _record(site: int, stat_time: str, f: dict) -> dict:
    return {"_id": f"{site}-{stat_time}", "scenarioid": str(site), "statTime": stat_time,
            **{n: f[n] for n in REPORT_FIELDS}}  # fmt: skip


def _day_records(call: Call, site: int, start: int, end: int) -> list[dict]:
    return [_record(site, stats.date_text(day), f) for day, f in stats.daily(call.world, [site], start, end)]


def _week_records(call: Call, site: int, start: int, end: int) -> list[dict]:
    out = []
    for monday, lo, hi in stats.report_periods(call.world, start, end, "week"):
        f = stats.figures(call.world, [site], lo, hi)
        daily_avg = [d["avgTime"] for _, d in stats.daily(call.world, [site], lo, hi)] or [0]
        out.append({**_record(site, stats.date_text(monday), f), "fourTimes": f["gteFour"], "threeTimes": f["three"],
                    "twoTimes": f["two"], "oneTime": f["one"], "maxavgTime": max(daily_avg),
                    "minavgTime": min(daily_avg)})  # fmt: skip
    return out


def _month_records(call: Call, site: int, start: int, end: int) -> list[dict]:
    out = []
    for first, lo, hi in stats.report_periods(call.world, start, end, "month"):
        f = stats.figures(call.world, [site], lo, hi)
        out.append(_record(site, stats.date_text(first)[:7], f))
    return out


def _report(call: Call, build, *, shops_field: str = "shops", paging=("active", "limit", "local")):
    shops, start, end = scope(call, shops_field=shops_field)
    order = call.param("sortRoule", "ascendente")
    if order not in SORT_ORDERS:
        raise bad_parameter("sortRoule", "ascendente or descendente")
    per_site = {site: build(call, site, start, end) for site in shops}
    if order == "descendente":
        per_site = {site: records[::-1] for site, records in per_site.items()}
    if len(shops) > 1:
        limit = as_int(call.param(paging[1]), paging[1], low=1)  # still required, as the manual says
        records = [record for records in per_site.values() for record in records]
        return records[:limit] if call.world.config.several_site_reports_cut else records
    return cursor(per_site[shops[0]], "statTime", call.body, paging, overlap=call.overlap)


def day_report(call: Call):
    """getHistoryDayReport: one record per day of the window (statTime YYYY-MM-DD)."""
    return _report(call, _day_records)


def week_report(call: Call):
    """getHistoryWeekReport: one record per whole ISO week whose Sunday is in the window (statTime = Monday)."""
    return _report(call, _week_records)


def month_report(call: Call):
    """getHistoryMonthReport: one record per whole month whose last day is in the window (statTime YYYY-MM).

    The manual capitalises Shops/Active/Limit/Local here."""
    return _report(call, _month_records, shops_field="Shops", paging=("Active", "Limit", "Local"))
