"""Calendar-day helpers shared by the planner and the warehouse (they know nothing else of each other)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def iso_day(text: str) -> date:
    """A YYYY-MM-DD day; ValueError otherwise. Only that form: Python's fromisoformat also takes 20261101 and
    2026-W44-1, which a mistyped date could silently become."""
    if not _ISO_DAY.fullmatch(text.strip()):
        raise ValueError(f"{text!r} is not YYYY-MM-DD")
    return date.fromisoformat(text.strip())


def contiguous_runs(days: Iterable[date]) -> list[tuple[date, date]]:
    """Group days (any order, repeats allowed) into runs of consecutive days, as (first, last) pairs."""
    runs: list[tuple[date, date]] = []
    for day in sorted(set(days)):
        if runs and day == runs[-1][1] + timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def runs_text(runs: Iterable[tuple[date, date]]) -> str:
    """(first, last) runs as `2026-11-01..2026-11-03, 2026-11-05`: a one-day run as its day alone."""
    return ", ".join(str(first) if first == last else f"{first}..{last}" for first, last in runs)


def day_range(first: date, last: date) -> list[date]:
    """Every day from `first` to `last`, both included (none when `last` is earlier)."""
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def newest_first_chunks(days: Iterable[date], size: int) -> list[tuple[date, date]]:
    """Days grouped into runs of consecutive days of at most `size`, newest first: the order a backfill fills
    partitions in, so the most recent data is there after its first run."""
    chunks: list[tuple[date, date]] = []
    for first, last in reversed(contiguous_runs(days)):
        while last >= first:
            start = max(first, last - timedelta(days=size - 1))
            chunks.append((start, last))
            last = start - timedelta(days=1)
    return chunks
