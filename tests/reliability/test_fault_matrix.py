"""Every fault the simulator can inject, one kind at a time: the run still builds the fault-free marts.

Transport faults (latency, 5xx HTML pages, dropped connections, malformed or truncated JSON, 429 bursts) are
retried by the client; repeated records are de-duplicated by landing; late records (hidden on a window's first
read) are picked up by the lookback: a second run over the same days converges to the fault-free marts.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from inc_pipeline.simulator import FaultConfig, SimulatorServer

from .pipeline import assert_same_marts, marts, run_pipeline

FAULT_RATE = 0.05  # "a few percent" of requests
RETRIED = ("latency", "http_5xx", "drop", "malformed_json", "truncated_json", "throttle_burst", "repeat_records")


@pytest.mark.slow
@pytest.mark.parametrize("kind", RETRIED)
def test_faulty_run_builds_the_fault_free_marts(kind, small_world, run_days, clean_marts, tmp_path):
    faults = FaultConfig(rate=FAULT_RATE, kinds=(kind,), seed=11)
    with SimulatorServer(replace(small_world, faults=faults)) as sim:
        run_pipeline(sim.base_url, sim.api_key, small_world.user, tmp_path / "data", run_days)
        injected = sim.stats()["faults"].get(kind, 0)
    assert injected > 0, f"no {kind} fault was injected: raise the rate or change the seed"
    assert_same_marts(marts(tmp_path / "data"), clean_marts)


@pytest.mark.slow
def test_late_records_converge_on_the_second_run(small_world, run_days, clean_marts, tmp_path):
    faults = FaultConfig(rate=FAULT_RATE, kinds=("late_records",), seed=11)
    data = tmp_path / "data"
    with SimulatorServer(replace(small_world, faults=faults)) as sim:
        run_pipeline(sim.base_url, sim.api_key, small_world.user, data, run_days)
        first = marts(data)
        assert len(first["auth_sessions"]) < len(clean_marts["auth_sessions"]), "no record was hidden"
        run_pipeline(sim.base_url, sim.api_key, small_world.user, data, run_days)  # the lookback re-read
    assert_same_marts(marts(data), clean_marts)
