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
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
