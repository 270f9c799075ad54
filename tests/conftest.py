"""Shared fixtures: a running INC Cloud simulator (real HTTP on loopback) and a factory for custom ones."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from inc_pipeline.simulator import SimulatorConfig, SimulatorServer

SIM_END_DATE = dt.date(2026, 11, 20)  # fixed so every answer is deterministic; "now" is 12:00 UTC that day


@pytest.fixture(scope="session")
def sim_config() -> SimulatorConfig:
    """The default simulated account: seed 7, 3 sites, 30 days ending 2026-11-20."""
    return SimulatorConfig(end_date=SIM_END_DATE)


@pytest.fixture(scope="session")
def simulator(sim_config):
    """A simulator shared by the session (limits on, faults off). Call `.reset()` if your test spends limits."""
    with SimulatorServer(sim_config) as server:
        yield server


@pytest.fixture
def make_simulator(sim_config):
    """Factory: `make_simulator(enforce_limits=False, faults=FaultConfig(...))` starts a server, stopped after."""
    servers = []

    def make(**overrides) -> SimulatorServer:
        server = SimulatorServer(replace(sim_config, **overrides)).start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()
