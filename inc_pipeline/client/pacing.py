"""Per-path pacing that holds across threads and processes on one machine.

The API stamps a request when it arrives, somewhere between our send and its answer, and refuses two stamps
closer than its limit. Pacing request *starts* cannot guarantee that: a process descheduled between its slot and
its send arrives late, close to the next one on time (on a 2-core machine running ~40 step processes this
happened a few times per backfill). So a request takes the path's turn, a file lock held from before the send
until its answer is in, and starts no sooner than one interval after the previous answer: whatever the
scheduler does, two arrivals are at least an interval apart. The cost is one answer's latency per interval.

That guarantee is for limits the API enforces (the manual states them). A path whose limit it does not state is
paced at our own guess, which nothing enforces: there the starts are spaced an interval apart and the turn is
let go as the request is sent, so a path of 600 calls at 10/s takes 60 s rather than 60 s plus 600 latencies.

Wall-clock time is used because a monotonic clock is not comparable between processes; the last answer's time
lives in a small file under `state_dir/pacing/`. The client gives the API's clock (`clock.ApiClock`): the process
clock, or one running `scale` times faster for an accelerated simulator, so a 1/second limit paces one simulated
second whatever the scale.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock

from ._state import read_json, safe_name

LOCK_POLL_SECONDS = 0.005  # how often a waiting process retries the lock: small against any interval we pace


class RateLimiter:
    """Spaces requests per key (an API path): each starts an interval after the previous one was answered."""

    def __init__(self, state_dir: Path, *, margin: float = 0.02, clock=time.time, sleep=time.sleep) -> None:
        self.directory = Path(state_dir) / "pacing"
        self.directory.mkdir(parents=True, exist_ok=True)
        self.margin = margin
        self._clock = clock
        self._sleep = sleep

    def interval(self, per_second: float) -> float:
        """Seconds from one answer to the next start at `per_second`, widened by the safety margin."""
        if per_second <= 0:
            raise ValueError(f"rate must be positive, got {per_second}")
        return (1.0 / per_second) * (1.0 + self.margin)

    @contextmanager
    def turn(self, key: str, per_second: float, *, enforced: bool = True) -> Iterator[float]:
        """Take `key`'s turn for one request and yield the seconds waited for it.

        `enforced` (a limit the API states): wait until an interval after the last answer and hold the turn
        until this one is answered, failed or dropped, then record that moment. Otherwise (our own pace): wait
        until an interval after the last start, record this start, and let the turn go before the request."""
        state_file = self.directory / f"{safe_name(key)}.json"
        mark = "last_answered" if enforced else "last_started"
        with FileLock(str(state_file) + ".lock", poll_interval=LOCK_POLL_SECONDS):
            last = float(read_json(state_file, {}).get(mark, 0.0))
            # A mark ahead of now was written on another clock (another INC_API_TIME_SCALE): one interval is enough.
            waited = self._sleep_until(min(last, self._clock()) + self.interval(per_second))
            if enforced:
                try:
                    yield waited
                finally:
                    self._record(state_file, mark)
                return
            self._record(state_file, mark)
        yield waited  # the request, outside the lock

    def _record(self, state_file: Path, mark: str) -> None:
        # Written in place, not replaced: only holders of the lock read it, and a file cut short by a crash reads
        # as "no last request", which costs at most one early (retried) request.
        state_file.write_text(json.dumps({mark: self._clock()}))

    def _sleep_until(self, moment: float) -> float:
        # sleep() may wake a hair early on some platforms; loop so the start is never before the moment.
        waited, delay = 0.0, moment - self._clock()
        while delay > 0:
            self._sleep(delay)
            waited += delay
            delay = moment - self._clock()
        return waited


class NoPacing:
    """A limiter that never waits: for a simulator with its limits off (benchmarks of the pipeline's own cost)."""

    @contextmanager
    def turn(self, key: str, per_second: float, *, enforced: bool = True) -> Iterator[float]:
        yield 0.0
