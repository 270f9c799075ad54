"""`inc-pipeline status`: what has landed, what fails, what is deferred, quota used today, the warehouse version.

Everything is read from the data directory (lake, quarantine, quota ledger, warehouse) and from the Dagster
instance under it: no API call, no run.
"""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import sqlalchemy.exc

from inc_pipeline import clock
from inc_pipeline.accounts import SINGLE, Account, accounts_from_env, chosen_accounts
from inc_pipeline.catalog import ENDPOINTS, TABLES, Endpoint
from inc_pipeline.client import QuotaLedger
from inc_pipeline.clock import ApiClock
from inc_pipeline.days import runs_text
from inc_pipeline.defs.extraction import endpoint_key
from inc_pipeline.defs.resources import lake_from_env, quota_timezone_from_env, time_scale_from_env
from inc_pipeline.errors import UserError
from inc_pipeline.extract.failed_units import FailedUnitsLedger
from inc_pipeline.landing.lake import Lake

from .instance import dagster_home, dagster_instance, data_dir
from .instance_storage import StorageUnreachable

SIMULATOR_PREFIX = "simulator+"


def describe_source(label: str) -> str:
    """How a build's source label reads: simulated data says so."""
    if label.startswith(SIMULATOR_PREFIX):
        return f"simulator at {label.removeprefix(SIMULATOR_PREFIX)} (simulated data, not an INC Cloud account)"
    return label


def warehouse_info(root: Path) -> dict | None:
    """The latest meta.build_info row of the published warehouse (read-only), or None before the first build."""
    path = root / "warehouse.duckdb"
    if not path.exists():
        return None
    with duckdb.connect(str(path), read_only=True) as con:
        row = con.execute(
            "select version, built_at, source_label, models from meta.build_info order by version desc limit 1"
        ).fetchone()
    return dict(zip(("version", "built_at", "source_label", "models"), row, strict=True)) if row else None


def warehouse_line(root: Path) -> tuple[str, dict | None]:
    """The warehouse line of the status, and the build info it read (None: not built, or unreadable)."""
    path = root / "warehouse.duckdb"
    try:
        info = warehouse_info(root)
    except duckdb.Error as exc:
        reason = str(exc).splitlines()[0].replace(f' "{path}"', "")
        day = clock.yesterday()  # any complete day: an unreadable one is rebuilt whole
        return (f"warehouse: unreadable ({reason}): rebuild it from the lake with "
                f"inc-pipeline run --start {day} --end {day} --select warehouse"), None  # fmt: skip
    if not info:
        return "warehouse: not built yet (inc-pipeline run --start ... --end ..., or inc-pipeline demo)", None
    return (f"warehouse: version {info['version']}, built {info['built_at']:%Y-%m-%d %H:%M:%S %Z}, "
            f"{info['models']} models ({path})"), info  # fmt: skip


def gaps(days: list[date]) -> list[tuple[date, date]]:
    """Missing runs of days between the first and the last landed day, as (first, last) pairs."""
    missing, landed = [], set(days)
    day = min(days) if days else None
    while day is not None and day < max(days):
        if day not in landed:
            if missing and missing[-1][1] == day - timedelta(days=1):
                missing[-1] = (missing[-1][0], day)
            else:
                missing.append((day, day))
        day += timedelta(days=1)
    return missing


def landed_lines(lake: Lake) -> list[str]:
    """One line per table: first..last landed day, count, and gaps (window tables) or 'snapshot'."""
    lines, never = [], []
    for endpoint in TABLES:
        days = lake.partitions(endpoint.id)
        if not days:
            never.append(endpoint.id)
            continue
        # A range table lands on the days its ranges end (a run's newest day, month ends): between them is no gap.
        windowed = endpoint.is_windowed and not endpoint.range_of
        hole_text = runs_text(gaps(days) if windowed else []) or "none"
        kind = f"gaps: {hole_text}" if windowed else "range ends" if endpoint.range_of else "snapshots"
        lines.append(f"  {endpoint.id:38} {days[0]}..{days[-1]} {len(days):>4} days  {kind}")
    if never:
        lines.append(f"  never landed: {', '.join(never)}")
    return lines


def unreadable_lines(lake: Lake) -> list[str]:
    """Landed partitions whose Parquet no longer opens (each would fail the next build that reads it)."""
    return [f"  unreadable: {error}" for endpoint in TABLES for error in lake.unreadable(endpoint.id)]


def quarantine_lines(lake: Lake) -> list[str]:
    """Tables with quarantined rows: partitions, lines, latest day."""
    lines = []
    for endpoint in TABLES:
        parts = sorted((lake.quarantine_dir / endpoint.id).glob("date=*/part-0.parquet"))
        if parts:
            count = sum(pq.ParquetFile(p).metadata.num_rows for p in parts)
            latest = parts[-1].parent.name.removeprefix("date=")
            lines.append(f"  quarantine {endpoint.id}: {count} lines in {len(parts)} partitions (latest {latest})")
    return lines


def failing_check_lines(instance, account: Account = SINGLE) -> list[str]:
    """Checks (of `account`'s assets) whose latest evaluation in the Dagster instance failed."""
    from inc_pipeline.definitions import defs

    prefix = account.key_prefix
    keys = [k for k in defs.resolve_asset_graph().asset_check_keys if k.asset_key.path[: len(prefix)] == prefix]
    records = instance.event_log_storage.get_latest_asset_check_execution_by_key(keys)
    lines = []
    for key, record in sorted(records.items(), key=lambda item: item[0].to_user_string()):
        if record.status.value == "FAILED":
            evaluation = record.evaluation
            severity = evaluation.severity.value if evaluation else "ERROR"
            lines.append(f"  check {key.to_user_string()} failed ({severity.lower()}, run {record.run_id[:8]})")
    return lines


def deferred_lines(instance, account: Account = SINGLE) -> list[str]:
    """Endpoints whose latest materialization was deferred because the daily quota ran out."""
    lines = []
    for endpoint in ENDPOINTS:
        event = instance.get_latest_materialization_event(endpoint_key(endpoint.id, account))
        metadata = event.asset_materialization.metadata if event and event.asset_materialization else {}
        if "deferred" in metadata:
            until = metadata["deferred_until"].value if "deferred_until" in metadata else "the quota resets"
            lines.append(f"  {endpoint.id}: deferred (quota spent); retry after {until}")
    return lines


def quota_lines(root: Path) -> list[str]:
    """Calls reserved today on each quota endpoint, from the client's ledger (shared by every run)."""
    quota: list[Endpoint] = [e for e in ENDPOINTS if e.rate.per_day]
    try:
        ledger = QuotaLedger(root / "state", timezone=quota_timezone_from_env(),
                             api_clock=ApiClock(time_scale_from_env()))  # fmt: skip
        used = ", ".join(f"{e.id} {ledger.used(e.id)}/{e.rate.per_day}" for e in quota)
    except OSError as exc:  # the ledger is read under a file lock, which needs write access
        return [f"quota today: unknown ({exc.strerror}: {exc.filename}): reading the ledger needs write access"]
    return [f"quota today ({ledger.day()}, resets {ledger.resets_at().isoformat()}): {used}"]


def failed_unit_lines(root: Path) -> list[str]:
    """Requests that failed on their own and are still in the ledger: retried first by the next run, or given up."""
    try:
        units = FailedUnitsLedger(root / "state").units()
    except OSError as exc:
        return [f"  unknown ({exc.strerror}: {exc.filename})"]
    lines = []
    for unit in units:
        state = "given up (not retried)" if unit.given_up else "retried first by the next run"
        window = f" {unit.window}" if unit.window else ""
        lines.append(f"  {unit.endpoint_id} {unit.target}{window}: code {unit.code}: {unit.message} "
                     f"({unit.attempts} run{'s' if unit.attempts != 1 else ''}, last {unit.last_seen}; {state})")
    return lines


def print_status(account: str | None = None) -> int:
    """Print the status of the data directory (of each account's, or `account`'s, when there are several); 0
    always (a status is not a verdict), unless there is none."""
    top = data_dir()
    if not top.is_dir():  # a mistyped INC_DATA_DIR would otherwise be created, and reported as never landed
        raise UserError(f"INC_DATA_DIR {top} does not exist: check INC_DATA_DIR, or run `inc-pipeline run` (or "
                        "`inc-pipeline demo`, whose data is in data/demo) first")  # fmt: skip
    accounts = chosen_accounts(account)
    if accounts == [SINGLE]:
        return _print_account(top, SINGLE)
    print(f"data dir: {top}")
    print(f"accounts: {', '.join(a.name for a in accounts_from_env())}")
    print(warehouse_line(top)[0].replace("warehouse:", "warehouse of every account:", 1))
    for each in accounts:
        print(f"\n== account {each.name} ==")
        _print_account(each.data_dir(top), each)
    return 0


def _print_account(root: Path, account: Account) -> int:
    lake = lake_from_env(root, account)
    warehouse, info = warehouse_line(root)
    print(f"data dir: {root}")
    if info:
        print(f"source: {describe_source(info['source_label'])}")
    print(warehouse)
    print("landed partitions:")
    print("\n".join(landed_lines(lake)))
    try:
        instance = dagster_instance()
        checks, deferred = failing_check_lines(instance, account), deferred_lines(instance, account)
    except (sqlite3.OperationalError, sqlalchemy.exc.OperationalError) as exc:
        # e.g. a read-only copy of the data dir: Dagster's sqlite storage opens for writing; report the rest
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        print(f"dagster instance: cannot be opened ({reason}): failing checks and deferred endpoints need write "
              f"access to {dagster_home()}")  # fmt: skip
        checks, deferred = ["  checks: unknown (see the dagster instance line)"], ["  unknown (see above)"]
    except StorageUnreachable as exc:  # the lake's part of the status still holds
        print(f"dagster instance: {exc}")
        checks, deferred = ["  checks: unknown (see the dagster instance line)"], ["  unknown (see above)"]
    failing = checks + unreadable_lines(lake) + quarantine_lines(lake)
    print("failing checks and quarantine:" if failing else "failing checks and quarantine: none")
    if failing:
        print("\n".join(failing))
    failed = failed_unit_lines(root)
    print("failed units:" if failed else "failed units: none")
    if failed:
        print("\n".join(failed))
    print("deferred:" if deferred else "deferred: none")
    if deferred:
        print("\n".join(deferred))
    print("\n".join(quota_lines(root)))
    return 0
