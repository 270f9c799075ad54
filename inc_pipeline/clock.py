"""The pipeline's clock: the one place that says what time it is, and the day rules that follow from it.

Every "now" of the library comes from `now()`, which tests replace with `frozen(...)`. A Dagster run reads the
clock once: its own start, as Dagster recorded it (`run_started_at` in defs/), so every step and every process of
one run agrees on its snapshot day and its window, however long it runs and whichever midnight it crosses.

Day boundaries (docs/reliability.md):
- partition day: a calendar day in `INC_TIMEZONE` (default UTC, the manual's times);
- snapshot day: the partition day of the run's start;
- quota day: a calendar day in `INC_QUOTA_TIMEZONE` (default UTC: the manual does not say when the 100/day quotas
  reset; set it when the service says otherwise). The ledger reads it at each call, so a run that crosses it
  spends the new day's quota, never the old one's twice.

The API's limits (1/second, 100/day) are counted on the API's clock, `ApiClock`: ours for the real service; for
an accelerated simulator (`INC_API_TIME_SCALE`, the simulator's `--time-scale`) ours run `scale` times faster from
a fixed origin, so a pipeline and a simulator with the same scale agree on every instant without being told more,
and a simulated day of quotas passes in 86400/scale real seconds.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_source: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731


def now() -> datetime:
    """The current instant, UTC-aware."""
    return _source().astimezone(UTC)


def today(timezone: str = "UTC", at: datetime | None = None) -> date:
    """The calendar day in `timezone` of `at` (default: now)."""
    return (at or now()).astimezone(ZoneInfo(timezone)).date()


def yesterday(timezone: str = "UTC", at: datetime | None = None) -> date:
    """The last complete calendar day in `timezone`."""
    return today(timezone, at) - timedelta(days=1)


def next_midnight(timezone: str = "UTC", at: datetime | None = None) -> datetime:
    """When the calendar day of `at` (default: now) ends in `timezone`."""
    day = today(timezone, at) + timedelta(days=1)
    return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(timezone))


def is_zone(name: str) -> bool:
    """Whether `name` is a time zone this machine knows (an IANA name such as UTC or America/Sao_Paulo)."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


# Accelerated clocks run from here. Fixed (not "the midnight before the process started"), so clocks started on
# different days still agree and a pacing mark written by yesterday's run is not in today's far future.
SCALE_ORIGIN = datetime(2026, 1, 1, tzinfo=UTC)
MAX_TIME_SCALE = 10_000.0  # a simulated day in under 9 real seconds; beyond it requests' own latency dominates


@dataclass(frozen=True)
class ApiClock:
    """The API's time: `now()` at scale 1 (the real service); `scale` times faster from SCALE_ORIGIN otherwise."""

    scale: float = 1.0

    def __post_init__(self) -> None:
        if not 0 < self.scale <= MAX_TIME_SCALE or math.isnan(self.scale):
            raise ValueError(f"time scale must be in (0, {MAX_TIME_SCALE:g}], got {self.scale}")

    def now(self) -> datetime:
        return self._scaled(now())

    def timestamp(self) -> float:
        """Seconds since the epoch on the API's clock, from the process clock: pacing measures intervals between
        processes, which a test's frozen `now()` must not stop."""
        return self._scaled(datetime.fromtimestamp(time.time(), UTC)).timestamp()

    def _scaled(self, real: datetime) -> datetime:
        return real if self.scale == 1 else SCALE_ORIGIN + (real - SCALE_ORIGIN) * self.scale

    def real(self, moment: datetime) -> datetime:
        """When the API's `moment` comes on our clock (a quota's reset, for a rerun's schedule)."""
        if self.scale == 1:
            return moment
        return SCALE_ORIGIN + (moment.astimezone(UTC) - SCALE_ORIGIN) / self.scale

    def sleep(self, seconds: float) -> None:
        """Sleep `seconds` of the API's clock."""
        time.sleep(seconds / self.scale)


@contextmanager
def frozen(moment: datetime | Callable[[], datetime]) -> Iterator[None]:
    """Within the block, `now()` is `moment` (or what the callable gives): the clock as a test's input."""
    global _source
    previous = _source
    _source = moment if callable(moment) else (lambda: moment)
    try:
        yield
    finally:
        _source = previous
