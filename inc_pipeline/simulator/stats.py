"""Every statistic, computed from the same sessions, so endpoints agree with one another.

Window [start, end] is inclusive at both ends; a session belongs to it when its start does (and is not after the
simulated now). Clients are per site, so several sites' counts add up.
"""

from __future__ import annotations

import calendar
import datetime as dt

import numpy as np

from .clients import VENDORS, vendor_index
from .world import DAY_MS, EPOCH, DaySessions, World

_SHIFT = 1 << 32  # combine (day or hour, client) into one int64 key
DWELL_EDGES = (300, 1800, 7200)  # lt5Minutes | lt30Minutes | lt120Minutes | gte120Minutes


def date_text(day: int) -> str:
    return (EPOCH + dt.timedelta(days=day)).isoformat()


def parts(world: World, shops: list[int], start: int, end: int) -> list[DaySessions]:
    return [world.window(site, start, end) for site in shops]


def client_counts(world: World, chunks: list[DaySessions], start: int) -> dict:
    """total = distinct clients; new = those whose first visit day is on/after the window's first day."""
    total = new = 0
    for d in chunks:
        clients = np.unique(d.client)
        total += len(clients)
        new += int((world.client_first_day(d.site_id, clients) >= start // DAY_MS).sum())
    return {"new": new, "old": total - new, "total": total}


def _client_days(d: DaySessions) -> tuple[np.ndarray, np.ndarray]:
    """Unique (day, client) keys and total dwell seconds of each."""
    keys, inverse = np.unique((d.start // DAY_MS) * _SHIFT + d.client, return_inverse=True)
    return keys, np.bincount(inverse, weights=d.duration, minlength=len(keys))


def dwell(chunks: list[DaySessions]) -> dict:
    """Average dwell (mean over client-days of their summed seconds) and client-days per bucket."""
    totals = np.concatenate([_client_days(d)[1] for d in chunks]) if chunks else np.zeros(0)
    buckets = np.searchsorted(np.array(DWELL_EDGES), totals, side="right")
    counts = np.bincount(buckets, minlength=4)
    return {
        "avgTime": int(round(totals.mean())) if len(totals) else 0,
        "lt5Minutes": int(counts[0]), "lt30Minutes": int(counts[1]),
        "lt120Minutes": int(counts[2]), "gte120Minutes": int(counts[3]),
    }  # fmt: skip


def visit_times(chunks: list[DaySessions]) -> dict:
    """Clients by number of distinct days visited in the window."""
    counts = np.zeros(4, np.int64)
    for d in chunks:
        keys, _ = _client_days(d)
        _, per_client = np.unique(keys % _SHIFT, return_counts=True)
        counts += np.bincount(np.minimum(per_client, 4) - 1, minlength=4)[:4]
    return {"one": int(counts[0]), "two": int(counts[1]), "three": int(counts[2]), "gteFour": int(counts[3])}


def traffic(chunks: list[DaySessions], clients: int) -> dict:
    """MB totals over sessions and per distinct client."""
    rx = float(sum(d.rx_mb.sum() for d in chunks))
    tx = float(sum(d.tx_mb.sum() for d in chunks))
    return {
        "totalRxBytes": round(rx, 2), "totalTxBytes": round(tx, 2),
        "avgRxBytes": round(rx / clients, 2) if clients else 0, "avgTxBytes": round(tx / clients, 2) if clients else 0,
    }  # fmt: skip


def figures(world: World, shops: list[int], start: int, end: int) -> dict:
    """All figures of a window: counts, dwell, visit times and traffic."""
    chunks = parts(world, shops, start, end)
    counts = client_counts(world, chunks, start)
    return {
        "clientCount": counts["total"], "newCount": counts["new"], "oldCount": counts["old"], **counts,
        **dwell(chunks), **visit_times(chunks), **traffic(chunks, counts["total"]),
    }  # fmt: skip


def day_windows(world: World, start: int, end: int) -> list[tuple[int, int, int]]:
    """(day, start, end) per day overlapping [start, end], clipped to the window and the world."""
    return [(d, max(start, d * DAY_MS), min(end, d * DAY_MS + DAY_MS - 1)) for d in world.days_between(start, end)]


def daily(world: World, shops: list[int], start: int, end: int) -> list[tuple[int, dict]]:
    """figures() per day of the window."""
    return [(day, figures(world, shops, s, e)) for day, s, e in day_windows(world, start, end)]


def hourly(world: World, shops: list[int], start: int, end: int) -> list[dict]:
    """Distinct clients starting a session in each hour of the window, up to now."""
    end = min(end, world.config.now_ms())
    first_hour, last_hour = start // 3_600_000, end // 3_600_000
    if last_hour < first_hour:
        return []
    counts = np.zeros(last_hour - first_hour + 1, np.int64)
    for d in parts(world, shops, start, end):
        keys = np.unique((d.start // 3_600_000 - first_hour) * _SHIFT + d.client)
        counts += np.bincount(keys // _SHIFT, minlength=len(counts))
    return [
        {"clientCount": int(c), "time": dt.datetime.fromtimestamp((first_hour + i) * 3600, dt.UTC).strftime(
            "%Y-%m-%d %H:00:00")}
        for i, c in enumerate(counts)
    ]  # fmt: skip


def vendors(world: World, shops: list[int], start: int, end: int) -> list[dict]:
    """Distinct clients per vendor (sums to the window's total)."""
    counts = np.zeros(len(VENDORS), np.int64)
    for d in parts(world, shops, start, end):
        counts += np.bincount(vendor_index(world.config.seed, d.site_id, np.unique(d.client)), minlength=len(VENDORS))
    return [
        {"clientVendorEn": en, "count": int(c), "clientVendor": cn}
        for (en, cn, _), c in zip(VENDORS, counts, strict=True) if c
    ]  # fmt: skip


def ssids(world: World, shops: list[int], start: int, end: int) -> list[dict]:
    """Distinct clients per SSID name (a client on two SSIDs counts in both)."""
    counts: dict[str, int] = {}
    for d in parts(world, shops, start, end):
        site = world.sites[d.site_id]
        for index, ssid in enumerate(site.ssids):
            n = len(np.unique(d.client[d.ssid == index]))
            if n:
                counts[ssid.name] = counts.get(ssid.name, 0) + n
    return [{"SSID": name, "count": n} for name, n in counts.items()]


def complete_weeks(world: World, start: int, end: int) -> list[int]:
    """Monday day-index of every ISO week whose Sunday falls in [start, end] and in the world."""
    return [d - 6 for d in world.days_between(start, end) if (d + 3) % 7 == 6]


def complete_months(world: World, start: int, end: int) -> list[tuple[int, int]]:
    """(first day, last day) of every calendar month whose last day falls in [start, end] and in the world."""
    out = []
    for d in world.days_between(start, end):
        date = EPOCH + dt.timedelta(days=d)
        if (date + dt.timedelta(days=1)).day == 1:
            out.append((d - date.day + 1, d))
    return out


def whole_periods(start: int, end: int, period: str) -> tuple[int, int]:
    """[start, end] (ms, inclusive) widened to the whole ISO weeks or calendar months it touches."""
    first, last = (EPOCH + dt.timedelta(days=ms // DAY_MS) for ms in (start, end))
    if period == "week":
        first, last = first - dt.timedelta(days=first.weekday()), last + dt.timedelta(days=6 - last.weekday())
    else:
        first = first.replace(day=1)
        last = last.replace(day=calendar.monthrange(last.year, last.month)[1])
    return (first - EPOCH).days * DAY_MS, ((last - EPOCH).days + 1) * DAY_MS - 1


def report_periods(world: World, start: int, end: int, period: str) -> list[tuple[int, int, int]]:
    """(first day, figures' start ms, figures' end ms) of each week or month a report answers for [start, end].

    The manual permits two readings, chosen by `SimulatorConfig.report_periods`: "whole" (default) answers
    every whole period whose last day is in the window, with the whole period's figures; "overlapping" answers
    every period that overlaps the window, with figures for the part of it inside the window.
    """
    if world.config.report_periods == "whole":
        if period == "week":
            return [(m, m * DAY_MS, (m + 7) * DAY_MS - 1) for m in complete_weeks(world, start, end)]
        return [(f, f * DAY_MS, (last + 1) * DAY_MS - 1) for f, last in complete_months(world, start, end)]
    firsts: dict[int, int] = {}
    for d in world.days_between(start, end):
        date = EPOCH + dt.timedelta(days=d)
        first = d - date.weekday() if period == "week" else d - date.day + 1
        last = first + 6 if period == "week" else d - date.day + calendar.monthrange(date.year, date.month)[1]
        firsts[first] = last
    return [(first, max(start, first * DAY_MS), min(end, (last + 1) * DAY_MS - 1)) for first, last in firsts.items()]
