"""The whole-column fast paths land exactly what the per-cell path lands, and step aside when they cannot."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pandera.pandas as pa
import pytest

from inc_pipeline.catalog import ENDPOINTS_BY_ID
from inc_pipeline.landing.fast_columns import fast_column, fast_days
from inc_pipeline.landing.normalise import _coerce, day_of
from inc_pipeline.landing.partition_writer import key_fingerprints
from inc_pipeline.landing.rules import Kind
from inc_pipeline.landing.schemas import LandedText, pandas_dtype

AUTH = ENDPOINTS_BY_ID["auth_history"]
# (column of auth_history, kind, clean values the fast path must take)
CLEAN = [
    ("user_type", Kind.INTEGER, [1, 9, None, -3, 2**62]),
    ("login_freq_sum", Kind.COUNT, [0, 5, 7]),
    ("access_duration", Kind.MEASURE, [1, 2.5, None, 0.0, 2**60]),
    ("shop_id", Kind.SITE_ID, [1001, None, 7]),
    ("shop_id", Kind.SITE_ID, [" 1001 ", "", None, "abc"]),
    ("user_ip", Kind.TEXT, [3232235777, None]),
    ("user_ip", Kind.TEXT, [2**70, -1, None]),  # beyond what Arrow's int64 holds: still the text `str` gives
    ("shop_id", Kind.SITE_ID, [2**64, 1001]),
    ("vendor", Kind.TEXT, ["Apple", "", None, "São Paulo"]),
    (
        "user_mac",
        Kind.MAC,
        [
            "AA-BB-CC-DD-EE-FF",
            "aa:bb:cc:dd:ee:01",
            " AA:BB:CC:DD:EE:02 ",
            "aabb.ccdd.eeff",
            "aabbccddeeff",
            "not a mac",
            "",
            None,
        ],
    ),  # fmt: skip
]


def per_cell(column: str, raw: list) -> pd.Series:
    failures: list = []
    values = [_coerce(AUTH, column, i, value, failures) for i, value in enumerate(raw)]
    assert not failures
    return pd.Series(values, dtype=pandas_dtype(AUTH, column))


@pytest.mark.parametrize(("column", "kind", "raw"), CLEAN, ids=[f"{c}-{i}" for i, (c, _, _) in enumerate(CLEAN)])
def test_fast_path_equals_the_per_cell_path(column, kind, raw):
    fast = fast_column(kind, raw)
    assert fast is not None, "clean values must take the fast path"
    pd.testing.assert_series_equal(fast, per_cell(column, raw), check_names=False)


@pytest.mark.parametrize(
    ("kind", "raw"),
    [
        (Kind.INTEGER, [1, "2"]),  # numeric text
        (Kind.COUNT, [1, True]),  # a bool is not a count
        (Kind.COUNT, [1, 2**70]),  # beyond int64
        (Kind.MEASURE, [1.0, "N/A"]),
        (Kind.MEASURE, [1.0, float("inf")]),
        (Kind.TEXT, ["a", {"nested": 1}]),
        (Kind.SITE_ID, [1001, 1.0]),
        (Kind.MAC, ["aa:bb:cc:dd:ee:ff", 12]),
    ],
)
def test_values_the_fast_path_cannot_vouch_for_go_cell_by_cell(kind, raw):
    assert fast_column(kind, raw) is None


def test_casefolded_text_is_lower_cased():
    assert fast_column(Kind.TEXT, ["Online", "OFFLINE", None], casefold=True).tolist() == ["online", "offline", pd.NA]


def test_days_of_epochs_equal_day_of_each_value():
    raw = [0, 86_399_999, 86_400_000, 1_794_441_604_665]
    assert fast_days(raw) == [day_of(value) for value in raw]
    assert fast_days([1, None]) is None and fast_days(["2026-11-19"]) is None and fast_days([-1]) is None


def test_fingerprints_tell_keys_apart_and_match_equal_keys_across_pages():
    page_one = pd.DataFrame({"site": pd.array(["1", "1", "2"], dtype="string"), "t": pd.array([1, 2, 1], "Int64")})
    page_two = pd.DataFrame({"site": pd.array(["2", "1"], dtype="string"), "t": pd.array([1, 3], "Int64")})
    first, second = key_fingerprints(page_one, ("site", "t")), key_fingerprints(page_two, ("site", "t"))
    assert len(set(first)) == 3
    assert second[0] == first[2] and second[1] not in first


def test_fingerprints_of_numbers_dates_and_nulls_keep_distinct_keys_apart():
    """Floats are not truncated, a null is not a value, the column order counts, and a numbers-only key still
    gets two independent halves."""
    keys = pd.DataFrame({
        "x": pd.array([1.5, 1.7, None, 1.5], dtype="Float64"),
        "day": pd.Series([date(2026, 11, 1), date(2026, 11, 1), date(2026, 11, 1), date(2026, 11, 2)], dtype=object),
    })  # fmt: skip
    prints = key_fingerprints(keys, ("x", "day"))
    assert len(set(prints)) == 4
    assert key_fingerprints(keys.iloc[[0]], ("x", "day")) == prints[:1]  # the same key on another page
    swapped = pd.DataFrame({"a": pd.array([1, 2], "Int64"), "b": pd.array([2, 1], "Int64")})
    first, second = key_fingerprints(swapped, ("a", "b"))
    assert first != second
    assert all(value >> 64 != value & (2**64 - 1) for value in (first, second))


def test_landed_text_dtype_refuses_other_dtypes_in_one_answer():
    schema = pa.DataFrameSchema({"name": pa.Column(LandedText(), nullable=True)})
    schema.validate(pd.DataFrame({"name": pd.array(["a", None], dtype="string")}))
    for other in (pd.array([1, 2], dtype="Int64"), pd.Series(["a", "b"], dtype=object)):
        with pytest.raises(pa.errors.SchemaError, match="to have type string"):
            schema.validate(pd.DataFrame({"name": other}))


def test_landed_date_dtype_takes_dates_only():
    from datetime import date, datetime

    from inc_pipeline.landing.schemas import LandedDate

    schema = pa.DataFrameSchema({"day": pa.Column(LandedDate())})
    schema.validate(pd.DataFrame({"day": pd.Series([date(2026, 11, 19)] * 2, dtype=object)}))
    for other in ([datetime(2026, 11, 19), date(2026, 11, 19)], ["2026-11-19", date(2026, 11, 19)]):
        with pytest.raises(pa.errors.SchemaError):
            schema.validate(pd.DataFrame({"day": pd.Series(other, dtype=object)}))
