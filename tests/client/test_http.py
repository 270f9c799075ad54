"""IncClient over real HTTP against a scripted loopback server: headers, envelope, errors, retries."""

from __future__ import annotations

import logging
import socket

import pytest

from inc_pipeline.catalog.model import RateLimit
from inc_pipeline.client import (
    ApiError,
    AuthError,
    BadRequestError,
    IncClient,
    InvalidKeyError,
    QuotaExhaustedError,
    ResponseFormatError,
    ServerError,
    ThrottledError,
    TransportError,
)
from inc_pipeline.client.envelope import redact

from .conftest import API_KEY, endpoint

HTML_502 = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"


def test_sends_key_header_accept_and_splits_query_from_body(scripted, scripted_client):
    scripted.ok({"count_total": 0, "histClientList": []})
    scripted_client.call(endpoint("history_clients"), {"devSN": "SN1", "extra": 1}, query={"skipnum": 0})
    sent = scripted.requests[0]
    assert sent["method"] == "POST" and sent["path"] == "/device/historyclients"
    assert sent["headers"]["apikey"] == API_KEY
    assert sent["headers"]["accept"] == "application/json"
    assert sent["headers"]["content-type"] == "application/json"
    assert sent["query"] == {"devSN": "SN1", "skipnum": "0"}
    assert sent["body"] == {"extra": 1}


def test_get_sends_fields_in_query_string(scripted, scripted_client):
    scripted.ok([])
    scripted_client.call(endpoint("device_ap_info"), {"devsn": "SN9"})
    assert scripted.requests[0]["query"] == {"devsn": "SN9"} and scripted.requests[0]["body"] is None


def test_fixed_params_travel_with_every_request(scripted, scripted_client):
    scripted.ok([])
    scripted_client.call(endpoint("device_operation_basic_info"), {"devSN": ["A", "B"]})
    assert scripted.requests[0]["body"] == {"method": "getBasicDevInfo", "devSN": ["A", "B"]}


@pytest.mark.parametrize("code", [0, "0"])
def test_success_code_number_or_string(scripted, scripted_client, code):
    scripted.push({"code": code, "message": "", "data": [{"shopId": 1}]})
    assert scripted_client.call(endpoint("user_shops")) == [{"shopId": 1}]


def test_answer_without_envelope_is_data(scripted, scripted_client):
    body = {"clientList": {"count_total": 1, "clientInfo": [{"clientMAC": "m"}]}}
    scripted.push(body)
    pages = list(scripted_client.iter_pages(endpoint("online_clients"), {"devSN": "SN"}))
    assert pages[0].records == [{"clientMAC": "m"}]


def test_bad_key_fails_fast_without_showing_the_key(scripted, scripted_client, caplog):
    scripted.push({"code": 1001, "message": f"invalid apikey {API_KEY}", "data": None}, times=5)
    with caplog.at_level(logging.DEBUG), pytest.raises(AuthError) as caught:
        scripted_client.call(endpoint("user_shops"))
    message = str(caught.value)
    assert API_KEY not in message and "\n" not in message
    assert "user_shops" in message and "key" in message
    assert len(scripted.requests) == 1  # permanent: no retry
    assert API_KEY not in caplog.text
    assert API_KEY not in repr(scripted_client)


def test_http_401_is_an_auth_error(scripted, scripted_client):
    scripted.push("Unauthorized", status=401)
    with pytest.raises(AuthError):
        scripted_client.call(endpoint("user_shops"))
    assert len(scripted.requests) == 1


@pytest.mark.parametrize(("code", "kind"), [(1002, BadRequestError), (1005, BadRequestError), (4242, ApiError)])
def test_permanent_errors_are_not_retried(scripted, scripted_client, code, kind):
    scripted.push({"code": code, "message": "nope", "data": None}, times=5)
    with pytest.raises(kind) as caught:
        scripted_client.call(endpoint("shop_devices"), {"shopIds": [1]})
    assert "shop_devices" in str(caught.value) and "nope" in str(caught.value)
    assert len(scripted.requests) == 1


def test_html_error_page_is_retried_then_recovers(scripted, scripted_client):
    scripted.push(HTML_502, status=502, headers={"Content-Type": "text/html"})
    scripted.ok([{"shopId": 1}])
    assert scripted_client.call(endpoint("user_shops")) == [{"shopId": 1}]
    assert scripted_client.stats["user_shops"].retries == 1
    assert scripted_client.stats["user_shops"].calls == 2


def test_persistent_html_error_page_gives_a_clear_error(scripted, scripted_client):
    scripted.push(HTML_502, status=502, times=5)
    with pytest.raises(ResponseFormatError) as caught:
        scripted_client.call(endpoint("shop_devices"), {"shopIds": [1]})
    assert "HTML error page" in str(caught.value) and "shop_devices" in str(caught.value)
    assert len(scripted.requests) == 3  # max_retries=2


def test_truncated_json_gives_a_clear_error(scripted, scripted_client):
    scripted.push('{"code": 0, "message": "", "data": [{"shopId": 1}, {"sho', times=5)
    with pytest.raises(ResponseFormatError) as caught:
        scripted_client.call(endpoint("user_shops"))
    assert "truncated JSON" in str(caught.value) and "\n" not in str(caught.value)


def test_5xx_then_success(scripted, scripted_client):
    scripted.push({"error": "boom"}, status=503)
    scripted.ok([])
    assert scripted_client.call(endpoint("user_shops")) == []


def test_persistent_5xx_is_a_server_error(scripted, scripted_client):
    scripted.push("oops", status=500, times=5)
    with pytest.raises(ServerError):
        scripted_client.call(endpoint("user_shops"))


@pytest.mark.parametrize(
    "answer",
    [
        ({"code": 1003, "message": "slow down", "data": None}, 200),
        ({"code": 7, "message": "Request too frequent", "data": None}, 200),
        ("Too Many Requests", 429),
    ],
)
def test_throttling_is_counted_and_retried(scripted, scripted_client, answer):
    scripted.push(*answer)
    scripted.ok([])
    assert scripted_client.call(endpoint("user_shops")) == []
    assert scripted_client.stats["user_shops"].throttled == 1


def test_persistent_throttling_raises_throttled_error(scripted, scripted_client):
    scripted.push({"code": 1003, "message": "too frequent"}, times=5)
    with pytest.raises(ThrottledError):
        scripted_client.call(endpoint("user_shops"))


def test_quota_answer_marks_the_day_spent(scripted, scripted_client):
    shops = endpoint("user_shops", rate=RateLimit(per_day=100))
    scripted.push({"code": 1004, "message": "daily limit reached", "data": None})
    with pytest.raises(QuotaExhaustedError) as caught:
        scripted_client.call(shops)
    assert "deferring is safe" in str(caught.value)
    assert scripted_client.quota_left(shops) == 0
    with pytest.raises(QuotaExhaustedError):
        scripted_client.call(shops)
    assert len(scripted.requests) == 1  # the spent quota is known locally: nothing more was sent


def test_quota_is_reserved_per_request(scripted, scripted_client):
    shops = endpoint("user_shops", rate=RateLimit(per_day=3))
    assert scripted_client.quota_left(shops) == 3
    scripted.ok([], times=3)
    for _ in range(3):
        scripted_client.call(shops)
    with pytest.raises(QuotaExhaustedError):
        scripted_client.call(shops)
    assert len(scripted.requests) == 3
    assert scripted_client.quota_left(endpoint("shop_devices")) is None


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_host_is_a_transport_error_without_the_key(tmp_path):
    client = IncClient(
        f"http://127.0.0.1:{_closed_port()}", API_KEY, state_dir=tmp_path, max_retries=1, backoff_base=0.01
    )
    with pytest.raises(TransportError) as caught:
        client.call(endpoint("user_shops"))
    assert "user_shops" in str(caught.value) and API_KEY not in str(caught.value)
    assert client.stats["user_shops"].calls == 2 and client.stats["user_shops"].retries == 1


def test_proxy_settings_of_the_environment_are_kept(scripted, tmp_path, monkeypatch):
    """The session reads HTTP_PROXY once, at creation, instead of on every request: a host only the proxy can
    reach is still reached through it."""
    for name in ("NO_PROXY", "no_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", scripted.url)
    scripted.ok([{"shopId": 1}])
    with IncClient("http://inc-cloud.invalid:8000", API_KEY, state_dir=tmp_path, max_retries=0) as client:
        client.call(endpoint("user_shops"))
    assert scripted.requests[0]["headers"]["host"] == "inc-cloud.invalid:8000"


def test_an_answer_larger_than_one_read_arrives_whole(scripted, scripted_client):
    """Answers are read in 1 MiB pieces: a 3 MB page of records comes back complete and in order."""
    from inc_pipeline.client.http import READ_CHUNK_BYTES

    rows = [{"devSN": f"SN{n:06d}", "name": "x" * 500} for n in range(6000)]
    scripted.ok({"count_total": len(rows), "histClientList": rows})
    data = scripted_client.call(endpoint("history_clients"), {"devSN": "SN1"})
    assert len(str(data)) > 2 * READ_CHUNK_BYTES
    assert data["histClientList"] == rows


@pytest.mark.parametrize("key", ["sec\nret-key", "sec ret-key", "secret-k\x00ey", "sécret-key"])
def test_a_key_no_header_can_carry_is_refused_before_any_request_without_showing_it(scripted, tmp_path, key):
    """requests' InvalidHeader quoted such a key whole (escaped, so masking the key missed it), retried 15 times."""
    with pytest.raises(InvalidKeyError) as caught:
        IncClient(scripted.url, key, state_dir=tmp_path / "state")
    assert "INC_API_KEY" in str(caught.value) and "\n" not in str(caught.value)
    assert key not in str(caught.value) and repr(key)[1:-1] not in str(caught.value)
    assert scripted.requests == []


def test_an_error_quoting_the_key_escaped_is_masked_too():
    key = "secret\tkey"
    assert redact(f"bad header value: {key!r} and raw {key}", key) == "bad header value: '***' and raw ***"


@pytest.mark.parametrize("name", ["api key", "apikey:", "", "ápikey"])
def test_a_header_name_http_cannot_carry_is_refused_before_any_request(scripted, tmp_path, name):
    """requests refused it on every attempt, which read as an unreachable host after 15 retries."""
    with pytest.raises(InvalidKeyError, match="INC_API_HEADER=.* is not a header name: use apikey"):
        IncClient(scripted.url, API_KEY, header_name=name, state_dir=tmp_path / "state")
    assert scripted.requests == []


def test_a_key_echoed_inside_a_successful_answer_never_reaches_the_records(scripted, scripted_client):
    """The body is masked before it is parsed, in small answers and in large ones read into columns."""
    few = [{"devSN": "SN1", "note": f"key {API_KEY} seen"}]
    many = [{"devSN": f"SN{n}", "note": f"{n} {API_KEY}"} for n in range(20_000)]  # > 256 KiB: columnar
    for records in (few, many):
        scripted.ok({"count_total": len(records), "histClientList": records})
        answer = scripted_client.call(endpoint("history_clients"), {"devSN": "SN1"})
        notes = [record["note"] for record in answer["histClientList"]]
        assert all("***" in note and API_KEY not in note for note in notes) and len(notes) == len(records)
