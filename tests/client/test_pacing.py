"""The rate limiter holds per endpoint across threads and processes."""

from __future__ import annotations

import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

from inc_pipeline.client import RateLimiter

RATE = 20.0  # fast enough for a quick test, slow enough that spacing is measurable
MARGIN = 0.02


def _starts_in_process(state_dir: str, count: int) -> list[float]:
    limiter = RateLimiter(Path(state_dir), margin=MARGIN)
    starts = []
    for _ in range(count):
        limiter.wait("shop_devices", RATE)
        starts.append(time.time())
    return starts


def _assert_spaced(starts: list[float]) -> None:
    ordered = sorted(starts)
    gaps = [b - a for a, b in zip(ordered, ordered[1:], strict=False)]
    # Each start is at or after its reserved slot; slots are 1/rate*(1+margin) apart. Allow scheduler jitter
    # on the observed timestamps, but never a gap below the plain 1/rate the server enforces.
    assert min(gaps) >= (1 / RATE) * 0.9, min(gaps)
    assert ordered[-1] - ordered[0] >= (len(ordered) - 1) / RATE


def test_limiter_spaces_starts_across_threads(tmp_path):
    limiter = RateLimiter(tmp_path, margin=MARGIN)

    def one_call(_):
        limiter.wait("shop_devices", RATE)
        return time.time()

    with ThreadPoolExecutor(max_workers=8) as pool:
        starts = list(pool.map(one_call, range(24)))
    _assert_spaced(starts)


def test_limiter_spaces_starts_across_processes(tmp_path):
    with ProcessPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(_starts_in_process, [str(tmp_path)] * 3, [8] * 3))
    _assert_spaced([start for starts in results for start in starts])


def test_endpoints_are_paced_independently(tmp_path):
    limiter = RateLimiter(tmp_path, margin=MARGIN)
    began = time.time()
    limiter.wait("a", 1.0)
    limiter.wait("b", 1.0)
    assert time.time() - began < 0.5


def test_reserved_slots_are_exactly_one_interval_apart(tmp_path):
    frozen = 1000.0
    limiter = RateLimiter(tmp_path, margin=MARGIN, clock=lambda: frozen)
    slots = [limiter.reserve("x", 1.0) for _ in range(4)]
    assert slots == [1000.0 + i * 1.02 for i in range(4)]
