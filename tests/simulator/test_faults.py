"""Each fault kind shows when enabled; admin endpoints are never faulted and can change faults at runtime."""

from __future__ import annotations

import datetime as dt
import time

import pytest
import requests

from inc_pipeline.simulator import FaultConfig

from .helpers import DAY_MS, call, day_ms, ok

AUTH = "/api/o2oportal/getAuthUserInfo"


def _faulty(make_simulator, kind: str):
    return make_simulator(enforce_limits=False, faults=FaultConfig(rate=1.0, kinds=(kind,), seed=3))


def _auth(sim, page: int, size: int = 10) -> requests.Response:
    start = day_ms(sim.config.end_date - dt.timedelta(days=6))
    body = {"shop_id": [1001], "begin_time": start, "end_time": start + DAY_MS - 1, "page_size": size,
            "page_index": page}  # fmt: skip
    return call(sim, "POST", AUTH, body)


def test_latency(make_simulator):
    sim = _faulty(make_simulator, "latency")
    began = time.monotonic()
    ok(call(sim, "GET", "/user/shop"))
    assert time.monotonic() - began >= 0.2


def test_http_5xx_has_an_html_body(make_simulator):
    response = call(_faulty(make_simulator, "http_5xx"), "GET", "/user/shop")
    assert response.status_code in (502, 503) and response.text.startswith("<html>")


def test_drop_closes_without_answer(make_simulator):
    with pytest.raises(requests.ConnectionError):
        call(_faulty(make_simulator, "drop"), "GET", "/user/shop")


@pytest.mark.parametrize("kind", ["malformed_json", "truncated_json"])
def test_broken_json(make_simulator, kind):
    response = call(_faulty(make_simulator, kind), "GET", "/user/shop")
    assert response.status_code == 200
    with pytest.raises(ValueError):
        response.json()


def test_throttle_burst_is_counted_apart_from_real_throttling(make_simulator):
    sim = _faulty(make_simulator, "throttle_burst")
    response = call(sim, "GET", "/user/shop")
    assert response.status_code == 429 and response.json()["code"] == 1003
    stats = sim.stats()
    assert stats["injected_throttles"] == {"/user/shop": 1} and stats["throttled"] == {}


def test_repeat_records_overlap_pages(make_simulator):
    sim = _faulty(make_simulator, "repeat_records")
    first, second = ok(_auth(sim, 1))["auth_list"], ok(_auth(sim, 2))["auth_list"]
    assert second[0] == first[-1]


def test_late_records_appear_on_a_later_read(make_simulator):
    sim = _faulty(make_simulator, "late_records")
    first = ok(_auth(sim, 1, size=5000))["total_count"]
    again = ok(_auth(sim, 1, size=5000))["total_count"]
    assert first < again == ok(_auth(sim, 1, size=5000))["total_count"]


def test_schema_drift_adds_an_unknown_field(make_simulator):
    records = ok(_auth(_faulty(make_simulator, "schema_drift"), 1))["auth_list"]
    assert all(r["extraField"] == "drift" for r in records)


def test_bad_values_spoil_numbers_and_enums(make_simulator):
    records = ok(_auth(_faulty(make_simulator, "bad_values"), 1))["auth_list"]
    spoiled = [r for r in records if "N/A" in r.values() or "abc" in r.values()]
    assert spoiled and any(r["user_type"] == 99 or r["sex"] == 5 for r in records)


def test_admin_endpoints_are_never_faulted_and_change_faults(make_simulator):
    sim = _faulty(make_simulator, "http_5xx")
    stats = requests.get(sim.base_url + "/__sim/stats", timeout=5)
    assert stats.status_code == 200 and stats.json()["fault_config"]["kinds"] == ["http_5xx"]
    changed = requests.post(sim.base_url + "/__sim/faults", json={"rate": 0.0}, timeout=5)
    assert changed.status_code == 200
    ok(call(sim, "GET", "/user/shop"))
    assert requests.post(sim.base_url + "/__sim/faults", json={"kinds": ["nope"]}, timeout=5).status_code == 400
    assert requests.post(sim.base_url + "/__sim/reset", timeout=5).json() == {"reset": True}
    assert sim.stats()["total_requests"] == 0


def test_faults_are_seeded(make_simulator):
    def pattern():
        sim = make_simulator(enforce_limits=False, faults=FaultConfig(rate=0.5, kinds=("throttle_burst",), seed=9))
        return [call(sim, "GET", "/user/shop").status_code for _ in range(20)]

    first = pattern()
    assert first == pattern() and 200 in first and 429 in first
