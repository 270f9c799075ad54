"""The lake on S3-compatible object storage (moto's server on loopback, real HTTP): the same partitions as a local
lake, published whole or not at all, and a server restarted in the middle of a landing loses nothing."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pandas as pd
import pyarrow.fs as pafs
import pytest

from inc_pipeline.catalog import endpoint
from inc_pipeline.landing import Lake, LakeError, validate
from inc_pipeline.landing.object_store import LakeUrlError, ObjectStore, parse_lake_url, s3_filesystem

from .helpers import DAY, frame_of, good_record

AP_INFO = endpoint("device_ap_info")
DAYS = [DAY + timedelta(days=n) for n in range(3)]


def _frame(first: int, count: int, day=DAY) -> pd.DataFrame:
    records = [good_record(AP_INFO, n) for n in range(first, first + count)]
    return validate(AP_INFO, frame_of(AP_INFO, records, partition_date=day), window=None).good


def _store(s3_server, bucket) -> ObjectStore:
    return ObjectStore.from_url(f"s3://{bucket}/inc", s3_server.endpoint_url)


def _object_digest(s3_server, bucket, key) -> str:
    body = s3_server.client().get_object(Bucket=bucket, Key=key)["Body"].read()
    return hashlib.sha256(body).hexdigest()


def _land(lake: Lake, frames_by_day: dict) -> dict:
    with lake.partition_writer("device_ap_info", dates=frames_by_day) as writer:
        for frame in frames_by_day.values():
            writer.add(frame)
        return writer.commit()


def test_an_s3_lake_holds_the_bytes_a_local_lake_holds(tmp_path, s3_server, s3_bucket):
    frames = {day: _frame(n * 10, 3 + n, day) for n, day in enumerate(DAYS)}
    local, remote = Lake(tmp_path / "local"), Lake(tmp_path / "staging", _store(s3_server, s3_bucket))
    assert _land(local, frames) == _land(remote, frames) == {day: 3 + n for n, day in enumerate(DAYS)}
    assert remote.partitions("device_ap_info") == DAYS
    pd.testing.assert_frame_equal(remote.read("device_ap_info"), local.read("device_ap_info"))
    pd.testing.assert_frame_equal(remote.read("device_ap_info", [DAYS[1]]), frames[DAYS[1]])
    assert [remote.row_count("device_ap_info", day) for day in DAYS] == [3, 4, 5]
    assert remote.row_count("device_ap_info", DAY - timedelta(days=1)) is None
    keys = [f"inc/lake/device_ap_info/date={day}/part-0.parquet" for day in DAYS]
    assert [key for key in s3_server.keys(s3_bucket) if not key.endswith("/")] == keys  # no temporary key left
    for day, key in zip(DAYS, keys, strict=True):
        local_bytes = hashlib.sha256(local.partition_path("device_ap_info", day).read_bytes()).hexdigest()
        assert _object_digest(s3_server, s3_bucket, key) == local_bytes


def test_quarantine_goes_to_the_store_and_an_empty_one_removes_it(tmp_path, s3_server, s3_bucket):
    lake = Lake(tmp_path, _store(s3_server, s3_bucket))
    bad = pd.DataFrame({"failed_check": ["isin"], "column": ["apStatus"], "value": ["9"], "source_row": [0]})
    lake.write_quarantine("device_ap_info", DAY, bad)
    pd.testing.assert_frame_equal(lake.read_quarantine("device_ap_info", DAY), bad)
    lake.write_quarantine("device_ap_info", DAY, bad.iloc[:0])
    assert lake.read_quarantine("device_ap_info", DAY).empty
    assert not [key for key in s3_server.keys(s3_bucket) if "quarantine" in key and key.endswith(".parquet")]


def test_old_rows_of_units_not_landed_are_carried_from_the_store_not_the_staging_copy(tmp_path, s3_server, s3_bucket):
    store = _store(s3_server, s3_bucket)
    both = pd.concat([_frame(0, 2).assign(dev_sn="DEV-A"), _frame(2, 2).assign(dev_sn="DEV-B")], ignore_index=True)
    with Lake(tmp_path / "first", store).partition_writer("device_ap_info", dates=[DAY], unit_columns=("dev_sn",)) as w:
        w.add(both)
        w.units.unit_landed(frozenset({("DEV-A",), ("DEV-B",)}), [DAY])
        w.commit()
    fresh = Lake(tmp_path / "second", store)  # another machine: nothing staged locally
    again_a = _frame(10, 1).assign(dev_sn="DEV-A")
    with fresh.partition_writer("device_ap_info", dates=[DAY], unit_columns=("dev_sn",)) as writer:
        writer.add(again_a)
        writer.units.unit_landed(frozenset({("DEV-A",)}), [DAY])
        writer.commit()
    landed = fresh.read("device_ap_info").sort_values(["dev_sn", "apSN"]).reset_index(drop=True)
    expected = pd.concat([again_a, both[both["dev_sn"] == "DEV-B"]]).sort_values(["dev_sn", "apSN"])
    pd.testing.assert_frame_equal(landed, expected.reset_index(drop=True), check_dtype=False)


def test_a_half_uploaded_temporary_object_is_never_read_and_is_swept(tmp_path, s3_server, s3_bucket):
    lake = Lake(tmp_path, _store(s3_server, s3_bucket))
    old = _frame(0, 2)
    _land(lake, {DAY: old})
    final = f"inc/lake/device_ap_info/date={DAY}/part-0.parquet"
    whole = s3_server.client().get_object(Bucket=s3_bucket, Key=final)["Body"].read()
    stray = f"inc/lake/device_ap_info/date={DAY}/.part-0.parquet.0123abcd.tmp"
    s3_server.client().put_object(Bucket=s3_bucket, Key=stray, Body=whole[: len(whole) // 2])
    assert lake.partitions("device_ap_info") == [DAY]
    pd.testing.assert_frame_equal(lake.read("device_ap_info"), old)
    assert lake.store.temporary_keys() == [f"{s3_bucket}/{stray}"]
    assert lake.store.sweep_temporary() == 1 and lake.store.temporary_keys() == []


@pytest.mark.slow
@pytest.mark.parametrize("stopped", ["before_the_upload", "between_upload_and_move"])
def test_server_restarted_in_the_middle_of_a_landing_loses_nothing(
    tmp_path, s3_server, s3_bucket, monkeypatch, stopped
):
    store = _store(s3_server, s3_bucket)
    lake = Lake(tmp_path / "staging", store)
    old = {day: _frame(0, 2, day) for day in DAYS}
    new = {day: _frame(100, 4, day) for day in DAYS}
    _land(lake, old)
    real_copy, uploads = pafs.copy_files, []

    def server_stops_at_the_second_day(source, destination, **kwargs):
        uploads.append(destination)
        if len(uploads) == 2 and stopped == "before_the_upload":
            s3_server.stop()
        real_copy(source, destination, **kwargs)
        if len(uploads) == 2:  # uploaded to its temporary key, not yet moved over the final one
            s3_server.stop()

    monkeypatch.setattr(pafs, "copy_files", server_stops_at_the_second_day)
    with pytest.raises(LakeError, match="cannot publish .*date=2026-11-20/part-0.parquet to object storage"):
        _land(lake, new)
    monkeypatch.undo()
    s3_server.start()  # same port, same objects
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    # each partition is a whole file: the first day the new one, the others still the old one; so is the staging
    # copy, which what resumes a retried run reads (defs/resume.py): a day the store lacks must not look landed
    staged = {day: pd.read_parquet(lake.partition_path("device_ap_info", day)) for day in DAYS}
    assert [len(staged[day]) for day in DAYS] == [4, 2, 2]
    pd.testing.assert_frame_equal(lake.read("device_ap_info", [DAYS[0]]), new[DAYS[0]])
    for day in DAYS[1:]:
        pd.testing.assert_frame_equal(lake.read("device_ap_info", [day]), old[day])
    left = 1 if stopped == "between_upload_and_move" else 0  # an uploaded, never-moved object no reader lists
    assert len(store.temporary_keys()) == left
    assert _land(lake, new) == {day: 4 for day in DAYS}  # the rerun lands everything
    after_rerun = {key: _object_digest(s3_server, s3_bucket, key) for key in s3_server.keys(s3_bucket)}
    _land(lake, new)  # and again: idempotent, byte for byte
    assert {key: _object_digest(s3_server, s3_bucket, key) for key in s3_server.keys(s3_bucket)} == after_rerun
    for day in DAYS:
        pd.testing.assert_frame_equal(lake.read("device_ap_info", [day]), new[day])
    assert store.sweep_temporary() == left


@pytest.mark.parametrize(
    "url", ["http://bucket/x", "s3://", "bucket/prefix", "s3://bucket/prefix?versionId=1"]
)
def test_a_bad_lake_url_is_refused_in_one_line(url):
    with pytest.raises(LakeUrlError, match="INC_LAKE_URL=.* is not an s3://bucket/prefix location") as error:
        parse_lake_url(url)
    assert "\n" not in str(error.value)


def test_a_bad_endpoint_url_is_refused_in_one_line():
    with pytest.raises(LakeUrlError, match=r"INC_S3_ENDPOINT_URL='127.0.0.1:9000' is not an http\(s\)://host"):
        s3_filesystem("127.0.0.1:9000")
