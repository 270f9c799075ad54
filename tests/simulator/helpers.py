"""Request builders for the simulator tests: one valid request per endpoint of endpoints.yaml."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import requests
import yaml

SPEC = Path(__file__).resolve().parents[1] / "spec" / "endpoints.yaml"
DAY_MS = 86_400_000


def spec_endpoints() -> list[dict]:
    return yaml.safe_load(SPEC.read_text())["endpoints"]


def day_ms(date: dt.date) -> int:
    return int(dt.datetime.combine(date, dt.time(), tzinfo=dt.UTC).timestamp() * 1000)


def call(sim, method: str, path: str, body: dict | None = None, query: dict | None = None, key: str | None = "sim"):
    """One HTTP request with the simulator's key (or `key`); returns the Response."""
    headers = {} if key is None else {"apikey": sim.api_key if key == "sim" else key}
    if method == "GET":
        return requests.get(sim.base_url + path, params=query, headers=headers, timeout=10)
    return requests.post(sim.base_url + path, params=query, json=body or {}, headers=headers, timeout=10)


def ok(response) -> object:
    """The `data` of a successful answer."""
    assert response.status_code == 200, response.text[:300]
    payload = response.json()
    assert payload["code"] == 0, payload
    return payload["data"]


def valid_request(endpoint: dict, sim, days_back: int = 3, days: int = 1) -> tuple[str, str, dict | None, dict | None]:
    """(method, path, body, query) of a valid request about the first site for one endpoint of the spec."""
    site = next(iter(sim.world.sites.values()))
    start = day_ms(sim.config.end_date - dt.timedelta(days=days_back))
    end = start + days * DAY_MS - 1
    path, method, eid = endpoint["path"], endpoint["method"], endpoint["id"]
    sn = site.device.sn
    if method == "GET":
        query = {"devsn": sn}
        if eid == "ap_gps_by_ap_sn":
            query["apsn"] = site.aps[0].sn
        return method, path, None, None if eid == "user_shops" else query
    fixed = {
        "shop_devices": {"shopIds": [str(site.id)]},
        "device_operation_basic_info": {"method": "getBasicDevInfo", "devSN": [sn]},
        "ssid_client_macs": {"method": "getClientMacbySsid",
                             "param": {"shopId": str(site.id), "devSN": sn, "SSID": site.ssids[0].name}},
        "device_interface_flow": {"method": "getAllInterfaceFlow", "devSN": sn, "startTime": start, "endTime": end},
        "auth_history": {"shop_id": [site.id], "begin_time": start, "end_time": end, "page_size": 5000,
                         "page_index": 1},
    }  # fmt: skip
    if eid in fixed:
        return method, path, fixed[eid], None
    if eid in ("history_clients", "online_clients"):
        return method, path, {}, {"devSN": sn, "skipnum": 0, "limitnum": 100}
    body = {"user": sim.config.user, "shops": [str(site.id)], "startTime": start, "endTime": end}
    if eid.startswith("current_"):
        body["startTime"] = day_ms(sim.config.end_date)
        body["endTime"] = sim.config.now_ms()
    extra = {
        "client_count_top_bottom": {"clientType": "total"},
        "flow_top_bottom": {"flowType": "totalRx"},
        "report_static_data": {"reportType": "day"},
        "history_day_report": {"active": "firstPage", "limit": 10},
        "history_week_report": {"active": "firstPage", "limit": 10},
    }
    body.update(extra.get(eid, {}))
    if eid == "history_month_report":
        body = {"user": body["user"], "Shops": body["shops"], "startTime": start - 60 * DAY_MS, "endTime": end,
                "Active": "firstPage", "Limit": 10}  # fmt: skip
    if eid in ("history_week_report", "history_week_client_times_detail"):
        body["startTime"] = start - 14 * DAY_MS
    return method, path, body, None


def stamonitor(sim, name: str, start: int, end: int, shops=None, **extra):
    """The data of one /stamonitor call about the first site (or `shops`)."""
    shops = shops or [next(iter(sim.world.sites))]
    body = {"user": sim.config.user, "shops": shops, "startTime": start, "endTime": end, **extra}
    return ok(call(sim, "POST", "/stamonitor/" + name, body))
