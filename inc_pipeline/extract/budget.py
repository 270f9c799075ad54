"""The call budget: what each day's run can ask within the API's limits, and which devices it asks.

An account of 1,400 sites and 6,000 devices does not fit `/device/historyclients`' 100 calls a day: the planner
rotates through the devices that answer it, oldest coverage first (never covered, then the longest ago), so every
device is covered once per cycle of ceil(devices / calls a day) days. Coverage is kept per account and endpoint in
the state directory (`state/coverage/<account>/<endpoint>.json`: device -> the last day its answer landed).

The same arithmetic gives `inc-pipeline plan` its table: calls a day per endpoint, the wall-time floor at the
stated (or default) rate, coverage and whether the day fits the daily wall budget.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from filelock import FileLock

from inc_pipeline.catalog import Endpoint, Scope, StatRange
from inc_pipeline.client._state import read_json, safe_name, write_json
from inc_pipeline.days import day_range

from .plan import Request, Target, Targets, plan_range_requests, plan_requests

DEFAULT_WALL_HOURS = 6.0  # a night's window between the day's end and analysts' morning
SNAPSHOT_RUNS = 4  # the snapshot schedule's ticks a day (every 6 hours)
MAX_DAYS_PER_RUN = 366  # a backfill run's longest range: a year, however cheap its days


def rotates(endpoint: Endpoint) -> bool:
    """Whether the endpoint asks devices one at a time under a daily quota: it must rotate through them."""
    return bool(endpoint.quota_per_day) and endpoint.scope is Scope.DEVICE


class CoverageLedger:
    """When each device's answer last landed, per endpoint, for one account."""

    def __init__(self, state_dir: Path, account: str = "default") -> None:
        self.directory = Path(state_dir) / "coverage" / safe_name(account)

    def last_covered(self, endpoint_id: str) -> dict[str, str]:
        """Device serial -> ISO day its answer last landed."""
        return read_json(self._path(endpoint_id), {})

    def record(self, endpoint_id: str, requests: Iterable[Request], day: date) -> None:
        """The devices of these landed requests were covered on `day`."""
        serials = [r.context["dev_sn"] for r in requests if r.context.get("dev_sn")]
        if not serials:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        with FileLock(str(self._path(endpoint_id)) + ".lock"):
            covered = self.last_covered(endpoint_id)
            covered.update(dict.fromkeys(serials, day.isoformat()))
            write_json(self._path(endpoint_id), covered)

    def _path(self, endpoint_id: str) -> Path:
        return self.directory / f"{safe_name(endpoint_id)}.json"


def due_devices(endpoint: Endpoint, devices: Sequence[Target], covered: dict[str, str], calls: int) -> list[Target]:
    """The `calls` devices to ask today among those whose type answers: never covered first, then the longest
    ago (ties by serial, so the order is stable from day to day)."""
    answering = [d for d in devices if endpoint.answers(d.dev_type)]
    answering.sort(key=lambda d: (covered.get(d.dev_sn, ""), d.dev_sn))
    return answering[: max(calls, 0)]


def rotated(endpoint: Endpoint, targets: Targets, ledger: CoverageLedger, calls: int) -> Targets:
    """`targets` with only today's devices for a rotating endpoint (unchanged for any other)."""
    if not rotates(endpoint):
        return targets
    return replace(targets, devices=tuple(due_devices(endpoint, targets.devices, ledger.last_covered(endpoint.id),
                                                        calls)))  # fmt: skip


@dataclass(frozen=True)
class EndpointDay:
    """What one endpoint costs a day for an inventory, and whether it fits."""

    endpoint: Endpoint
    calls_needed: int  # first pages, to ask every target once
    calls: int  # what the day can spend: the quota when it is smaller
    seconds: float  # wall-time floor of `calls` at the stated or default rate
    targets: int  # devices (or sites) that answer it
    per_day: int  # targets covered a day
    wall_budget_s: float
    range_calls: int = 0  # of `calls`, those of its ranges (INC_STAT_RANGES): they take the same path's turns

    @property
    def cycle_days(self) -> int:
        """Days to cover every target once."""
        return math.ceil(self.targets / self.per_day) if self.per_day else 0

    @property
    def fits(self) -> bool:
        return self.seconds <= self.wall_budget_s


def day_plan(endpoints: Iterable[Endpoint], targets: Targets, day: date, *, default_rate: float,
             wall_hours: float = DEFAULT_WALL_HOURS,
             stat_ranges: Sequence[StatRange] = ()) -> list[EndpointDay]:  # fmt: skip
    """Per endpoint, a daily run's calls, wall-time floor and coverage for this inventory; an endpoint's ranges
    among `stat_ranges` are counted with it, since they are asked on its path, one turn at a time."""
    rows = []
    for endpoint in endpoints:
        ranges = len(plan_range_requests(endpoint, targets, days=[day], kinds=stat_ranges))
        needed = len(plan_requests(endpoint, targets, days=[day])) + ranges
        calls = min(needed, endpoint.quota_per_day) if endpoint.quota_per_day else needed
        rate = endpoint.rate.per_second or default_rate
        count = answering_targets(endpoint, targets)
        per_day = calls if endpoint.scope is Scope.DEVICE else count
        rows.append(EndpointDay(endpoint, needed, calls, calls / rate, count, per_day, wall_hours * 3600, ranges))
    return rows


def answering_targets(endpoint: Endpoint, targets: Targets) -> int:
    """Devices whose type answers a device endpoint; sites for any other."""
    if endpoint.scope is Scope.DEVICE:
        return sum(1 for d in targets.devices if endpoint.answers(d.dev_type))
    return len(targets.sites)


def snapshot_runs_per_day(endpoint: Endpoint, targets: Targets, ticks: int = SNAPSHOT_RUNS) -> int:
    """How many of the day's snapshot runs ask `endpoint`: every one, unless its daily quota cannot ask every
    target in each; then as many as it can (at least one, which rotates through the devices). A run past the
    quota would only be deferred, and would take the next day's first calls from the rotation."""
    if not endpoint.quota_per_day:
        return ticks
    return max(1, min(ticks, endpoint.quota_per_day // max(answering_targets(endpoint, targets), 1)))


def asked_at_tick(runs_per_day: int, tick: int, ticks: int = SNAPSHOT_RUNS) -> bool:
    """Whether the day's `tick` (0 .. ticks-1) is one of the `runs_per_day` runs, spread over the day from its
    first tick (the one right after midnight, when a rotating endpoint's quota is whole)."""
    return tick in {i * ticks // runs_per_day for i in range(runs_per_day)}


def backfill_days_per_run(endpoints: Iterable[Endpoint], targets: Targets, last_day: date, *, default_rate: float,
                          wall_hours: float = DEFAULT_WALL_HOURS) -> int:  # fmt: skip
    """How many days of history one run can extract within the daily wall budget, endpoints side by side at their
    rates: each endpoint's time as a fixed part (snapshots, reports' whole periods) plus a part per day, read
    from two and four weeks of its requests (whole weeks, so 168-hour windows count as they fall)."""
    budget, per_day, fixed = wall_hours * 3600, [], []
    two, four = day_range(last_day - timedelta(days=13), last_day), day_range(last_day - timedelta(days=27), last_day)
    for endpoint in endpoints:
        rate = endpoint.rate.per_second or default_rate
        short, long = (len(plan_requests(endpoint, targets, days=days)) / rate for days in (two, four))
        slope = max(long - short, 0.0) / 14
        per_day.append(slope)
        fixed.append(max(short - 14 * slope, 0.0))
    fits = [math.floor((budget - f) / s) for f, s in zip(fixed, per_day, strict=True) if s > 0]
    return max(min([*fits, MAX_DAYS_PER_RUN]), 1)
