"""The rate limiter holds per path across threads and processes: a request starts an interval after the
previous one was answered, however late either of them ran; on a path paced at our own guess (no stated limit),
an interval after the previous one started."""

from __future__ import annotations

import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import pytest

from inc_pipeline.client import RateLimiter

RATE = 20.0  # fast enough for a quick test, slow enough that spacing is measurable
MARGIN = 0.02
INTERVAL = 1 / RATE * (1 + MARGIN)


def _request(
    limiter: RateLimiter, key: str = "/shop/device", work: float = 0.0, enforced: bool = True
) -> tuple[float, float]:
    """One paced request: (when it started, when its answer was in), as the client's send would see them."""
    with limiter.turn(key, RATE, enforced=enforced):
        started = time.time()
        time.sleep(work)  # the request's own latency
        answered = time.time()
    return started, answered


def _requests_in_process(state_dir: str, count: int, enforced: bool = True) -> list[tuple[float, float]]:
    limiter = RateLimiter(Path(state_dir), margin=MARGIN)
    return [_request(limiter, work=0.01, enforced=enforced) for _ in range(count)]


def _assert_spaced(spans: list[tuple[float, float]]) -> None:
    """Each start is at least an interval after the previous answer: the turns never overlap, so any arrival
    at the server (between a start and its answer) is an interval after the one before, on any machine load."""
    spans = sorted(spans)
    for (_, answered), (started, _) in zip(spans, spans[1:], strict=False):
        assert started >= answered + INTERVAL - 1e-6, (started - answered, INTERVAL)


def test_requests_are_spaced_from_the_previous_answer_across_threads(tmp_path):
    limiter = RateLimiter(tmp_path, margin=MARGIN)
    with ThreadPoolExecutor(max_workers=8) as pool:
        spans = list(pool.map(lambda _: _request(limiter, work=0.01), range(24)))
    _assert_spaced(spans)


def test_requests_are_spaced_from_the_previous_answer_across_processes(tmp_path):
    with ProcessPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(_requests_in_process, [str(tmp_path)] * 3, [8] * 3))
    _assert_spaced([span for spans in results for span in spans])


def test_paths_are_paced_independently(tmp_path):
    limiter = RateLimiter(tmp_path, margin=MARGIN)
    began = time.time()
    with limiter.turn("/a", 1.0):
        pass
    with limiter.turn("/b", 1.0):
        pass
    assert time.time() - began < 0.5


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_a_slow_answer_pushes_the_next_start_back(tmp_path):
    """The interval counts from the answer, not from the start: a request that took 0.7 s (a busy machine, a
    slow server) could have arrived at its very end, so the next one waits a full interval after it."""
    clock = FakeClock()
    limiter = RateLimiter(tmp_path, margin=MARGIN, clock=clock, sleep=clock.sleep)
    with limiter.turn("/x", 1.0):
        clock.now += 0.7
    with limiter.turn("/x", 1.0) as waited:
        assert clock.now == pytest.approx(1000.7 + 1.02)
    assert waited == pytest.approx(1.02)


def test_a_failed_request_still_counts(tmp_path):
    """A request that failed or was dropped may have reached the server: the next one waits for it too."""
    clock = FakeClock()
    limiter = RateLimiter(tmp_path, margin=MARGIN, clock=clock, sleep=clock.sleep)
    with pytest.raises(ConnectionError), limiter.turn("/x", 1.0):
        clock.now += 0.2
        raise ConnectionError("dropped")
    with limiter.turn("/x", 1.0):
        assert clock.now == pytest.approx(1000.2 + 1.02)


def test_the_first_request_does_not_wait(tmp_path):
    clock = FakeClock()
    limiter = RateLimiter(tmp_path, margin=MARGIN, clock=clock, sleep=clock.sleep)
    with limiter.turn("/x", 1.0) as waited:
        assert waited == 0.0


def test_an_unstated_pace_spaces_starts_across_processes(tmp_path):
    with ProcessPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(_requests_in_process, [str(tmp_path)] * 3, [8] * 3, [False] * 3))
    # The turn records each start as it lets go; a send descheduled after that may come a little later, so the
    # pace holds over the run (which is all a guess at an unstated limit asks), not between every two sends.
    starts = sorted(started for spans in results for started, _ in spans)
    assert starts[-1] - starts[0] >= (len(starts) - 1) * INTERVAL - 0.01


def test_an_unstated_pace_counts_from_the_start_not_the_answer(tmp_path):
    """Our own guess at a pace is a pace of starts: a slow answer does not push the next start back."""
    clock = FakeClock()
    limiter = RateLimiter(tmp_path, margin=MARGIN, clock=clock, sleep=clock.sleep)
    with limiter.turn("/stamonitor/x", 1.0, enforced=False):
        clock.now += 0.7
    with limiter.turn("/stamonitor/x", 1.0, enforced=False) as waited:
        assert clock.now == pytest.approx(1000.0 + 1.02)
    assert waited == pytest.approx(0.32)


def test_an_unstated_pace_lets_the_turn_go_while_its_request_is_out(tmp_path):
    """The next request of the path need not wait for a slow answer (a thread here; a process in a run)."""
    limiter = RateLimiter(tmp_path, margin=MARGIN)
    with ThreadPoolExecutor(max_workers=2) as pool:
        slow = pool.submit(_request, limiter, "/stamonitor/x", 0.5, False)
        time.sleep(0.1)
        started, _ = _request(limiter, "/stamonitor/x", enforced=False)
        slow_started, slow_answered = slow.result()
    assert started < slow_answered and started >= slow_started + INTERVAL - 1e-6
