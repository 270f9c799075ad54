"""A small world for the reliability suite: one site, two days, limits off, so each run takes seconds."""

from __future__ import annotations

from datetime import timedelta

import pytest

from inc_pipeline.simulator import SimulatorServer

from .pipeline import days_between, marts, run_pipeline

SITES = 1
DAYS_BACK = 2  # the two complete days before the simulator's end date


@pytest.fixture(scope="session")
def small_world(sim_config):
    """The world every reliability test extracts: `sim_config` with one site and no limits."""
    from dataclasses import replace

    return replace(sim_config, sites=SITES, enforce_limits=False)


@pytest.fixture(scope="session")
def run_days(small_world):
    end = small_world.end_date - timedelta(days=1)
    return days_between(end - timedelta(days=DAYS_BACK - 1), end)


@pytest.fixture(scope="session")
def clean_run(small_world, run_days, tmp_path_factory):
    """The data directory of a fault-free, uninterrupted run (read it, copy it; do not change it)."""
    data = tmp_path_factory.mktemp("clean") / "data"
    with SimulatorServer(small_world) as sim:
        run_pipeline(sim.base_url, sim.api_key, small_world.user, data, run_days)
    return data


@pytest.fixture(scope="session")
def clean_marts(clean_run):
    """The marts of the fault-free run: what every other run must end with."""
    return marts(clean_run)
