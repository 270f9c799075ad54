"""Keys, parameters, rate limits, quotas and unknown sites answer as errors.py assumes."""

from __future__ import annotations

import datetime as dt
import time

import requests

from inc_pipeline.simulator import SimulatorConfig, SimulatorServer

from .helpers import DAY_MS, call, day_ms, ok, stamonitor

AUTH = "/api/o2oportal/getAuthUserInfo"


def _auth_body(sim, hours: int = 24, **extra) -> dict:
    start = day_ms(sim.config.end_date - dt.timedelta(days=9))
    return {"shop_id": [1001], "begin_time": start, "end_time": start + hours * 3_600_000 - 1, **extra}


def test_missing_wrong_and_revoked_keys(make_simulator):
    sim = make_simulator(revoked_keys=("old-key",))
    assert call(sim, "GET", "/user/shop", key=None).json()["code"] == 1001
    assert call(sim, "GET", "/user/shop", key="nope").json() == {"code": 1001, "message": "invalid apikey",
                                                                  "data": None}  # fmt: skip
    assert call(sim, "GET", "/user/shop", key="old-key").json()["message"] == "apikey disabled"
    upper = requests.get(sim.base_url + "/user/shop", headers={"APIKEY": sim.api_key}, timeout=5)
    assert upper.json()["code"] == 0  # header names are case-insensitive


def test_parameter_errors_name_the_field(make_simulator):
    sim = make_simulator(enforce_limits=False)
    too_long = call(sim, "POST", AUTH, _auth_body(sim, hours=169)).json()
    assert too_long["code"] == 1002 and "end_time" in too_long["message"]
    assert call(sim, "POST", AUTH, _auth_body(sim, hours=168)).json()["code"] == 0
    assert call(sim, "POST", AUTH, _auth_body(sim, page_size=5001)).json()["code"] == 1002
    assert call(sim, "POST", AUTH, _auth_body(sim, page_size=0)).json()["code"] == 1002
    missing = call(sim, "POST", "/stamonitor/getHistoryDayClientCount", {"user": "demo", "shops": [1001]}).json()
    assert missing["code"] == 1002 and "startTime" in missing["message"]
    assert call(sim, "POST", AUTH, _auth_body(sim, page_size="abc")).json()["code"] == 1002


def test_unknown_site_and_path(make_simulator):
    sim = make_simulator(enforce_limits=False)
    assert call(sim, "POST", AUTH, {**_auth_body(sim), "shop_id": [999]}).json()["code"] == 1005
    assert call(sim, "POST", "/shop/device", {"shopIds": ["1001", 4242]}).json()["code"] == 1005
    missing = call(sim, "GET", "/no/such/path")
    assert missing.status_code == 404 and missing.json()["code"] == 404


def test_two_fast_calls_to_a_one_per_second_endpoint(make_simulator):
    sim = make_simulator()
    body = {"shopIds": [1001]}
    assert call(sim, "POST", "/shop/device", body).json()["code"] == 0
    second = call(sim, "POST", "/shop/device", body)
    assert second.status_code == 429 and second.json()["code"] == 1003
    assert call(sim, "POST", "/device/ssid/clientmac", {}).status_code == 200  # limits are per endpoint
    time.sleep(1.0)
    assert call(sim, "POST", "/shop/device", body).json()["code"] == 0
    assert sim.stats()["throttled"] == {"/shop/device": 1}


def test_daily_quota_refuses_the_101st_call(make_simulator):
    sim = make_simulator()
    with requests.Session() as session:
        codes = [session.get(sim.base_url + "/user/shop", headers={"apikey": sim.api_key}).json()["code"]
                 for _ in range(101)]  # fmt: skip
    assert codes[:100] == [0] * 100 and codes[100] == 1004
    stats = sim.stats()
    assert stats["quota_used"]["/user/shop"] == 100 and stats["quota_refusals"]["/user/shop"] == 1
    sim.reset()
    assert call(sim, "GET", "/user/shop").json()["code"] == 0


def test_limits_off_for_benchmarks(make_simulator):
    sim = make_simulator(enforce_limits=False)
    assert all(call(sim, "POST", "/shop/device", {"shopIds": [1001]}).json()["code"] == 0 for _ in range(3))


def test_same_seed_same_answers():
    config = SimulatorConfig(seed=11, end_date=dt.date(2026, 3, 1), enforce_limits=False)
    answers = []
    for _ in range(2):
        with SimulatorServer(config) as sim:
            start = day_ms(config.end_date) - 3 * DAY_MS
            answers.append((
                ok(call(sim, "GET", "/user/shop")),
                ok(call(sim, "POST", AUTH, {"shop_id": [1002], "begin_time": start, "end_time": start + DAY_MS - 1,
                                           "page_size": 50})),
                stamonitor(sim, "getHistoryVendorData", start, start + 2 * DAY_MS - 1, shops=["1003"]),
            ))  # fmt: skip
    assert answers[0] == answers[1]
    with SimulatorServer(SimulatorConfig(seed=12, end_date=config.end_date)) as other:
        assert ok(call(other, "POST", AUTH, {"shop_id": [1002], "begin_time": start, "end_time": start + DAY_MS - 1,
                                             "page_size": 50})) != answers[0][1]  # fmt: skip


def test_report_cursor_paging(make_simulator):
    sim = make_simulator(enforce_limits=False)
    start = day_ms(sim.config.end_date) - 20 * DAY_MS
    end = start + 20 * DAY_MS - 1
    first = stamonitor(sim, "getHistoryDayReport", start, end, active="firstPage", limit=6)
    assert first["totalPage"] == 4 and len(first["info"]) == 6
    pages = [first["info"]]
    while len(pages) < 4:
        pages.append(stamonitor(sim, "getHistoryDayReport", start, end, active="nextPage", limit=6,
                                local=pages[-1][-1])["info"])  # fmt: skip
    days = [r["statTime"] for page in pages for r in page]
    assert len(days) == len(set(days)) == 20
    back = stamonitor(sim, "getHistoryDayReport", start, end, active="prePage", limit=6, local=pages[2][0])
    assert back["info"] == pages[1]
    last = stamonitor(sim, "getHistoryDayReport", start, end, active="lastPage", limit=6, totalPage=4)
    assert last["info"] == pages[3]
    month = ok(call(sim, "POST", "/stamonitor/getHistoryMonthReport", {
        "user": "demo", "Shops": [1001], "startTime": start - 40 * DAY_MS, "endTime": end, "Active": "firstPage",
        "Limit": 5}))  # fmt: skip
    assert [r["statTime"] for r in month["info"]] == ["2026-10"]
    several = stamonitor(sim, "getHistoryDayReport", start, end, shops=[1001, 1002], active="firstPage", limit=6)
    assert isinstance(several, list) and {r["scenarioid"] for r in several} == {"1001", "1002"}
