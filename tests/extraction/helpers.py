"""Helpers for extraction tests: materialize endpoint assets against a simulator, landing under `tmp_path` only."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

from dagster import DagsterInstance, ExecuteInProcessResult, materialize

from inc_pipeline import clock
from inc_pipeline.catalog import ENDPOINTS_BY_ID
from inc_pipeline.client import IncClient
from inc_pipeline.defs.request_groups import endpoint_asset
from inc_pipeline.defs.resources import IncApiResource, PipelineSettings
from inc_pipeline.defs.run_clock import STARTED_AT_TAG
from inc_pipeline.landing import Lake

PARTITION = "2026-11-19"  # a whole day inside the default simulated world (it ends 2026-11-20 at noon)
PII_KEY = "test-key"


def resources(sim, data_dir, **settings) -> dict:
    """The two resources the endpoint assets need, pointed at `sim` and landing under `data_dir`."""
    return {
        "inc_api": IncApiResource(base_url=sim.base_url, api_key=sim.api_key, user="demo", default_rate_per_second=50),
        "settings": PipelineSettings(data_dir=str(data_dir), pii_key=PII_KEY, **settings),
    }


def run(
    endpoint_ids: Iterable[str],
    sim,
    data_dir,
    *,
    partition: str | None = None,
    days: tuple[str, str] | None = None,
    instance: DagsterInstance | None = None,
    **settings,
) -> ExecuteInProcessResult:
    """Materialize the endpoint assets: one partition, a (first, last) partition range in one run, or snapshots."""
    tags = {STARTED_AT_TAG: clock.now().isoformat()}  # the run's moment, as the CLI tags its runs
    if days:
        tags |= {"dagster/asset_partition_range_start": days[0], "dagster/asset_partition_range_end": days[1]}
    result = materialize(
        [endpoint_asset(ENDPOINTS_BY_ID[e]) for e in endpoint_ids],
        resources=resources(sim, data_dir, **settings),
        instance=instance or DagsterInstance.ephemeral(),
        partition_key=partition,
        tags=tags,
    )
    assert result.success
    return result


def metadata(result: ExecuteInProcessResult, endpoint_id: str) -> dict:
    """The run's materialization metadata of one asset in `result`, as plain values: a run over a partition range
    reports each partition with its own row count and the run's figures (`run_` in front), the same for all."""
    events = [e for e in result.get_asset_materialization_events() if e.materialization.asset_key.path == [endpoint_id]]
    described = [{k.removeprefix("run_"): v.value for k, v in e.materialization.metadata.items()
                  if k != "dagster/row_count"} for e in events]  # fmt: skip
    assert described and all(d == described[0] for d in described)
    return described[0]


def checks(result: ExecuteInProcessResult, endpoint_id: str) -> dict:
    """The asset check evaluations of one asset in `result`, by check name."""
    return {c.check_name: c for c in result.get_asset_check_evaluations() if c.asset_key.path == [endpoint_id]}


def day(text: str = PARTITION) -> date:
    return date.fromisoformat(text)


def lake(data_dir) -> Lake:
    return Lake(data_dir)


def sim_client(sim, state_dir) -> IncClient:
    """A client of its own (own pacing state) for reading the simulator's answers independently of the assets."""
    return IncClient(sim.base_url, sim.api_key, state_dir=state_dir, default_rate_per_second=50)


SIM_NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)  # the default simulator's frozen "now" (noon of its end_date)


def freeze_clock(monkeypatch) -> datetime:
    """Make the pipeline's clock (inc_pipeline.clock) the simulator's now: runs started by `run` are tagged with
    it, as `inc-pipeline run` tags its runs, so snapshots ask for the simulated "today"."""
    monkeypatch.setattr(clock, "_source", lambda: SIM_NOW)
    return SIM_NOW
