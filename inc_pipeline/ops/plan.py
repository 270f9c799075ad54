"""`inc-pipeline plan`: what a backfill costs before it spends quota, from the same planner the assets use."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from inc_pipeline.catalog import ENDPOINTS, Endpoint, Pagination
from inc_pipeline.defs.resources import default_rate_from_env
from inc_pipeline.extract.plan import Target, Targets, plan_requests
from inc_pipeline.extract.targets import load_targets
from inc_pipeline.landing.lake import Lake

from .instance import data_dir
from .run import check_range


@dataclass(frozen=True)
class EndpointPlan:
    """Requests and time one endpoint needs for a range."""

    endpoint: Endpoint
    requests: int
    seconds: float  # at the stated (or default) rate, pages beyond the first not counted
    quota_days: int  # days the 100/day quota stretches it over (1 when there is no quota)


def estimate(start: date, end: date, targets: Targets) -> list[EndpointPlan]:
    """Per endpoint: requests (first pages), time at its rate, and days of quota."""
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    default_rate, plans = default_rate_from_env(), []
    for endpoint in ENDPOINTS:
        count = len(plan_requests(endpoint, targets, days=days))
        rate = endpoint.rate.per_second or default_rate
        quota = endpoint.rate.per_day
        plans.append(EndpointPlan(endpoint, count, count / rate, math.ceil(count / quota) if quota else 1))
    return plans


def targets_for(sites: int | None) -> Targets:
    """Targets from the lake's snapshots, or `sites` made-up sites with one device each."""
    if sites is None:
        targets = load_targets(Lake(data_dir()), user="plan")
        if targets.sites:
            return targets
        sites = 1
    ids = [str(1000 + i) for i in range(sites)]
    return Targets(sites=tuple(ids), devices=tuple(Target(s, f"dev-{s}") for s in ids), user="plan")


def print_plan(start: date, end: date, *, sites: int | None = None) -> int:
    """Print the plan as a table; the time assumes endpoints run in parallel, each at its own limit."""
    check_range(start, end)
    targets = targets_for(sites)
    plans = estimate(start, end, targets)
    print(f"plan for {start}..{end}: {len(targets.sites)} sites, {len(targets.devices)} devices")
    print(f"{'endpoint':40} {'rate limit':>12} {'requests':>9} {'seconds':>9} {'quota days':>10}")
    for p in plans:
        paged = "+" if p.endpoint.pagination is not Pagination.NONE else " "
        print(f"{p.endpoint.id:40} {p.endpoint.rate.stated:>12} {p.requests:>8}{paged} {p.seconds:>9.1f}"
              f" {p.quota_days:>10}")  # fmt: skip
    total = sum(p.requests for p in plans)
    floor = max(p.seconds for p in plans)
    print(f"total {total} requests (+ = more if answers span several pages); "
          f"at least {floor:.0f} s with endpoints in parallel, {sum(p.seconds for p in plans):.0f} s one by one; "
          f"quotas stretch it over {max(p.quota_days for p in plans)} day(s)")  # fmt: skip
    return 0
