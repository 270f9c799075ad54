"""A run that starts at 23:45 and crosses midnight (the clock injected, running 60 times fast) ends with the
warehouse of a run at noon: the same history, its snapshots stamped with the day it started, each 100/day
endpoint asked once, nothing refused."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from inc_pipeline import clock
from inc_pipeline.cli import main
from inc_pipeline.simulator import SimulatorServer

from .conftest import RANGE, SNAPSHOT_STAMPS, assert_same_history, marts, point_at

pytestmark = pytest.mark.slow

DAY = date(2026, 11, 21)  # the day after the simulated world's last (2026-11-20): 2026-11-19 is complete
SPEED = 60  # simulated seconds per real second: a run of about a minute lasts an hour


def _running_from(start: datetime):
    began = time.monotonic()
    return lambda: start + timedelta(seconds=(time.monotonic() - began) * SPEED)


def _run_at(start: datetime, sim_config, data, monkeypatch) -> tuple[dict, dict, datetime]:
    with SimulatorServer(replace(sim_config, enforce_limits=True)) as sim, clock.frozen(_running_from(start)):
        point_at(sim, data, monkeypatch)
        assert main(["run", *RANGE]) == 0
        return marts(data), sim.stats(), clock.now()


def test_a_run_across_midnight_ends_with_the_warehouse_of_a_run_at_noon(sim_config, tmp_path, monkeypatch):
    # 23:45: importing the pipeline and planning the run take a few real seconds (minutes here) before it starts
    late_start = datetime.combine(DAY + timedelta(days=1), datetime.min.time(), UTC) - timedelta(minutes=15)
    late, late_stats, late_end = _run_at(late_start, sim_config, tmp_path / "late", monkeypatch)
    noon, noon_stats, _ = _run_at(datetime.combine(DAY, datetime.min.time(), UTC) + timedelta(hours=12),
                                  sim_config, tmp_path / "noon", monkeypatch)  # fmt: skip

    assert late_end.date() > DAY  # the late run did cross midnight
    assert_same_history(late, noon)
    for name, frame in late.items():
        for column in SNAPSHOT_STAMPS:
            if column in frame.columns:
                assert set(frame[column].dt.date if hasattr(frame[column], "dt") else frame[column]) == {DAY}, name
    for stats in (late_stats, noon_stats):
        assert stats["quota_refusals"] == {} and stats["throttled"] == {}
        assert stats["requests"]["/user/shop"] == 1  # once, whichever day the call fell on
    assert late_stats["requests"]["/device/historyclients"] == noon_stats["requests"]["/device/historyclients"]
