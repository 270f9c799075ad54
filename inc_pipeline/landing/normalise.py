"""Records (flattened dicts, one per row) -> a frame with exactly the landed table's columns, types and context.

Values that cannot be coerced never raise: they become null and are remembered as failures (row, column, raw
value, check) in the page's `PageNotes`, which `validate` turns into quarantine rows showing the raw value.
Fields the catalog does not list, and catalog fields the answer lacks, are noted there too, for drift.
"""

from __future__ import annotations

import calendar
import json
import math
import operator
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple

import pandas as pd
import pyarrow as pa

from inc_pipeline.catalog.model import Endpoint, Period
from inc_pipeline.client.columnar import ColumnarRecords

from .fast_columns import fast_column, fast_days
from .macs import canonical_mac
from .rules import COVERAGE_COLUMN, RECORD_CONTEXT_FIELDS, Kind, context_columns, rules_of
from .schemas import UTC_TIMESTAMP, column_kind, expected_columns, pandas_dtype

# Markers the API uses for "no number" (memoryTotalSize can be "N/A").
NO_NUMBER = {"", "n/a", "na", "null", "none", "-"}

_DATE_TEXT = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_MONTH_TEXT = re.compile(r"^(\d{4})-(\d{2})(?:$|-)")


class Failure(NamedTuple):
    """A value normalisation could not coerce: landed as null, quarantined by `validate` with its raw value."""

    row: int
    column: str
    value: Any
    check: str


@dataclass(frozen=True)
class PageNotes:
    """What normalising an answer noticed: values that did not coerce (by row position), fields the API sent that
    the catalog does not list, and catalog fields no record carried."""

    failures: tuple[Failure, ...] = ()
    unknown_fields: frozenset[str] = frozenset()
    missing_fields: frozenset[str] = frozenset()

    @staticmethod
    def joined(notes: Sequence[PageNotes], lengths: Sequence[int]) -> PageNotes:
        """The notes of pages stacked in this order (rows renumbered past the pages before)."""
        failures, offset = [], 0
        for page, length in zip(notes, lengths, strict=True):
            failures += [failure._replace(row=failure.row + offset) for failure in page.failures]
            offset += length
        return PageNotes(tuple(failures), frozenset().union(*(n.unknown_fields for n in notes)),
                         frozenset().union(*(n.missing_fields for n in notes)))  # fmt: skip


class Normalised(NamedTuple):
    """An answer's records as the landed table's frame, with what normalising them noticed."""

    frame: pd.DataFrame
    notes: PageNotes


def to_frame(
    endpoint: Endpoint,
    records: list[dict],
    *,
    context: dict,
    partition_date: date | None,
    extracted_at: datetime,
    columns: Sequence[str] | None = None,
    window: tuple[int, int] | None = None,
) -> Normalised:
    """The landed frame of one answer's records (columns = `expected_columns(endpoint)`, in order), with its notes.

    `context` names what the request was about (`site_id`, `dev_sn`, `ap_sn`, `ssid`). `partition_date` None
    (a multi-day window) derives each row's date from `endpoint.series_time_field` and `series_period`.
    `columns`: build only these (in the table's order), when the others will not land (personal columns under
    the `drop` policy: normalising and validating 12 columns only to drop them cost ~3 ms a page). Drift still
    reads every field of the records. `window`: the request's [start, end) in ms, for a week's or month's
    `covered_days`.
    """
    failures: list[Failure] = []
    built: dict[str, pd.Series] = {}
    wanted = [name for name in expected_columns(endpoint) if columns is None or name in columns]
    fields = field_values(records, endpoint.fields)
    for name in wanted:
        if name == "partition_date":
            values = _partition_dates(endpoint, records, partition_date, failures, fields)
        elif name == "extracted_at":  # one instant for the whole answer: broadcast, not 5,000 Timestamps
            built[name] = pd.Series(_utc(extracted_at), index=pd.RangeIndex(len(records)), dtype=UTC_TIMESTAMP)
            continue
        elif name == COVERAGE_COLUMN:
            values = covered_days(endpoint.series_period, built["partition_date"], window)
        elif name in context_columns(endpoint):
            fast = _context_column(endpoint, name, records, fields)
            if fast is not None:
                built[name] = fast
                continue
            values = [_context_value(endpoint, name, record, context) for record in records]
        else:
            raw = fields[name]
            casefold = any(rule.casefold for rule in rules_of(endpoint, name))
            fast = fast_column(column_kind(endpoint, name), raw, casefold=casefold)
            if fast is not None:
                built[name] = fast
                continue
            values = [_coerce(endpoint, name, i, value, failures) for i, value in enumerate(values_of(raw))]
        built[name] = pd.Series(values, dtype=pandas_dtype(endpoint, name))
    frame = pd.DataFrame(built, index=pd.RangeIndex(len(records)), copy=False)  # the columns are new: no copy
    seen = fields_seen(records)  # one union of 5,000 key sets serves both drift reports
    unknown, missing = frozenset(_unknown(endpoint, seen)), frozenset(_missing(endpoint, seen, records))
    return Normalised(frame, PageNotes(tuple(failures), unknown, missing))


def field_values(records: Sequence[dict], names: tuple[str, ...] | list[str]) -> dict[str, list | pa.Array]:
    """Each field's values over the records (None where a record lacks it), read in one pass when every record
    carries every field, as API answers do: one C-level itemgetter call per record and one transpose, instead
    of a Python-level `get` per field and record (the largest part of normalising a page).

    Records the client read as columns (`client/columnar.py`) give their Arrow columns as they are.
    """
    names = list(dict.fromkeys(names))
    columns = _columns_of(records)
    if columns is not None:
        return {name: columns[name] if name in columns else [None] * len(records) for name in names}
    if len(records) > 1 and len(names) > 1:
        try:
            rows = list(map(operator.itemgetter(*names), records))
        except (KeyError, TypeError):
            pass  # a record without some field (or not a dict): the per-field path below gives None for it
        else:
            return dict(zip(names, map(list, zip(*rows, strict=True)), strict=True))
    return {name: [record.get(name) for record in records] for name in names}


def fields_seen(records: Sequence[dict]) -> set[str]:
    """Every field name any record carries (iterating a dict yields its keys: no per-record keys() call)."""
    columns = _columns_of(records)
    if columns is not None:
        return set(columns) if len(records) else set()
    return set().union(*records) if records else set()


def _columns_of(records: Sequence[dict]) -> dict[str, pa.Array] | None:
    """The records' columns when the client read them as columns and no one has turned them into dicts since."""
    return records.columns if isinstance(records, ColumnarRecords) else None


def values_of(raw: list | pa.Array) -> list:
    """A column's values as Python objects, for the cell-by-cell path."""
    return raw.to_pylist() if isinstance(raw, pa.Array) else raw


def unknown_fields(endpoint: Endpoint, records: list[dict]) -> set[str]:
    """Record fields the catalog does not list (the API grew a field, or renamed one)."""
    return _unknown(endpoint, fields_seen(records))


def missing_fields(endpoint: Endpoint, records: list[dict]) -> set[str]:
    """Catalog fields absent from every record; an empty answer says nothing, so it reports none."""
    return _missing(endpoint, fields_seen(records), records)


def _unknown(endpoint: Endpoint, seen: set[str]) -> set[str]:
    return seen - set(endpoint.fields)


def _missing(endpoint: Endpoint, seen: set[str], records: list[dict]) -> set[str]:
    return set(endpoint.fields) - seen if records else set()


def _coerce(endpoint: Endpoint, column: str, row: int, value: Any, failures: list[Failure]) -> Any:
    kind = column_kind(endpoint, column)
    try:
        if kind in (Kind.COUNT, Kind.INTEGER, Kind.EPOCH_MS):
            return to_int(value)
        if kind is Kind.MEASURE:
            return _to_float(value)
    except (TypeError, ValueError, OverflowError):
        failures.append(Failure(row, column, value, f"coerce_to_{'float64' if kind is Kind.MEASURE else 'Int64'}"))
        return None
    if kind is Kind.SITE_ID:
        return site_id_text(value)
    text = _to_text(value)
    if text is not None and kind is Kind.MAC:
        return canonical_mac(text)
    if text is not None and any(rule.casefold for rule in rules_of(endpoint, column)):
        return text.lower()
    return text


def to_int(value: Any) -> int | None:
    """An integer from an int, an integral float or a numeric string; None for "N/A" and the like."""
    if value is None or isinstance(value, bool):
        return None if value is None else int(value)
    if isinstance(value, int):
        return value
    number = _to_float(value)
    if number is None:
        return None
    if not number.is_integer():
        raise ValueError(f"not an integer: {value!r}")
    return int(value) if isinstance(value, str) and value.strip().lstrip("-").isdigit() else int(number)


def _to_float(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, str):
        if value.strip().lower() in NO_NUMBER:
            return None
        value = value.strip()
    if isinstance(value, dict | list):
        raise TypeError(f"not a number: {value!r}")
    number = float(value)
    if math.isnan(number):
        return None
    if math.isinf(number):
        raise ValueError(f"not a finite number: {value!r}")
    return number


def _to_text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def site_id_text(value: Any) -> str | None:
    """A shop (site) id as text: INC Cloud sends integers, older H3C clients strings; one type downstream."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _record_fields(endpoint: Endpoint, column: str) -> tuple[str | None, ...]:
    """The record fields that name a context column's value (batch scopes: one call, many sites/devices)."""
    return (endpoint.record_site_field,) if column == "site_id" else RECORD_CONTEXT_FIELDS.get(column, ())


def _context_column(endpoint: Endpoint, column: str, records: list[dict], fields: dict[str, list]) -> pd.Series | None:
    """Batch scopes where every record names its site/device: the column at once (else cell by cell)."""
    record_fields = _record_fields(endpoint, column)
    if len(record_fields) != 1 or not record_fields[0] or not records:
        return None
    field = record_fields[0]
    raw = fields[field] if field in fields else [r.get(field) for r in records]  # a field outside the catalog
    column_values = fast_column(Kind.SITE_ID, raw)
    return column_values if column_values is not None and column_values.notna().all() else None


def _context_value(endpoint: Endpoint, column: str, record: dict, context: dict) -> str | None:
    """Batch scopes: the record says which site/device it is about; otherwise the request context does."""
    record_fields = _record_fields(endpoint, column)
    for field in record_fields:
        if field and record.get(field) not in (None, ""):
            return site_id_text(record[field])
    return site_id_text(context.get(column))


def _partition_dates(
    endpoint: Endpoint, records: list[dict], partition_date: date | None, failures: list[Failure], fields: dict
) -> list[date | None]:
    if partition_date is not None:
        return [partition_date] * len(records)
    field = endpoint.series_time_field
    if field is None:
        raise ValueError(f"{endpoint.id}: partition_date is required (the endpoint has no per-row time field)")
    raw = fields[field] if field in fields else [record.get(field) for record in records]
    period = endpoint.series_period
    fast = fast_days(raw) if period is Period.DAY else None
    if fast is not None:
        return fast
    dates = []
    for row, value in enumerate(values_of(raw)):
        day = partition_day_of(value, period)
        if day is None:
            failures.append(Failure(row, "partition_date", value, f"partition_date_from_{field}"))
        dates.append(day)
    return dates


def partition_day_of(value: Any, period: Period = Period.DAY) -> date | None:
    """The partition of a row whose time is `value`: its day, its week's Sunday (a week is named by its Monday),
    or its month's last day (a month is named 'YYYY-MM' or by a day in it); None if unreadable."""
    if period is Period.MONTH:
        match = _MONTH_TEXT.match(value.strip()) if isinstance(value, str) else None
        first = date(int(match[1]), int(match[2]), 1) if match and 1 <= int(match[2]) <= 12 else day_of(value)
        return None if first is None else first.replace(day=calendar.monthrange(first.year, first.month)[1])
    day = day_of(value)
    if day is None or period is Period.DAY:
        return day
    return day + timedelta(days=6)


def period_first_day(last_day: date, period: Period) -> date:
    """The first day of the week (its Monday) or month whose partition is `last_day`."""
    if period is Period.MONTH:
        return last_day.replace(day=1)
    return last_day - timedelta(days=6) if period is Period.WEEK else last_day


def period_start_of(day: date, period: Period) -> date:
    """The first day of the period (day, ISO week, month) that contains `day`."""
    if period is Period.MONTH:
        return day.replace(day=1)
    return day - timedelta(days=day.weekday()) if period is Period.WEEK else day


def covered_days(period: Period, last_days: pd.Series, window: tuple[int, int] | None) -> list[int | None]:
    """Per row (a period named by its partition's last day): how many of the period's days the request's window
    [start, end) covered, in UTC days; None without a window."""
    if window is None:
        return [None] * len(last_days)
    first, last = day_of(window[0]), day_of(window[1] - 1)
    out = []
    for period_last in last_days:
        if period_last is None or pd.isna(period_last):
            out.append(None)
            continue
        start, end = max(first, period_first_day(period_last, period)), min(last, period_last)
        out.append(max(0, (end - start).days + 1))
    return out


def day_of(value: Any) -> date | None:
    """The UTC day of a ms epoch (int or numeric text) or of 'YYYY-MM-DD[ HH:MM:SS]' text; None if neither."""
    if isinstance(value, str):
        match = _DATE_TEXT.match(value.strip())
        if match:
            try:
                return date(*map(int, match.groups()))
            except ValueError:
                return None
    try:
        millis = to_int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    if millis is None:
        return None
    try:
        return datetime.fromtimestamp(millis / 1000, tz=UTC).date()
    except (OverflowError, OSError, ValueError):
        return None


def _utc(moment: datetime) -> pd.Timestamp:
    stamp = pd.Timestamp(moment)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
