"""Shared builders for landing tests: one good record per endpoint, and frames from records."""

from __future__ import annotations

from datetime import UTC, date, datetime

from inc_pipeline.catalog.model import Endpoint
from inc_pipeline.landing import to_frame
from inc_pipeline.landing.rules import Kind, context_columns, rules_of
from inc_pipeline.landing.schemas import column_kind

DAY = date(2026, 11, 19)
DAY_START_MS = int(datetime(2026, 11, 19, tzinfo=UTC).timestamp() * 1000)
WINDOW = (DAY_START_MS, DAY_START_MS + 86_400_000)
EXTRACTED = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
CONTEXT = {"site_id": 101, "dev_sn": "DEV1", "ap_sn": "AP1", "ssid": "guest"}


def good_value(endpoint: Endpoint, column: str, n: int):
    """A value that passes every rule of the column; `n` makes keys distinct between records."""
    for rule in rules_of(endpoint, column):
        if rule.check == "isin":
            return rule.values[0]
        if rule.check == "mac":
            return f"AA-BB-CC-DD-EE-{n:02X}"
        if rule.check == "in_window":
            return DAY_START_MS + 1000 * n
    kind = column_kind(endpoint, column)
    if kind in (Kind.COUNT, Kind.INTEGER, Kind.EPOCH_MS):
        return n + 1
    if kind is Kind.MEASURE:
        return str(1.5 * n)  # numbers sent as strings are normal for this API
    if kind is Kind.SITE_ID:
        return 101 + n
    return f"{column}-{n}"


def good_record(endpoint: Endpoint, n: int = 0) -> dict:
    return {field: good_value(endpoint, field, n) for field in endpoint.fields}


def frame_of(endpoint: Endpoint, records: list[dict], *, partition_date: date | None = DAY):
    context = {k: v for k, v in CONTEXT.items() if k in context_columns(endpoint)}
    return to_frame(endpoint, records, context=context, partition_date=partition_date, extracted_at=EXTRACTED)
