"""Switches and cloud APs beside each controller: listed by /shop/device, and answering only what their type does."""

from __future__ import annotations

from dataclasses import replace

import pytest

from inc_pipeline.simulator import SimulatorServer

from .helpers import call, ok


@pytest.fixture(scope="module")
def mixed(sim_config):
    with SimulatorServer(replace(sim_config, enforce_limits=False, extra_devices=("SWITCH", "CLOUDAP"))) as sim:
        yield sim


def _devices(sim) -> dict[str, str]:
    listed = ok(call(sim, "POST", "/shop/device", {"shopIds": list(sim.world.sites)}))
    return {d["devSN"]: d["devType"] for d in listed}


def test_every_site_lists_its_controller_a_switch_and_a_cloud_ap(mixed):
    kinds = _devices(mixed)
    assert len(kinds) == 3 * len(mixed.world.sites)
    assert sorted(kinds.values()).count("SWITCH") == len(mixed.world.sites)
    assert sorted(kinds.values()).count("CLOUDAP") == len(mixed.world.sites)


def test_a_switch_refuses_ap_info_with_the_failure_envelope_and_a_controller_answers(mixed):
    kinds = _devices(mixed)
    switch = next(sn for sn, kind in kinds.items() if kind == "SWITCH")
    controller = next(sn for sn, kind in kinds.items() if kind in ("AC", "XIAOBEIROUTER"))
    refused = call(mixed, "GET", "/device/apinfo", query={"devsn": switch})
    assert refused.status_code == 200
    assert refused.json() == {"code": 1006, "message": f"Device {switch} does not support this operation",
                              "data": None}  # fmt: skip
    assert len(ok(call(mixed, "GET", "/device/apinfo", query={"devsn": controller}))) > 0


def test_a_cloud_ap_answers_its_own_clients_and_the_operation_of_every_type(mixed):
    kinds = _devices(mixed)
    cloud_ap = next(sn for sn, kind in kinds.items() if kind == "CLOUDAP")
    history = ok(call(mixed, "POST", "/device/historyclients", query={"devSN": cloud_ap, "skipnum": 0,
                                                                        "limitnum": 10}))  # fmt: skip
    alias = mixed.world.device_by_sn[cloud_ap].alias
    assert history["histClientList"] and {r["apName"] for r in history["histClientList"]} == {alias}
    operation = ok(call(mixed, "POST", "/device/operation", {"method": "getBasicDevInfo", "devSN": list(kinds)}))
    assert {d["devSN"]: d["devType"] for d in operation} == kinds


def test_the_default_world_has_one_device_a_site(simulator):
    assert len(simulator.world.devices) == len(simulator.world.sites)
