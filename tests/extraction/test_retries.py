"""The assets' RetryPolicy (2 retries, 30 s apart) is for transient failures only.

A failure retrying cannot fix (bad key, no or unknown site, unreadable lake file, full quota, bad setting,
malformed request) fails the step at once with its one line; a 5xx outage outlasting the client's own retries
is retried by Dagster. Every case runs the real asset against the simulator over HTTP.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest
from dagster import DagsterEventType, DagsterInstance, RetryPolicy, materialize

from inc_pipeline.catalog import ENDPOINTS_BY_ID
from inc_pipeline.defs.extraction import RETRY_POLICY
from inc_pipeline.defs.request_groups import endpoint_asset
from inc_pipeline.defs.resources import IncApiResource, PipelineSettings
from inc_pipeline.extract.failed_units import FailedUnitsLedger
from inc_pipeline.simulator import FaultConfig

from .helpers import PII_KEY, day, lake

REVOKED = "revoked-key-0123"


def _materialize(asset, sim, data_dir, *, api: dict | None = None, settings: dict | None = None):
    """One run of `asset` (with its own RetryPolicy); returns (result, seconds, failure messages, retries)."""
    api = {"base_url": sim.base_url, "api_key": sim.api_key, "user": "demo", "default_rate_per_second": 50,
           "backoff_base": 0.01, **(api or {})}  # fmt: skip
    resources = {
        "inc_api": IncApiResource(**api),
        "settings": PipelineSettings(**{"data_dir": str(data_dir), "pii_key": PII_KEY, **(settings or {})}),
    }
    started = time.monotonic()
    result = materialize([asset], resources=resources, instance=DagsterInstance.ephemeral(), raise_on_error=False)
    seconds = time.monotonic() - started
    failures = [_message(e.step_failure_data.error) for e in result.all_events if e.is_step_failure]
    retries = [e for e in result.all_events if e.event_type == DagsterEventType.STEP_UP_FOR_RETRY]
    return result, seconds, failures, retries


def _message(error) -> str:
    """The failure's own message; after the last retry Dagster says "Exceeded max_retries", its cause says why."""
    while error.cause is not None and error.message.startswith("Exceeded max_retries"):
        error = error.cause
    return error.message


def _corrupt_site_list(data_dir) -> None:
    path = lake(data_dir).partition_path("user_shops", day())
    path.parent.mkdir(parents=True)
    path.write_bytes(b"PAR1 this is not parquet")


def _spend_quota(data_dir, endpoint_id: str) -> None:
    ledger = data_dir / "state" / "quota" / f"{endpoint_id}.json"
    ledger.parent.mkdir(parents=True, exist_ok=True)
    ledger.write_text(json.dumps({"day": datetime.now(UTC).date().isoformat(), "used": 100}))


# (asset, resource overrides, lake set-up, what the one line says)
PERMANENT = {
    "corrupted-parquet": ("shop_devices", {}, {}, _corrupt_site_list, "is not readable Parquet ("),
    "no-site": ("shop_devices", {}, {}, None, "no site to extract"),
    "wrong-key": ("user_shops", {"api_key": "wrong-key"}, {}, None, "invalid apikey"),
    "revoked-key": ("user_shops", {"api_key": REVOKED}, {}, None, "apikey disabled"),
    "missing-key": ("user_shops", {"api_key": ""}, {}, None, "INC_API_KEY is not set"),
    "missing-pii-key": ("user_shops", {}, {"pii_key": ""}, None, "INC_PII_KEY is not set"),
    "bad-pii-policy": ("user_shops", {}, {"pii_policy": "hash-it"}, None, "INC_PII_POLICY='hash-it' is not a policy"),
}


@pytest.mark.parametrize("case", list(PERMANENT))
def test_permanent_errors_fail_at_once_with_their_line(case, make_simulator, tmp_path):
    endpoint_id, api, settings, prepare, expected = PERMANENT[case]
    sim = make_simulator(enforce_limits=False, revoked_keys=(REVOKED,))
    data_dir = tmp_path / "data"
    if prepare:
        prepare(data_dir)
    result, seconds, failures, retries = _materialize(
        endpoint_asset(ENDPOINTS_BY_ID[endpoint_id]), sim, data_dir, api=api, settings=settings
    )
    assert not result.success
    assert not retries, f"retried: {failures}"
    assert seconds < RETRY_POLICY.delay, f"took {seconds:.0f} s"
    assert len(failures) == 1 and expected in failures[0], failures
    assert "\n" not in failures[0].strip() and sim.api_key not in failures[0]
    assert sum(sim.stats()["requests"].values()) <= 1  # asked once at most, never again


# A site the account does not have fails that site's requests only: failed units, not retried by Dagster.
PER_UNIT = {
    "unknown-site": ("shop_devices", {"sites": "99999"}, "shop not found"),
    "malformed-site-id": ("current_client_count", {"sites": "not-a-site"}, "invalid parameter"),
}


@pytest.mark.parametrize("case", list(PER_UNIT))
def test_a_site_the_api_refuses_is_a_failed_unit_asked_once(case, make_simulator, tmp_path):
    endpoint_id, settings, expected = PER_UNIT[case]
    sim = make_simulator(enforce_limits=False)
    data_dir = tmp_path / "data"
    result, seconds, failures, retries = _materialize(
        endpoint_asset(ENDPOINTS_BY_ID[endpoint_id]), sim, data_dir, settings=settings
    )
    assert result.success and not retries and not failures and seconds < RETRY_POLICY.delay
    [unit] = FailedUnitsLedger(data_dir / "state").units(endpoint_id)
    assert expected in unit.message and "\n" not in unit.message and sim.api_key not in unit.message
    assert sum(sim.stats()["requests"].values()) == 1


def test_a_full_quota_defers_at_once_without_asking(make_simulator, tmp_path):
    sim = make_simulator()  # limits on: 100 calls a day
    _spend_quota(tmp_path / "data", "user_shops")
    result, seconds, failures, retries = _materialize(endpoint_asset(ENDPOINTS_BY_ID["user_shops"]), sim,
                                                      tmp_path / "data")  # fmt: skip
    assert result.success and not retries and not failures and seconds < RETRY_POLICY.delay
    assert sim.stats()["requests"].get("/user/shop", 0) == 0


def test_a_5xx_outage_beyond_the_clients_retries_is_retried_by_dagster(make_simulator, tmp_path):
    sim = make_simulator(enforce_limits=False, faults=FaultConfig(rate=1.0, kinds=("http_5xx",)))
    quick = RetryPolicy(max_retries=1, delay=0)  # the production policy, without its 30 s wait
    result, _, failures, retries = _materialize(
        endpoint_asset(ENDPOINTS_BY_ID["user_shops"], retry_policy=quick), sim, tmp_path / "data",
        api={"max_retries": 1},
    )  # fmt: skip
    assert not result.success
    assert len(retries) == 1, "a transient failure was not retried"
    assert sim.stats()["requests"]["/user/shop"] == 4  # two attempts, each with one client retry
    assert "server error" in failures[-1] or "unreadable answer" in failures[-1], failures
