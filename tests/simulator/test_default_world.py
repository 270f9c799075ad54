"""The default (small) world is the same world whatever profiles are added: a fingerprint of its answers."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import replace

from inc_pipeline.simulator import SimulatorServer

from .helpers import DAY_MS, call, day_ms, ok

# sha256 of the answers below from seed 7, 3 sites, 30 days ending 2026-11-20, taken before the large profile
# existed. A change here means every test and demo built on the default world now sees another world.
DEFAULT_WORLD_FINGERPRINT = "ef3f03413a48955217d33878e3c6d8e3c92f6bfd2aae65604da8d507f275a397"


def default_world_answers(sim) -> list:
    """Inventory, devices, client lists, interface flow, SSID MACs, day statistics and authentications of every
    site."""
    start = day_ms(sim.config.end_date - dt.timedelta(days=2))
    sites = ok(call(sim, "GET", "/user/shop"))
    ids = [s["shopId"] for s in sites]
    devices = ok(call(sim, "POST", "/shop/device", {"shopIds": ids}))
    serials = [d["devSN"] for d in devices]
    answers = [sites, devices, ok(call(sim, "POST", "/device/operation", {"method": "getBasicDevInfo",
                                                                        "devSN": serials}))]  # fmt: skip
    for sn, site in zip(serials, sites, strict=True):
        page = {"devSN": sn, "skipnum": 0, "limitnum": 5000}
        answers.append(ok(call(sim, "POST", "/device/historyclients", query=page)))
        answers.append(ok(call(sim, "POST", "/device/onlineclients", query=page)))
        answers.append(ok(call(sim, "GET", "/device/apinfo", query={"devsn": sn})))
        answers.append(ok(call(sim, "POST", "/device/interfaceflow", {"method": "getAllInterfaceFlow", "devSN": sn,
                                                                       "startTime": start,
                                                                       "endTime": start + DAY_MS - 1})))  # fmt: skip
        ssid = ok(call(sim, "GET", "/device/ssidinfo", query={"devsn": sn}))[0]["SSIDName"]
        param = {"shopId": site["shopId"], "devSN": sn, "SSID": ssid}
        answers.append(ok(call(sim, "POST", "/device/ssid/clientmac", {"method": "getClientMacbySsid",
                                                                        "param": param})))  # fmt: skip
        body = {"user": sim.config.user, "shops": [site["shopId"]], "startTime": start, "endTime": start + DAY_MS - 1}
        answers.append(ok(call(sim, "POST", "/stamonitor/getHistoryDayClientCount", body)))
        answers.append(ok(call(sim, "POST", "/stamonitor/getHistorySSIDData", body)))
        auth = {"shop_id": [site["shopId"]], "begin_time": start, "end_time": start + DAY_MS - 1, "page_size": 5000,
                "page_index": 1}  # fmt: skip
        answers.append(ok(call(sim, "POST", "/api/o2oportal/getAuthUserInfo", auth)))
    return answers


def fingerprint(answers: list) -> str:
    return hashlib.sha256(json.dumps(answers, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def test_the_default_world_answers_as_before(sim_config):
    with SimulatorServer(replace(sim_config, enforce_limits=False)) as sim:
        assert fingerprint(default_world_answers(sim)) == DEFAULT_WORLD_FINGERPRINT
