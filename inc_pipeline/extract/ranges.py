"""Land a per-day aggregate's ranges (last 7 / last 30 days, calendar months) beside its daily rows.

The daily endpoint's asset asks them after its own days, on the same path (so the same pacing turn): one request
per site and range (`plan.plan_range_requests`), landed into the range table `<id>_by_range` by the same landing
as any endpoint, replaced by unit (site and range) in the partition of the range's last day.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import date, datetime

from inc_pipeline.catalog import Endpoint, StatRange
from inc_pipeline.catalog.ranges import range_table
from inc_pipeline.landing.lake import Lake

from .failed_units import FailedUnitsLedger, plan_with_failures
from .plan import Targets, plan_range_requests
from .run import LandingOptions, LandingReport, land_requests
from .units import request_days


def land_ranges(
    client,
    endpoint: Endpoint,
    targets: Targets,
    days: Sequence[date],
    kinds: Sequence[StatRange],
    lake: Lake,
    options: LandingOptions,
    ledger: FailedUnitsLedger,
    *,
    now: datetime,
    run_id: str = "",
    stop: threading.Event | None = None,
) -> LandingReport | None:
    """Ask and land `endpoint`'s ranges among `kinds` for a run of `days`; None when it has none to ask. A range
    that failed in an earlier run is asked again first, as any failed unit (the ledger keeps the range table's)."""
    planned = plan_range_requests(endpoint, targets, days=days, kinds=kinds)
    if not planned:
        return None
    table = range_table(endpoint)
    retries, requests = plan_with_failures(table, planned, ledger, now)
    landed_days = sorted({r.partition_date for r in planned} | {d for r in retries for d in request_days(r)})
    report = land_requests(client, table, requests, lake, options, partition_dates=landed_days, stop=stop)
    ledger.record(table, report.units_landed, report.units_failed, run_id=run_id)
    return report
