"""`inc-pipeline run --parallel` (a process per step) over real HTTP: the same rows as the in-process run,
within the simulator's limits, with the snapshot and window groups overlapping in time and no noise on stderr."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace

import pytest
from dagster import DagsterEventType, DagsterInstance

from inc_pipeline.simulator import SimulatorServer

from .conftest import RANGE, assert_same_history, marts


@pytest.fixture(scope="module")
def parallel_run(sim_config, first_run, tmp_path_factory):
    """A separate simulator with limits ON and its own data directory, run by the real console script."""
    data = tmp_path_factory.mktemp("parallel")
    with SimulatorServer(replace(sim_config, enforce_limits=True)) as sim:
        env = {k: v for k, v in os.environ.items() if not k.startswith("INC_") and k != "DAGSTER_HOME"}
        env.update({
            "INC_API_BASE_URL": sim.base_url, "INC_API_KEY": sim.api_key, "INC_API_USER": sim.config.user,
            "INC_PII_KEY": "test-pii-key", "INC_DATA_DIR": str(data), "INC_DEFAULT_RATE_PER_SECOND": "1000",
        })  # fmt: skip
        command = [sys.executable, "-m", "inc_pipeline.cli", "run", *RANGE, "--parallel"]
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
        yield {"done": done, "data": data, "stats": sim.stats()}


def test_parallel_run_lands_the_rows_of_the_serial_run(parallel_run, first_run):
    assert parallel_run["done"].returncode == 0, parallel_run["done"].stderr[-2000:]
    assert_same_history(marts(parallel_run["data"]), first_run)


def test_parallel_run_stays_within_the_limits(parallel_run):
    """No quota refusal and no throttled answer, although the endpoints' threads in two step processes share 2
    cores here and one can be descheduled anywhere: a request takes its path's turn (a file lock) until its
    answer is in, and the next starts an interval after that answer, so no two arrivals can be closer than the
    limit."""
    stats = parallel_run["stats"]
    assert stats["total_requests"] > 100
    assert stats["quota_refusals"] == {}
    assert stats["throttled"] == {}


def test_the_snapshot_and_window_groups_overlap_in_time(parallel_run):
    """The point of --parallel: the two groups' steps are in flight at once (the in-process run has one), each
    asking its endpoints side by side."""
    instance = DagsterInstance.from_config(str(parallel_run["data"] / "dagster_home"))
    run = instance.get_runs(limit=1)[0]
    spans: dict[str, list[float]] = {}
    for event in instance.all_logs(run.run_id):
        kind = event.dagster_event.event_type if event.dagster_event else None
        if kind in (DagsterEventType.STEP_START, DagsterEventType.STEP_SUCCESS):
            spans.setdefault(event.step_key, []).append(event.timestamp)
    starts = sorted(span[0] for span in spans.values())
    ends = sorted(span[-1] for span in spans.values())
    in_flight = max(sum(1 for s in starts if s <= t) - sum(1 for e in ends if e < t) for t in starts)
    assert in_flight >= 2
    assert spans["extract_snapshots"][0] < spans["extract_windows"][-1]
    assert spans["extract_windows"][0] < spans["extract_snapshots"][-1]


def test_parallel_run_prints_only_its_own_lines(parallel_run):
    lines = [line for line in parallel_run["done"].stderr.splitlines() if line.strip()]
    assert lines and all(line.startswith("inc-pipeline run:") for line in lines), lines[:5]


def test_a_second_parallel_run_in_one_process_with_other_settings_is_refused(monkeypatch):
    """Its step processes would fork from the server the first one started, with the first one's settings."""
    from inc_pipeline.errors import UserError
    from inc_pipeline.ops import run

    monkeypatch.setattr(run, "_STEP_SERVER_SETTINGS", [])
    monkeypatch.setenv("INC_DATA_DIR", "/tmp/first")
    run._refuse_other_settings_for_the_step_server()
    run._refuse_other_settings_for_the_step_server()  # the same settings again: fine
    monkeypatch.setenv("INC_DATA_DIR", "/tmp/second")
    with pytest.raises(UserError, match="start a new process for these settings, or run without --parallel"):
        run._refuse_other_settings_for_the_step_server()
