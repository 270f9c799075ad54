"""Ranges of days the per-day aggregates are also asked over, as data: their tables, their days, the setting.

A range table (`<id>_by_range`) is its daily endpoint with three more context columns, `range_kind`,
`range_start` and `range_end` (ISO days, both inclusive), which lead its key: a row says which range it answers.
Its rows land in the partition of `range_end`, so re-running a day replaces that day's ranges and nothing else,
and a calendar month asked before its end (partial) is asked again by every later day of it, until its last day.

Which days get which ranges (`range_days`) is decided here, once: the newest day of each run of days asks every
chosen range (what an analyst reads as "the last 7 days"), and every month-end day in the run asks its whole
month. So a daily run costs one request per range and site, and a backfill adds only its complete months.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from .model import Endpoint, StatRange

RANGE_CONTEXT = ("range_kind", "range_start", "range_end")
RANGE_TABLE_SUFFIX = "_by_range"
ROLLING_DAYS = {StatRange.LAST_7: 7, StatRange.LAST_30: 30}
DEFAULT_STAT_RANGES = tuple(StatRange)  # ~3 more calls a site and endpoint a day: see docs/architecture.md


@dataclass(frozen=True)
class DayRange:
    """One range asked of the API: its kind and its first and last day (inclusive, UTC days as the API's)."""

    kind: StatRange
    start: date
    end: date

    @property
    def partial(self) -> bool:
        """A calendar month asked before its last day."""
        return self.kind is StatRange.MONTH and self.end < month_end(self.start)

    @property
    def whole_month(self) -> bool:
        return self.kind is StatRange.MONTH and not self.partial

    def context(self) -> dict:
        """The range's context columns, as landed (text: ISO days)."""
        return {"range_kind": self.kind.value, "range_start": self.start.isoformat(), "range_end": self.end.isoformat()}


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def day_range_of(kind: StatRange, end: date) -> DayRange:
    """The range of `kind` ending on `end`."""
    if kind is StatRange.MONTH:
        return DayRange(kind, end.replace(day=1), end)
    return DayRange(kind, end - timedelta(days=ROLLING_DAYS[kind] - 1), end)


def range_days(days: Iterable[date], kinds: Sequence[StatRange]) -> list[DayRange]:
    """The ranges a run of `days` asks: every kind ending on the newest day of each contiguous run of days, and
    each whole month whose last day is among the days (a backfill's complete months)."""
    wanted = sorted(set(days))
    ends = [d for i, d in enumerate(wanted) if i + 1 == len(wanted) or wanted[i + 1] != d + timedelta(days=1)]
    ranges = {day_range_of(kind, end) for end in ends for kind in kinds}
    if StatRange.MONTH in kinds:
        ranges |= {day_range_of(StatRange.MONTH, d) for d in wanted if d == month_end(d)}
    return sorted(ranges, key=lambda r: (r.end, list(StatRange).index(r.kind)))


def range_table(endpoint: Endpoint) -> Endpoint:
    """The table a daily endpoint's ranges land in: the same request and fields, keyed by range too."""
    return replace(
        endpoint,
        id=endpoint.id + RANGE_TABLE_SUFFIX,
        title=f"{endpoint.title} (over ranges of days)",
        ranges=(),
        range_of=endpoint.id,
        notes=(*endpoint.notes, "over a range: one request per site and range, rows in the partition of range_end"),
    )


def parse_stat_ranges(text: str | None) -> tuple[StatRange, ...]:
    """INC_STAT_RANGES: comma-separated kinds (last_7, last_30, month), `none` for none; unset: all three.
    A kind it does not know is a one-line ValueError naming the known ones."""
    text = (text or "").strip()
    if not text:
        return DEFAULT_STAT_RANGES
    if text.lower() == "none":
        return ()
    names = [name.strip().lower() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in {kind.value for kind in StatRange}]
    if unknown:
        known = ", ".join(kind.value for kind in StatRange)
        raise ValueError(f"INC_STAT_RANGES={text!r}: {', '.join(unknown)} is not a range: use some of {known}, or none")
    return tuple(kind for kind in StatRange if kind.value in names)
