"""Every endpoint of endpoints.yaml answers code 0 with the documented field names and shape."""

from __future__ import annotations

import ipaddress

import pytest

from .helpers import call, ok, spec_endpoints, valid_request

ENDPOINTS = spec_endpoints()
OBJECTS = {"current_client_count", "history_day_client_count", "current_online_client_count", "history_peak_number",
           "current_week_client_times", "specified_weeks_client_times", "current_client_stay_avg_duration",
           "history_client_stay_avg_duration", "current_client_stay_duration_ratio",
           "history_client_stay_duration_ratio", "current_net_flow_bytes", "history_net_flow_bytes",
           "report_static_data", "ap_gps_by_ap_sn", "client_count_top_bottom", "flow_top_bottom"}  # fmt: skip


@pytest.fixture(scope="module")
def open_sim(sim_config):
    """Limits off: forty endpoints back to back would otherwise trip the 1/second limits."""
    from dataclasses import replace

    from inc_pipeline.simulator import SimulatorServer

    with SimulatorServer(replace(sim_config, enforce_limits=False)) as server:
        yield server


def test_spec_has_forty_endpoints():
    assert len(ENDPOINTS) == 40


def _fields(fields: list[dict]) -> set[str]:
    return {f["name"] for f in fields}


def _records(endpoint: dict, data) -> list[dict]:
    eid = endpoint["id"]
    if eid == "auth_history":
        return data["auth_list"]
    if eid == "history_clients":
        return data["histClientList"]
    if eid == "online_clients":
        return data["clientList"]["clientInfo"]
    if eid.startswith("history_") and eid.endswith("_report"):
        return data["info"]
    if eid.endswith("top_bottom"):
        return data["top5"] + data["bottom5"]
    return data if isinstance(data, list) else [data]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e["id"])
def test_endpoint_answers_with_documented_fields(open_sim, endpoint):
    method, path, body, query = valid_request(endpoint, open_sim)
    data = ok(call(open_sim, method, path, body, query))
    eid = endpoint["id"]
    if eid in OBJECTS:
        assert isinstance(data, dict)
    response = endpoint["response"]
    documented = _fields(response.get("data_fields") or response.get("data_fields_multiple_sites") or [])
    if eid == "online_clients":
        documented = _fields(response["clientList_fields"][2]["members"])
        assert {"count_total", "count_left", "clientInfo"} <= set(data["clientList"])
    elif eid == "history_clients":
        documented = _fields(response["data_fields"][2]["members"])
        assert {"count_total", "count_left"} <= set(data)
    elif eid == "auth_history":
        documented -= {"total_count"}
        assert data["total_count"] >= len(data["auth_list"]) > 0
    elif eid.endswith("top_bottom"):
        documented = {"index", "count"}
    elif eid.endswith("_report"):
        assert data["totalPage"] >= 1
    records = _records(endpoint, data)
    for record in records:
        if isinstance(record, str):  # ssid_client_macs: bare MACs
            assert record == record.lower() and record.count(":") == 5
            continue
        assert documented <= set(record), f"{eid}: missing {documented - set(record)}"
    if eid not in ("online_clients", "ssid_client_macs"):
        assert records, f"{eid} returned no records"


def test_apgps_serves_both_readings(open_sim):
    site = next(iter(open_sim.world.sites.values()))
    every = ok(call(open_sim, "GET", "/device/apgps", query={"devsn": site.device.sn}))
    one = ok(call(open_sim, "GET", "/device/apgps", query={"devsn": site.device.sn, "apsn": site.aps[1].sn}))
    assert isinstance(every, list) and len(every) == len(site.aps)
    assert one == every[1]


def test_field_note_quirks(open_sim):
    shops = ok(call(open_sim, "GET", "/user/shop"))
    assert all(isinstance(s["shopId"], int) for s in shops)
    serials = [s.device.sn for s in open_sim.world.sites.values()]
    devices = ok(call(open_sim, "POST", "/device/operation", {"method": "getBasicDevInfo", "devSN": serials}))
    assert any(d["memoryTotalSize"] == "N/A" for d in devices)
    assert all(d["devMAC"] == "" for d in devices if d["devType"] == "AC")


def test_dev_address_is_the_egress_ip_address(open_sim):
    """The manual: devAddress is "the IP address of the device's egress interface" (not a street address)."""
    serials = [s.device.sn for s in open_sim.world.sites.values()]
    devices = ok(call(open_sim, "POST", "/device/operation", {"method": "getBasicDevInfo", "devSN": serials}))
    for device in devices:
        assert ipaddress.ip_address(device["devAddress"]).version == 4, device["devAddress"]
