"""A server answering every list endpoint in the platform's other layout, data: {rowCount, data: [...]}, gives
the same marts as the manual's layout; and the caller's query parameters reach every call of a whole run."""

from __future__ import annotations

from dataclasses import replace

import requests

from inc_pipeline.simulator import SimulatorServer

from .pipeline import assert_same_marts, marts, run_pipeline

CALLER = {"user_name": "ana@example.com", "locale": "en"}


def test_the_rowcount_wrapper_on_every_list_endpoint_builds_the_same_marts(small_world, run_days, clean_marts,
                                                                          tmp_path):  # fmt: skip
    with SimulatorServer(replace(small_world, list_wrapper="rowcount")) as sim:
        shops = requests.get(sim.base_url + "/user/shop", headers={"apikey": sim.api_key}, timeout=5).json()["data"]
        assert shops["rowCount"] == small_world.sites and len(shops["data"]) == small_world.sites  # wrapped
        sim.reset()
        run_pipeline(sim.base_url, sim.api_key, small_world.user, tmp_path / "data", run_days, query=CALLER)
        stats = sim.stats()
    assert_same_marts(marts(tmp_path / "data"), clean_marts)
    assert {row for frame in clean_marts.values() for row in frame.itertuples()}  # the marts hold rows
    expected = {path: {f"{name}={value}": n for name, value in CALLER.items()} for path, n in stats["requests"].items()}
    assert len(expected) >= 30 and stats["caller_params"] == expected  # on every call of every path
