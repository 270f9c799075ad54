"""The real service's conventions, read by the client: the {rowCount, data} wrapper on every list endpoint, the
region tree of /user/shop, and the query parameters sent on every call."""

from __future__ import annotations

import pytest

from inc_pipeline.catalog import ENDPOINTS, Shape
from inc_pipeline.client import records_of
from inc_pipeline.client.caller_params import QueryParamsError, parse_query_params, pipeline_fields
from inc_pipeline.client.records import without_list_wrapper
from inc_pipeline.client.site_tree import sites_of_tree

from .conftest import endpoint

LIST_ENDPOINTS = [e for e in ENDPOINTS if e.shape in (Shape.LIST, Shape.SERIES, Shape.STRINGS, Shape.SITE_TREE)]


def _manual_answer(entry, records: list) -> object:
    """`records` as the manual's answer of `entry` holds them: inside its container, or as `data` itself."""
    data: object = records
    for key in reversed(entry.records_path):
        data = {key: data, "count_total": len(records)}
    return data


@pytest.mark.parametrize("entry", LIST_ENDPOINTS, ids=lambda e: e.id)
def test_every_list_endpoint_reads_the_same_records_wrapped_or_not(entry):
    records = ["aa:bb:cc:dd:ee:01", "aa:bb:cc:dd:ee:02"] if entry.shape is Shape.STRINGS else [
        {"shopId": 1, "name": "a"}, {"shopId": 2, "name": "b"}]  # fmt: skip
    plain = records_of(entry, _manual_answer(entry, records))
    assert plain  # the manual's layout reads
    assert records_of(entry, {"rowCount": 2, "data": records}) == plain  # the wrapper around the page itself
    wrapped_container = {"rowCount": 2, "data": _manual_answer(entry, records)}
    assert records_of(entry, wrapped_container) == plain  # the wrapper around the manual's container


def test_an_answer_with_a_data_field_but_no_row_count_is_not_a_wrapper():
    answer = {"data": [1, 2], "total": 3}
    assert without_list_wrapper(answer) is answer
    assert without_list_wrapper({"rowCount": 0, "data": []}) == []


def test_a_wrapped_several_site_report_is_read_whole_like_the_bare_list(scripted, scripted_client):
    report = endpoint("history_day_report", page_size=2)
    rows = [{"statTime": "2026-11-01", "scenarioid": s} for s in ("1", "2", "3")]
    scripted.ok({"rowCount": 3, "data": rows})  # longer than the limit: several sites' whole list, not a page
    params = {report.site_field: ["1", "2", "3"], "user": "u", "startTime": 0, "endTime": 1}
    assert list(scripted_client.records(report, params)) == rows
    assert len(scripted.requests) == 1


def test_the_region_tree_flattens_to_one_row_per_site_with_region_state_city():
    tree = {"userName": "u", "children": [
        {"name": "Sudeste", "states": [
            {"name": "SP", "cities": [
                {"name": "São Paulo", "shopsInfo": [{"shopId": 1, "city": "Sao Paulo"}, {"shopId": 2}]},
                {"cityName": "Santos", "shopsInfo": [{"shopId": 3}]}]}]},
        {"regionName": "Sul", "states": [{"stateName": "PR", "cities": [{"name": "Curitiba", "shopsInfo": [
            {"shopId": 4}]}]}]}]}  # fmt: skip
    assert sites_of_tree(tree) == [
        {"shopId": 1, "region": "Sudeste", "state": "SP", "city": "São Paulo"},
        {"shopId": 2, "region": "Sudeste", "state": "SP", "city": "São Paulo"},
        {"shopId": 3, "region": "Sudeste", "state": "SP", "city": "Santos"},
        {"shopId": 4, "region": "Sul", "state": "PR", "city": "Curitiba"},
    ]
    shops = endpoint("user_shops")
    assert records_of(shops, tree) == sites_of_tree(tree)
    assert records_of(shops, tree["children"]) == sites_of_tree(tree)  # the root as the list of regions
    assert records_of(shops, {"rowCount": 2, "data": tree["children"]}) == sites_of_tree(tree)
    flat = [{"shopId": 1, "city": "Sao Paulo", "province": "SP"}]
    assert records_of(shops, flat) == flat  # a server that ignores nesting: read as it is


def test_a_tree_node_without_a_name_leaves_the_sites_own_city():
    tree = {"children": [{"name": "Sul", "states": [{"name": "PR", "cities": [{"shopsInfo": [
        {"shopId": 9, "city": "Londrina"}]}]}]}]}  # fmt: skip
    assert sites_of_tree(tree) == [{"shopId": 9, "city": "Londrina", "region": "Sul", "state": "PR"}]


def test_query_params_parse_and_refuse_what_the_pipeline_sends_itself():
    assert parse_query_params("") == {}
    assert parse_query_params(" user_name = ana@example.com , locale=en ,") == {
        "user_name": "ana@example.com", "locale": "en"}  # fmt: skip
    for text, fragment in (("user_name", "not name=value"), ("=x", "not name=value"),
                           ("locale=en,locale=pt", "given twice"), ("shopIds=1", "sends itself"),
                           ("nesting=false", "sends itself"), ("devSN=X", "sends itself")):  # fmt: skip
        with pytest.raises(QueryParamsError) as caught:
            parse_query_params(text)
        assert fragment in str(caught.value) and "\n" not in str(caught.value)


def test_no_endpoint_sends_user_name_or_locale_of_its_own():
    assert not {"user_name", "locale"} & pipeline_fields()


def test_caller_params_reach_every_call_without_overriding_the_requests_own(scripted, tmp_path):
    from inc_pipeline.client import IncClient

    from .conftest import API_KEY

    # devSN and shopIds: as if a setting had let through names the requests carry themselves
    caller = {"user_name": "ana", "locale": "en", "devSN": "not-this", "shopIds": "not-this"}
    with IncClient(scripted.url, API_KEY, state_dir=tmp_path, query=caller, default_rate_per_second=1000) as client:
        client.call(endpoint("user_shops"))
        client.call(endpoint("history_clients"), {"devSN": "SN1"}, query={"skipnum": 0, "limitnum": 10})
        client.call(endpoint("shop_devices"), {"shopIds": ["1"]})
    get_shops, post_clients, post_devices = scripted.requests
    assert get_shops["query"] == {"nesting": "true", "user_name": "ana", "locale": "en", "devSN": "not-this",
                                  "shopIds": "not-this"}  # fmt: skip
    assert post_clients["query"] == {"devSN": "SN1", "skipnum": "0", "limitnum": "10", "user_name": "ana",
                                     "locale": "en", "shopIds": "not-this"}  # fmt: skip
    assert post_devices["body"] == {"shopIds": ["1"]}  # a body field of that name: not in the query string
    assert post_devices["query"] == {"user_name": "ana", "locale": "en", "devSN": "not-this"}


def test_an_untrusted_https_api_is_one_line_and_not_retried(tmp_path):
    import trustme

    from inc_pipeline.client import IncClient, TransportError
    from inc_pipeline.simulator import SimulatorConfig, SimulatorServer
    from inc_pipeline.simulator.tls import throwaway_tls

    tls = throwaway_tls(tmp_path / "tls")
    with SimulatorServer(SimulatorConfig(sites=1, enforce_limits=False), tls=tls) as sim:
        with IncClient(sim.base_url, sim.api_key, state_dir=tmp_path / "a", max_retries=3) as client:
            with pytest.raises(TransportError) as caught:
                client.call(endpoint("user_shops"))
            assert (client.stats["user_shops"].calls, client.stats["user_shops"].retries) == (1, 0)
        other_ca = tmp_path / "other.pem"
        trustme.CA().cert_pem.write_to_path(str(other_ca))
        with IncClient(sim.base_url, sim.api_key, state_dir=tmp_path / "b", ca_bundle=str(other_ca)) as client:
            with pytest.raises(TransportError) as other:
                client.call(endpoint("user_shops"))
        with IncClient(sim.base_url, sim.api_key, state_dir=tmp_path / "c", ca_bundle=str(tls.ca)) as client:
            assert len(list(client.records(endpoint("user_shops")))) == 1
        assert sim.stats()["requests"] == {"/user/shop": 1}  # the two refusals never reached the API
    line = str(caught.value)
    assert line.startswith("user_shops: the API at https://127.0.0.1:") and "set INC_CA_BUNDLE" in line
    assert "\n" not in line and sim.api_key not in line and not caught.value.transient
    assert f"INC_CA_BUNDLE='{other_ca}' does not trust" in str(other.value)


def test_a_large_wrapped_page_is_still_read_into_columns():
    import json

    from inc_pipeline.client.columnar import COLUMNAR_MIN_BYTES, ColumnarRecords
    from inc_pipeline.client.envelope import Answer, unwrap
    from inc_pipeline.client.records import wire_records_paths

    auth = endpoint("auth_history")
    records = [{"user_mac": f"aa:bb:cc:dd:{n // 256:02x}:{n % 256:02x}", "shop_id": 1, "access_start_time": n}
               for n in range(COLUMNAR_MIN_BYTES // 60)]  # fmt: skip
    content = json.dumps({"code": 0, "message": "", "data": {"rowCount": len(records), "data": records}}).encode()
    assert len(content) > COLUMNAR_MIN_BYTES
    data = unwrap("auth_history", Answer(200, {}, content), secret="k", quota_resets_at=lambda: None,
                  records_paths=wire_records_paths(auth))  # fmt: skip
    read = records_of(auth, data)
    assert isinstance(read, ColumnarRecords) and read.columns is not None and list(read) == records
