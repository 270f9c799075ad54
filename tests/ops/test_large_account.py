"""A day's run against the large account (1,500 sites, ~6,000 devices of four types), its limits enforced on an
accelerated clock: the quota and rate limits hold, the client history rotates through the devices as `plan` says,
and one controller's refusal costs only its own unit.

The run asks the device chain and the client history (`--select`): the endpoints whose cost grows with devices and
whose quota is the hard one. The whole day's run is the large-profile benchmark (bench/large_day.py).
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, timedelta

import pandas as pd
import pytest

from inc_pipeline.catalog import ENDPOINTS_BY_ID
from inc_pipeline.cli import main
from inc_pipeline.extract.budget import CoverageLedger, due_devices
from inc_pipeline.extract.plan import Target
from inc_pipeline.ops.run import EXIT_FAILED_UNITS
from inc_pipeline.simulator import SimulatorServer
from inc_pipeline.simulator.config import SimulatorConfig

from .conftest import LAST, point_at

pytestmark = pytest.mark.slow

SCALE = 500  # a simulated day in under three real minutes; the day's 1/second calls in seconds
SELECT = "user_shops,shop_devices,device_ap_info,device_interface_flow,history_clients"
HISTORY = ENDPOINTS_BY_ID["history_clients"]


@pytest.fixture(scope="module")
def large_day(sim_config, tmp_path_factory):
    """One day's run over the large account; a controller refuses its AP list, and a switch its interface flow."""
    config = SimulatorConfig.profile("large", end_date=sim_config.end_date, time_scale=SCALE)
    with SimulatorServer(replace(config, enforce_limits=False)) as probe:
        world = probe.world
    refused = sorted(sn for sn, device in world.device_by_sn.items() if device.dev_type == "AC")[0]
    switch = sorted(sn for sn, device in world.device_by_sn.items() if device.dev_type == "SWITCH")[0]
    refusals = (("/device/apinfo", refused), ("/device/interfaceflow", switch))
    data = tmp_path_factory.mktemp("large")
    with (
        SimulatorServer(replace(config, refusals=refusals)) as sim,
        pytest.MonkeyPatch.context() as env,
    ):
        point_at(sim, data, env, INC_API_TIME_SCALE=str(SCALE), INC_DEFAULT_RATE_PER_SECOND="10")
        code = main(["run", "--start", LAST.isoformat(), "--end", LAST.isoformat(), "--select", SELECT])
        stats = sim.stats()
        yield {"code": code, "stats": stats, "world": world, "refused": refused, "switch": switch, "data": data,
               "env": env}  # fmt: skip


def _landed(data, table: str) -> pd.DataFrame:
    return pd.read_parquet(data / "lake" / table)


def test_the_day_keeps_every_limit_and_lands_the_client_history_of_100_devices(large_day):
    stats, world = large_day["stats"], large_day["world"]
    assert large_day["code"] == EXIT_FAILED_UNITS  # the refusals, and nothing else
    assert stats["throttled"] == {} and stats["quota_refusals"] == {}
    # at x500 a quota day lasts under three minutes: the stats may be read on the next one, so every day counts
    used = stats["quota_days"]["/device/historyclients"].values()
    assert stats["requests"]["/device/historyclients"] == 100 == sum(used) and max(used) <= 100
    assert stats["requests"]["/user/shop"] == 1

    landed = _landed(large_day["data"], "history_clients")
    asked = set(landed["dev_sn"])
    answering = {sn for sn, d in world.device_by_sn.items() if HISTORY.answers(d.dev_type)}
    assert len(asked) == 100 and asked <= answering
    # never covered before: the first 100 by serial, as the rotation orders them
    assert asked == set(sorted(answering)[:100])


def test_each_type_is_asked_what_it_answers_and_a_refusal_costs_its_unit_alone(large_day, capsys):
    stats, world, refused = large_day["stats"], large_day["world"], large_day["refused"]
    controllers = {sn for sn, d in world.device_by_sn.items() if d.dev_type in ("AC", "XIAOBEIROUTER")}
    assert len(world.device_by_sn) > 5000 and len(controllers) == 1500
    assert stats["requests"]["/device/apinfo"] == len(controllers)  # never a switch or a cloud AP

    aps = _landed(large_day["data"], "device_ap_info")
    per_device = aps.groupby("dev_sn").size()
    assert set(per_device.index) == controllers - {refused}
    expected = {d.sn: len(site.aps) for site in world.sites.values() for d in [site.device]}
    assert all(per_device[sn] == expected[sn] for sn in per_device.index)  # the API's own AP lists

    flows = _landed(large_day["data"], "device_interface_flow")
    switches = {sn for sn, d in world.device_by_sn.items() if d.dev_type == "SWITCH"}
    assert stats["requests"]["/device/interfaceflow"] == len(world.device_by_sn)  # every type answers it
    assert set(flows["dev_sn"]) == set(world.device_by_sn) - {large_day["switch"]}  # the other switches too
    assert len(switches) > 1000

    assert main(["status"]) == 0
    status = capsys.readouterr().out
    for device in (refused, large_day["switch"]):
        assert f"dev_sn={device}" in status
    assert "does not support" in status
    for endpoint in ("device_ap_info", "device_interface_flow"):
        assert f"check {endpoint}:failed_units failed (warn" in status


def test_the_rotation_covers_every_device_within_the_cycle_plan_prints(large_day, capsys):
    world, data = large_day["world"], large_day["data"]
    assert main(["plan", "--start", LAST.isoformat(), "--end", LAST.isoformat()]) == 0
    rows = {line.split()[0]: line.split() for line in capsys.readouterr().out.splitlines() if line.strip()}
    answering = sorted(sn for sn, d in world.device_by_sn.items() if HISTORY.answers(d.dev_type))
    calls, cycle = int(rows["history_clients"][1]), int(rows["history_clients"][5])
    assert calls == 100 and cycle == math.ceil(len(answering) / 100)

    # The run's ledger, then the days after it, each asking what the rotation gives it with the day's quota.
    ledger = CoverageLedger(data / "state")
    covered_on = ledger.last_covered("history_clients")
    [run_day] = set(covered_on.values())  # the run's snapshot day: the day the answers were asked for
    assert len(covered_on) == 100 and set(covered_on) == set(_landed(data, "history_clients")["dev_sn"])
    devices = [
        Target(site_id=str(world.devices[sn].id), dev_sn=sn, dev_type=world.device_by_sn[sn].dev_type)
        for sn in answering
    ]
    times_asked = dict.fromkeys(covered_on, 1)
    for day in range(1, cycle):
        due = due_devices(HISTORY, devices, covered_on, calls)
        for device in due:
            covered_on[device.dev_sn] = (date.fromisoformat(run_day) + timedelta(days=day)).isoformat()
            times_asked[device.dev_sn] = times_asked.get(device.dev_sn, 0) + 1
    assert set(times_asked) == set(answering)  # every device within the cycle
    # and none twice, but for the last day's spare calls, which go to the oldest coverage (the first day's)
    repeats = {sn for sn, n in times_asked.items() if n > 1}
    assert len(repeats) == cycle * calls - len(answering) and repeats <= set(ledger.last_covered("history_clients"))


def test_the_snapshot_schedule_asks_the_client_history_once_a_day_for_the_large_account(large_day):
    """The plan says one run a day covers the quota for this account: the first tick after midnight asks it, the
    other three leave it out (rather than be deferred)."""
    import datetime as dt

    from dagster import AssetKey, build_schedule_context

    from inc_pipeline.defs.schedules import snapshot_schedule

    asked = {}
    for hour in (0, 6, 12, 18):
        tick = dt.datetime(2026, 11, 21, hour, tzinfo=dt.UTC)
        [request] = snapshot_schedule.evaluate_tick(build_schedule_context(scheduled_execution_time=tick)).run_requests
        asked[hour] = AssetKey("history_clients") in request.asset_selection
        assert AssetKey("online_clients") in request.asset_selection
    assert asked == {0: True, 6: False, 12: False, 18: False}
