"""The client against the simulator (real HTTP): every catalog entry, pacing, paging, faults, bad keys."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import requests

from inc_pipeline.catalog import ENDPOINTS, ENDPOINTS_BY_ID
from inc_pipeline.catalog.model import Scope
from inc_pipeline.client import AuthError, IncClient, ResponseFormatError, window_params

DAY_MS = 86_400_000


def _day_start_ms(sim, days_back: int) -> int:
    day = sim.config.end_date - timedelta(days=days_back)
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() * 1000)


def params_for(endpoint, sim, *, days: int = 1) -> dict:
    """Request fields for one call about the simulator's first site, device, AP and SSID."""
    site = next(iter(sim.world.sites.values()))
    ids = {
        Scope.ACCOUNT: {},
        Scope.SITE_BATCH: {endpoint.site_field: [site.id]},
        Scope.SITE: {endpoint.site_field: [str(site.id)]},
        Scope.DEVICE: {endpoint.device_field: site.device.sn},
        Scope.DEVICE_BATCH: {endpoint.device_field: [site.device.sn]},
        Scope.AP: {endpoint.device_field: site.device.sn, "apsn": site.aps[0].sn},
        Scope.SSID: {"param": {"shopId": site.id, "devSN": site.device.sn, "SSID": site.ssids[0].name}},
    }[endpoint.scope]
    params = dict(ids)
    if endpoint.needs_user:
        params["user"] = sim.config.user
    if endpoint.window is not None:
        start = _day_start_ms(sim, days)
        params.update(window_params(endpoint, start, start + days * DAY_MS))
    return params


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.id)
def test_every_catalog_entry_yields_records_that_parse(sim, sim_client, endpoint):
    records = list(sim_client.records(endpoint, params_for(endpoint, sim)))
    assert all(isinstance(record, dict) for record in records)
    for record in records:
        assert set(record) & set(endpoint.fields), f"{endpoint.id}: {sorted(record)} share nothing with the catalog"
    stats = sim_client.stats[endpoint.id]
    assert stats.pages >= 1 and stats.records == len(records) and stats.throttled == 0


@pytest.mark.parametrize(
    "endpoint_id",
    ["user_shops", "shop_devices", "device_ap_info", "auth_history", "history_clients", "flow_top_bottom"],
)
def test_core_endpoints_have_data(sim, sim_client, endpoint_id):
    # Weekly/monthly reports and live snapshots may legitimately be empty for a one-day window; these may not.
    endpoint = ENDPOINTS_BY_ID[endpoint_id]
    assert list(sim_client.records(endpoint, params_for(endpoint, sim)))


@pytest.mark.slow
def test_burst_on_a_one_per_second_endpoint_is_never_throttled(sim, sim_client):
    ap_info = ENDPOINTS_BY_ID["device_ap_info"]
    params = params_for(ap_info, sim)
    began = time.monotonic()
    for _ in range(100):
        sim_client.call(ap_info, params)
    elapsed = time.monotonic() - began
    stats = requests.get(sim.base_url + "/__sim/stats", timeout=5).json()
    assert stats["throttled"].get("/device/apinfo", 0) == 0
    assert stats["requests"]["/device/apinfo"] == 100
    assert sim_client.stats["device_ap_info"].throttled == 0
    assert elapsed <= 99 * 1.10, elapsed


def _natural_keys(endpoint, records) -> set:
    return {tuple(str(r.get(k)) for k in endpoint.natural_key) for r in records}


def test_page_index_over_several_pages_matches_one_big_page(sim, sim_client):
    auth = ENDPOINTS_BY_ID["auth_history"]
    params = params_for(auth, sim)
    whole = list(sim_client.records(auth, params))
    small = replace(auth, page_size=max(len(whole) // 4, 1))
    pages = list(sim_client.iter_pages(small, params))
    assert len(pages) >= 4
    assert _natural_keys(auth, [r for p in pages for r in p.records]) == _natural_keys(auth, whole)


def test_skip_limit_over_several_pages(sim, sim_client):
    online = ENDPOINTS_BY_ID["online_clients"]
    params = params_for(online, sim)
    whole = list(sim_client.records(online, params))
    if len(whole) < 4:
        pytest.skip("too few online clients right now")
    pages = list(sim_client.iter_pages(replace(online, page_size=len(whole) // 3), params))
    assert len(pages) >= 3
    assert _natural_keys(online, [r for p in pages for r in p.records]) == _natural_keys(online, whole)


def test_month_report_accepts_capitalised_cursor_fields(sim, sim_client):
    # A ten-day world holds no complete month, so the answer is empty; what matters is that Active/Limit pass.
    report = ENDPOINTS_BY_ID["history_month_report"]
    pages = list(sim_client.iter_pages(report, params_for(report, sim, days=7)))
    assert len(pages) == 1 and pages[0].raw["totalPage"] >= 1


def test_cursor_over_several_pages(sim, sim_client):
    report = ENDPOINTS_BY_ID["history_day_report"]
    params = params_for(report, sim, days=7)
    whole = list(sim_client.records(report, params))
    pages = list(sim_client.iter_pages(replace(report, page_size=2), params))
    assert len(pages) >= 2
    assert _natural_keys(report, [r for p in pages for r in p.records]) == _natural_keys(report, whole)


def test_retries_recover_from_injected_faults(sim, sim_client):
    endpoint = ENDPOINTS_BY_ID["history_day_client_count"]
    params = params_for(endpoint, sim)
    clean = sim_client.call(endpoint, params)
    sim.set_faults(rate=0.3, kinds=("http_5xx", "drop", "malformed_json", "truncated_json", "throttle_burst"), seed=5)
    answers = [sim_client.call(endpoint, params) for _ in range(20)]
    assert all(answer == clean for answer in answers)
    assert sim_client.stats[endpoint.id].retries > 0
    assert sum(sim.stats()["faults"].values()) > 0


def test_repeated_records_across_pages_do_not_lose_or_loop(sim, sim_client):
    auth = ENDPOINTS_BY_ID["auth_history"]
    params = params_for(auth, sim)
    whole = list(sim_client.records(auth, params))
    sim.set_faults(rate=1.0, kinds=("repeat_records",), seed=1)
    small = replace(auth, page_size=max(len(whole) // 4, 1))
    repeated = list(sim_client.records(small, params))
    assert len(repeated) > len(whole)  # the overlap came through; the caller de-duplicates on the natural key
    assert _natural_keys(auth, repeated) == _natural_keys(auth, whole)


def test_bad_key_fails_fast_without_the_key(sim, client_state_dir):
    wrong = "wrong-key-5b3c9e"
    with IncClient(sim.base_url, wrong, state_dir=client_state_dir) as client:
        with pytest.raises(AuthError) as caught:
            client.call(
                ENDPOINTS_BY_ID["history_day_client_count"],
                params_for(ENDPOINTS_BY_ID["history_day_client_count"], sim),
            )
    assert wrong not in str(caught.value) and "history_day_client_count" in str(caught.value)
    assert sim.stats()["total_requests"] == 1


@pytest.mark.parametrize(("kind", "phrase"), [("http_5xx", "HTML error page"), ("truncated_json", "truncated JSON")])
def test_persistent_bad_answers_give_clear_errors(sim, client_state_dir, kind, phrase):
    sim.set_faults(rate=1.0, kinds=(kind,), seed=2)
    endpoint = ENDPOINTS_BY_ID["history_day_client_count"]
    with IncClient(sim.base_url, sim.api_key, state_dir=client_state_dir, max_retries=2, backoff_base=0.01) as client:
        with pytest.raises(ResponseFormatError) as caught:
            client.call(endpoint, params_for(endpoint, sim))
    message = str(caught.value)
    assert phrase in message and endpoint.id in message and "\n" not in message
    assert client.stats[endpoint.id].calls == 3
