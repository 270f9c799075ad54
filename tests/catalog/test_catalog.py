"""The catalog covers the vendor's manual: every endpoint, path, method and stated limit."""

from pathlib import Path

import pytest
import yaml

from inc_pipeline.catalog import DOMAINS, ENDPOINTS, ENDPOINTS_BY_ID, Cadence, Pagination, Shape

SPEC = yaml.safe_load((Path(__file__).parents[1] / "spec" / "endpoints.yaml").read_text(encoding="utf-8"))
SPEC_ENDPOINTS = SPEC["endpoints"]


def test_one_entry_per_manual_endpoint_in_order():
    assert [e.id for e in ENDPOINTS] == [s["id"] for s in SPEC_ENDPOINTS]
    assert len(ENDPOINTS) == 40 == len(ENDPOINTS_BY_ID)


@pytest.mark.parametrize("spec", SPEC_ENDPOINTS, ids=lambda s: s["id"])
def test_entry_matches_manual(spec):
    entry = ENDPOINTS_BY_ID[spec["id"]]
    assert (entry.method, entry.path) == (spec["method"], spec["path"])
    assert entry.rate.stated == (spec["rate_limit"] or "none stated")
    assert entry.domain in DOMAINS
    assert entry.natural_key, "every entry names the key that makes a landed row unique"


@pytest.mark.parametrize("spec", SPEC_ENDPOINTS, ids=lambda s: s["id"])
def test_window_fields_are_the_manuals_request_fields(spec):
    entry = ENDPOINTS_BY_ID[spec["id"]]
    request_fields = {f["name"] for f in spec.get("request") or []}
    if entry.window:
        assert {entry.window.start_field, entry.window.end_field} <= request_fields
    if entry.cadence is Cadence.WINDOW:
        assert entry.window is not None


def test_auth_history_limits():
    auth = ENDPOINTS_BY_ID["auth_history"]
    assert auth.window.max_hours == 168
    assert auth.pagination is Pagination.PAGE_INDEX and auth.page_size == 5000
    assert {"mobile_no", "user_name", "open_id", "nickname"} <= set(auth.personal_fields)


def test_series_entries_name_their_time_field():
    for entry in ENDPOINTS:
        if entry.shape is Shape.SERIES:
            assert entry.series_time_field in entry.fields, entry.id


@pytest.mark.parametrize("spec", SPEC_ENDPOINTS, ids=lambda s: s["id"])
def test_titles_are_the_manuals(spec):
    assert ENDPOINTS_BY_ID[spec["id"]].title == spec["title"]
