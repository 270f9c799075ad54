"""The pandera schema of every landed table, built from the catalog and the declarative rules in `rules.py`."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

import pandas as pd
import pandera.pandas as pa
import pyarrow as pyarrow
from pandera.engines import pandas_engine

from inc_pipeline.catalog.model import Endpoint

from .fast_columns import matches
from .rules import (
    COVERAGE_COLUMN,
    STAMP_COLUMNS,
    Kind,
    Rule,
    context_columns,
    coverage_columns,
    kind_of,
    landing_key,
    rules_of,
)

TEXT = pd.StringDtype()
UTC_TIMESTAMP = pd.DatetimeTZDtype(unit="us", tz="UTC")


class LandedText(pandas_engine.STRING):
    """pandas' string dtype, checked once per column.

    pandera 0.35 answers a string dtype check with one boolean per cell and then formats an (empty) failure
    report for every text column of every page: a third of the cost of validating a page. The column's dtype
    either is the string dtype or is not; object columns (pandas 3 never builds them for text) are refused.
    """

    def check(self, pandera_dtype, data_container=None) -> bool:
        try:
            resolved = pandas_engine.Engine.dtype(pandera_dtype)
        except TypeError:
            return False
        return resolved.type == self.type


DTYPES: dict[Kind, object] = {
    Kind.TEXT: TEXT, Kind.SITE_ID: TEXT, Kind.MAC: TEXT,
    Kind.COUNT: "Int64", Kind.INTEGER: "Int64", Kind.EPOCH_MS: "Int64", Kind.MEASURE: "float64",
}  # fmt: skip
ARROW_TYPES: dict[Kind, pyarrow.DataType] = {
    Kind.TEXT: pyarrow.string(), Kind.SITE_ID: pyarrow.string(), Kind.MAC: pyarrow.string(),
    Kind.COUNT: pyarrow.int64(), Kind.INTEGER: pyarrow.int64(), Kind.EPOCH_MS: pyarrow.int64(),
    Kind.MEASURE: pyarrow.float64(),
}  # fmt: skip

# aa:bb:cc:dd:ee:ff or aa-bb-cc-dd-ee-ff, any case (normalisation lands the colon form, lower-case).
# No back-references: the pyarrow regex engine behind the string dtype has none.
MAC_PATTERN = r"^(?:[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5}|[0-9a-fA-F]{2}(?:-[0-9a-fA-F]{2}){5})$"
MAC_OR_EMPTY_PATTERN = r"^(?:|[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5}|[0-9a-fA-F]{2}(?:-[0-9a-fA-F]{2}){5})$"


def expected_columns(endpoint: Endpoint) -> list[str]:
    """The landed table's columns, in order: the catalog's fields, the context columns, then the stamps."""
    return list(dict.fromkeys((*endpoint.fields, *context_columns(endpoint), *STAMP_COLUMNS,
                               *coverage_columns(endpoint))))  # fmt: skip


def column_kind(endpoint: Endpoint, column: str) -> Kind:
    """The kind of any landed column, context columns included."""
    if column in context_columns(endpoint):
        return Kind.SITE_ID if column == "site_id" else Kind.TEXT
    if column == COVERAGE_COLUMN:
        return Kind.COUNT
    return kind_of(endpoint, column)


class LandedDate(pandas_engine.Date):
    """Calendar days as `datetime.date` objects, checked with one type scan rather than a Python call per cell."""

    def check(self, pandera_dtype, data_container=None) -> bool:
        if not pandas_engine.DataType.check(self, pandera_dtype):
            return False
        if data_container is None:
            return True
        return set(map(type, data_container.dropna())) <= {datetime.date}


_SCHEMAS: dict[tuple, tuple[Endpoint, pa.DataFrameSchema]] = {}
_SCHEMAS_KEPT = 256


def schema_for(
    endpoint: Endpoint, *, window: tuple[int, int] | None = None, columns: Sequence[str] | None = None
) -> pa.DataFrameSchema:
    """The pandera schema of the landed table; with `window`, ms epochs must fall in [start, end); with
    `columns`, of those columns only (in the table's order), for a table whose personal columns do not land.

    Built once per endpoint, window and columns, not once per page (building one costs tens of milliseconds).
    The key's uniqueness is not part of it: `validate` keeps the last of a repeated key before the schema runs,
    so pandera's own check (a second `duplicated` over the key columns) could never fail: a repeat it keeps has
    a key part missing, which the key columns' non-null check fails."""
    wanted = tuple(c for c in expected_columns(endpoint) if columns is None or c in columns)
    cached = _SCHEMAS.get((endpoint.id, window, wanted))
    if cached is not None and cached[0] == endpoint:
        return cached[1]
    if len(_SCHEMAS) >= _SCHEMAS_KEPT:
        _SCHEMAS.clear()
    schema = _build_schema(endpoint, window, wanted)
    _SCHEMAS[(endpoint.id, window, wanted)] = (endpoint, schema)
    return schema


def _build_schema(endpoint: Endpoint, window: tuple[int, int] | None, wanted: tuple[str, ...]) -> pa.DataFrameSchema:
    key = landing_key(endpoint)
    columns = {}
    for name in wanted:
        if name == "partition_date":
            columns[name] = pa.Column(LandedDate(), nullable=False)
        elif name == "extracted_at":
            columns[name] = pa.Column(UTC_TIMESTAMP, nullable=False)
        else:
            kind = column_kind(endpoint, name)
            checks = _kind_checks(kind) + [_rule_check(rule, window) for rule in rules_of(endpoint, name)]
            dtype = LandedText() if DTYPES[kind] is TEXT else DTYPES[kind]
            columns[name] = pa.Column(dtype, [c for c in checks if c is not None], nullable=name not in key)
    return pa.DataFrameSchema(columns, strict=True, ordered=True, name=endpoint.id)


def arrow_schema(endpoint: Endpoint, columns: list[str] | None = None) -> pyarrow.Schema:
    """The Parquet schema of the landed table (optionally only `columns`, e.g. after personal columns dropped)."""
    fields = []
    for name in columns or expected_columns(endpoint):
        if name == "partition_date":
            fields.append(pyarrow.field(name, pyarrow.date32(), nullable=False))
        elif name == "extracted_at":
            fields.append(pyarrow.field(name, pyarrow.timestamp("us", tz="UTC"), nullable=False))
        else:
            fields.append(pyarrow.field(name, ARROW_TYPES[column_kind(endpoint, name)]))
    return pyarrow.schema(fields)


def empty_frame(endpoint: Endpoint) -> pd.DataFrame:
    """A zero-row frame with the landed table's columns and dtypes."""
    return pd.DataFrame(
        {name: pd.Series([], dtype=pandas_dtype(endpoint, name)) for name in expected_columns(endpoint)}
    )


def pandas_dtype(endpoint: Endpoint, column: str) -> object:
    """The pandas dtype of one landed column (dates are `datetime.date` objects, as pandera's Date wants)."""
    if column == "partition_date":
        return "object"
    if column == "extracted_at":
        return UTC_TIMESTAMP
    return DTYPES[column_kind(endpoint, column)]


def mac_shaped(values: pd.Series, pattern: str) -> pd.Series:
    """`Check.str_matches(pattern)` (nulls fail; pandera sets them aside before a check of a nullable column), by
    RE2 on the Arrow array itself: pandas' `str.match` re-parses the pattern with Python's `re` on every call.
    A column of another dtype (already failing its dtype check) is matched as pandera would."""
    if values.dtype != TEXT:
        return values.str.match(pattern, na=False)
    shaped = matches(values, pattern).fill_null(False).to_numpy(zero_copy_only=False)
    return pd.Series(shaped, index=values.index)


def _kind_checks(kind: Kind) -> list[pa.Check]:
    if kind in (Kind.COUNT, Kind.MEASURE, Kind.EPOCH_MS):
        return [pa.Check.ge(0, name="non_negative", error="non_negative")]
    return []


def _rule_check(rule: Rule, window: tuple[int, int] | None) -> pa.Check | None:
    if rule.check == "isin":
        label = f"isin({'|'.join(map(str, rule.values))})"
        return pa.Check.isin(list(rule.values), name=label, error=label)
    if rule.check == "mac":
        pattern = MAC_OR_EMPTY_PATTERN if rule.allow_empty else MAC_PATTERN
        return pa.Check(lambda values: mac_shaped(values, pattern), name="mac_address", error="mac_address")
    if rule.check == "in_window":
        if window is None:
            return None
        start, end = window
        return pa.Check(lambda s: (s >= start) & (s < end), name=f"in_window[{start},{end})")
    raise ValueError(f"unknown rule {rule.check!r}")
