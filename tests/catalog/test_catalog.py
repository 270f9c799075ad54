"""The catalog covers the vendor's manual: every endpoint, path, method and stated limit."""

from pathlib import Path

import pytest
import yaml

from inc_pipeline.catalog import DOMAINS, ENDPOINTS, ENDPOINTS_BY_ID, Cadence, Pagination, Period, Scope, Shape, Span

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


def test_ranged_endpoints_name_each_rows_time_and_batched_ones_each_rows_site():
    """A request over a run of days lands each row by its own time; a batch of sites names each row's site."""
    ranged = {e.id for e in ENDPOINTS if e.window is not None and e.window.span is Span.RUN}
    assert ranged == {
        "auth_history", "history_hour_client_count_detail", "history_day_client_count_detail",
        "history_week_client_times_detail", "history_client_stay_duration_detail", "history_net_flow_detail",
        "history_day_report", "history_week_report", "history_month_report",
    }  # fmt: skip
    for endpoint_id in ranged:
        entry = ENDPOINTS_BY_ID[endpoint_id]
        assert entry.series_time_field in entry.fields, endpoint_id
        if entry.scope is Scope.SITE_BATCH:
            assert entry.record_site_field in entry.fields and entry.batch_size > 1, endpoint_id
    periods = {e.id: e.series_period for e in ENDPOINTS if e.series_period is not Period.DAY}
    assert periods == {"history_week_client_times_detail": Period.WEEK, "history_week_report": Period.WEEK,
                       "history_month_report": Period.MONTH}  # fmt: skip
