"""Every endpoint asset, built from the catalog in request groups: one Dagster step per group, a thread per endpoint.

Each catalog entry is its own asset (its key, domain group, checks and metadata), but the assets are computed by
a few multi-assets, one per group of requests the run can ask side by side:

- `extract_discovery`: the site list, then the device list, whose records are the targets of every other request
  (a step of their own, so both groups below start as soon as the device list has landed);
- `extract_snapshots`: every other unpartitioned endpoint (the state now), landed under the run's day;
- `extract_windows`: every daily-partitioned endpoint, one run over a range of days (single-run backfill policy), so a
  30-day backfill asks for 5 auth-history windows, not 30.

Inside a group each selected endpoint runs on its own thread (`extract/threads.py`) and starts as soon as the
endpoint its targets come from has landed (a device's SSIDs before their clients' MACs): the client's pacing
and quota ledger hold across threads as across processes. An endpoint that fails does not stop the others: they
land and are recorded, then the step fails naming the endpoints that failed, and a retry or a re-execution asks
only those again (what this run already landed is described again from the lake, not asked again).
"""


import threading
from collections.abc import Iterator

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    AssetSpec,
    BackfillPolicy,
    Definitions,
    Failure,
    MaterializeResult,
    RetryPolicy,
    multi_asset,
)

from inc_pipeline.accounts import SINGLE, Account
from inc_pipeline.catalog import ENDPOINTS, Endpoint, Scope
from inc_pipeline.extract.threads import UpstreamFailed, run_after_upstream
from inc_pipeline.landing.lake import Lake

from .extraction import (
    RETRY_POLICY,
    ROW_COUNT,
    UPSTREAM_BY_SCOPE,
    _check_specs,
    _days,
    _metadata,
    _resumed,
    endpoint_key,
    extract_endpoint,
    per_partition,
)
from .failures import fail_at_once, is_permanent
from .partitions import DAILY
from .resources import IncApiResource, PipelineSettings
from .resume import landed_by_unfinished_attempt, landed_earlier_in_this_run
from .run_clock import run_started_at

# The endpoints whose records are the targets of the others: their own step, before the other groups.
DISCOVERY = (UPSTREAM_BY_SCOPE[Scope.SITE], UPSTREAM_BY_SCOPE[Scope.DEVICE])


def request_groups() -> dict[str, tuple[Endpoint, ...]]:
    """The catalog cut into the groups the asset graph runs (see the module docstring), in catalog order."""
    rest = [e for e in ENDPOINTS if e.id not in DISCOVERY]
    return {
        "extract_discovery": tuple(e for e in ENDPOINTS if e.id in DISCOVERY),
        "extract_snapshots": tuple(e for e in rest if not e.is_windowed),
        "extract_windows": tuple(e for e in rest if e.is_windowed),
    }


def extraction_definitions(account: Account = SINGLE) -> Definitions:
    """Every endpoint asset of `account`, with its checks, in its request group."""
    return Definitions(
        assets=[group_asset(name, endpoints, account=account) for name, endpoints in request_groups().items()]
    )


def endpoint_asset(endpoint: Endpoint, retry_policy: RetryPolicy = RETRY_POLICY) -> AssetsDefinition:
    """One endpoint as a group of its own (tests that compose a few endpoints)."""
    return group_asset(endpoint.id, (endpoint,), retry_policy)


def _spec(endpoint: Endpoint, account: Account) -> AssetSpec:
    upstream = UPSTREAM_BY_SCOPE.get(endpoint.scope)
    return AssetSpec(
        endpoint_key(endpoint.id, account),
        group_name=account.prefixed(endpoint.domain, "_"),
        description=f"{endpoint.title} ({endpoint.method} {endpoint.path}).",
        metadata=_metadata(endpoint),
        deps=[endpoint_key(upstream, account)] if upstream else [],
        kinds={"parquet"},
    )


def group_asset(
    name: str, endpoints: tuple[Endpoint, ...], retry_policy: RetryPolicy = RETRY_POLICY, account: Account = SINGLE
) -> AssetsDefinition:
    """The multi-asset computing `endpoints` (all windowed or all snapshots), each on its own thread.

    `retry_policy` applies to transient failures only; permanent ones fail at once (`fail_at_once`). A group with
    a rate-limited or quota-limited endpoint has its own pool: two runs never ask its endpoints at once (another
    account's runs have their own: its key has its own limits). `account`'s asset keys start with its name, and
    the step asks the API and lands as that account (its key, its data directory)."""
    windowed = {endpoint.is_windowed for endpoint in endpoints}
    if len(windowed) != 1:
        raise ValueError(f"request group {name} mixes windowed and snapshot endpoints: they partition differently")
    windowed = windowed.pop()
    limited = any(endpoint.rate.per_second or endpoint.rate.per_day for endpoint in endpoints)

    @multi_asset(
        name=account.prefixed(name),
        specs=[_spec(endpoint, account) for endpoint in endpoints],
        check_specs=[check for endpoint in endpoints for check in _check_specs(endpoint, account)],
        partitions_def=DAILY if windowed else None,
        backfill_policy=BackfillPolicy.single_run() if windowed else None,
        can_subset=True,
        pool=f"inc_api/{account.prefixed(name, '/')}" if limited else None,
        retry_policy=retry_policy,
    )
    def _extract(context: AssetExecutionContext, inc_api: IncApiResource, settings: PipelineSettings):
        chosen = [e for e in endpoints if endpoint_key(e.id, account) in context.selected_asset_keys]
        with fail_at_once(context.run_id):
            settings.ensure_usable()
            yield from _run_group(context, chosen, inc_api.for_account(account), settings.for_account(account),
                                  account)  # fmt: skip

    return _extract


def _run_group(context: AssetExecutionContext, chosen: list[Endpoint], inc_api, settings, account: Account
               ) -> Iterator:  # fmt: skip
    """Each chosen endpoint on its own thread; results recorded as they come; the failures named at the end."""
    days = _days(context) if chosen and chosen[0].is_windowed else []
    now = run_started_at(context)
    lake, today = settings.lake(), now.date()
    landed_days = days or [today]  # a window endpoint's days, a snapshot's the run's
    stop, logs, tasks = threading.Event(), {}, {}
    keys = {endpoint.id: endpoint_key(endpoint.id, account) for endpoint in chosen}
    for endpoint in chosen:
        key = keys[endpoint.id]
        landed_by = landed_earlier_in_this_run(context, endpoint, key) or landed_by_unfinished_attempt(
            context, endpoint, key, lake, today
        )
        if landed_by:
            context.log.info(f"{endpoint.id}: landed by run {landed_by}, not asked again")
            resumed = _resumed(endpoint, key, lake, landed_days, landed_by)
            yield from _recorded(endpoint, key, resumed, lake, landed_days)
            continue
        logs[endpoint.id] = KeptLog()
        tasks[endpoint.id] = _task(endpoint, key, days, inc_api, settings, logs[endpoint.id], context.run_id, now,
                                   stop)  # fmt: skip
    failures = {}
    upstream = {endpoint.id: UPSTREAM_BY_SCOPE.get(endpoint.scope) for endpoint in chosen}
    by_id = {endpoint.id: endpoint for endpoint in chosen}
    for finished in run_after_upstream(tasks, upstream, stop):
        logs[finished.name].write_to(context.log)
        if finished.error is not None:
            failures[finished.name] = finished.error
            context.log.error(_failure_line(finished.name, finished.error))
            continue
        endpoint = by_id[finished.name]
        yield from _recorded(endpoint, keys[endpoint.id], finished.result, lake, landed_days)
    if failures:
        raise _group_failure(failures)


def _task(endpoint, key, days, inc_api, settings, log, run_id, now, stop):
    return lambda: extract_endpoint(endpoint, days, inc_api, settings, log, run_id, now, stop, key=key)


def _recorded(endpoint: Endpoint, key: AssetKey, result: MaterializeResult, lake: Lake, days: list) -> Iterator:
    """An endpoint's result as Dagster records it: a window endpoint's day by day, a snapshot's with the rows of
    its day (the run's)."""
    if endpoint.is_windowed:
        yield from per_partition(key, result, lake, endpoint.id, days)
        return
    rows = lake.row_count(endpoint.id, days[0])
    yield MaterializeResult(asset_key=key, metadata={**(result.metadata or {}), ROW_COUNT: rows or 0},
                            check_results=result.check_results)  # fmt: skip


class KeptLog:
    """A log whose lines wait for the step's own thread: an endpoint's thread does not write Dagster's events."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, str]] = []

    def info(self, message: str) -> None:
        self.lines.append(("info", message))

    def warning(self, message: str) -> None:
        self.lines.append(("warning", message))

    def write_to(self, log) -> None:
        for level, message in self.lines:
            (log.warning if level == "warning" else log.info)(message)
        self.lines.clear()


class EndpointsFailed(Exception):
    """Endpoints of a group failed on errors a later attempt may not repeat (the API down, a timeout)."""


def _failure_line(endpoint_id: str, error: BaseException) -> str:
    message = str(error).strip().splitlines()[-1] if str(error).strip() else type(error).__name__
    return message if message.startswith(f"{endpoint_id}:") else f"{endpoint_id}: {message}"


def _group_failure(failures: dict[str, BaseException]) -> Exception:
    """The step's failure, naming each endpoint that failed: retried when one of them may succeed on another
    attempt (only the failed ones are asked again), else failed at once."""
    message = "; ".join(_failure_line(name, error) for name, error in failures.items())
    causes = [error for error in failures.values() if not isinstance(error, UpstreamFailed)]  # they follow theirs
    if all(is_permanent(error) or isinstance(error, Failure) for error in causes):
        return Failure(message, allow_retries=False)
    return EndpointsFailed(message)
