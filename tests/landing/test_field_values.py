"""`field_values`: the one-pass read of a page's fields gives what a `get` per field and record gives; `to_int`, the
one integer rule."""

from __future__ import annotations

import pytest

from inc_pipeline.catalog import endpoint
from inc_pipeline.landing.normalise import field_values, to_frame, to_int

from .helpers import good_record

AUTH = endpoint("auth_history")


def test_complete_records_are_read_field_by_field():
    records = [{"a": 1, "b": "x", "extra": True}, {"a": None, "b": "y", "extra": False}]
    assert field_values(records, ("a", "b")) == {"a": [1, None], "b": ["x", "y"]}


def test_a_record_lacking_a_field_gives_none_there():
    records = [{"a": 1, "b": "x"}, {"a": 2}, {"b": "z"}]
    assert field_values(records, ("a", "b")) == {"a": [1, 2, None], "b": ["x", None, "z"]}


def test_one_field_one_record_and_no_records():
    assert field_values([{"a": 1}, {"a": 2}], ("a",)) == {"a": [1, 2]}
    assert field_values([{"a": 1}], ("a", "b")) == {"a": [1], "b": [None]}
    assert field_values([], ("a", "b")) == {"a": [], "b": []}


def test_a_page_missing_a_field_in_one_record_lands_it_null_and_keeps_the_rest():
    from datetime import UTC, datetime

    records = [good_record(AUTH, n) for n in range(3)]
    del records[1]["vendor"]
    frame = to_frame(AUTH, records, context={}, partition_date=None, extracted_at=datetime.now(UTC)).frame
    assert frame["vendor"].isna().tolist() == [False, True, False]
    assert frame["user_mac"].tolist() == [r["user_mac"].lower().replace("-", ":") for r in records]


@pytest.mark.parametrize(
    ("value", "expected"),
    [(5, 5), ("5", 5), (" 42 ", 42), ("12.0", 12), (7.0, 7), ("N/A", None), ("", None), (None, None)],
)
def test_to_int(value, expected):
    assert to_int(value) == expected


def test_to_int_refuses_fractions_and_words():
    for bad in (1.5, "1.5", "many"):
        with pytest.raises(ValueError):
            to_int(bad)
