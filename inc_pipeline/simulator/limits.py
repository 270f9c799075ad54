"""Rate limits and daily quotas the manual states, and the request counters behind GET /__sim/stats."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

from inc_pipeline import clock

from .errors import RATE_TOLERANCE_S, quota_exceeded, too_frequent

PER_SECOND_PATHS = frozenset({
    "/shop/device", "/device/apinfo", "/device/radioinfo", "/device/ssidinfo", "/device/ssid/clientmac",
    "/device/onlineclients", "/api/o2oportal/getAuthUserInfo",
})  # fmt: skip
DAILY_QUOTA = {"/user/shop": 100, "/device/historyclients": 100}


class Limits:
    """Per key and path: the last request time (1/second paths) and calls per quota day (quota paths;
    midnight to midnight in `quota_timezone`, UTC unless told).

    Both are counted on `api_clock`: the real one, or an accelerated one (`time_scale`) under which a second and
    a quota day pass `scale` times faster, the ratios of every limit unchanged.

    Assumption: every request that passes the key check counts, including those then throttled or rejected, so
    "any two requests closer than 1 s" fail whatever happened to the first one.
    """

    def __init__(self, enforce: bool, quota_timezone: str = "UTC", api_clock: clock.ApiClock | None = None) -> None:
        self.enforce = enforce
        self.quota_timezone = quota_timezone
        self.api_clock = api_clock or clock.ApiClock()
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._last: dict[tuple[str, str], float] = {}
            self._quota: Counter = Counter()
            self.requests: Counter = Counter()
            self.arrivals: dict[str, list[float]] = {}  # per path: the first and the last request's time
            self.throttled: Counter = Counter()  # real limit violations
            self.injected_throttles: Counter = Counter()
            self.quota_refusals: Counter = Counter()
            self.faults: Counter = Counter()

    def quota_day(self) -> dt.date:
        """The day the quotas are counted in: midnight to midnight in `quota_timezone` (see clock.py)."""
        return clock.today(self.quota_timezone, self.api_clock.now())

    def count(self, path: str) -> None:
        now = self.api_clock.timestamp()
        with self._lock:
            self.requests[path] += 1
            self.arrivals.setdefault(path, [now, now])[1] = now

    def check(self, key: str, path: str) -> None:
        """Raise ApiError 1003 (HTTP 429) or 1004 when this request breaks a stated limit."""
        if not self.enforce:
            return
        now = self.api_clock.timestamp()
        with self._lock:
            if path in PER_SECOND_PATHS:
                last = self._last.get((key, path))
                self._last[(key, path)] = now
                if last is not None and now - last < 1.0 - RATE_TOLERANCE_S:
                    self.throttled[path] += 1
                    raise too_frequent()
            if path in DAILY_QUOTA:
                slot = (key, path, self.quota_day())
                if self._quota[slot] >= DAILY_QUOTA[path]:
                    self.quota_refusals[path] += 1
                    raise quota_exceeded()
                self._quota[slot] += 1

    def snapshot(self) -> dict:
        """Counters for GET /__sim/stats."""
        today = self.quota_day()
        with self._lock:
            quota_used: Counter = Counter()
            quota_days: dict[str, dict[str, int]] = {}  # every quota day's count, for runs that cross a midnight
            for (_, path, day), n in self._quota.items():
                days = quota_days.setdefault(path, {})
                days[day.isoformat()] = days.get(day.isoformat(), 0) + n
                if day == today:
                    quota_used[path] += n
            return {
                "requests": dict(self.requests), "total_requests": sum(self.requests.values()),
                "throttled": dict(self.throttled), "injected_throttles": dict(self.injected_throttles),
                "quota_refusals": dict(self.quota_refusals), "quota_used": dict(quota_used), "quota_days": quota_days,
                "faults": dict(self.faults), "arrivals": {path: list(span) for path, span in self.arrivals.items()},
            }  # fmt: skip
