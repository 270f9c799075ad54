"""The failed-units ledger: requests that failed on their own, kept in the state directory until they land.

One file per account and endpoint (`state/failed_units/<account>/<endpoint_id>.json`), replaced atomically under
a file lock, so concurrent runs and processes share it. The next run asks a window endpoint's failed units
first, for their own window; a snapshot's failed targets go first in its plan. A unit that has failed in
`GIVE_UP_AFTER` runs is given up: reported by `status` and left out of plans, except once every `REST_DAYS`
(a device may be replaced or upgraded); a success clears it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from filelock import FileLock

from inc_pipeline import clock
from inc_pipeline.catalog import Endpoint
from inc_pipeline.catalog import endpoint as catalog_entry
from inc_pipeline.client._state import read_json, safe_name, write_json

from .plan import Request
from .units import target_text, unit_keys

GIVE_UP_AFTER = 3  # runs in which the same unit failed: a device that never answers is not asked forever
REST_DAYS = 7  # a given-up unit is asked again after this long, once


@dataclass(frozen=True)
class FailedUnit:
    """One ledger entry, as `status` and the run's summary show it."""

    endpoint_id: str
    target: str
    window: str
    code: object
    message: str
    attempts: int
    first_seen: str
    last_seen: str
    last_run: str
    given_up: bool


class FailedUnitsLedger:
    """Failed request units per endpoint, for one account."""

    def __init__(self, state_dir: Path, account: str = "default") -> None:
        self.directory = Path(state_dir) / "failed_units" / safe_name(account)

    def record(self, endpoint: Endpoint, landed, failed, *, run_id: str, now: datetime | None = None) -> None:
        """Clear the units that landed, add (or count again) those that failed, from one landing's report."""
        seen = (now or clock.now()).isoformat(timespec="seconds")
        if not failed and not self._path(endpoint.id).exists():
            return  # nothing failed, nothing to clear: no file for an endpoint that never failed
        with self._lock(endpoint.id):
            entries = self._read(endpoint.id)
            for request in landed:
                entries.pop(unit_id(request), None)
            for failure in failed:
                unit = unit_id(failure.request)
                before = entries.get(unit)
                attempts = before["attempts"] + (before["last_run"] != run_id) if before else 1
                entries[unit] = {
                    **_request_fields(failure.request), "code": failure.code, "message": failure.message,
                    "attempts": attempts, "first_seen": before["first_seen"] if before else seen,
                    "last_seen": seen, "last_run": run_id, "given_up": attempts >= GIVE_UP_AFTER,
                }  # fmt: skip
            write_json(self._path(endpoint.id), entries)

    def retries(self, endpoint: Endpoint) -> list[Request]:
        """The endpoint's failed units to ask again first (given-up ones excluded), as requests."""
        return [_request(endpoint, e) for e in self._read(endpoint.id).values() if not e["given_up"]]

    def resting(self, endpoint: Endpoint, now: datetime | None = None) -> set[str]:
        """Ids (`unit_id`) of given-up units last asked less than REST_DAYS ago: plans leave them out."""
        since = ((now or clock.now()) - timedelta(days=REST_DAYS)).isoformat(timespec="seconds")
        return {unit for unit, e in self._read(endpoint.id).items() if e["given_up"] and e["last_seen"] > since}

    def units(self, endpoint_id: str | None = None) -> list[FailedUnit]:
        """Every entry (of one endpoint, or all), oldest first."""
        ids = [endpoint_id] if endpoint_id else sorted(p.stem for p in self.directory.glob("*.json"))
        entries = [(i, e) for i in ids for e in self._read(i).values()]
        return sorted((_described(i, e) for i, e in entries), key=lambda u: (u.first_seen, u.endpoint_id, u.target))

    def _read(self, endpoint_id: str) -> dict:
        return read_json(self._path(endpoint_id), {})

    def _path(self, endpoint_id: str) -> Path:
        return self.directory / f"{safe_name(endpoint_id)}.json"

    def _lock(self, endpoint_id: str) -> FileLock:
        self.directory.mkdir(parents=True, exist_ok=True)
        return FileLock(str(self._path(endpoint_id)) + ".lock")


def plan_with_failures(endpoint: Endpoint, planned: list[Request], ledger: FailedUnitsLedger, now: datetime):
    """(retries, requests): the plan with the ledger's failed units first and the resting given-up ones left out.
    A window endpoint's failures are asked for their own windows, before the plan's requests that repeat them; a
    snapshot's come first as the plan's requests for the same targets (a snapshot is always now)."""
    retries, resting = ledger.retries(endpoint), ledger.resting(endpoint, now)
    if not retries and not resting:
        return retries, planned  # nothing failed lately (most endpoints, most runs): the plan as it is
    planned = [r for r in planned if unit_id(r) not in resting]
    if endpoint.is_windowed:
        asked = {unit_id(r) for r in retries}
        return retries, retries + [r for r in planned if unit_id(r) not in asked]
    failed = {key for r in retries for key in unit_keys(r)}
    first = [r for r in planned if unit_keys(r) & failed]
    return retries, first + [r for r in planned if not unit_keys(r) & failed]


def unit_id(request: Request) -> str:
    """Which unit a request is: its targets, and its window for a window endpoint (a snapshot's is always now)."""
    window = request.window if request.endpoint.is_windowed else None
    return json.dumps([sorted(unit_keys(request)), window, str(request.partition_date)
                       if request.endpoint.is_windowed else None])  # fmt: skip


def _request_fields(request: Request) -> dict:
    return {
        "params": request.params, "context": request.context,
        "window": list(request.window) if request.window else None,
        "partition_date": request.partition_date.isoformat() if request.partition_date else None,
    }  # fmt: skip


def _request(endpoint: Endpoint, entry: dict) -> Request:
    day = entry["partition_date"]
    window = tuple(entry["window"]) if entry["window"] else None
    return Request(endpoint, entry["params"], entry["context"], window, date.fromisoformat(day) if day else None)


def _described(endpoint_id: str, entry: dict) -> FailedUnit:
    target = target_text(catalog_entry(endpoint_id), entry["context"] or {}, entry["params"])
    window = ""
    if entry["window"]:
        start, end = (datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="minutes") for ms in entry["window"])
        window = f"{start}..{end}"
    return FailedUnit(endpoint_id, target, window, entry["code"], entry["message"], entry["attempts"],
                      entry["first_seen"], entry["last_seen"], entry["last_run"], entry["given_up"])  # fmt: skip
