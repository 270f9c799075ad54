"""One day of the large account (1,500 sites, ~6,000 devices of four types, `--profile large`), its limits enforced
on an accelerated clock, and the plan for it.

The day: `inc-pipeline run --parallel` for yesterday against the simulator at `time_scale` SCALE (a 1/second path
takes a request every 1/SCALE real seconds, the 100/day quotas a simulated day), the pipeline given the same
`INC_API_TIME_SCALE`. Then `inc-pipeline plan` for that day from the account the run landed (its inventory), in its
own process. Figures: requests per path (the simulator's count) against the plan's first pages; throttled and
quota-refused answers; the run's wall in simulated seconds against the floor of the stated (or default) rates,
endpoints side by side; peak memory of each.
"""

from __future__ import annotations

import os
import tempfile
from collections import defaultdict
from datetime import timedelta

from .common import measure, record

SCALE = 10  # simulated seconds per real second: the rate floor (about an hour) in about six real minutes


def one_day(base_url: str, api_key: str, user: str, data_dir: str, day: str, scale: float) -> dict:
    """Measured child: `inc-pipeline run --start day --end day --parallel`, as a user would run it."""
    os.environ.pop("DAGSTER_HOME", None)
    os.environ.update({"INC_API_BASE_URL": base_url, "INC_API_KEY": api_key, "INC_API_USER": user,
                       "INC_PII_KEY": "bench-pii-key", "INC_DATA_DIR": data_dir, "INC_SITES": "",
                       "INC_API_TIME_SCALE": str(scale)})  # fmt: skip
    from inc_pipeline.cli import main

    return {"code": main(["run", "--start", day, "--end", day, "--parallel"])}


def plan_day(data_dir: str, day: str) -> dict:
    """Measured child: the day's plan for the landed account: per endpoint, its path, first pages and seconds."""
    os.environ["INC_DATA_DIR"] = data_dir
    from datetime import date

    from inc_pipeline.catalog import ENDPOINTS
    from inc_pipeline.defs.resources import default_rate_from_env
    from inc_pipeline.extract.budget import day_plan
    from inc_pipeline.ops.plan import targets_for

    targets = targets_for(None)
    rows = day_plan(ENDPOINTS, targets, date.fromisoformat(day), default_rate=default_rate_from_env())
    return {
        "sites": len(targets.sites), "devices": len(targets.devices),
        "endpoints": [{"id": r.endpoint.id, "path": r.endpoint.path, "calls": r.calls, "seconds": r.seconds,
                       "per_day": r.per_day, "targets": r.targets, "cycle_days": r.cycle_days} for r in rows],
    }  # fmt: skip


def run() -> str:
    from inc_pipeline import clock
    from inc_pipeline.simulator import SimulatorConfig, SimulatorServer

    day = (clock.today() - timedelta(days=1)).isoformat()
    with tempfile.TemporaryDirectory(prefix="bench-large-") as tmp, SimulatorServer(
        SimulatorConfig.profile("large", time_scale=SCALE)
    ) as sim:
        ran = measure("bench.large_day:one_day", base_url=sim.base_url, api_key=sim.api_key, user=sim.config.user,
                      data_dir=tmp, day=day, scale=SCALE)  # fmt: skip
        stats = sim.stats()
        planned = measure("bench.large_day:plan_day", data_dir=tmp, day=day)
    return _report(day, ran, planned, stats)


def _report(day, ran, planned, stats) -> str:
    by_path: dict[str, dict] = defaultdict(lambda: {"ids": [], "calls": 0, "seconds": 0.0})
    for row in planned.result["endpoints"]:
        entry = by_path[row["path"]]
        entry["ids"].append(row["id"])
        entry["calls"] += row["calls"]
        entry["seconds"] += row["seconds"]  # endpoints on one path share its pace
    made = stats["requests"]
    floor = max(entry["seconds"] for entry in by_path.values())
    total_made, total_planned = sum(made.values()), sum(e["calls"] for e in by_path.values())
    history = next(r for r in planned.result["endpoints"] if r["id"] == "history_clients")
    lines = [
        f"`.venv/bin/python -m bench large_day`: {planned.result['sites']} sites, {planned.result['devices']} "
        f"devices (`--profile large`), the day {day}, limits on at time scale {SCALE}; "
        f"`inc-pipeline run --parallel` then `inc-pipeline plan`, each in its own process.",
        "",
        "| | figure |",
        "|---|---|",
        f"| run exit code | {ran.result['code']} |",
        f"| requests made / the plan's first pages | {total_made:,} / {total_planned:,} "
        f"({total_made / total_planned:.2f}x; the rest are further pages, see below) |",
        f"| throttled answers | {sum(stats['throttled'].values())} |",
        f"| quota refusals | {sum(stats['quota_refusals'].values())} |",
        f"| client history | {made.get('/device/historyclients', 0)} devices of {history['targets']} "
        f"(quota 100/day; every device every {history['cycle_days']} days) |",
        f"| run wall, simulated | {ran.wall_s * SCALE:,.0f} s ({ran.wall_s:.0f} s real) against the rate floor "
        f"{floor:,.0f} s: {ran.wall_s * SCALE / floor:.2f}x |",
        f"| run CPU | {ran.cpu_s:.0f} s (the launching process and the children it reaped: the step processes "
        f"are the forkserver's, and only those it reaped are in it) |",
        f"| run peak memory | {ran.peak_mib:.0f} MiB (the largest of the launching process and the children it "
        f"reaped) |",
        f"| plan | {planned.wall_s:.1f} s wall, {planned.cpu_s:.1f} s CPU, {planned.peak_mib:.0f} MiB peak |",
        "",
        "The wall above the floor: a request to a path with a stated limit holds the path's turn until its answer "
        "is in and the next starts one interval (plus 2 %) after it, so each costs an interval plus an answer's "
        "latency; at time scale 10 an answer of 10 ms counts as 100 simulated ms, a tenth of the interval. Against "
        "the real API the same holds with the network's latency.",
        "",
        "| path | endpoints | planned (first pages) | made | floor s |",
        "|---|---|---|---|---|",
    ]
    for path, entry in sorted(by_path.items(), key=lambda item: -item[1]["seconds"]):
        lines.append(f"| `{path}` | {', '.join(entry['ids'])} | {entry['calls']:,} | {made.get(path, 0):,} | "
                     f"{entry['seconds']:,.0f} |")  # fmt: skip
    return record("large_day", lines)
