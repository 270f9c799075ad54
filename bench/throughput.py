"""Extraction throughput vs dlt: 200,000 auth records (40 pages of 5,000, one 7-day window) into DuckDB."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from datetime import date, timedelta

from .common import measure, record

SESSIONS_PER_DAY = 22_000  # with the simulator's weekly pattern, ~200,000 records in the 7 days
END = date(2026, 11, 20)
DAYS = [END - timedelta(days=8 - i) for i in range(7)]  # seven complete days before the end date


def run() -> str:
    from inc_pipeline.extract.plan import day_start_ms
    from inc_pipeline.simulator import SimulatorConfig, SimulatorServer

    config = replace(SimulatorConfig(end_date=END, sites=1, days=30), enforce_limits=False,
                     auth_per_site_day=SESSIONS_PER_DAY)  # fmt: skip
    with SimulatorServer(config) as sim, tempfile.TemporaryDirectory() as tmp:
        site = str(next(iter(sim.world.sites)))
        common = {"base_url": sim.base_url, "api_key": sim.api_key}
        measure("inc_auth", **common, data_dir=f"{tmp}/warm", sites=[site], days=DAYS)  # the world's sessions
        inc = measure("inc_auth", **common, data_dir=f"{tmp}/inc", sites=[site], days=DAYS)
        one_day = measure("inc_auth", **common, data_dir=f"{tmp}/inc1", sites=[site], days=DAYS[-1:])
        # The same with every personal field landed as a keyed hash (INC_PII_POLICY=pseudonymise).
        hashed = {"sites": [site], "pii_policy": "pseudonymise"}
        inc_hashed = measure("inc_auth", **common, data_dir=f"{tmp}/inch", days=DAYS, **hashed)
        one_day_hashed = measure("inc_auth", **common, data_dir=f"{tmp}/inch1", days=DAYS[-1:], **hashed)
        begin, end = day_start_ms(DAYS[0]), day_start_ms(DAYS[-1] + timedelta(days=1)) - 1
        dlt = measure("dlt_auth", **common, data_dir=f"{tmp}/dlt", site=int(site), begin_ms=begin, end_ms=end)
    pages = inc.result["pages"]
    # What each further page costs, without the fixed cost of a run (imports, planning, the staging build):
    # the difference between the 7-day run and a 1-day run, per page of difference.
    marginal = (inc.cpu_s - one_day.cpu_s) / max(pages - one_day.result["pages"], 1)
    fixed = one_day.cpu_s - marginal * one_day.result["pages"]
    hashed_marginal = (inc_hashed.cpu_s - one_day_hashed.cpu_s) / max(pages - one_day_hashed.result["pages"], 1)
    tenth = inc.cpu_s <= 0.1 * dlt.cpu_s and inc.peak_mib <= 0.1 * dlt.peak_mib
    lines = [
        "## Extraction throughput vs dlt",
        "",
        "`.venv/bin/python -m bench throughput`: one site, one 7-day window of auth history "
        f"(`auth_per_site_day={SESSIONS_PER_DAY}`, limits off, client pacing off), each tool in its own process "
        "against the same simulator (warmed first). inc-pipeline: client (large answers read by pyarrow into "
        "columns) -> normalise -> validate (pandera) -> personal data protected by the default policy (`drop`: "
        "client MACs as keyed hashes, the other personal fields not landed) -> Parquet -> the warehouse's staging "
        "model (a view over the lake, its tests run, published "
        "atomically) -> every row counted through DuckDB; dlt 1.31 `rest_api` (page number in the JSON body, "
        "`data.auth_list`) -> duckdb table.",
        "",
        "| | records | wall s | CPU s | peak MiB |",
        "|---|---|---|---|---|",
        f"| inc-pipeline | {inc.result['records']:,} | {inc.wall_s:.1f} | {inc.cpu_s:.1f} | {inc.peak_mib:.0f} |",
        f"| dlt | {dlt.result['records']:,} | {dlt.wall_s:.1f} | {dlt.cpu_s:.1f} | {dlt.peak_mib:.0f} |",
        f"| inc / dlt | | {inc.wall_s / dlt.wall_s:.2f} | {inc.cpu_s / dlt.cpu_s:.2f} | "
        f"{inc.peak_mib / dlt.peak_mib:.2f} |",
        "",
        f"inc-pipeline: {pages} pages, {inc.cpu_s / max(pages, 1):.3f} s CPU per page all in; "
        f"{marginal:.3f} s per further page plus {fixed:.1f} s fixed per run (from a 1-day run of "
        f"{one_day.result['pages']} pages: {one_day.cpu_s:.1f} s CPU, {one_day.peak_mib:.0f} MiB). "
        f"Targets: inc/dlt <= 0.10 for CPU and peak memory: **{'met' if tenth else 'missed'}**; "
        f"< 0.1 s CPU per 5,000-record page: **{'met' if marginal < 0.1 else 'missed'}**.",
        "",
        f"With `INC_PII_POLICY=pseudonymise` (every personal field landed as a keyed hash): {inc_hashed.cpu_s:.1f} s "
        f"CPU and {inc_hashed.peak_mib:.0f} MiB for the 7 days, {hashed_marginal:.3f} s per further page.",
    ]
    return record("throughput", lines)
