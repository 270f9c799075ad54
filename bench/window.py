"""Memory against window size: peak memory of a 1-day and a 30-day auth_history partition run (target: within 10%).

Each run is the auth_history asset materialized by Dagster over a partition range in one run (the single-run
backfill the daily schedule and `inc-pipeline run` use), in its own process, against one simulator with limits
on and the client's real pacing: what a data engineer's backfill does, only for one endpoint.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from datetime import date, timedelta

from .common import measure, record

SESSIONS_PER_DAY = 10_000  # two pages a day: a 30-day run lands ~60 pages through five 168-hour windows
END = date(2026, 11, 20)
LAST_DAY = END - timedelta(days=1)
RUNS = {"1 day": 1, "30 days": 30}


def auth_partition_run(base_url: str, api_key: str, data_dir: str, sites: str, first: str, last: str) -> dict:
    """Materialize auth_history for the partitions first..last in one Dagster run (in this process)."""
    from dagster import DagsterInstance, materialize

    from inc_pipeline.catalog import ENDPOINTS_BY_ID
    from inc_pipeline.defs.extraction import endpoint_asset
    from inc_pipeline.defs.resources import IncApiResource, PipelineSettings

    result = materialize(
        [endpoint_asset(ENDPOINTS_BY_ID["auth_history"])],
        resources={
            "inc_api": IncApiResource(base_url=base_url, api_key=api_key, user="demo"),
            "settings": PipelineSettings(data_dir=data_dir, pii_key="bench", sites=sites),
        },
        instance=DagsterInstance.ephemeral(),
        tags={"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last},
    )
    assert result.success
    events = result.get_asset_materialization_events()
    meta = {k: v.value for k, v in events[0].materialization.metadata.items()}
    return {"partitions": len(events), "rows": meta.get("rows_landed"), "pages": meta.get("pages"),
            "requests": meta.get("requests")}  # fmt: skip


def run() -> str:
    from inc_pipeline.simulator import SimulatorConfig, SimulatorServer

    config = replace(SimulatorConfig(end_date=END, sites=1, days=40), auth_per_site_day=SESSIONS_PER_DAY)
    measured = {}
    with SimulatorServer(config) as sim, tempfile.TemporaryDirectory() as tmp:
        sites = ",".join(str(site) for site in sim.world.sites)  # as INC_SITES: no /user/shop run needed
        common = {"base_url": sim.base_url, "api_key": sim.api_key, "sites": sites}
        for label, days in RUNS.items():
            first = (LAST_DAY - timedelta(days=days - 1)).isoformat()
            measured[label] = measure("bench.window:auth_partition_run", **common, data_dir=f"{tmp}/{days}",
                                      first=first, last=LAST_DAY.isoformat())  # fmt: skip
    one, thirty = measured["1 day"], measured["30 days"]
    ratio = thirty.peak_mib / one.peak_mib
    rows = [
        f"| {label} | {m.result['partitions']} | {m.result['rows']:,} | {m.result['pages']} | {m.wall_s:.1f} | "
        f"{m.cpu_s:.1f} | {m.peak_mib:.0f} |"
        for label, m in measured.items()
    ]
    lines = [
        "## Memory against window size",
        "",
        "`.venv/bin/python -m bench window`: the auth_history asset materialized by Dagster over a partition range "
        f"in one run, each in its own process; one site, `auth_per_site_day={SESSIONS_PER_DAY}`, simulator limits "
        "on, client pacing on (1 request/second).",
        "",
        "| run | partitions | rows landed | pages | wall s | CPU s | peak MiB |",
        "|---|---|---|---|---|---|---|",
        *rows,
        "",
        f"30-day / 1-day peak memory: **{ratio:.2f}** (target: within 10 %, i.e. <= 1.10): "
        f"**{'met' if ratio <= 1.10 else 'missed'}**.",
    ]
    return record("window", lines)
