"""The raw-answer archive: gzipped JSON per request, no API key, replayable, no personal data by default."""

from __future__ import annotations

import gzip

import pytest

from inc_pipeline.landing import Archive, ArchiveError

from .helpers import DAY


def test_answers_come_back_in_request_order_without_the_key(tmp_path):
    archive = Archive(tmp_path)
    for n in range(3):
        archive.write("device_ap_info", DAY, {"devsn": "D1", "apikey": "s3cret", "page": n}, {"data": [n]})
    answers = list(archive.iter_answers("device_ap_info", DAY))
    assert answers == [({"devsn": "D1", "page": n}, {"data": [n]}) for n in range(3)]
    stored = b"".join(gzip.decompress(p.read_bytes()) for p in (tmp_path / "archive").rglob("*.json.gz"))
    assert b"s3cret" not in stored


def test_personal_answers_are_not_archived_and_replay_says_why(tmp_path):
    archive = Archive(tmp_path)
    assert archive.write("auth_history", DAY, {}, {"auth_list": [{"mobile_no": "5511"}]}) is None
    with pytest.raises(ArchiveError, match="personal data is not archived"):
        list(archive.iter_answers("auth_history", DAY))


def test_a_new_extraction_replaces_the_days_answers(tmp_path):
    Archive(tmp_path).write("device_ap_info", DAY, {"run": 1}, {"data": [1]})
    Archive(tmp_path).write("device_ap_info", DAY, {"run": 2}, {"data": [2]})
    assert list(Archive(tmp_path).iter_answers("device_ap_info", DAY)) == [({"run": 2}, {"data": [2]})]
