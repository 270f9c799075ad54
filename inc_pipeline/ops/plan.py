"""`inc-pipeline plan`: what a backfill costs before it spends quota, from the same planner the assets use."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from inc_pipeline.accounts import SINGLE, Account, chosen_accounts
from inc_pipeline.catalog import ENDPOINTS, Endpoint, Pagination, Scope
from inc_pipeline.days import day_range, newest_first_chunks, runs_text
from inc_pipeline.defs.resources import (
    default_rate_from_env,
    lake_from_env,
    stat_range_kinds_from_env,
    wall_hours_from_env,
)
from inc_pipeline.extract.budget import (
    SNAPSHOT_RUNS,
    backfill_days_per_run,
    day_plan,
    rotates,
    snapshot_runs_per_day,
)
from inc_pipeline.extract.plan import Target, Targets, plan_range_requests, plan_requests
from inc_pipeline.extract.targets import load_targets

from .instance import data_dir
from .run import check_range


@dataclass(frozen=True)
class EndpointPlan:
    """Requests and time one endpoint needs for a range."""

    endpoint: Endpoint
    requests: int
    seconds: float  # at the stated (or default) rate, pages beyond the first not counted
    quota_days: int  # days the 100/day quota stretches it over (1 when there is no quota)
    range_requests: int = 0  # of `requests`, its ranges' (INC_STAT_RANGES), asked on the same path


def estimate(start: date, end: date, targets: Targets) -> list[EndpointPlan]:
    """Per endpoint: requests (first pages, its ranges' included), time at its rate, and days of quota."""
    days = day_range(start, end)
    default_rate, kinds, plans = default_rate_from_env(), stat_range_kinds_from_env(), []
    for endpoint in ENDPOINTS:
        ranges = len(plan_range_requests(endpoint, targets, days=days, kinds=kinds))
        count = len(plan_requests(endpoint, targets, days=days)) + ranges
        rate = endpoint.rate.per_second or default_rate
        quota = endpoint.rate.per_day
        plans.append(EndpointPlan(endpoint, count, count / rate, math.ceil(count / quota) if quota else 1, ranges))
    return plans


def targets_for(sites: int | None, devices: int | None = None, account: Account = SINGLE) -> Targets:
    """Targets from the lake's snapshots (`account`'s), or a made-up account: `sites` sites, each with a
    controller, and the rest of `devices` (default: one a site) switches and cloud APs in turn, as real accounts
    mix them."""
    if sites is None:
        targets = load_targets(lake_from_env(account.data_dir(data_dir()), account), user="plan")
        if targets.sites:
            return targets
        sites = 1
    ids = [str(1000 + i) for i in range(sites)]
    made = [Target(s, f"dev-{s}", dev_type="AC") for s in ids]
    for n in range(max((devices or sites) - sites, 0)):
        made.append(Target(ids[n % sites], f"dev-{ids[n % sites]}-{n}", dev_type=("SWITCH", "CLOUDAP")[n % 2]))
    return Targets(sites=tuple(ids), devices=tuple(made), user="plan")


def print_plan(start: date, end: date, *, sites: int | None = None, devices: int | None = None,
               account: str | None = None) -> int:  # fmt: skip
    """Print the backfill's cost and a day's budget (each account's, or `account`'s, when there are several: each
    key has its own limits and quotas); the time assumes endpoints run in parallel, each at its own limit (their
    pools), and the quotas as the ledger sees them."""
    check_range(start, end)
    for n, each in enumerate(chosen_accounts(account)):
        if each.name:
            print(f"{chr(10) if n else ''}== account {each.name} ==")
        _print_account_plan(start, end, targets_for(sites, devices, each))
    return 0


def _print_account_plan(start: date, end: date, targets: Targets) -> None:
    plans = estimate(start, end, targets)
    print(f"plan for {start}..{end}: {len(targets.sites)} sites, {len(targets.devices)} devices")
    print(f"{'endpoint':40} {'rate limit':>12} {'requests':>9} {'seconds':>9} {'quota days':>10}")
    for p in plans:
        paged = "+" if p.endpoint.pagination is not Pagination.NONE else " "
        quota_days = "rotates" if rotates(p.endpoint) else p.quota_days
        print(f"{p.endpoint.id:40} {p.endpoint.rate.stated:>12} {p.requests:>8}{paged} {p.seconds:>9.1f}"
              f" {quota_days:>10}")  # fmt: skip
    total = sum(p.requests for p in plans)
    floor = max(p.seconds for p in plans)
    others = [p.quota_days for p in plans if not rotates(p.endpoint)]
    print(f"total {total} requests (+ = more if answers span several pages); "
          f"at least {floor:.0f} s with endpoints in parallel, {sum(p.seconds for p in plans):.0f} s one by one; "
          f"quotas stretch it over {max(others)} day(s)")  # fmt: skip
    ranged = [p for p in plans if p.range_requests]
    kinds = ", ".join(kind.value for kind in stat_range_kinds_from_env()) or "none"
    if ranged:
        print(f"ranges ({kinds}; INC_STAT_RANGES): {sum(p.range_requests for p in ranged)} of the requests, "
              + ", ".join(f"{p.endpoint.id} {p.range_requests}" for p in ranged))  # fmt: skip
    else:
        print(f"ranges: none asked (INC_STAT_RANGES={kinds})")
    print_fill_order(targets, start, end)
    print_day_budget(targets, end)


def print_fill_order(targets: Targets, start: date, end: date) -> None:
    """How `inc-pipeline backfill` cuts the range: runs of days within the daily wall budget, newest first."""
    hours = wall_hours_from_env()
    windowed = [e for e in ENDPOINTS if e.is_windowed]
    size = backfill_days_per_run(windowed, targets, end, default_rate=default_rate_from_env(), wall_hours=hours)
    chunks = newest_first_chunks(day_range(start, end), size)
    shown = runs_text(chunks[:3]) + (f", ... {runs_text(chunks[-1:])}" if len(chunks) > 3 else "")
    print(f"backfill: {len(chunks)} run(s) of up to {size} days within {hours:g} h each (INC_DAILY_WALL_HOURS), "
          f"newest first: {shown} (inc-pipeline backfill runs them)")  # fmt: skip


def print_day_budget(targets: Targets, day: date) -> None:
    """A daily run's calls, wall floor and coverage per endpoint, against the daily wall budget."""
    hours = wall_hours_from_env()
    kinds = stat_range_kinds_from_env()
    rows = day_plan(ENDPOINTS, targets, day, default_rate=default_rate_from_env(), wall_hours=hours,
                    stat_ranges=kinds)  # fmt: skip
    print(f"\na day's run (budget {hours:g} h of wall time a day, INC_DAILY_WALL_HOURS):")
    print(f"{'endpoint':40} {'calls/day':>9} {'needed':>7} {'floor s':>8} {'covered/day':>11} {'cycle days':>10} fits")
    for row in rows:
        cycle = row.cycle_days if row.endpoint.scope is Scope.DEVICE else 1
        print(f"{row.endpoint.id:40} {row.calls:>9} {row.calls_needed:>7} {row.seconds:>8.0f} {row.per_day:>11} "
              f"{cycle:>10} {'yes' if row.fits else 'NO'}")  # fmt: skip
    for row in rows:
        if rotates(row.endpoint) and row.cycle_days > 1:
            print(f"{row.endpoint.id}: {row.per_day} of {row.targets} devices a day, oldest coverage first: "
                  f"each device every {row.cycle_days} days")  # fmt: skip
        if rotates(row.endpoint):
            runs = snapshot_runs_per_day(row.endpoint, targets)
            print(f"{row.endpoint.id}: asked in {runs} of the {SNAPSHOT_RUNS} snapshot runs a day (snapshot_schedule)")
    ranged = [row for row in rows if row.range_calls]
    if ranged:
        print(f"ranges ({', '.join(kind.value for kind in kinds)}; INC_STAT_RANGES): "
              + ", ".join(f"{row.endpoint.id} {row.range_calls} of {row.calls}" for row in ranged)
              + " calls/day; set INC_STAT_RANGES to fewer (or none) if they do not fit")  # fmt: skip
    late = [row.endpoint.id for row in rows if not row.fits]
    if late:
        print(f"over the daily budget: {', '.join(late)} (their wall floor exceeds {hours:g} h)")
