"""Large answers read into columns (`client/columnar.py`) give exactly what orjson's dicts give, or are left to orjson.

Two properties: a body the columnar reader accepts reads back, record for record, as orjson reads it; and the
landed frame built from its columns equals the one built from orjson's dicts, failures and drift included.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import orjson
import pandas as pd
import pytest

from inc_pipeline.catalog import ENDPOINTS_BY_ID, endpoint
from inc_pipeline.client import columnar
from inc_pipeline.client.columnar import ColumnarRecords, parse_columnar
from inc_pipeline.client.records import records_of
from inc_pipeline.landing.archive import Archive
from inc_pipeline.landing.normalise import Normalised, to_frame

from .helpers import good_record

AUTH = endpoint("auth_history")
PATH = ("data", "auth_list")
EXTRACTED = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def any_size(monkeypatch):
    """Every body is large enough here: the tests' answers are small."""
    monkeypatch.setattr(columnar, "COLUMNAR_MIN_BYTES", 0)


def body(records, **data) -> bytes:
    answer = {"code": 0, "message": "success", "data": {"total_count": len(records), **data, "auth_list": records}}
    return json.dumps(answer).encode()  # json, not orjson: it writes integers beyond 64 bits


def awkward_records() -> list[dict]:
    """What the per-cell path exists for, each column of one JSON type (pyarrow refuses a column that mixes
    them, and orjson reads it): text in a numeric field, unreadable ("abc") and "N/A"; MACs in other spellings;
    padded site ids; integers in a text field; booleans; a null, a missing and an unknown field."""
    records = [good_record(AUTH, n) for n in range(6)]  # numbers as text, MACs as AA-BB-..., as the API may
    records[0]["upstream_sum"] = "abc"
    records[1]["upstream_sum"] = "N/A"
    records[3]["ap_mac"] = "aabb.ccdd.eeff"
    for n, record in enumerate(records):
        record["shop_id"] = [" 101 ", "102", "106", "103", "104 ", "105"][n]
        record["vendor"] = 40 + n
        record["sex"] = n % 2 == 0
    records[1]["access_duration"] = None
    del records[2]["city"]
    records[3]["brand_new_field"] = "x"
    return records


def frames_of(records: list[dict], columnar_records) -> tuple[Normalised, Normalised]:
    def build(given):
        return to_frame(AUTH, given, context={"site_id": "101"}, partition_date=None, extracted_at=EXTRACTED)

    return build(records), build(columnar_records)


def test_a_body_read_as_columns_reads_back_as_orjson_reads_it():
    """Record for record; a field a record lacks reads as None (every reader of records uses `get`)."""
    content = body(awkward_records())
    parsed = parse_columnar(content, PATH)
    assert isinstance(parsed["data"]["auth_list"], ColumnarRecords)
    expected = orjson.loads(content)["data"]["auth_list"]
    fields = list(dict.fromkeys(name for record in expected for name in record))
    assert parsed["data"]["auth_list"] == [{name: record.get(name) for name in fields} for record in expected]
    assert {k: v for k, v in parsed["data"].items() if k != "auth_list"} == {"total_count": 6}
    assert parsed["code"] == 0 and parsed["message"] == "success"


def test_the_frame_from_columns_equals_the_frame_from_dicts_failures_and_drift_included():
    records = awkward_records()
    parsed = parse_columnar(body(records), PATH)["data"]["auth_list"]
    from_dicts, from_columns = frames_of(records, parsed)
    assert parsed.columns is not None  # the landing read the columns, not dicts built from them
    pd.testing.assert_frame_equal(from_columns.frame, from_dicts.frame)
    assert from_columns.notes == from_dicts.notes
    assert {f.column for f in from_columns.notes.failures} == {"upstream_sum"}  # "N/A" quarantined, not lost
    assert from_columns.notes.unknown_fields == {"brand_new_field"}


def test_a_record_without_its_site_is_read_record_by_record_with_the_same_result():
    records = [good_record(AUTH, n) for n in range(3)]
    for record, site in zip(records, ["101", "", "103"], strict=True):
        record["shop_id"] = site  # "": the request's site, then, by the per-record path, from dicts built once
    from_dicts, from_columns = frames_of(records, parse_columnar(body(records), PATH)["data"]["auth_list"])
    pd.testing.assert_frame_equal(from_columns.frame, from_dicts.frame)
    assert from_columns.frame["site_id"].tolist() == ["101", "101", "103"]


def test_a_field_no_record_carries_is_missing_from_both():
    records = [good_record(AUTH, n) for n in range(3)]
    for record in records:
        del record["nickname"]
    from_dicts, from_columns = frames_of(records, parse_columnar(body(records), PATH)["data"]["auth_list"])
    pd.testing.assert_frame_equal(from_columns.frame, from_dicts.frame)
    assert from_columns.notes.missing_fields == {"nickname"} == from_dicts.notes.missing_fields
    assert from_columns.frame["nickname"].isna().all()


@pytest.mark.parametrize(
    "case, content",
    [
        ("a decimal number (1.0 and 1 look alike to pyarrow)", body([{"upstream": 1.5}, {"upstream": 2}])),
        ("text pyarrow would read as a timestamp", body([{"city": "2026-11-13 10:00:00"}])),
        ("a nested object in a record", body([{"city": {"name": "x"}}])),
        ("a list in a record", body([{"city": ["x"]}])),
        ("a null among the records", body([{"city": "x"}, None])),
        ("plain values, not records", body(["a", "b"])),
        ("no records at all", body([])),
        ("one type changing between records", body([{"sex": 1}, {"sex": "m"}])),
        ("a number beyond 64 bits", body([{"sex": 99999999999999999999}])),
        ("a decimal outside the records", orjson.dumps({"code": 0, "ratio": 0.5, "data": {"auth_list": [{"a": 1}]}})),
        ("the records path absent", orjson.dumps({"code": 0, "data": {"list": [{"a": 1}]}})),
        ("a body that is a list", orjson.dumps([{"a": 1}])),
        ("two objects", b'{"code": 0}\n{"code": 1}'),
        ("a key given twice", b'{"code": 0, "code": 1, "data": {"auth_list": [{"a": 1}]}}'),
        ("invalid UTF-8", b'{"code": 0, "data": {"auth_list": [{"a": "x\xff"}]}}'),
        ("broken JSON", b'{"code": 0, "data": {"auth_list": [{"a": 1}'),
    ],
)
def test_what_columns_would_not_give_back_exactly_is_left_to_orjson(case, content):
    assert parse_columnar(content, PATH) is None, case


def test_small_answers_are_left_to_orjson(monkeypatch):
    monkeypatch.setattr(columnar, "COLUMNAR_MIN_BYTES", 256 * 1024)
    assert parse_columnar(body([good_record(AUTH)]), PATH) is None


def test_records_changed_through_iteration_are_what_lands():
    records = [good_record(AUTH, n) for n in range(3)]
    parsed = parse_columnar(body(records), PATH)["data"]["auth_list"]
    assert parsed[0] == records[0] and parsed[-1] == records[-1]  # indexing builds one record ...
    assert parsed.columns is not None  # ... and leaves the columns as they are
    for record in parsed:
        record["vendor"] = "changed"
    assert parsed.columns is None
    frame = to_frame(AUTH, parsed, context={}, partition_date=date(2026, 11, 19), extracted_at=EXTRACTED).frame
    assert frame["vendor"].tolist() == ["changed"] * 3


def test_records_of_keeps_the_columns_and_the_archive_writes_the_records(tmp_path):
    records = [good_record(AUTH, n) for n in range(2)]
    data = parse_columnar(body(records), PATH)["data"]
    found = records_of(AUTH, data)
    assert isinstance(found, ColumnarRecords) and len(found) == 2
    written = Archive(tmp_path, personal="keep").write("auth_history", date(2026, 11, 19), {"shop_id": [1]}, data)
    import gzip

    with gzip.open(written, "rt", encoding="utf-8") as handle:
        assert json.load(handle)["answer"]["auth_list"] == records


def test_the_client_reads_the_simulators_auth_pages_as_columns(simulator, tmp_path):
    """Real HTTP: the simulator's auth answers take the columnar path, and read as orjson reads them."""
    from inc_pipeline.client import IncClient

    site = next(iter(simulator.world.sites))
    day = simulator.config.end_date
    begin = int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() * 1000) - 86_400_000
    params = {"shop_id": [site], "begin_time": begin, "end_time": begin + 86_400_000 - 1}
    with IncClient(simulator.base_url, simulator.api_key, state_dir=tmp_path, paced=False) as client:
        pages = list(client.iter_pages(ENDPOINTS_BY_ID["auth_history"], params))
    assert pages and all(isinstance(page.records, ColumnarRecords) for page in pages)
    reread = [record for page in pages for record in list(page.records)]
    assert len(reread) == sum(len(page.records) for page in pages) > 0
    assert all(isinstance(record, dict) and "user_mac" in record for record in reread)
