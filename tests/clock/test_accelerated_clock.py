"""An accelerated simulator (time_scale k) and a client on the same scale: the stated limits hold, k times faster.

The pipeline's clock is driven from an instant chosen so that the API's clock stands an hour before one of its
midnights (six real seconds at k = 600): the test sees a quota day spent, refused by our own ledger, and whole again
after the simulated midnight, with nothing throttled or refused by the server.
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import timedelta

import pytest

from inc_pipeline import clock
from inc_pipeline.catalog import ENDPOINTS_BY_ID
from inc_pipeline.client import IncClient, QuotaExhaustedError, ThrottledError
from inc_pipeline.simulator import SimulatorServer

SCALE = 600  # a simulated day in 144 real seconds; one request per 1/600 s on a 1/second path


def _running_from(start):
    began = time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - began)


def test_a_scaled_client_spends_a_scaled_quota_day_with_no_refusal_or_throttle(sim_config, tmp_path):
    api = clock.ApiClock(SCALE)
    midnight = clock.next_midnight("UTC", api.now())
    history, devices = ENDPOINTS_BY_ID["history_clients"], ENDPOINTS_BY_ID["shop_devices"]
    with (
        clock.frozen(_running_from(api.real(midnight - timedelta(hours=1)))),
        SimulatorServer(replace(sim_config, time_scale=SCALE)) as sim,
        IncClient(sim.base_url, sim.api_key, state_dir=tmp_path, time_scale=SCALE) as client,
    ):
        sn, site = next(iter(sim.app.world.devices)), next(iter(sim.app.world.sites))
        first_day = client.quota.day()
        for _ in range(100):
            client.call(history, {"devSN": sn}, query={"skipnum": 0, "limitnum": 10})
        paced_from = time.monotonic()
        for _ in range(20):  # a 1/second path: 19 simulated seconds at least between the first and the last
            client.call(devices, {"shopIds": [site]})
        paced_real = time.monotonic() - paced_from
        with pytest.raises(QuotaExhaustedError) as refused:  # our ledger stops the 101st: nothing reaches the server
            client.call(history, {"devSN": sn}, query={"skipnum": 0, "limitnum": 10})
        assert refused.value.until == api.real(midnight)  # on our clock: when the simulated day ends
        time.sleep(max(0.0, (refused.value.until - clock.now()).total_seconds()) + 0.05)
        client.call(history, {"devSN": sn}, query={"skipnum": 0, "limitnum": 10})  # the next day's quota
        assert client.quota.day() > first_day
        stats = sim.stats()

    assert first_day == (midnight - timedelta(days=1)).date().isoformat()
    assert 19 / SCALE <= paced_real < 19  # scaled: far under the 19 real seconds a real-time pace would take
    assert stats["requests"]["/device/historyclients"] == 101
    assert stats["requests"]["/shop/device"] == 20
    assert stats["throttled"] == {} and stats["quota_refusals"] == {}
    assert stats["quota_used"] == {"/device/historyclients": 1}  # the new simulated day's


def test_a_client_faster_than_the_api_clock_is_throttled(sim_config, tmp_path):
    """The scale is what paces: a client on a faster clock than the simulator's breaks its 1/second limit."""
    devices = ENDPOINTS_BY_ID["shop_devices"]
    with (
        SimulatorServer(replace(sim_config, time_scale=10)) as sim,
        IncClient(sim.base_url, sim.api_key, state_dir=tmp_path, time_scale=1000, max_retries=0) as client,
    ):
        site = next(iter(sim.app.world.sites))
        with pytest.raises(ThrottledError):
            for _ in range(5):
                client.call(devices, {"shopIds": [site]})
        assert sim.stats()["throttled"].get("/shop/device", 0) >= 1


def test_a_scale_out_of_range_is_refused():
    for scale in (0, -1, float("nan"), clock.MAX_TIME_SCALE * 2):
        with pytest.raises(ValueError, match="time scale"):
            clock.ApiClock(scale)
