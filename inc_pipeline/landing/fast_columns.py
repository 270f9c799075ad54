"""Whole-column fast paths for `normalise.to_frame`: the common, clean case without a Python call per cell.

A page of 5,000 records has ~100,000 cells; coercing each with Python calls costs most of a second, while the
rate limit delivers a page a second. Nearly every column of a real answer is of one JSON type (all ints, all
strings, with nulls), so one type scan decides, and pandas/pyarrow convert the column at once. Anything else
(numeric text, "N/A", bools, dicts, infinities) returns None and takes the per-cell path, which records failures:
the fast path gives exactly what the per-cell path would, only for inputs where that is cheap to be sure of.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .macs import canonical_mac
from .rules import Kind

_NONE = type(None)
_CANONICAL_MAC = r"^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$"
_EPOCH = date(1970, 1, 1)
_MS_PER_DAY = 86_400_000


def fast_column(kind: Kind, raw: list | pa.Array, *, casefold: bool = False) -> pd.Series | None:
    """The landed column of `raw` values of this kind, or None when a value needs the per-cell path.

    `raw` may be an Arrow column (records the client read as columns): text and 64-bit integer columns are
    converted as they are, exactly as their values would be as a list; any other type goes through the list."""
    if isinstance(raw, pa.Array):
        column = _arrow_column(kind, raw, casefold)
        if column is not None:
            return column
        raw = raw.to_pylist()
    types = set(map(type, raw))
    try:
        if kind in (Kind.COUNT, Kind.INTEGER, Kind.EPOCH_MS):
            return _integers(raw, types)
        if kind is Kind.MEASURE:
            return _measures(raw, types)
    except (OverflowError, TypeError, ValueError):
        return None  # beyond int64, say: the per-cell path reports it
    if kind is Kind.SITE_ID:
        return _site_ids(raw, types)
    if kind is Kind.TEXT and not casefold and types <= {int, _NONE}:  # IPs as integers (user_ip)
        return integer_text(raw)
    if not types <= {str, _NONE}:
        return None
    return _text_column(kind, text_series(raw), casefold)


def fast_days(raw: list | pa.Array) -> list[date] | None:
    """UTC days of ms epochs, when every value is a non-negative int (the per-cell path handles the rest)."""
    if isinstance(raw, pa.Array):
        if not len(raw) or not pa.types.is_int64(raw.type) or raw.null_count:
            return None
        millis = raw.to_numpy()
    elif not raw or set(map(type, raw)) != {int}:
        return None
    else:
        try:
            millis = np.fromiter(raw, dtype=np.int64, count=len(raw))
        except OverflowError:
            return None
    if (millis < 0).any():
        return None
    days = millis // _MS_PER_DAY
    calendar = {int(d): _EPOCH + timedelta(days=int(d)) for d in np.unique(days)}
    return [calendar[d] for d in days.tolist()]


def text_series(values: list) -> pd.Series:
    """str/None values as the landed text dtype, built by pyarrow (twice as fast as pandas' own path)."""
    return pd.Series(pd.arrays.ArrowStringArray(pa.array(values, type=pa.string())))


def matches(text: pd.Series, pattern: str) -> pa.BooleanArray:
    """Whether each value matches `pattern` (anchor it with ^ and $), null for null: RE2 in pyarrow, directly.

    pandas' `str.match` parses the pattern with Python's `re` on every call to decide whether RE2 can take it,
    and scans the values for newlines when the pattern ends in `$`: more than the match itself costs on a page.
    Here `$` is the end of the text, as in RE2, never before a final newline."""
    return pc.match_substring_regex(pa.array(text.array, type=pa.string()), pattern)


def integer_text(raw: list | pa.Int64Array) -> pd.Series:
    """int/None values (or an Arrow int64 column) as decimal text (what `str` gives), converted by pyarrow rather
    than a `str` call each; integers beyond 64 bits, which Arrow cannot hold, take `str`."""
    try:
        numbers = raw if isinstance(raw, pa.Array) else pa.array(raw, type=pa.int64())
    except (OverflowError, pa.ArrowInvalid):
        return text_series([None if v is None else str(v) for v in raw])
    return pd.Series(pd.arrays.ArrowStringArray(numbers.cast(pa.string())))


def _arrow_column(kind: Kind, raw: pa.Array, casefold: bool) -> pd.Series | None:
    """`fast_column` of a text or int64 Arrow column: what the same values as a list give (None: use the list)."""
    if pa.types.is_int64(raw.type):  # the list's types are {int} or {int, None}
        if kind in (Kind.COUNT, Kind.INTEGER, Kind.EPOCH_MS):
            values = raw.fill_null(0).to_numpy(zero_copy_only=False, writable=True)
            nulls = raw.is_null().to_numpy(zero_copy_only=False)
            return pd.Series(pd.arrays.IntegerArray(values, nulls))
        if kind is Kind.MEASURE:
            return pd.Series(raw.cast(pa.float64()).to_numpy(zero_copy_only=False, writable=True), dtype="float64")
        if kind is Kind.SITE_ID or (kind is Kind.TEXT and not casefold):
            return integer_text(raw)
        return None
    if not pa.types.is_string(raw.type) or kind in (Kind.COUNT, Kind.INTEGER, Kind.EPOCH_MS, Kind.MEASURE):
        return None  # numbers as text ("N/A", "12") are read cell by cell, as in a list
    return _text_column(kind, pd.Series(pd.arrays.ArrowStringArray(raw)), casefold)


def _text_column(kind: Kind, text: pd.Series, casefold: bool) -> pd.Series:
    """Text of this kind as it lands: site ids trimmed ("" is no site), MACs canonical, the rest as sent
    (lower-cased where a rule says so)."""
    if kind is Kind.SITE_ID:
        text = text.str.strip()
        return text.mask(text == "")
    if kind is Kind.MAC:
        return _macs(text)
    return text.str.lower() if casefold else text


def _integers(raw: list, types: set) -> pd.Series | None:
    if types == {int}:  # no nulls: numpy reads the ints directly
        values = np.fromiter(raw, dtype=np.int64, count=len(raw))
        return pd.Series(pd.arrays.IntegerArray(values, np.zeros(len(values), dtype=bool)))
    return pd.Series(pd.array(raw, dtype="Int64")) if types <= {int, _NONE} else None


def _measures(raw: list, types: set) -> pd.Series | None:
    if not types <= {int, float, _NONE}:
        return None
    values = pd.Series(raw, dtype="float64")
    return None if np.isinf(values.to_numpy()).any() else values


def _site_ids(raw: list, types: set) -> pd.Series | None:
    if types <= {int, _NONE}:
        return integer_text(raw)
    if types <= {str, _NONE}:
        return _text_column(Kind.SITE_ID, text_series(raw), casefold=False)
    return None


def _macs(text: pd.Series) -> pd.Series:
    """Lower-case colon form; spellings other than that (dashes, dots, bare digits, non-MACs) go cell by cell."""
    if pc.all(matches(text, _CANONICAL_MAC).fill_null(True)).as_py() is not False:
        return text  # already the landed form, as the API mostly sends it (or no value at all)
    lowered = text.str.strip().str.lower()
    canonical = matches(lowered, _CANONICAL_MAC).fill_null(False).to_numpy(zero_copy_only=False)
    other = text.notna().to_numpy() & ~canonical
    if other.any():
        lowered = lowered.astype(object)
        lowered[other] = [canonical_mac(value) for value in text[other]]
        lowered = lowered.astype(text.dtype)
    return lowered
