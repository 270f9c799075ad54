"""One endpoint's extraction as an asset sees it: its metadata and checks, the plan-fetch-land of its requests,
and its result as Dagster records it. `request_groups` builds the assets from these, the only extraction path."""

import threading
from datetime import UTC, date, datetime, timedelta
from functools import cache

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetMaterialization,
    MaterializeResult,
    MetadataValue,
    RetryPolicy,
    TableColumn,
    TableSchema,
)

from inc_pipeline import clock
from inc_pipeline.accounts import SINGLE, Account
from inc_pipeline.catalog import ENDPOINTS, ENDPOINTS_BY_ID, Endpoint, Scope
from inc_pipeline.client import QuotaExhaustedError
from inc_pipeline.extract.budget import CoverageLedger, rotated, rotates
from inc_pipeline.extract.failed_units import FailedUnitsLedger, plan_with_failures
from inc_pipeline.extract.plan import Targets, plan_requests
from inc_pipeline.extract.ranges import land_ranges
from inc_pipeline.extract.run import LandingOptions, LandingReport, land_requests
from inc_pipeline.extract.targets import load_targets, require_sites
from inc_pipeline.extract.units import request_days, target_text
from inc_pipeline.landing.lake import Lake
from inc_pipeline.landing.privacy import client_identifiers, personal_columns
from inc_pipeline.landing.schemas import arrow_schema

from .partitions import TIMEZONE
from .resources import IncApiResource, PipelineSettings

QUARANTINE_FAIL_SHARE = 0.05  # more than 5% of rows quarantined fails the check: the API or our schema changed
# Transient failures only (see failures.py): an API down for a minute gets two more attempts, 30 s apart.
RETRY_POLICY = RetryPolicy(max_retries=2, delay=30)

UPSTREAM_BY_SCOPE = {
    Scope.SITE: "user_shops",
    Scope.SITE_BATCH: "user_shops",
    Scope.DEVICE: "shop_devices",
    Scope.DEVICE_BATCH: "shop_devices",
    Scope.AP: "device_ap_info",
    Scope.SSID: "device_ssid_info",
}


@cache
def dependency_chain() -> frozenset[str]:
    """The endpoints on the longest chain of discovery (user_shops -> shop_devices -> device_ssid_info ->
    ssid_client_macs, and the access-point branch as long): each waits for the one before to land, so a delay
    to any of them delays a whole parallel run; every other endpoint has until the chain ends."""
    paths = [discovery_path(endpoint.id) for endpoint in ENDPOINTS]
    longest = max(map(len, paths))
    return frozenset(step for path in paths if len(path) == longest for step in path)


def discovery_path(endpoint_id: str) -> tuple[str, ...]:
    """The endpoints that must land, in order, before `endpoint_id` can be asked, ending with it: the sites
    before their devices, the devices before their SSIDs or access points."""
    upstream = UPSTREAM_BY_SCOPE.get(ENDPOINTS_BY_ID[endpoint_id].scope)
    return (*discovery_path(upstream), endpoint_id) if upstream else (endpoint_id,)


def endpoint_key(endpoint_id: str, account: Account = SINGLE) -> AssetKey:
    """An endpoint's asset key: its id, after the account's name when there are several accounts."""
    return AssetKey([*account.key_prefix, endpoint_id])


def _check_specs(endpoint: Endpoint, account: Account = SINGLE) -> list[AssetCheckSpec]:
    key = endpoint_key(endpoint.id, account)
    return [
        AssetCheckSpec("quarantined_rows", asset=key, description="Rows that failed validation (fails above 5%)"),
        AssetCheckSpec("schema_drift", asset=key, description="Fields the API sent that the schema does not know"),
        AssetCheckSpec(
            "failed_units", asset=key,
            description="Requests (a site, a device, a window) that failed on their own; the rest landed",
        ),
    ]  # fmt: skip


def _metadata(endpoint: Endpoint) -> dict:
    return {
        "path": f"{endpoint.method} {endpoint.path}",
        "rate_limit": endpoint.rate.stated,
        "pagination": endpoint.pagination.value,
        "scope": endpoint.scope.value,
        "natural_key": ", ".join(endpoint.natural_key),
        "assumptions": MetadataValue.md("\n".join(f"- {note}" for note in endpoint.notes) or "none"),
        "dagster/column_schema": column_schema(endpoint),
    }


def column_schema(endpoint: Endpoint) -> TableSchema:
    """The landed table's columns and Parquet types, from the landing schema; personal fields say how they land."""
    clients, personal = set(client_identifiers(endpoint)), set(personal_columns(endpoint))

    def described(name: str) -> str | None:
        if name in clients:
            return "personal: a client's keyed hash (pseudonym) under either INC_PII_POLICY"
        if name in personal:
            return "personal: not landed under INC_PII_POLICY=drop (the default), a keyed hash under pseudonymise"
        return None

    return TableSchema(columns=[TableColumn(f.name, str(f.type), description=described(f.name))
                                for f in arrow_schema(endpoint)])  # fmt: skip


def _days(context: AssetExecutionContext) -> list[date]:
    window = context.partition_time_window
    day, days = window.start.date(), []
    while day < window.end.date():
        days.append(day)
        day += timedelta(days=1)
    return days


def _quarantine_check(key: AssetKey, rows_landed: int, rows_quarantined: int) -> AssetCheckResult:
    """Fails when more than QUARANTINE_FAIL_SHARE of the rows went to quarantine."""
    share = rows_quarantined / max(rows_landed + rows_quarantined, 1)
    return AssetCheckResult(
        asset_key=key,
        check_name="quarantined_rows",
        passed=share <= QUARANTINE_FAIL_SHARE,
        severity=AssetCheckSeverity.ERROR,
        metadata={"rows_quarantined": rows_quarantined, "share": round(share, 4)},
    )


def _failed_units_check(key: AssetKey, report: LandingReport) -> AssetCheckResult:
    """Warns when some requests failed on their own (everything else landed): `inc-pipeline status` lists them."""
    failures = report.units_failed
    lines = [f"- {target_text(f.request.endpoint, f.request.context, f.request.params)}: {f.message}"
             for f in failures[:20]]  # fmt: skip
    return AssetCheckResult(
        asset_key=key,
        check_name="failed_units",
        passed=not failures,
        severity=AssetCheckSeverity.WARN,
        metadata={"units_failed": len(failures), "units_landed": len(report.units_landed),
                  "failures": MetadataValue.md("\n".join(lines) or "none")},  # fmt: skip
    )


def _results(
    endpoint: Endpoint, key: AssetKey, report: LandingReport, client, deferred: QuotaExhaustedError | None
) -> MaterializeResult:
    stats = client.stats[endpoint.id]
    drift = sorted(report.unknown_fields)
    checks = [
        _quarantine_check(key, report.rows_landed, report.rows_quarantined),
        AssetCheckResult(
            asset_key=key,
            check_name="schema_drift",
            passed=not drift and not report.missing_fields,
            severity=AssetCheckSeverity.WARN,
            metadata={"unknown_fields": ", ".join(drift), "missing_fields": ", ".join(sorted(report.missing_fields))},
        ),
        _failed_units_check(key, report),
    ]
    windows = [w for w in report.windows if w]
    metadata = {
        "rows_landed": report.rows_landed,
        "rows_quarantined": report.rows_quarantined,
        "duplicates_dropped": report.duplicates_dropped,
        "api_calls": stats.calls,
        "pages": report.pages,
        "retries": stats.retries,
        "throttled": stats.throttled,
        "requests": report.requests,
        "partitions": len(report.rows),
        "units_failed": len(report.units_failed),
        "rows_carried": report.rows_carried,
    }
    if windows:
        metadata["window"] = f"{_iso(min(w[0] for w in windows))} .. {_iso(max(w[1] for w in windows))}"
    if endpoint.quota_per_day:
        metadata["quota_left"] = client.quota_left(endpoint)
    if deferred:
        metadata["deferred"] = str(deferred)
        metadata["deferred_until"] = deferred.until.isoformat()  # the deferred-quota sensor retries after it
    if report.preview is not None:
        metadata["preview"] = MetadataValue.md(report.preview.astype(str).to_markdown(index=False))
    return MaterializeResult(asset_key=key, metadata=metadata, check_results=checks)


def _resumed(endpoint: Endpoint, key: AssetKey, lake: Lake, days: list[date], run_id: str) -> MaterializeResult:
    """What an earlier attempt landed for `days`, described again without asking the API (see resume.py)."""
    rows, rows_quarantined = 0, 0
    for day in days:
        quarantined = lake.read_quarantine(endpoint.id, day)
        rows_quarantined += int(quarantined["source_row"].nunique()) if len(quarantined) else 0
        rows += lake.row_count(endpoint.id, day) or 0
    checks = [
        _quarantine_check(key, rows, rows_quarantined),
        AssetCheckResult(  # the drift was reported by the attempt that fetched the answer
            asset_key=key, check_name="schema_drift", passed=True, severity=AssetCheckSeverity.WARN,
            metadata={"resumed_from": run_id},
        ),
        _failed_units_check(key, LandingReport(endpoint.id)),
    ]
    metadata = {"rows_landed": rows, "rows_quarantined": rows_quarantined, "api_calls": 0, "requests": 0,
                "partitions": len(days), "resumed_from": run_id}  # fmt: skip
    return MaterializeResult(asset_key=key, metadata=metadata, check_results=checks)


ROW_COUNT = "dagster/row_count"
# The run's figures, not one partition's: in a partition's materialization they carry `run_` in front.
RUN_TOTALS = ("rows_landed", "rows_quarantined", "duplicates_dropped", "api_calls", "pages", "retries", "throttled",
              "requests", "partitions", "units_failed", "rows_carried")  # fmt: skip


def per_partition(key: AssetKey, result: MaterializeResult, lake: Lake, endpoint_id: str, days: list[date]):
    """A run over a range of days, reported day by day. The asset's result (which Dagster records on every partition
    of the range, and which downstream steps wait for) carries the run's figures, named as such; then each landed
    partition gets its own row count (as its Parquet file holds it), the latest word on that partition."""
    run_wide = {f"run_{k}" if k in RUN_TOTALS else k: v for k, v in (result.metadata or {}).items()}
    yield MaterializeResult(asset_key=key, metadata=run_wide, check_results=result.check_results)
    for day in days:
        rows = lake.row_count(endpoint_id, day)
        if rows is not None:  # a day with no partition did not land (its unit failed before it ever had one)
            yield AssetMaterialization(asset_key=key, partition=day.isoformat(), metadata={ROW_COUNT: rows, **run_wide})


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="seconds")


def extract_endpoint(
    endpoint: Endpoint,
    days: list[date],
    inc_api: IncApiResource,
    settings: PipelineSettings,
    log,
    run_id: str = "",
    now: datetime | None = None,
    stop: threading.Event | None = None,
    key: AssetKey | None = None,
) -> MaterializeResult:
    """Plan, fetch and land one endpoint for `days` (window endpoints) or `now` (snapshots: the run's start),
    reported as the asset `key` (default: the single account's)."""
    lake = settings.lake()
    user = inc_api.account_user() if endpoint.needs_user else ""
    targets = Targets(user=user)
    if endpoint.scope is not Scope.ACCOUNT:
        targets = load_targets(lake, user=user, site_allow_list=settings.site_allow_list)
        if endpoint.scope in (Scope.SITE, Scope.SITE_BATCH):
            require_sites(targets)
    # One reading of the clock per run: a snapshot's window and the partition it lands in name the run's day,
    # even when the run straddles midnight.
    now = now or clock.now()
    ledger, coverage = FailedUnitsLedger(settings.state_dir), CoverageLedger(settings.state_dir)
    options = LandingOptions(
        pii_key=settings.pii_key_bytes(), pii_policy=settings.checked_pii_policy(), archive=settings.archive_raw
    )
    with inc_api.client(settings.state_dir) as client:
        if rotates(endpoint):  # a quota smaller than the devices: today's share, oldest coverage first
            # With nothing left, one device is still planned: the client refuses it before sending, and the
            # endpoint is deferred until the quota resets (the sensor retries it), as any spent quota is.
            targets = rotated(endpoint, targets, coverage, max(client.quota_left(endpoint), 1))
        planned = plan_requests(endpoint, targets, days=days, now=now, tz=TIMEZONE)
        retries, requests = plan_with_failures(endpoint, planned, ledger, now)
        # A snapshot with no rows still replaces today's partition: "nothing online" is an answer too.
        landed_days = days or [now.date()]
        if endpoint.is_windowed:  # a failed unit of an earlier window lands in its own days
            landed_days = sorted({*landed_days, *(day for r in retries for day in request_days(r))})
        report = land_requests(client, endpoint, requests, lake, options, partition_dates=landed_days, stop=stop)
        ledger.record(endpoint, report.units_landed, report.units_failed, run_id=run_id)
        if rotates(endpoint):
            coverage.record(endpoint.id, report.units_landed, now.date())
        for failure in report.units_failed:
            target = target_text(endpoint, failure.request.context, failure.request.params)
            log.warning(f"{endpoint.id}: {target} failed "
                        f"(code {failure.code}): {failure.message}; the other requests landed")  # fmt: skip
        if report.deferred:
            # The daily quota is spent: what landed before it is kept (partitions are replaced by unit); the run
            # succeeds and says when the next attempt can go, so a backfill defers instead of failing.
            log.warning(str(report.deferred))
        ranges = None
        if endpoint.ranges and not report.deferred and not report.stopped:
            ranges = land_ranges(client, endpoint, targets, days, settings.stat_range_kinds(), lake, options, ledger,
                                 now=now, run_id=run_id, stop=stop)  # fmt: skip
            for failure in ranges.units_failed if ranges else ():
                log.warning(f"{endpoint.id}: range {failure.request.context.get('range_kind')} of "
                            f"{failure.request.context.get('site_id')} failed (code {failure.code}): "
                            f"{failure.message}; the other ranges landed")  # fmt: skip
        result = _results(endpoint, key or endpoint_key(endpoint.id), report, client, report.deferred)
        return _with_ranges(result, ranges)


def _with_ranges(result: MaterializeResult, ranges: LandingReport | None) -> MaterializeResult:
    """The asset's result, saying what its ranges (`<id>_by_range`) asked and landed when it has any."""
    if ranges is None:
        return result
    metadata = {**result.metadata, "range_requests": ranges.requests, "range_rows_landed": ranges.rows_landed,
                "range_units_failed": len(ranges.units_failed)}  # fmt: skip
    return MaterializeResult(asset_key=result.asset_key, metadata=metadata, check_results=result.check_results)


