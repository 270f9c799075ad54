"""records_of: where the records are, in every known layout, and how shapes flatten."""

from __future__ import annotations

import pytest

from inc_pipeline.client import ResponseFormatError, records_of

from .conftest import endpoint

AUTH_ROWS = [{"user_mac": "aa", "shop_id": 1}, {"user_mac": "bb", "shop_id": 2}]


@pytest.mark.parametrize(
    "data",
    [
        {"total_count": 2, "auth_list": AUTH_ROWS},  # public clients
        AUTH_ROWS,  # the manual's table: records directly under data
        {"rowCount": 2, "data": AUTH_ROWS},  # the platform's other paged layout
    ],
)
def test_auth_records_in_every_known_layout(data):
    assert records_of(endpoint("auth_history"), data) == AUTH_ROWS


def test_online_clients_under_client_list():
    # Inside `data`, or at the top with no envelope: the client hands either over as `data` (see test_http.py).
    data = {"clientList": {"count_total": 1, "count_left": 1, "clientInfo": [{"clientMAC": "m"}]}}
    assert records_of(endpoint("online_clients"), data) == [{"clientMAC": "m"}]


def test_empty_answers_give_no_records():
    auth = endpoint("auth_history")
    assert records_of(auth, None) == []
    assert records_of(auth, {"total_count": 0}) == []
    assert records_of(auth, {"total_count": 0, "auth_list": None}) == []
    assert records_of(auth, []) == []


def test_report_single_site_object_and_multi_site_list():
    report = endpoint("history_day_report")
    rows = [{"statTime": "2024-01-01", "clientCount": 3}]
    assert records_of(report, {"info": rows, "totalPage": 1}) == rows
    assert records_of(report, rows) == rows


def test_shapes_flatten():
    assert records_of(endpoint("current_client_count"), {"new": 1, "old": 2, "total": 3}) == [
        {"new": 1, "old": 2, "total": 3}
    ]
    assert records_of(endpoint("ssid_client_macs"), ["aa:bb", "cc:dd"]) == [{"value": "aa:bb"}, {"value": "cc:dd"}]
    top_bottom = records_of(
        endpoint("client_count_top_bottom"),
        {"top5": [{"index": "a", "count": 9}, {"index": "b", "count": 8}], "bottom5": [{"index": "z", "count": 1}]},
    )
    assert top_bottom == [
        {"rank_group": "top5", "rank": 1, "index": "a", "count": 9},
        {"rank_group": "top5", "rank": 2, "index": "b", "count": 8},
        {"rank_group": "bottom5", "rank": 1, "index": "z", "count": 1},
    ]
    series = [{"time": "00:00", "clientCount": 1}, {"time": "01:00", "clientCount": 2}]
    assert records_of(endpoint("history_hour_client_count_detail"), series) == series


def test_unexpected_layout_names_the_endpoint_and_path():
    with pytest.raises(ResponseFormatError) as caught:
        records_of(endpoint("history_clients"), {"count_total": 1, "somethingElse": [{"a": 1}]})
    assert "history_clients" in str(caught.value) and "histClientList" in str(caught.value)
