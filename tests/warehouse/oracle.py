"""The simulator's own answers, fetched straight through the client: no planner, no landing, no SQL.

The acceptance test compares every mart with these. Windows are built here from calendar days (UTC), so a bug in
the pipeline's window planning or partition mapping shows up as a disagreement instead of being shared.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from inc_pipeline.catalog import ENDPOINTS_BY_ID
from inc_pipeline.client import IncClient, window_params


def ms(day: date) -> int:
    """Epoch milliseconds of a UTC midnight."""
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() * 1000)


def utc_hour(text: str) -> datetime:
    """An API "YYYY-MM-DD HH:MM:SS" time (UTC) as an aware datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


class Oracle:
    """Ask the API for one site, device or account, over whole UTC days `first..last` (inclusive)."""

    def __init__(self, client: IncClient, user: str):
        self.client = client
        self.user = user

    def site(self, endpoint_id: str, site_id: str, first: date, last: date | None = None) -> list[dict]:
        """Records of a site-scoped statistics endpoint for the days first..last."""
        entry = ENDPOINTS_BY_ID[endpoint_id]
        params = {entry.site_field: [site_id], "user": self.user}
        params.update(window_params(entry, ms(first), ms((last or first) + timedelta(days=1))))
        return list(self.client.records(entry, params))

    def one(self, endpoint_id: str, site_id: str, first: date, last: date | None = None) -> dict:
        (record,) = self.site(endpoint_id, site_id, first, last)
        return record

    def device(self, endpoint_id: str, dev_sn: str, day: date | None = None) -> list[dict]:
        """Records of a device-scoped endpoint: a snapshot, or one UTC day of a windowed one."""
        entry = ENDPOINTS_BY_ID[endpoint_id]
        batch = entry.batch_size > 1
        params = {**entry.fixed_params, entry.device_field: [dev_sn] if batch else dev_sn}
        if day is not None:
            params.update(window_params(entry, ms(day), ms(day + timedelta(days=1))))
        return list(self.client.records(entry, params))

    def shops(self) -> list[dict]:
        return list(self.client.records(ENDPOINTS_BY_ID["user_shops"], {}))

    def devices(self, site_ids: list[str]) -> list[dict]:
        return list(self.client.records(ENDPOINTS_BY_ID["shop_devices"], {"shopIds": site_ids}))

    def auth_records(self, site_ids: list[str], first: date, last: date) -> list[dict]:
        """Every portal authentication of the sites that started in first..last, in windows of at most 7 days."""
        entry = ENDPOINTS_BY_ID["auth_history"]
        records, day = [], first
        while day <= last:
            stop = min(day + timedelta(days=7), last + timedelta(days=1))
            params = {entry.site_field: site_ids, **window_params(entry, ms(day), ms(stop))}
            records.extend(self.client.records(entry, params))
            day = stop
        return records
