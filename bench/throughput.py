"""Extraction throughput vs dlt: 200,000 auth records (40 pages of 5,000, one 7-day window) into DuckDB."""

from __future__ import annotations

import statistics
import tempfile
from dataclasses import replace
from datetime import date, timedelta

from .common import measure, record

SESSIONS_PER_DAY = 22_000  # with the simulator's weekly pattern, ~200,000 records in the 7 days
END = date(2026, 11, 20)
REPEATS = 3
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
        # The per-page cost is a difference of two runs, so the machine's swings weigh twice in it: three pairs
        # of runs, alternated, and their median. The table shows the first 7-day run.
        runs, runs_hashed = [], []
        for attempt in range(REPEATS):
            runs.append(_pair(common, f"{tmp}/inc{attempt}", site, DAYS, None))
            runs_hashed.append(_pair(common, f"{tmp}/inch{attempt}", site, DAYS, "pseudonymise"))
        begin, end = day_start_ms(DAYS[0]), day_start_ms(DAYS[-1] + timedelta(days=1)) - 1
        dlt = measure("dlt_auth", **common, data_dir=f"{tmp}/dlt", site=int(site), begin_ms=begin, end_ms=end)
    inc, one_day = runs[0]
    inc_hashed = runs_hashed[0][0]
    pages = inc.result["pages"]
    # What each further page costs, without the fixed cost of a run (imports, planning, the staging build):
    # the difference between the 7-day run and a 1-day run, per page of difference.
    marginals = [_marginal(*pair) for pair in runs]
    marginal = statistics.median(marginals)
    fixed = one_day.cpu_s - marginal * one_day.result["pages"]
    hashed_marginals = [_marginal(*pair) for pair in runs_hashed]
    hashed_marginal = statistics.median(hashed_marginals)
    tenth = inc.cpu_s <= 0.1 * dlt.cpu_s and inc.peak_mib <= 0.1 * dlt.peak_mib
    lines = [
        "## Extraction throughput vs dlt",
        "",
        "`.venv/bin/python -m bench throughput`: one site, one 7-day window of auth history "
        f"(`auth_per_site_day={SESSIONS_PER_DAY}`, limits off, client pacing off), each tool in its own process "
        "against the same simulator (warmed first). inc-pipeline: client (large answers read by pyarrow into "
        "columns) -> normalise -> validate (pandera) -> personal data protected by the default policy (`drop`: "
        "client MACs as keyed hashes, the other personal fields neither normalised, validated nor landed) -> "
        "Parquet -> the warehouse's staging model (a view over the lake, its tests run, published atomically) "
        "-> every row counted through DuckDB; dlt 1.31 `rest_api` (page number in the JSON body, "
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
        f"{marginal:.3f} s per further page (median of {_listed(marginals)}) plus {fixed:.1f} s fixed per run "
        "(from a 1-day run of "
        f"{one_day.result['pages']} pages: {one_day.cpu_s:.1f} s CPU, {one_day.peak_mib:.0f} MiB). "
        f"Targets: inc/dlt <= 0.10 for CPU and peak memory: **{'met' if tenth else 'missed'}**; "
        f"< 0.1 s CPU per 5,000-record page: **{'met' if marginal < 0.1 else 'missed'}**.",
        "",
        f"With `INC_PII_POLICY=pseudonymise` (every personal field landed as a keyed hash): {inc_hashed.cpu_s:.1f} s "
        f"CPU and {inc_hashed.peak_mib:.0f} MiB for the 7 days, {hashed_marginal:.3f} s per further page "
        f"(median of {_listed(hashed_marginals)}).",
    ]
    return record("throughput", lines)


def _pair(common: dict, data_dir: str, site: str, days: list, pii_policy: str | None):
    """A 7-day run and a 1-day run of the same site, each in its own process."""
    policy = {"pii_policy": pii_policy} if pii_policy else {}
    week = measure("inc_auth", **common, data_dir=f"{data_dir}/week", sites=[site], days=days, **policy)
    day = measure("inc_auth", **common, data_dir=f"{data_dir}/day", sites=[site], days=days[-1:], **policy)
    return week, day


def _marginal(week, day) -> float:
    return (week.cpu_s - day.cpu_s) / max(week.result["pages"] - day.result["pages"], 1)


def _listed(values: list[float]) -> str:
    return ", ".join(f"{value:.3f}" for value in values)
