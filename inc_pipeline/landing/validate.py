"""Validation: good rows land, bad rows go to quarantine with the check they failed, nothing is silently dropped.

A quarantined row keeps the landed row's columns and adds `failed_check`, `column`, `value` (the raw value as
text) and `source_row` (the row's position in the frame given to `validate`). A row failing several checks
appears once per failure; `ValidationResult.rows_quarantined` counts rows.
Repeats of a natural key (the API repeats records across pages) are not failures: the last one is kept and the
others are counted in `duplicates_dropped`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd
import pandera.pandas as pa

from inc_pipeline.catalog.model import Endpoint

from .normalise import Normalised
from .rules import landing_key
from .schemas import TEXT, schema_for

QUARANTINE_COLUMNS = ("failed_check", "column", "value", "source_row")
RENAMED_PREFIX = "record_"  # a record field named like a quarantine column (ssid_client_macs.value) is kept so


@dataclass(frozen=True)
class DriftReport:
    """How the answer's fields differ from the catalog's: new fields, and listed fields no record carried."""

    unknown_fields: set[str] = field(default_factory=set)
    missing_fields: set[str] = field(default_factory=set)

    @property
    def drifted(self) -> bool:
        return bool(self.unknown_fields or self.missing_fields)


@dataclass(frozen=True)
class ValidationResult:
    good: pd.DataFrame
    quarantined: pd.DataFrame
    drift: DriftReport
    duplicates_dropped: int = 0
    good_source_rows: tuple[int, ...] = ()  # each good row's position in the frame given to `validate`

    @property
    def rows_quarantined(self) -> int:
        """Distinct rows in quarantine (a row failing two checks has two quarantine lines)."""
        return int(self.quarantined["source_row"].nunique()) if "source_row" in self.quarantined else 0

    @property
    def failed_checks(self) -> dict[str, int]:
        """Quarantine lines per check, for materialization metadata."""
        return dict(Counter(self.quarantined["failed_check"]))


def validate(
    endpoint: Endpoint,
    page: Normalised,
    *,
    window: tuple[int, int] | None,
    columns: Sequence[str] | None = None,
) -> ValidationResult:
    """Split a `to_frame` frame into rows that land and rows that go to quarantine; report drift.

    `columns`: the frame holds only these of the table's columns (`to_frame(columns=...)`), and is checked
    against them (default: every column of the table)."""
    drift = DriftReport(set(page.notes.unknown_fields), set(page.notes.missing_fields))
    coercion = [(f.row, f.column, f.value, f.check) for f in page.notes.failures]  # rows are positions
    frame = page.frame.reset_index(drop=True)

    frame, duplicates = _drop_repeated_keys(frame, landing_key(endpoint))
    coercion = [failure for failure in coercion if failure[0] in frame.index]
    failures = _merge(coercion, _schema_failures(endpoint, frame, window, columns))
    bad_rows = sorted({row for row, *_ in failures})
    good = frame.drop(index=bad_rows) if bad_rows else frame
    source_rows = tuple(good.index.tolist())
    good = good.reset_index(drop=True)
    return ValidationResult(good, _quarantine(frame, failures), drift, duplicates, source_rows)


def _drop_repeated_keys(frame: pd.DataFrame, key: tuple[str, ...]) -> tuple[pd.DataFrame, int]:
    if len(frame) < 2:
        return frame, 0
    candidates = _rows_that_may_repeat(frame, key)
    if candidates is not None and not candidates.any():
        return frame, 0
    rows = frame if candidates is None else frame.loc[candidates]
    repeated = rows.duplicated(subset=list(key), keep="first")  # the contract: see rules.landing_key
    repeated &= rows[list(key)].notna().all(axis=1)
    if not repeated.any():
        return frame, 0
    return frame.drop(index=rows.index[repeated.to_numpy()]), int(repeated.sum())


def _rows_that_may_repeat(frame: pd.DataFrame, key: tuple[str, ...]) -> pd.Series | None:
    """The rows whose first numeric key column repeats (None: no numeric key, every row may repeat). Only they
    can repeat a whole key, and `duplicated` over every key column of a page of authentications (access_start_time
    in ms) cost as much as the rest of this module, where most pages repeat no start time or a few."""
    numeric = [frame[column] for column in key if pd.api.types.is_numeric_dtype(frame[column].dtype)]
    return numeric[0].duplicated(keep=False) if numeric else None


def _schema_failures(endpoint: Endpoint, frame: pd.DataFrame, window, columns) -> list[tuple]:
    try:
        schema_for(endpoint, window=window, columns=columns).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        return list(_failure_rows(errors.failure_cases, frame.index))
    return []


def _failure_rows(cases: pd.DataFrame, index: pd.Index):
    """pandera's failure cases as (row, column, value, check); a table-level failure (no row) hits every row."""
    for case in cases.itertuples(index=False):
        rows = index if pd.isna(case.index) else [int(case.index)]
        for row in rows:
            yield row, case.column, case.failure_case, str(case.check)


def _merge(coercion: list[tuple], schema: list[tuple]) -> list[tuple]:
    """Coercion failures first; a schema failure on a cell already reported (its value became null) is noise."""
    seen = {(row, column) for row, column, *_ in coercion}
    return coercion + [f for f in schema if (f[0], f[1]) not in seen]


def _quarantine(frame: pd.DataFrame, failures: list[tuple]) -> pd.DataFrame:
    if failures:
        return _quarantine_lines(frame, failures)
    # Most frames have no failures, and building the empty quarantine cost a third of validating a small page.
    shape = (tuple(frame.columns), tuple(frame.dtypes))
    empty = _EMPTY_QUARANTINES.get(shape)
    if empty is None:
        empty = _EMPTY_QUARANTINES[shape] = _quarantine_lines(frame, [])
    return empty.copy(deep=False)  # copy-on-write: what a caller changes in it stays out of the cache


_EMPTY_QUARANTINES: dict[tuple, pd.DataFrame] = {}


def _quarantine_lines(frame: pd.DataFrame, failures: list[tuple]) -> pd.DataFrame:
    renamed = {c: RENAMED_PREFIX + c for c in QUARANTINE_COLUMNS if c in frame.columns}
    rows = [row for row, *_ in failures]
    quarantined = frame.loc[rows].rename(columns=renamed).reset_index(drop=True)
    quarantined["failed_check"] = pd.Series([f[3] for f in failures], dtype=TEXT)
    quarantined["column"] = pd.Series([f[1] for f in failures], dtype=TEXT)
    quarantined["value"] = pd.Series([_as_text(f[2]) for f in failures], dtype=TEXT)
    quarantined["source_row"] = pd.Series(rows, dtype="Int64")
    return quarantined


def _as_text(value) -> str | None:
    if value is None or (not isinstance(value, list | dict) and pd.isna(value)):
        return None
    return str(value)
