"""`inc-pipeline replay`: re-land partitions from the raw-answer archive, without calling the API.

The archived answers go through the very path fresh ones take (`extract.run.land_pages`: normalise, validate,
protect, atomic Parquet), so a fix to a schema or a rule can be applied to past days without spending quota.
The archive exists when extraction ran with INC_ARCHIVE_RAW=true; personal-data endpoints are never archived.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, date, datetime, time

from dagster import AssetSelection

from inc_pipeline.accounts import account_named
from inc_pipeline.catalog import ENDPOINTS_BY_ID, Endpoint
from inc_pipeline.client import Page, records_of
from inc_pipeline.days import contiguous_runs, day_range, runs_text
from inc_pipeline.defs.resources import lake_from_env
from inc_pipeline.errors import UserError
from inc_pipeline.extract.plan import Request, Targets, plan_requests
from inc_pipeline.extract.run import LandingOptions, land_pages
from inc_pipeline.extract.targets import load_targets
from inc_pipeline.landing.archive import Archive
from inc_pipeline.landing.privacy import DEFAULT_POLICY

from .instance import data_dir
from .run import account_tags, materialize_selection


def replay_range(table: str, start: date, end: date, *, rebuild: bool = True, account: str | None = None) -> int:
    """Re-land `table` for start..end from the archive, then rebuild the marts; 0 on success. With several
    accounts, `account`'s archive into its lake."""
    endpoint = ENDPOINTS_BY_ID.get(table)
    if endpoint is None:
        raise UserError(f"no table {table!r}: use an endpoint id such as history_day_client_count")
    if end < start:
        raise UserError(f"--end {end} is before --start {start}: give the earlier day first")
    days = day_range(start, end)
    owner = account_named(account)
    root = owner.data_dir(data_dir())
    archive, lake = Archive(root), lake_from_env(root, owner)
    missing = [d for d in days if not any(archive.directory(table, d).glob("request-*.json.gz"))]
    if missing:  # refuse before landing anything: a replay is all or nothing
        why = " (personal data is never archived)" if endpoint.personal_fields else ""
        runs = runs_text(contiguous_runs(missing))
        raise UserError(f"no archived answers for {table} on {runs}{why}; re-land from the API: inc-pipeline run "
                        f"--start {min(missing)} --end {max(missing)} --select {table}")  # fmt: skip
    options = _options()
    targets = load_targets(lake, user=owner.value("INC_API_USER"))
    for day in days:
        # An answer to a ranged request is archived under every day it covers: keep this day's rows only.
        report = land_pages(endpoint, _archived_pages(endpoint, archive, targets, day), lake, options,
                            partition_dates=[day], only_partition_dates=True)  # fmt: skip
        counts = f"{report.rows_landed} rows landed, {report.rows_quarantined} quarantined"
        print(f"inc-pipeline replay: {table} {day}: {counts}, from {report.pages} archived pages", file=sys.stderr)
    if rebuild:
        materialize_selection(AssetSelection.groups(owner.prefixed("warehouse", "_")),
                              tags={"inc/launched_by": "replay", **account_tags(owner)})  # fmt: skip
        print("inc-pipeline replay: marts rebuilt", file=sys.stderr)
    return 0


def _options() -> LandingOptions:
    key = os.environ.get("INC_PII_KEY")
    if not key:
        raise UserError("INC_PII_KEY is not set: replay protects personal data with the same key as extraction")
    return LandingOptions(pii_key=key.encode(), pii_policy=os.environ.get("INC_PII_POLICY") or DEFAULT_POLICY)


def _archived_pages(endpoint: Endpoint, archive: Archive, targets: Targets, day: date):
    """(request, page) pairs of one archived partition; pages of one request share one Request."""
    planned = _planned(endpoint, targets, day)
    for params, answer in archive.iter_answers(endpoint.id, day):
        request = planned.get(_key(endpoint, params)) or planned.get(_key(endpoint, params, timing=False))
        if request is None:
            raise UserError(f"an archived {endpoint.id} request of {day} matches no known site or device "
                            f"({_key(endpoint, params, timing=False)}); re-land it from the API")  # fmt: skip
        yield request, Page(records_of(endpoint, answer), answer)


def _planned(endpoint: Endpoint, targets: Targets, day: date) -> dict[str, Request]:
    """The requests the planner would make for `day`, by their parameters (with and without the time window)."""
    if endpoint.is_windowed:
        requests = plan_requests(endpoint, targets, days=[day])
    else:
        requests = plan_requests(endpoint, targets, now=datetime.combine(day, time(12), UTC))
    planned = {}
    for request in requests:
        planned.setdefault(_key(endpoint, request.params, timing=False), request)
        planned[_key(endpoint, request.params)] = request
    return planned


def _key(endpoint: Endpoint, params: dict, *, timing: bool = True) -> str:
    """Parameters as canonical JSON (the archive stores JSON: tuples came back as lists); `timing=False` leaves
    out the window, which for a snapshot depends on the hour it was taken."""
    window = endpoint.window
    skipped = () if timing or window is None else (window.start_field, window.end_field)
    kept = {k: v for k, v in params.items() if k not in skipped}
    return json.dumps(json.loads(json.dumps(kept, default=str)), sort_keys=True)
