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
