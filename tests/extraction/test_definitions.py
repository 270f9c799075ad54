"""What `dagster dev` loads: an asset per catalog entry, grouped by domain and describing its limits; and a
snapshot of every asset, check, job, schedule and sensor, so an unintended change shows up in review."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from dagster import AssetKey, BackfillPolicy

from inc_pipeline.catalog import ENDPOINTS
from inc_pipeline.defs.partitions import DAILY

SNAPSHOT = Path(__file__).with_name("definitions_snapshot.txt")
REGENERATE = "UPDATE_SNAPSHOT=1 .venv/bin/python -m pytest tests/extraction/test_definitions.py"


@pytest.fixture(scope="module")
def defs():
    from inc_pipeline.definitions import defs

    return defs


def describe(defs) -> str:
    """One line per definition, sorted: what the snapshot file holds."""
    repository = defs.get_repository_def()
    graph = defs.resolve_asset_graph()
    lines = []
    for spec in defs.resolve_all_asset_specs():
        partitions = "daily" if spec.partitions_def is not None else "unpartitioned"
        lines.append(f"asset {spec.key.to_user_string()} group={spec.group_name} {partitions}")
        if spec.freshness_policy is not None:
            lines.append(f"freshness {spec.key.to_user_string()} {_freshness(spec.freshness_policy)}")
    lines += [f"check {key.asset_key.to_user_string()}:{key.name}" for key in graph.asset_check_keys]
    lines += [f"job {job.name}" for job in repository.get_all_jobs()]
    lines += [
        f"schedule {s.name} cron={s.cron_schedule} job={s.job_name} tz={s.execution_timezone or 'UTC'}"
        for s in repository.schedule_defs
    ]
    lines += [f"sensor {s.name}" for s in repository.sensor_defs]
    return "\n".join(sorted(lines)) + "\n"


def _freshness(policy) -> str:
    fail = policy.fail_window.to_timedelta()
    warn = policy.warn_window.to_timedelta() if policy.warn_window else None
    return f"fail={fail}" + (f" warn={warn}" if warn else "")


def test_definitions_match_the_committed_snapshot(defs):
    current = describe(defs)
    if os.environ.get("UPDATE_SNAPSHOT") == "1":
        SNAPSHOT.write_text(current)
    committed = SNAPSHOT.read_text() if SNAPSHOT.exists() else ""
    if current != committed:
        added = sorted(set(current.splitlines()) - set(committed.splitlines()))
        removed = sorted(set(committed.splitlines()) - set(current.splitlines()))
        pytest.fail(
            f"the definitions changed (added {added}, removed {removed}).\n"
            f"If intended, regenerate the snapshot and commit it with the change:\n    {REGENERATE}"
        )


def test_there_is_an_asset_per_catalog_entry_grouped_by_domain(defs):
    specs = {spec.key: spec for spec in defs.resolve_all_asset_specs()}
    for endpoint in ENDPOINTS:
        spec = specs[AssetKey(endpoint.id)]
        assert spec.group_name == endpoint.domain
        assert spec.metadata["rate_limit"] == endpoint.rate.stated
        assert spec.metadata["pagination"] == endpoint.pagination.value
        assert spec.metadata["path"] == f"{endpoint.method} {endpoint.path}"
    endpoint_keys = {AssetKey(e.id) for e in ENDPOINTS}
    assert len(endpoint_keys) == 40
    assert {spec.group_name for key, spec in specs.items() if key in endpoint_keys} == {e.domain for e in ENDPOINTS}


def test_window_endpoints_are_daily_partitions_backfilled_in_one_run(defs):
    for endpoint in ENDPOINTS:
        asset = defs.resolve_assets_def(endpoint.id)
        if endpoint.is_windowed:
            assert asset.partitions_def == DAILY
            assert asset.backfill_policy == BackfillPolicy.single_run()
        else:
            assert asset.partitions_def is None


def test_each_endpoint_asset_has_its_quarantine_drift_and_failed_units_checks(defs):
    checks = set(defs.resolve_asset_graph().asset_check_keys)
    for endpoint in ENDPOINTS:
        names = {key.name for key in checks if key.asset_key == AssetKey(endpoint.id)}
        assert names == {"quarantined_rows", "schema_drift", "failed_units"}


def test_every_mart_has_a_freshness_policy_instead_of_superseded_checks(defs):
    marts = [spec for spec in defs.resolve_all_asset_specs() if spec.key.path[0] == "marts"]
    assert marts
    for spec in marts:
        assert spec.freshness_policy is not None, spec.key
        assert spec.freshness_policy.fail_window.to_timedelta() == timedelta(hours=26)
    checks = {key.name for key in defs.resolve_asset_graph().asset_check_keys}
    assert "freshness_check" not in checks


def test_loading_the_definitions_warns_of_nothing_superseded_or_deprecated():
    # A fresh interpreter: the definitions are imported (and warn) once per process.
    code = (
        "import warnings; warnings.simplefilter('error', FutureWarning); "
        "warnings.simplefilter('error', DeprecationWarning); "
        "import inc_pipeline.definitions as d; d.defs.resolve_asset_graph()"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert loaded.returncode == 0, loaded.stderr[-2000:]


def test_every_job_schedule_and_sensor_says_what_it_does(defs):
    described = {
        **{f"job {job.name}": job.description for job in defs.jobs if not job.name.startswith("__")},
        **{f"schedule {s.name}": s.description for s in defs.schedules},
        **{f"sensor {s.name}": s.description for s in defs.sensors},
    }
    assert len(described) >= 7
    assert {name: text for name, text in described.items() if not text or len(text) < 30} == {}


def test_loading_the_definitions_prints_no_dagster_notice():
    """A fresh interpreter with every warning shown: loading the definitions (what `dagster dev` and a demo do)
    prints no beta or preview notice (it printed 21)."""
    import subprocess
    import sys

    loaded = subprocess.run([sys.executable, "-W", "default", "-c", "import inc_pipeline.definitions"],
                            capture_output=True, text=True, check=True)  # fmt: skip
    assert "BetaWarning" not in loaded.stderr and "PreviewWarning" not in loaded.stderr, loaded.stderr[:500]
