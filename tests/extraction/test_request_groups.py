"""Request groups: the endpoints of one step run side by side on threads, each after the endpoint it takes its
targets from, and one endpoint's failure costs only its own landing (over real HTTP for the latter two)."""

from __future__ import annotations

import threading
import time

import pytest
from dagster import AssetKey, DagsterEventType, DagsterInstance, RetryPolicy, materialize

from inc_pipeline import clock
from inc_pipeline.catalog import ENDPOINTS, ENDPOINTS_BY_ID
from inc_pipeline.defs.request_groups import DISCOVERY, group_asset, request_groups
from inc_pipeline.defs.run_clock import STARTED_AT_TAG
from inc_pipeline.extract.threads import UpstreamFailed, run_after_upstream
from inc_pipeline.landing import Lake
from inc_pipeline.ops.run import without_class_path

from .helpers import resources

WIRELESS = ("device_ap_info", "device_radio_info", "device_ssid_info", "ssid_client_macs")


def test_every_endpoint_is_in_one_group_of_its_own_partitioning_and_discovery_comes_first():
    groups = request_groups()
    members = [endpoint.id for endpoints in groups.values() for endpoint in endpoints]
    assert sorted(members) == sorted(endpoint.id for endpoint in ENDPOINTS)
    for name, endpoints in groups.items():
        assert len({endpoint.is_windowed for endpoint in endpoints}) == 1, name
    assert [e.id for e in groups["extract_discovery"]] == list(DISCOVERY) == ["user_shops", "shop_devices"]
    assert {e.id for e in groups["extract_windows"]} == {e.id for e in ENDPOINTS if e.is_windowed}


def test_a_task_starts_after_its_upstream_and_a_failure_skips_only_what_needs_it():
    started, order = {}, []

    def task(name, fail=False):
        def run():
            started[name] = time.monotonic()
            if fail:
                raise RuntimeError(f"{name} broke")
            time.sleep(0.05)
            return name

        return run

    tasks = {"sites": task("sites"), "devices": task("devices"), "ssids": task("ssids", fail=True),
             "macs": task("macs"), "vendors": task("vendors")}  # fmt: skip
    upstream = {"devices": "sites", "ssids": "devices", "macs": "ssids", "vendors": "sites", "sites": None}
    outcomes = {}
    for finished in run_after_upstream(tasks, upstream, threading.Event()):
        order.append(finished.name)
        outcomes[finished.name] = finished
    assert outcomes["sites"].result == "sites" and outcomes["vendors"].result == "vendors"
    assert order.index("sites") < order.index("devices") < order.index("ssids") < order.index("macs")
    assert started["devices"] >= started["sites"] + 0.05  # not before its upstream had finished
    assert isinstance(outcomes["ssids"].error, RuntimeError)
    assert isinstance(outcomes["macs"].error, UpstreamFailed) and "macs" not in started
    assert abs(started["devices"] - started["vendors"]) < 0.04  # siblings side by side, not one after another


def test_leaving_a_group_early_stops_its_tasks_and_waits_for_them():
    stop, ended = threading.Event(), []

    def patient():
        while not stop.wait(0.01):
            pass
        ended.append(threading.current_thread().name)
        return "stopped"

    outcomes = run_after_upstream({"quick": lambda: "done", "slow": patient}, {}, stop)
    assert next(outcomes).name == "quick"
    outcomes.close()  # the caller leaves (an interrupt in the step's thread does the same)
    assert stop.is_set() and len(ended) == 1  # the slow task saw the stop and finished before close returned


@pytest.fixture
def limited_sim(make_simulator):
    return make_simulator(enforce_limits=True)


def test_a_group_asks_its_endpoints_side_by_side_and_a_failed_one_costs_only_its_own(limited_sim, tmp_path):
    """Four 1/second device endpoints in one group, the radios' table blocked by a file: the others land and are
    recorded, their requests overlap in time, the MACs are asked only after the SSIDs; the step fails naming the
    radios, and its retry asks only the radios again."""
    data = tmp_path / "data"
    blocked = Lake(data).lake_dir / "device_radio_info"
    blocked.parent.mkdir(parents=True)
    blocked.write_text("not a directory")
    group = group_asset("wireless", tuple(ENDPOINTS_BY_ID[e] for e in WIRELESS), RetryPolicy(max_retries=1))
    instance = DagsterInstance.ephemeral()
    result = materialize(
        [group_asset("extract_discovery", request_groups()["extract_discovery"]), group],
        resources=resources(limited_sim, data), instance=instance, raise_on_error=False,
        tags={STARTED_AT_TAG: clock.now().isoformat()},
    )  # fmt: skip
    assert not result.success
    failures = [e for e in result.all_events if e.event_type == DagsterEventType.STEP_FAILURE]
    assert len(failures) == 1 and failures[0].step_key == "wireless"
    assert _innermost_line(failures[0].step_failure_data.error).startswith("device_radio_info: ")
    retried = [e for e in result.all_events if e.event_type == DagsterEventType.STEP_UP_FOR_RETRY]
    assert len(retried) == 1

    recorded = {event.asset_key for event in result.get_asset_materialization_events()}
    landed = {AssetKey(e) for e in WIRELESS if e != "device_radio_info"}
    assert landed <= recorded and AssetKey("device_radio_info") not in recorded
    lake = Lake(data)
    for endpoint_id in ("device_ap_info", "device_ssid_info", "ssid_client_macs"):
        assert lake.row_count(endpoint_id, clock.now().date()) > 0

    for endpoint_id in landed:  # the step ran twice, the API saw only the first attempt's calls
        event = next(e for e in result.get_asset_materialization_events() if e.asset_key == endpoint_id)
        calls = event.materialization.metadata["api_calls"].value
        assert calls > 0 and limited_sim.stats()["requests"][ENDPOINTS_BY_ID[endpoint_id.path[0]].path] == calls
    arrivals = limited_sim.stats()["arrivals"]
    ap, ssid, macs = (arrivals[ENDPOINTS_BY_ID[e].path] for e in ("device_ap_info", "device_ssid_info",
                                                                  "ssid_client_macs"))  # fmt: skip
    assert ap[0] < ssid[1] and ssid[0] < ap[1]  # the two were asked at the same time
    assert macs[0] > ssid[1]  # the MACs of SSIDs that had landed


def _innermost_line(error) -> str:
    """The last line of the error at the bottom of its causes (Dagster wraps ours: retries exceeded, step error)."""
    while error.cause is not None:
        error = error.cause
    return without_class_path(error.message.strip().splitlines()[-1])
