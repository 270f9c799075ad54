"""The lake: typed round trips, atomic replacement, empty partitions, streaming pages, readable errors."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pandas as pd
import pytest

from inc_pipeline.catalog import endpoint
from inc_pipeline.landing import Lake, LakeError, expected_columns, protect, validate

from .helpers import DAY, DAY_START_MS, WINDOW, frame_of, good_record

AP_INFO = endpoint("device_ap_info")
DAY_COUNT = endpoint("history_day_client_count")


def _good(entry, records, partition_date=DAY):
    return validate(entry, frame_of(entry, records, partition_date=partition_date), window=None).good


def _files(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_round_trip_preserves_values_and_types(tmp_path):
    lake = Lake(tmp_path)
    frame = _good(AP_INFO, [good_record(AP_INFO, n) for n in range(3)])
    assert lake.replace_partitions("device_ap_info", [DAY], [frame]) == {DAY: 3}
    back = lake.read("device_ap_info")
    pd.testing.assert_frame_equal(back, frame)
    assert lake.partition_path("device_ap_info", DAY).relative_to(tmp_path).as_posix() == (
        "lake/device_ap_info/date=2026-11-19/part-0.parquet"
    )
    assert lake.row_count("device_ap_info", DAY) == 3


def test_zero_rows_land_an_empty_typed_file_unlike_never_landed(tmp_path):
    lake = Lake(tmp_path)
    lake.replace_partitions("device_ap_info", [DAY], [])
    assert lake.row_count("device_ap_info", DAY) == 0
    assert lake.row_count("device_ap_info", DAY - timedelta(days=1)) is None
    empty = lake.read("device_ap_info", [DAY])
    assert list(empty.columns) == expected_columns(AP_INFO) and empty["apStatus"].dtype == "Int64"


def test_a_crash_inside_the_writer_leaves_the_old_partition_and_no_temp_files(tmp_path):
    lake = Lake(tmp_path)
    old = _good(AP_INFO, [good_record(AP_INFO, 0)])
    lake.replace_partitions("device_ap_info", [DAY], [old])
    before = _files(tmp_path)
    with pytest.raises(RuntimeError, match="network gone"):
        with lake.partition_writer("device_ap_info", dates=[DAY, DAY + timedelta(days=1)]) as writer:
            writer.add(_good(AP_INFO, [good_record(AP_INFO, n) for n in range(5)]))
            raise RuntimeError("network gone")
    assert _files(tmp_path) == before  # no *.tmp, no half-made directory for the new day
    pd.testing.assert_frame_equal(lake.read("device_ap_info"), old)


def test_relanding_replaces_the_partition_identically(tmp_path):
    lake = Lake(tmp_path)
    frame = _good(AP_INFO, [good_record(AP_INFO, n) for n in range(3)])
    lake.replace_partitions("device_ap_info", [DAY], [frame])
    first = _digest(lake.partition_path("device_ap_info", DAY))
    lake.replace_partitions("device_ap_info", [DAY], [frame])
    assert _digest(lake.partition_path("device_ap_info", DAY)) == first
    lake.replace_partitions("device_ap_info", [DAY], [frame.iloc[:1]])
    assert lake.row_count("device_ap_info", DAY) == 1


def test_pages_stream_to_disk_one_at_a_time_and_days_are_routed(tmp_path, monkeypatch):
    entry = endpoint("auth_history")
    lake = Lake(tmp_path)
    monkeypatch.setattr(pd, "concat", _forbidden)  # the writer must never gather pages in memory
    days = [DAY + timedelta(days=n) for n in range(3)]
    with lake.partition_writer("auth_history", dates=days) as writer:
        for page in range(4):
            records = [
                good_record(entry, page * 10 + n) | {"access_start_time": DAY_START_MS + n * 86_400_000}
                for n in range(2)
            ]
            writer.add(_good(entry, records, partition_date=None))
        writer.add(_good(entry, records, partition_date=None))  # a page the API repeated
    monkeypatch.undo()
    assert writer.rows == {days[0]: 4, days[1]: 4, days[2]: 0}
    assert writer.duplicates_dropped == 2
    assert lake.partitions("auth_history") == days


def test_keys_are_remembered_within_a_request_only(tmp_path):
    entry = endpoint("auth_history")
    page = _good(entry, [good_record(entry, n) for n in range(3)])
    with Lake(tmp_path).partition_writer("auth_history", dates=[DAY]) as writer:
        assert writer.add(page) == 3
        assert writer.add(page.iloc[1:]) == 0  # the same request repeating records on a later page
        writer.next_request()
        assert writer.add(page.iloc[:1]) == 1  # another request: what it answers lands, nothing is remembered
    assert writer.duplicates_dropped == 2
    assert writer.rows == {DAY: 4}


def _forbidden(*args, **kwargs):
    raise AssertionError("pages were concatenated")


def test_rows_outside_the_declared_days_are_refused(tmp_path):
    lake = Lake(tmp_path)
    frame = _good(AP_INFO, [good_record(AP_INFO)])
    with pytest.raises(LakeError, match="outside"):
        lake.replace_partitions("device_ap_info", [DAY + timedelta(days=1)], [frame])
    assert lake.partitions("device_ap_info") == []


def test_dropped_personal_columns_land_without_them(tmp_path):
    entry = endpoint("auth_history")
    frame = protect(entry, validate(entry, frame_of(entry, [good_record(entry)]), window=WINDOW).good,
                    policy="drop", key=b"k")  # fmt: skip
    lake = Lake(tmp_path)
    lake.replace_partitions("auth_history", [DAY], [frame], schema_columns=list(frame.columns))
    assert "mobile_no" not in lake.read("auth_history").columns


def test_a_corrupted_file_gives_one_line_naming_it_and_the_fix(tmp_path):
    lake = Lake(tmp_path)
    lake.replace_partitions("device_ap_info", [DAY], [_good(AP_INFO, [good_record(AP_INFO)])])
    path = lake.partition_path("device_ap_info", DAY)
    path.write_bytes(b"PAR1 this is not parquet")
    with pytest.raises(LakeError) as error:
        lake.read("device_ap_info")
    message = str(error.value)
    assert "\n" not in message and str(path) in message
    # device_ap_info is a snapshot: a past day's cannot be asked again
    assert message.endswith("remove the file: a past snapshot cannot be asked again, and the next run lands today's")
    (found,) = lake.unreadable("device_ap_info")  # what `status` lists, without reading the rows
    assert str(found).startswith(f"{path} is not readable Parquet (") and str(found).endswith("lands today's")


def test_a_corrupted_window_partition_names_the_run_that_re_lands_it(tmp_path):
    lake = Lake(tmp_path)
    lake.replace_partitions("history_day_client_count", [DAY], [_good(DAY_COUNT, [good_record(DAY_COUNT)])])
    path = lake.partition_path("history_day_client_count", DAY)
    path.write_bytes(b"PAR1 this is not parquet")
    (error,) = lake.unreadable("history_day_client_count")
    assert str(error).endswith("inc-pipeline run --start 2026-11-19 --end 2026-11-19 --select history_day_client_count")


def test_quarantine_is_written_atomically_and_replaced(tmp_path):
    lake = Lake(tmp_path)
    records = [good_record(AP_INFO, 0), good_record(AP_INFO, 1) | {"apStatus": 9}]
    quarantined = validate(AP_INFO, frame_of(AP_INFO, records), window=None).quarantined
    path = lake.write_quarantine("device_ap_info", DAY, quarantined)
    assert path.relative_to(tmp_path).as_posix() == "quarantine/device_ap_info/date=2026-11-19/part-0.parquet"
    back = lake.read_quarantine("device_ap_info", DAY)
    assert back[["failed_check", "column", "value"]].values.tolist() == [["isin(1|2|3)", "apStatus", "9"]]
    lake.write_quarantine("device_ap_info", DAY, quarantined.iloc[:0])
    assert not path.exists()
    assert not [p for p in tmp_path.rglob("*.tmp")]


def test_rows_of_several_requests_written_at_once_drop_a_key_only_within_its_own_request(tmp_path):
    entry = endpoint("auth_history")
    page = _good(entry, [good_record(entry, n) for n in range(3)])
    answered_twice = pd.concat([page, page.iloc[:1]], ignore_index=True)
    with Lake(tmp_path).partition_writer("auth_history", dates=[DAY]) as writer:
        assert writer.add(answered_twice, requests=[0, 0, 0, 1]) == 4  # request 1 may answer what request 0 did
        assert writer.add(page.iloc[:2], requests=[1, 1]) == 1  # but not repeat itself on its next page
    assert writer.duplicates_dropped == 1
    assert writer.rows == {DAY: 5}


def test_a_key_is_remembered_for_one_further_write_only(tmp_path):
    """The API repeats a record on the next page; remembering a request's every key made memory grow with it."""
    entry = endpoint("auth_history")
    records = [good_record(entry, n) for n in range(4)]
    first, second = _good(entry, records[:2]), _good(entry, records[2:])
    with Lake(tmp_path).partition_writer("auth_history", dates=[DAY]) as writer:
        assert writer.add(first) == 2
        assert writer.add(pd.concat([first.iloc[1:], second], ignore_index=True)) == 2  # the next page repeats one
        assert writer.add(second.iloc[1:]) == 0  # and its own next page repeats it
        assert writer.add(first.iloc[:1]) == 1  # two writes later the first page's keys are forgotten
    assert writer.duplicates_dropped == 2


def test_a_finished_day_takes_rows_that_come_after_all(tmp_path):
    """Days a window has moved past are closed early (each open Parquet writer holds buffers); a row for one of
    them afterwards reopens its file, and the committed partition holds every row."""
    entry = endpoint("auth_history")
    later = DAY + timedelta(days=1)
    records = [good_record(entry, n) for n in range(3)]
    lake = Lake(tmp_path)
    with lake.partition_writer("auth_history", dates=[DAY, later]) as writer:
        writer.add(_good(entry, records[:2]))
        writer.add(_good(entry, records[2:], partition_date=later))
        writer.finish_before(later)
        writer.next_request()
        writer.add(_good(entry, [good_record(entry, 9)]))  # the finished day, after all
    assert lake.row_count("auth_history", DAY) == 3 and lake.row_count("auth_history", later) == 1
    assert not list(tmp_path.glob("lake/auth_history/date=*/.*.tmp"))


def test_pseudonym_columns_are_written_without_a_dictionary_and_the_others_with_one(tmp_path):
    """A dictionary cannot shrink values that never repeat; written plainly they read back the same."""
    import pyarrow.parquet as pq

    from inc_pipeline.landing.privacy import personal_columns

    entry = endpoint("auth_history")
    records = [good_record(entry, n) for n in range(50)]
    frame = protect(entry, _good(entry, records), key=b"k", policy="pseudonymise")
    lake = Lake(tmp_path)
    with lake.partition_writer("auth_history", dates=[DAY]) as writer:
        writer.add(frame)
    path = lake.partition_path("auth_history", DAY)
    row_group = pq.ParquetFile(path).metadata.row_group(0)
    columns = [row_group.column(i) for i in range(row_group.num_columns)]
    encodings = {column.path_in_schema: column.encodings for column in columns}
    pseudonyms = set(personal_columns(entry))
    assert pseudonyms and pseudonyms <= set(encodings)
    assert all("RLE_DICTIONARY" not in encodings[column] for column in pseudonyms)
    assert "RLE_DICTIONARY" in encodings["vendor"] and "RLE_DICTIONARY" in encodings["site_id"]
    back = lake.read("auth_history")
    pd.testing.assert_frame_equal(back.reset_index(drop=True), frame.reset_index(drop=True), check_like=True)
