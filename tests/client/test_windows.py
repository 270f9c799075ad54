"""Window splitting and window request fields."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inc_pipeline.client import BadRequestError, WindowTooLongError, split_window, window_params

from .conftest import endpoint

HOUR = 3_600_000
starts = st.integers(min_value=0, max_value=2_000_000_000_000)
lengths = st.integers(min_value=0, max_value=90 * 24 * HOUR)
max_hours = st.sampled_from([1, 24, 168]) | st.integers(min_value=1, max_value=400)


@given(start=starts, length=lengths, hours=max_hours)
def test_split_window_covers_exactly_without_overlap(start, length, hours):
    windows = split_window(start, start + length, hours)
    if length == 0:
        assert windows == []
        return
    assert windows[0][0] == start
    assert windows[-1][1] == start + length
    for (_, hi), (next_lo, _) in zip(windows, windows[1:], strict=False):
        assert hi == next_lo  # no gap, no overlap between consecutive half-open windows
    for lo, hi in windows:
        assert 0 < hi - lo <= hours * HOUR


@given(start=starts, length=lengths)
def test_split_window_at_168_hours_never_exceeds_a_week(start, length):
    assert all(hi - lo <= 168 * HOUR for lo, hi in split_window(start, start + length, 168))


def test_split_window_refuses_reversed_range():
    with pytest.raises(ValueError):
        split_window(10, 5, 24)


def test_window_params_sends_inclusive_end():
    auth = endpoint("auth_history")
    assert window_params(auth, 0, 24 * HOUR) == {"begin_time": 0, "end_time": 24 * HOUR - 1}
    report = endpoint("history_day_report")
    assert window_params(report, 1000, 2000) == {"startTime": 1000, "endTime": 1999}


def test_window_params_accepts_exactly_max_hours_and_refuses_more():
    auth = endpoint("auth_history")
    assert window_params(auth, 0, 168 * HOUR)["end_time"] == 168 * HOUR - 1
    with pytest.raises(WindowTooLongError) as caught:
        window_params(auth, 0, 168 * HOUR + 1)
    message = str(caught.value)
    assert "\n" not in message and "auth_history" in message and "split_window" in message
    assert isinstance(caught.value, BadRequestError)


def test_window_params_refuses_endpoint_without_window():
    with pytest.raises(BadRequestError):
        window_params(endpoint("user_shops"), 0, HOUR)
