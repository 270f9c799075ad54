"""Per-endpoint pacing that holds across threads and processes on one machine.

Several Dagster runs may call the same endpoint at once, so the next allowed request start lives in a small file
under `state_dir/pacing/`, guarded by a `filelock.FileLock`. Wall-clock time (`time.time()`) is used because a
monotonic clock is not comparable between processes.

Each caller reserves the next slot under the lock and then sleeps outside it, so the lock is held for
microseconds and slots are handed out strictly in order, spaced by `1 / rate * (1 + margin)`. On waking it claims
the start against the last actual start as well, so a caller that woke late never lets the next one follow it
closer than the interval.
"""

from __future__ import annotations

import time
from pathlib import Path

from filelock import FileLock

from ._state import read_json, safe_name, write_json


class RateLimiter:
    """Spaces request starts per endpoint id: never more than `per_second` starts in any second."""

    def __init__(self, state_dir: Path, *, margin: float = 0.02, clock=time.time, sleep=time.sleep) -> None:
        self.directory = Path(state_dir) / "pacing"
        self.directory.mkdir(parents=True, exist_ok=True)
        self.margin = margin
        self._clock = clock
        self._sleep = sleep

    def interval(self, per_second: float) -> float:
        """Seconds between two request starts at `per_second`, widened by the safety margin."""
        if per_second <= 0:
            raise ValueError(f"rate must be positive, got {per_second}")
        return (1.0 / per_second) * (1.0 + self.margin)

    def reserve(self, endpoint_id: str, per_second: float) -> float:
        """Take the next start slot for `endpoint_id` and return its wall-clock time (may be in the past: now)."""
        state_file = self._state_file(endpoint_id)
        with FileLock(str(state_file) + ".lock"):
            state = read_json(state_file, {})
            now = self._clock()
            start = max(now, float(state.get("next_start", 0.0)))
            write_json(state_file, {**state, "next_start": start + self.interval(per_second)})
        return start

    def wait(self, endpoint_id: str, per_second: float) -> float:
        """Block until this caller may start a request to `endpoint_id`; returns the seconds waited."""
        waited = self._sleep_until(self.reserve(endpoint_id, per_second))
        # A caller woken late (a busy machine) starts after its slot; the next caller's slot was reserved before
        # that, so on its own it could start less than an interval after this one. Each start is therefore
        # claimed against the last actual start too, and waits out the difference when it is too close.
        while (too_soon := self._claim(endpoint_id, per_second)) > 0:
            waited += self._sleep_until(self._clock() + too_soon)
        return waited

    def _claim(self, endpoint_id: str, per_second: float) -> float:
        """Record this start as the last one and return 0, or return how long to wait if it is too close."""
        interval = self.interval(per_second)
        state_file = self._state_file(endpoint_id)
        with FileLock(str(state_file) + ".lock"):
            state = read_json(state_file, {})
            now = self._clock()
            earliest = float(state.get("last_start", 0.0)) + interval
            if now < earliest:
                return earliest - now
            next_start = max(float(state.get("next_start", 0.0)), now + interval)
            write_json(state_file, {"next_start": next_start, "last_start": now})
        return 0.0

    def _sleep_until(self, moment: float) -> float:
        # sleep() may wake a hair early on some platforms; loop so the start is never before the moment.
        waited, delay = 0.0, moment - self._clock()
        while delay > 0:
            self._sleep(delay)
            waited += delay
            delay = moment - self._clock()
        return waited

    def _state_file(self, endpoint_id: str) -> Path:
        return self.directory / f"{safe_name(endpoint_id)}.json"
