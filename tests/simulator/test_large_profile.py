"""The large profile: an account of real size (1,500 sites in a region tree, about 6,000 devices of four types)
whose device client lists and site statistics still come from the same sessions."""

from __future__ import annotations

from collections import Counter

import pytest

from inc_pipeline.simulator import SimulatorConfig, SimulatorServer
from inc_pipeline.simulator.places import PLACES

from .helpers import DAY_MS, call, ok, stamonitor

CONTROLLERS = ("AC", "XIAOBEIROUTER")


@pytest.fixture(scope="module")
def large(sim_config):
    """Limits off (the tests ask many devices back to back); the default world's end date, so answers are fixed."""
    config = SimulatorConfig.profile("large", end_date=sim_config.end_date, enforce_limits=False)
    with SimulatorServer(config) as sim:
        yield sim


@pytest.fixture(scope="module")
def inventory(large) -> list[dict]:
    """/shop/device for every site of /user/shop, 100 site ids a call (field notes)."""
    ids = [s["shopId"] for s in ok(call(large, "GET", "/user/shop"))]
    batches = [ids[n : n + 100] for n in range(0, len(ids), 100)]
    return [d for batch in batches for d in ok(call(large, "POST", "/shop/device", {"shopIds": batch}))]


def test_sites_form_a_region_state_city_tree(large):
    sites = list(large.world.sites.values())
    assert len(sites) == 1500
    region_of_state = {s.state: s.region for s in sites}
    state_of_city = {s.city: s.state for s in sites}
    assert all(region_of_state[s.state] == s.region and state_of_city[s.city] == s.state for s in sites)
    assert set(region_of_state.values()) == {"Norte", "Nordeste", "Centro-Oeste", "Sudeste", "Sul"}
    assert len(region_of_state) == 27 and len(state_of_city) == len(PLACES)  # every state, every city has sites
    per_city = Counter(s.city for s in sites)
    assert per_city["São Paulo"] > per_city["Campinas"] > per_city["Palmas"] > 0


def test_about_six_thousand_devices_of_four_types_one_controller_a_site(large, inventory):
    assert 5_800 <= len(inventory) <= 6_200
    kinds = Counter(d["devType"] for d in inventory)
    assert set(kinds) == {"AC", "XIAOBEIROUTER", "SWITCH", "CLOUDAP"}
    by_site: dict[str, Counter] = {}
    for device in inventory:
        by_site.setdefault(device["shopId"], Counter())[device["devType"]] += 1
    assert len(by_site) == 1500
    assert all(sum(c[t] for t in CONTROLLERS) == 1 and 1 <= c["CLOUDAP"] <= 3 and c["SWITCH"] <= 2
               for c in by_site.values())  # fmt: skip
    assert len({d["devSN"] for d in inventory}) == len(inventory)


def test_shop_device_pages_one_site_for_the_other_client(large, inventory):
    site = next(s for s in large.world.sites.values() if len(s.all_devices) >= 5)
    listed = [d for d in inventory if d["shopId"] == str(site.id)]
    pages = [ok(call(large, "POST", "/shop/device", {"shopId": site.id, "pageIndex": n, "pageSize": 2}))
             for n in (1, 2, 3, 4)]  # fmt: skip
    assert [len(p) for p in pages[:2]] == [2, 2] and pages[3] == []
    assert [d for p in pages for d in p] == listed
    too_big = call(large, "POST", "/shop/device", {"shopId": site.id, "pageIndex": 1, "pageSize": 101}).json()
    assert too_big["code"] == 1002 and "pageSize" in too_big["message"]


def _first(inventory: list[dict], kind: str) -> str:
    return next(d["devSN"] for d in inventory if d["devType"] == kind)


@pytest.mark.parametrize("kind, path, query", [
    ("SWITCH", "/device/apinfo", {"devsn": None}),
    ("SWITCH", "/device/historyclients", {"devSN": None, "skipnum": 0, "limitnum": 10}),
    ("CLOUDAP", "/device/ssidinfo", {"devsn": None}),
])  # fmt: skip
def test_a_device_asked_what_its_type_does_not_answer_gets_the_failure_envelope(large, inventory, kind, path, query):
    sn = _first(inventory, kind)
    method = "GET" if "devsn" in query else "POST"
    answer = call(large, method, path, query={k: sn if v is None else v for k, v in query.items()})
    assert answer.status_code == 200
    assert answer.json() == {"code": 1006, "message": f"Device {sn} does not support this operation", "data": None}


def test_a_controller_answers_ap_info(large, inventory):
    for kind in CONTROLLERS:
        sn = _first(inventory, kind)
        aps = ok(call(large, "GET", "/device/apinfo", query={"devsn": sn}))
        assert [a["apSN"] for a in aps] == [a.sn for a in large.world.devices[sn].aps]


def _client_lists(sim, sn: str) -> tuple[dict, dict]:
    page = {"devSN": sn, "skipnum": 0, "limitnum": 5000}
    history = ok(call(sim, "POST", "/device/historyclients", query=page))
    online = ok(call(sim, "POST", "/device/onlineclients", query=page))["clientList"]
    return history, online


def test_the_devices_client_lists_add_up_to_the_sites_sessions(large):
    """Each session is one device's client (the controller's APs or one cloud AP): over the last 7 days, the site's
    devices list every authentication once, and their distinct clients are the site's."""
    site = next(s for s in large.world.sites.values() if len(s.cloud_aps) >= 2)
    now = large.config.now_ms()
    records, names = 0, set()
    for device in (site.device, *site.cloud_aps):
        history, online = _client_lists(large, device.sn)
        assert history["count_total"] > 0 and history["count_left"] == 0
        records += history["count_total"] + online["count_total"]
        names |= {r["clientMAC"] for r in history["histClientList"] + online["clientInfo"]}
        expected_ap_names = {a.name for a in site.aps} if device is site.device else {device.alias}
        assert {r["apName"] for r in history["histClientList"]} <= expected_ap_names
    week = {"shop_id": [site.id], "begin_time": now - 7 * DAY_MS, "end_time": now, "page_size": 5000, "page_index": 1}
    auth = ok(call(large, "POST", "/api/o2oportal/getAuthUserInfo", week))
    counts = stamonitor(large, "getHistoryDayClientCount", now - 7 * DAY_MS, now, shops=[site.id])
    assert records == auth["total_count"] == len(auth["auth_list"]) and len(names) == counts["total"]
    radios = {a.mac for a in site.aps} | {c.mac for c in site.cloud_aps}
    assert {r["ap_mac"] for r in auth["auth_list"]} == radios  # each authentication names its AP or cloud AP


def test_the_controller_carries_the_sites_traffic_and_a_cloud_ap_its_clients(large):
    site = next(s for s in large.world.sites.values() if s.cloud_aps and len(s.all_devices) > len(s.cloud_aps) + 1)
    day = large.config.now_ms() // DAY_MS * DAY_MS - DAY_MS
    body = {"method": "getAllInterfaceFlow", "startTime": day, "endTime": day + DAY_MS - 1}
    down = {d.dev_type + d.sn: sum(p["downFlow"] for p in ok(call(large, "POST", "/device/interfaceflow",
                                                                   {**body, "devSN": d.sn})))
            for d in site.all_devices}  # fmt: skip
    site_rx = stamonitor(large, "getHistoryNetFlowBytes", day, day + DAY_MS - 1, shops=[site.id])["totalRxBytes"]
    controller = down[site.device.dev_type + site.device.sn]
    assert abs(controller - site_rx * 8192) <= 24 + site_rx * 8192 * 1e-6  # whole Kb per hour
    assert all(v == 0 for k, v in down.items() if k.startswith("SWITCH"))
    assert 0 < sum(v for k, v in down.items() if k.startswith("CLOUDAP")) < controller
