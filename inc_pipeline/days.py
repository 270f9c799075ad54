"""Calendar-day helpers shared by the planner and the warehouse (they know nothing else of each other)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta


def contiguous_runs(days: Iterable[date]) -> list[tuple[date, date]]:
    """Group days (any order, repeats allowed) into runs of consecutive days, as (first, last) pairs."""
    runs: list[tuple[date, date]] = []
    for day in sorted(set(days)):
        if runs and day == runs[-1][1] + timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs
