"""The rate limiter holds per endpoint across threads and processes."""

from __future__ import annotations

import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import pytest

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


def _assert_spaced(starts: list[float], began: float) -> None:
    """The k-th start (in time order) is no earlier than k intervals after the first slot could be.

    Each caller returns at or after its slot and slots are 1/rate*(1+margin) apart from a first slot no earlier
    than `began`. Comparing neighbouring timestamps instead would fail on a loaded machine whenever one caller is
    descheduled after its slot (its timestamp late, the next one on time), which says nothing about the limiter.
    """
    for k, start in enumerate(sorted(starts)):
        assert start >= began + k / RATE - 1e-3, (k, start - began)


def test_limiter_spaces_starts_across_threads(tmp_path):
    limiter = RateLimiter(tmp_path, margin=MARGIN)

    def one_call(_):
        limiter.wait("shop_devices", RATE)
        return time.time()

    began = time.time()
    with ThreadPoolExecutor(max_workers=8) as pool:
        starts = list(pool.map(one_call, range(24)))
    _assert_spaced(starts, began)


def test_limiter_spaces_starts_across_processes(tmp_path):
    began = time.time()
    with ProcessPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(_starts_in_process, [str(tmp_path)] * 3, [8] * 3))
    _assert_spaced([start for starts in results for start in starts], began)


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


def test_a_caller_that_woke_late_pushes_the_next_start_back(tmp_path):
    clock, oversleep = [1000.0], [0.5]

    def sleep(seconds):  # the first sleep wakes half a second late, as on a loaded machine
        clock[0] += seconds + (oversleep.pop() if oversleep else 0.0)

    limiter = RateLimiter(tmp_path, margin=MARGIN, clock=lambda: clock[0], sleep=sleep)
    starts = []
    for _ in range(3):
        limiter.wait("x", 1.0)
        starts.append(clock[0])
    assert starts[1] == 1000.0 + 1.02 + 0.5  # the late one
    assert starts[2] - starts[1] >= 1.02 - 1e-9  # not its reserved slot (1002.04), which was only 0.52 s later


def test_a_slot_reserved_before_the_late_start_is_still_spaced_from_it(tmp_path):
    clock = [1000.0]
    first = RateLimiter(tmp_path, margin=MARGIN, clock=lambda: clock[0], sleep=lambda s: None)
    assert first.reserve("x", 1.0) == 1000.0
    second_slot = first.reserve("x", 1.0)  # reserved while the first caller still sleeps
    clock[0] = 1000.7  # the first caller starts late...
    assert first._claim("x", 1.0) == 0.0
    clock[0] = second_slot  # ...so at its own slot the second caller must wait for the rest of the interval
    assert first._claim("x", 1.0) == pytest.approx(1000.7 + 1.02 - second_slot)
