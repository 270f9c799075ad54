"""Handlers of the site, device and wireless endpoints (/user, /shop, /device)."""

from __future__ import annotations

import numpy as np

from .clients import ClientBook, ms_text
from .context import Call
from .errors import bad_parameter
from .paging import MAX_PAGE_SIZE, as_int, page_index_bounds, skip_limit
from .world import DAY_MS, of_device, take

HISTORY_DAYS = 7  # historyclients covers sessions that started in the last 7 days (assumption)
NEGO_RATES = ("144Mbps", "300Mbps", "433.3Mbps", "866.7Mbps", "1201Mbps")


def user_shops(call: Call) -> list[dict] | dict:
    """GET /user/shop: the account's sites, shopId as an int (field-notes); with `nesting=true`, the region tree
    public clients ask for: {userName, children: [region {name, states: [state {name, cities: [city {name,
    shopsInfo: [the flat list's records]}]}]}]}, in the order the account lists its sites."""
    user = call.world.config.user
    sites = call.world.sites.values()
    records = [
        {"userName": user, "shopName": s.name, "shopId": s.id, "province": s.province, "city": s.city,
         "area": s.area, "address": s.address, "phone": s.phone, "scenarioName": s.scenario,
         "columns": [{"name": n, "value": v} for n, v in s.labels]}
        for s in sites
    ]  # fmt: skip
    if str(call.param("nesting", "")).lower() != "true":
        return records
    tree: dict = {}
    for site, record in zip(sites, records, strict=True):
        tree.setdefault(site.region, {}).setdefault(site.state, {}).setdefault(site.city, []).append(record)
    return {"userName": user, "children": [
        {"name": region, "states": [
            {"name": state, "cities": [{"name": city, "shopsInfo": shops} for city, shops in cities.items()]}
            for state, cities in states.items()]}
        for region, states in tree.items()]}  # fmt: skip


def shop_devices(call: Call) -> list[dict]:
    """POST /shop/device {shopIds: [...] up to 100}: every device of those sites. Another public client pages one
    site's devices instead, {shopId, pageIndex (from 1), pageSize (up to 100)}: that page, as a plain list."""
    if call.param("shopIds") is None and call.param("shopId") is not None:
        site = call.site("shopId")
        index = as_int(call.param("pageIndex"), "pageIndex", default=1, low=1)
        size = as_int(call.param("pageSize"), "pageSize", default=100, low=1, high=100)
        lo, hi = page_index_bounds(len(site.all_devices), index, size, overlap=call.overlap)
        return [_inventory_record(site.id, d) for d in site.all_devices[lo:hi]]
    return [_inventory_record(site_id, d) for site_id in call.sites("shopIds", limit=100)
            for d in call.world.sites[site_id].all_devices]  # fmt: skip


def _inventory_record(site_id: int, d) -> dict:
    return {"devSN": d.sn, "devModel": d.model, "shopId": str(site_id), "devType": d.dev_type, "aliasName": d.alias}


def _serials(call: Call, name: str) -> list[str]:
    value = call.param(name)
    serials = value if isinstance(value, list) else [value] if value else []
    if not serials or not all(isinstance(s, str) and s for s in serials):
        raise bad_parameter(name, "required")
    if len(serials) > 100:
        raise bad_parameter(name, "at most 100 serial numbers")
    return serials


def device_operation(call: Call) -> list[dict]:
    """POST /device/operation {method: getBasicDevInfo, devSN: [...]}; unknown serials are left out."""
    if call.param("method") != "getBasicDevInfo":
        raise bad_parameter("method", "expected getBasicDevInfo")
    out = []
    for sn in _serials(call, "devSN"):
        site = call.world.devices.get(sn)
        if site is None:
            continue
        d = call.world.device_by_sn[sn]
        out.append({
            "devSN": d.sn, "devName": d.alias, "devHardVersion": d.hard_version, "devSoftVersion": d.soft_version,
            "devMode": d.model, "devType": d.dev_type, "devOnlineTime": d.online_time,
            "devLocation": {"longitude": d.longitude, "latitude": d.latitude}, "devAddress": d.egress_ip,
            "devMAC": d.mac, "memoryTotalSize": d.memory_total, "diskTotalSize": d.disk_total, "devStatus": d.status,
        })  # fmt: skip
    return out


def ap_info(call: Call) -> list[dict]:
    site = call.device_site("devsn")
    return [
        {"apIp": a.ip, "apSN": a.sn, "apName": a.name, "apModel": a.model, "apSoftVersion": a.soft_version,
         "apStatus": a.status, "apOnlineTime": a.online_time, "apMAC": a.mac}
        for a in site.aps
    ]  # fmt: skip


def radio_info(call: Call) -> list[dict]:
    site = call.device_site("devsn")
    return [
        {"devSN": site.device.sn, "apSN": a.sn, "apName": a.name, "radioId": radio,
         "radioMode": mode, "radioChannel": (1, 6, 11)[n % 3] if radio == 1 else (36, 44, 149)[n % 3],
         "radioPower": f"{18 + n % 5}dBm"}
        for n, a in enumerate(site.aps) for radio, mode in ((1, "802.11gn"), (2, "802.11ac"))
    ]  # fmt: skip


def ssid_info(call: Call) -> list[dict]:
    site = call.device_site("devsn")
    return [
        {"devSN": site.device.sn, "SSIDName": s.name, "spName": s.sp_name, "status": s.status, "hide": s.hide,
         "maxClient": s.max_client, "maxSendRatio": s.max_send, "maxReceiveRatio": s.max_receive}
        for s in site.ssids
    ]  # fmt: skip


def ap_gps(call: Call):
    """GET /device/apgps: with devsn only, every AP of the device; with apsn too, that AP (object)."""
    site = call.device_site("devsn")
    records = [
        {"apSN": a.sn, "apName": a.name, "apLongitude": f"{a.longitude:.6f}", "apLatitude": f"{a.latitude:.6f}",
         "apVelocity": "0", "apOrientation": "0", "apElevation": f"{a.elevation:.1f}",
         "gpsObtainTime": ms_text(call.world.first_day * DAY_MS + 3_600_000)}
        for a in site.aps
    ]  # fmt: skip
    apsn = call.param("apsn")
    if apsn in (None, ""):
        return records
    for record in records:
        if record["apSN"] == apsn:
            return record
    raise bad_parameter("apsn", f"unknown AP {apsn}")


def ssid_client_macs(call: Call) -> list[str]:
    """POST /device/ssid/clientmac {method, param: {shopId, devSN, SSID}}: MACs of today's clients on that SSID."""
    if call.param("method") != "getClientMacbySsid":
        raise bad_parameter("method", "expected getClientMacbySsid")
    param = call.param("param")
    if not isinstance(param, dict):
        raise bad_parameter("param", "required object")
    inner = Call(call.world, call.faults, call.method, call.path, {}, param)
    site = inner.site("shopId")
    if inner.device_site("devSN").id != site.id:
        raise bad_parameter("devSN", "not in shopId")
    names = [s.name for s in site.ssids]
    ssid = inner.text("SSID")
    if ssid not in names:
        raise bad_parameter("SSID", f"unknown SSID {ssid}")
    now = call.world.config.now_ms()
    d = of_device(site, inner.text("devSN"), call.world.window(site.id, now // DAY_MS * DAY_MS, now))
    book = call.world.book(site.id)
    return [book.get(int(c))["mac"] for c in np.unique(d.client[d.ssid == names.index(ssid)])]


def _client_records(call: Call, site, d, *, online: bool) -> list[dict]:
    book: ClientBook = call.world.book(site.id)
    now = call.world.config.now_ms()
    book.prepare(d.client.tolist())
    out = []
    for i in range(len(d)):
        info = book.get(int(d.client[i]))
        start, duration = int(d.start[i]), int(d.duration[i])
        ap_name, ap_mac = site.radio_name_mac(int(d.ap[i]))
        record = {"apName": ap_name, "clientMAC": info["mac"], "clientIP": info["ip"],
                  "clientVendor": info["vendor_en"], "clientSSID": site.ssids[d.ssid[i]].name}  # fmt: skip
        if online:
            record = {"NegoMaxRate": NEGO_RATES[int(d.client[i]) % 5], **record,
                      "onlineTime": (now - start) // 1000, "onLineDate": ms_text(start)}  # fmt: skip
        else:
            record = {"macAddr": ap_mac, **record, "onlineTime": duration,
                      "onLineDate": ms_text(start), "offLineDate": ms_text(min(start + duration * 1000, now))}
        out.append(record)
    return out


def _paged(call: Call) -> tuple[object, str, int, int]:
    site = call.device_site("devSN")
    skip = as_int(call.param("skipnum"), "skipnum", default=0, low=0)
    limit = as_int(call.param("limitnum"), "limitnum", default=100, low=1, high=MAX_PAGE_SIZE)
    return site, call.text("devSN"), skip, limit


def history_clients(call: Call) -> dict:
    """POST /device/historyclients?devSN&skipnum&limitnum: sessions of the last 7 days ended by now, newest first."""
    site, sn, skip, limit = _paged(call)
    now = call.world.config.now_ms()
    d = of_device(site, sn, call.world.window(site.id, now - HISTORY_DAYS * DAY_MS, now))
    order = np.argsort(-d.start, kind="stable")
    ended = order[(d.start[order] + d.duration[order] * 1000) <= now]
    records = _client_records(call, site, take(d, ended[skip : skip + limit]), online=False)
    left = max(len(ended) - skip - len(records), 0)
    if call.overlap and skip > 0 and skip <= len(ended):
        records = _client_records(call, site, take(d, ended[skip - 1 : skip]), online=False) + records
    return {"count_total": len(ended), "count_left": left, "histClientList": records}


def online_clients(call: Call) -> dict:
    """POST /device/onlineclients?devSN&skipnum&limitnum: sessions active now; clientList inside data."""
    site, sn, skip, limit = _paged(call)
    now = call.world.config.now_ms()
    d = of_device(site, sn, call.world.window(site.id, now - 2 * DAY_MS, now))
    active = np.nonzero(d.start + d.duration * 1000 > now)[0]
    records = _client_records(call, site, take(d, active), online=True)
    page, left = skip_limit(records, skip, limit, overlap=call.overlap)
    return {"clientList": {"count_total": len(records), "count_left": left, "clientInfo": page}}


def interface_flow(call: Call) -> list[dict]:
    """POST /device/interfaceflow: one point per hour of the window; Kb flows and Kbps speeds from sessions' MB."""
    if call.param("method") != "getAllInterfaceFlow":
        raise bad_parameter("method", "expected getAllInterfaceFlow")
    site, sn = call.device_site("devSN"), call.text("devSN")
    start, end = call.window()
    end = min(end, call.world.config.now_ms())
    d = call.world.window(site.id, start, end)
    if sn != site.device.sn:  # the controller is the gateway: the site's traffic; a cloud AP its clients'
        d = of_device(site, sn, d)
    first = start // 3_600_000
    hours = max(end // 3_600_000 - first + 1, 0)
    rx = np.bincount(d.start // 3_600_000 - first, weights=d.rx_mb, minlength=hours)[:hours]
    tx = np.bincount(d.start // 3_600_000 - first, weights=d.tx_mb, minlength=hours)[:hours]
    return [
        {"speedDown": int(r * 8192 / 3600), "speedUp": int(t * 8192 / 3600), "downFlow": int(r * 8192),
         "upFlow": int(t * 8192), "updateTime": ms_text((first + h) * 3_600_000)}
        for h, (r, t) in enumerate(zip(rx, tx, strict=True))
    ]  # fmt: skip

