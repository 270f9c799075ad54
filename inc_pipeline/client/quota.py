"""Daily quota ledger shared by every run and process on the machine.

Two endpoints allow 100 calls a day (/user/shop, /device/historyclients). The quota belongs to the API key, not to
a run, so the count lives in `state_dir/quota/<endpoint_id>.json` ({"day": ..., "used": ...}), guarded by a file
lock. A slot is reserved *before* the request is sent (and never given back: a failed request may still have
reached the server and been counted), so concurrent runs can never exceed the quota between them.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from filelock import FileLock

from inc_pipeline import clock

from ._state import read_json, safe_name, write_json
from .errors import QuotaExhaustedError


class QuotaLedger:
    """Counts calls per endpoint and quota day (midnight to midnight in `timezone`, UTC unless told)."""

    def __init__(self, state_dir: Path, *, timezone: str = "UTC", now=None, api_clock: clock.ApiClock | None = None,
                 ) -> None:  # fmt: skip
        """`api_clock`: the API's (an accelerated simulator's days are shorter); `now` replaces its reading."""
        self.directory = Path(state_dir) / "quota"
        self.directory.mkdir(parents=True, exist_ok=True)
        self.timezone = str(ZoneInfo(timezone))  # an unknown zone fails here, when the ledger is made
        self._api = api_clock or clock.ApiClock()
        self._now = now or self._api.now

    def day(self) -> str:
        """The current quota day, as an ISO date in the ledger's time zone."""
        return clock.today(self.timezone, self._now()).isoformat()

    def resets_at(self) -> datetime:
        """When (on our clock) the current quota day ends and the quota is whole again."""
        return self._api.real(clock.next_midnight(self.timezone, self._now()))

    def used(self, endpoint_id: str) -> int:
        """Calls already reserved today for `endpoint_id`."""
        with self._lock(endpoint_id):
            return self._used_today(endpoint_id)

    def left(self, endpoint_id: str, per_day: int) -> int:
        """Calls still allowed today."""
        return max(0, per_day - self.used(endpoint_id))

    def reserve(self, endpoint_id: str, per_day: int) -> int:
        """Take one call from today's quota, or raise QuotaExhaustedError; returns the calls left after it."""
        with self._lock(endpoint_id):
            used = self._used_today(endpoint_id)
            if used >= per_day:
                raise QuotaExhaustedError(endpoint_id, self.resets_at())
            self._write(endpoint_id, used + 1)
        return per_day - used - 1

    def mark_spent(self, endpoint_id: str, per_day: int) -> None:
        """Record that the server says the quota is spent (code 1004), whatever our count was."""
        with self._lock(endpoint_id):
            self._write(endpoint_id, max(per_day, self._used_today(endpoint_id)))

    def _path(self, endpoint_id: str) -> Path:
        return self.directory / f"{safe_name(endpoint_id)}.json"

    def _lock(self, endpoint_id: str) -> FileLock:
        return FileLock(str(self._path(endpoint_id)) + ".lock")

    def _used_today(self, endpoint_id: str) -> int:
        state = read_json(self._path(endpoint_id), {})
        # A ledger from an earlier day means nothing has been spent today.
        return int(state.get("used", 0)) if state.get("day") == self.day() else 0

    def _write(self, endpoint_id: str, used: int) -> None:
        write_json(self._path(endpoint_id), {"day": self.day(), "used": used})
