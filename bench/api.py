"""API efficiency: a 30-day backfill of 20 simulated sites (limits on) through `inc-pipeline run --parallel`.

Requests per path (the simulator's own counts) against the fewest the API allows, derived here from the catalog's
facts and the simulated world's record counts, not from the pipeline's planner, so the two can disagree;
throttled answers; quota deferrals; and wall time against the floor the stated rate limits impose.
"""

from __future__ import annotations

import math
import os
import tempfile
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from .common import measure, record

SITES, DAYS = 20, 30
MAX_PAGE = 5000  # the manual's page_size range (1..5000, auth history); it states no other maximum
DAY_MS = 86_400_000
HISTORY_DAYS = 7  # /device/historyclients covers the last 7 days (the simulator's reading)
# Typed by the manual as one Object with one updateTime, never called a trend: a window may answer one aggregate,
# so per-day figures need a call per day (see WHY).
ONE_OBJECT_PER_WINDOW = ("device_interface_flow",)
# The chain a run cannot shorten (sites before devices, devices before their SSIDs, SSIDs before client MACs)
# is the discovery path of ssid_client_macs: `chain()` asks the pipeline for it.
CHAIN_END = "ssid_client_macs"

# What the figures come from, found by reading the run's event log (true of the pipeline, not of one run).
WHY = (
    "Where the gaps come from:",
    "- requests: per-day aggregates need a call per site and day (distinct clients do not add up over days); "
    "the trends ask one call per site and the reports one call for up to 100 sites, per run of days. "
    "device_interface_flow asks one call per device and day: the manual types its answer as one Object with one "
    "updateTime and never calls it a trend, so a longer window may answer one aggregate (the minimum above "
    "counts it per day too; if it is a series, 580 calls could go).",
    "- throttled: a request to a path with a stated limit holds the path's turn (a file lock) from before its "
    "send until its answer is in, and the next starts an interval after that answer, so no two arrivals can be "
    "closer than the limit, however the endpoints' threads and the two group processes are scheduled.",
    "- wall: the assets cannot finish before their dependency chain: device_ssid_info lands every device's SSIDs "
    "before ssid_client_macs asks their client MACs, each path at 1/second (the per-path floor assumes a "
    "device's MACs asked as soon as its SSIDs are in, across that asset boundary). The endpoints run in request "
    "groups (`defs/request_groups.py`): the site and device lists in one step, then the snapshots and the windows "
    "in a process each, every endpoint on its own thread, started as soon as the endpoint it takes its targets "
    "from has landed, so only one step boundary stands on the chain. The step processes fork from a server with "
    "the pipeline imported (Dagster's forkserver start method). Around the extraction come Dagster's planning of "
    "the run and the warehouse build after the last endpoint; neither is paced by the API. Endpoints whose limit "
    "the manual does not state are paced at `INC_DEFAULT_RATE_PER_SECOND` (10 starts a second by default, a "
    "guess), which keeps the 600 calls of each per-day aggregate under the chain. `inc-pipeline run` without "
    "`--parallel` runs the groups one after another.",
)


@dataclass(frozen=True)
class PathFigures:
    """One API path: requests made (simulator) and the minimum, its limits, throttled and quota-refused answers."""

    path: str
    endpoints: tuple[str, ...]
    made: int
    minimum: int
    per_second: float | None
    per_day: int | None
    throttled: int
    refused: int

    def floor_s(self, requests: int) -> float:
        """Seconds `requests` take at the path's stated per-second limit (starts 1/rate apart)."""
        return (requests - 1) / self.per_second if self.per_second and requests > 1 else 0.0


def backfill(base_url: str, api_key: str, user: str, data_dir: str, start: str, end: str) -> dict:
    """Measured child: `inc-pipeline run --start --end --parallel` in this process, as a user would run it."""
    os.environ.pop("DAGSTER_HOME", None)
    os.environ.update({"INC_API_BASE_URL": base_url, "INC_API_KEY": api_key, "INC_API_USER": user,
                       "INC_PII_KEY": "bench-pii-key", "INC_DATA_DIR": data_dir, "INC_SITES": ""})  # fmt: skip
    from inc_pipeline.cli import main

    code = main(["run", "--start", start, "--end", end, "--parallel"])
    return {"code": code, **run_timeline(data_dir)}


def run_timeline(data_dir: str) -> dict:
    """From the run's own event log: when it started, when the last endpoint and the warehouse finished, and
    which endpoints deferred for quota."""
    from pathlib import Path

    from dagster import DagsterEventType, DagsterInstance

    instance = DagsterInstance.from_config(str(Path(data_dir) / "dagster_home"))
    run = instance.get_runs(limit=1)[0]
    events = instance.all_logs(run.run_id)
    t0 = events[0].timestamp
    ends, deferred = {}, []
    for event in events:
        if event.dagster_event and event.dagster_event.event_type == DagsterEventType.STEP_SUCCESS:
            ends[event.step_key] = event.timestamp - t0
        if event.dagster_event and event.dagster_event.event_type == DagsterEventType.ASSET_MATERIALIZATION:
            if "deferred" in event.dagster_event.event_specific_data.materialization.metadata:
                deferred.append(event.step_key)
        if event.dagster_event and event.dagster_event.event_type == DagsterEventType.RUN_START:
            started = event.timestamp - t0
    last_endpoint = max(t for step, t in ends.items() if step != "warehouse_build")
    return {"run_start_s": started, "endpoints_done_s": last_endpoint, "run_done_s": max(ends.values()),
            "deferred": sorted(set(deferred))}  # fmt: skip


def minimum_requests(endpoint, world, days: list[date]) -> int:
    """The fewest requests that return what the pipeline lands for `endpoint`, from the catalog and the world.

    Windows: only auth history has a stated limit (168 h); elsewhere one window may cover the whole range.
    Pages: at most MAX_PAGE records. Batching: site/serial arrays in one call; reports take several sites and
    answer a plain list of per-site records (manual); other /stamonitor calls add their sites up, so per-site
    figures need one call per site, and per-day figures of an aggregate (distinct clients) one call per day."""
    from inc_pipeline.catalog import Pagination, Scope, Shape

    sites = list(world.sites.values())
    scope, windowed = endpoint.scope, endpoint.is_windowed
    if endpoint.id == "auth_history":
        return auth_minimum(world, days, endpoint.window.max_hours // 24)
    if scope is Scope.ACCOUNT:
        return 1
    if scope in (Scope.SITE_BATCH, Scope.DEVICE_BATCH):
        return math.ceil(len(sites) / endpoint.batch_size)
    if endpoint.pagination is Pagination.CURSOR:
        return 1
    if scope is Scope.AP:
        return sum(len(site.aps) for site in sites)
    if scope is Scope.SSID:
        return sum(len(site.ssids) for site in sites)
    if endpoint.pagination is Pagination.SKIP_LIMIT:
        return sum(max(1, math.ceil(device_records(endpoint.id, world, site) / MAX_PAGE)) for site in sites)
    if windowed and (endpoint.shape is not Shape.SERIES or endpoint.id in ONE_OBJECT_PER_WINDOW):
        return len(sites) * len(days)
    return len(sites)  # SITE or DEVICE: one call per site/device (a series covers the whole range)


def auth_minimum(world, days: list[date], max_days: int) -> int:
    """Fewest requests over any tiling of the days into whole-day windows of at most `max_days`, all sites in
    each call, each window paged at MAX_PAGE (dynamic programming over the day boundaries)."""
    from inc_pipeline.simulator.world import day_index

    per_day = [sum(len(world.day(site, day_index(d))) for site in world.sites) for d in days]
    best = [0] + [math.inf] * len(days)
    for end in range(1, len(days) + 1):
        for length in range(1, min(max_days, end) + 1):
            records = sum(per_day[end - length : end])
            best[end] = min(best[end], best[end - length] + max(1, math.ceil(records / MAX_PAGE)))
    return int(best[-1])


def device_records(endpoint_id: str, world, site) -> int:
    """Records a device's client list holds now: sessions of the last 7 days that ended, or active ones."""
    now = world.config.now_ms()
    if endpoint_id == "history_clients":
        d = world.window(site.id, now - HISTORY_DAYS * DAY_MS, now)
        return int((d.start + d.duration * 1000 <= now).sum())
    d = world.window(site.id, now - 2 * DAY_MS, now)
    return int((d.start + d.duration * 1000 > now).sum())


def path_figures(world, days: list[date], stats: dict) -> list[PathFigures]:
    """Per API path (two catalog entries share /device/apgps, two /stamonitor/getCurrentWeekClientTimes)."""
    from inc_pipeline.catalog import ENDPOINTS

    by_path = defaultdict(list)
    for endpoint in ENDPOINTS:
        by_path[endpoint.path].append(endpoint)
    rows = []
    for path, endpoints in by_path.items():
        rate = endpoints[0].rate
        rows.append(PathFigures(
            path, tuple(e.id for e in endpoints), stats["requests"].get(path, 0),
            sum(minimum_requests(e, world, days) for e in endpoints), rate.per_second, rate.per_day,
            stats["throttled"].get(path, 0), stats["quota_refusals"].get(path, 0),
        ))  # fmt: skip
    return rows


def run() -> str:
    from inc_pipeline.simulator import SimulatorConfig, SimulatorServer

    today = datetime.now(UTC).date()  # the run extracts complete days up to yesterday (real clock)
    days = [today - timedelta(days=DAYS - i) for i in range(DAYS)]
    config = replace(SimulatorConfig(sites=SITES, days=DAYS + 1, end_date=today), enforce_limits=True)
    load_before = os.getloadavg()[0]  # other work on the machine stretches the wall; say how much there was
    with SimulatorServer(config) as sim, tempfile.TemporaryDirectory() as tmp:
        measured = measure("bench.api:backfill", base_url=sim.base_url, api_key=sim.api_key, user=config.user,
                           data_dir=tmp, start=days[0].isoformat(), end=days[-1].isoformat())  # fmt: skip
        rows = path_figures(sim.world, days, sim.stats())
    return record("api", report(rows, measured, days, (load_before, os.getloadavg()[0])))


def report(rows: list[PathFigures], measured, days: list[date], load: tuple[float, float]) -> list[str]:
    """The section: a table per path, then totals, wall against the floors, and whether the targets are met."""
    from inc_pipeline.catalog import ENDPOINTS_BY_ID
    from inc_pipeline.client import DEFAULT_RATE_PER_SECOND as default_rate  # the pace where the manual states none
    from inc_pipeline.defs.extraction import discovery_path

    made, minimum = sum(r.made for r in rows), sum(r.minimum for r in rows)
    throttled = sum(r.throttled for r in rows)
    floor = max(r.floor_s(r.minimum) for r in rows)
    floor_made = max(r.floor_s(r.made) for r in rows)
    bottleneck = max(rows, key=lambda r: r.floor_s(r.minimum))
    chain_rows = {e: r for r in rows for e in r.endpoints}
    chain_path = discovery_path(CHAIN_END)
    chain = sum(chain_rows[e].floor_s(minimum_share(chain_rows[e], e)) for e in chain_path)
    paced = max((r.made - 1) / default_rate for r in rows if not r.per_second and not r.per_day)
    result, wall = measured.result, measured.wall_s
    extraction = result["endpoints_done_s"] - result["run_start_s"]  # the part of the run the API's limits pace
    lines = [
        "## API efficiency",
        "",
        f"`.venv/bin/python -m bench api`: `inc-pipeline run --parallel` over {days[0]}..{days[-1]} ({len(days)} "
        f"days) against the simulator with {SITES} sites, rate limits and quotas on, default settings "
        f"(`INC_DEFAULT_RATE_PER_SECOND={default_rate:g}` for endpoints whose limit the manual does not state). "
        "Requests, throttled and quota-refused answers are the simulator's counts per path; the minimum is derived in "
        "`bench/api.py` from the catalog (windows: 168 h for auth history, none stated elsewhere; pages: 5,000; "
        "batching: site and serial arrays, reports for several sites in one call) and the world's record counts.",
        "",
        "| path | endpoints | limit | requests | minimum | ratio | throttled | quota refused |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in sorted(rows, key=lambda r: (-r.made, r.path)):
        limit = ENDPOINTS_BY_ID[r.endpoints[0]].rate.stated
        ratio = f"{r.made / r.minimum:.1f}" if r.minimum else "-"
        lines.append(f"| `{r.path}` | {', '.join(r.endpoints)} | {limit} | {r.made:,} | {r.minimum:,} | {ratio} | "
                     f"{r.throttled} | {r.refused} |")  # fmt: skip
    deferred = ", ".join(result["deferred"]) or "none"
    lines += [
        f"| **total** | | | **{made:,}** | **{minimum:,}** | **{made / minimum:.2f}** | **{throttled}** | "
        f"**{sum(r.refused for r in rows)}** |",
        "",
        f"Quota-deferred endpoints (100/day): {deferred}. Exit code {result['code']}.",
        "",
        "| | seconds |",
        "|---|---|",
        f"| wall, whole run (Dagster planning, extraction, warehouse build) | {wall:.0f} |",
        f"| run start (after planning) | {result['run_start_s']:.0f} |",
        f"| last endpoint done | {result['endpoints_done_s']:.0f} |",
        f"| extraction: run start to last endpoint done | {extraction:.0f} |",
        f"| warehouse built | {result['run_done_s']:.0f} |",
        f"| floor: stated limits, minimum requests, endpoints in parallel ({bottleneck.path}) | {floor:.0f} |",
        f"| floor: stated limits, the requests made | {floor_made:.0f} |",
        f"| floor: dependency chain {' -> '.join(chain_path)} at the minimum | {chain:.0f} |",
        f"| floor: the client's {default_rate:g}/s pace on unstated endpoints, the requests made | {paced:.0f} |",
        "",
        f"Targets: requests = minimum: **{'met' if made == minimum else 'missed'}** ({made / minimum:.2f}x); "
        f"0 throttled: **{'met' if throttled == 0 else 'missed'}** ({throttled}); wall within 10 % of the floor: "
        f"the extraction took **{extraction / chain:.2f}x** the dependency-chain floor "
        f"(**{'met' if extraction <= 1.1 * chain else 'missed'}**) and {extraction / floor:.2f}x the per-path "
        f"floor, which ignores that chain ({'met' if extraction <= 1.1 * floor else 'missed'}); the whole run, with "
        f"Dagster's start and the warehouse build that no API limit paces, {wall / chain:.2f}x the chain floor "
        f"({'met' if wall <= 1.1 * chain else 'missed'}). CPU {measured.cpu_s:.0f} s "
        f"of the launching process only (the step processes fork from Dagster's forkserver, whose usage wait4 "
        f"does not see; the simulator runs in the benchmark's process). Load average "
        f"{load[0]:.1f} before, {load[1]:.1f} after (1 minute; 2 CPUs).",
        "",
        *WHY,
    ]
    return lines


def minimum_share(row: PathFigures, endpoint_id: str) -> int:
    """An endpoint's part of its path's minimum (every chain endpoint has a path of its own)."""
    return row.minimum if row.endpoints == (endpoint_id,) else 0
