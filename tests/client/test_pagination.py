"""Every pagination style over several pages, against the scripted loopback server."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from .conftest import endpoint


def _rows(start: int, count: int, key: str = "id") -> list[dict]:
    return [{key: i} for i in range(start, start + count)]


def test_page_index_pages_until_total(scripted, scripted_client):
    auth = endpoint("auth_history", page_size=2)
    scripted.ok({"total_count": 4, "auth_list": _rows(0, 2)})
    scripted.ok({"total_count": 4, "auth_list": _rows(2, 2)})
    pages = list(scripted_client.iter_pages(auth, {"shop_id": [1], "begin_time": 0, "end_time": 9}))
    assert [p.number for p in pages] == [1, 2]
    assert [r["id"] for p in pages for r in p.records] == [0, 1, 2, 3]
    bodies = [r["body"] for r in scripted.requests]
    assert [(b["page_index"], b["page_size"]) for b in bodies] == [(1, 2), (2, 2)]
    assert all(b["shop_id"] == [1] for b in bodies)
    assert scripted_client.stats["auth_history"].pages == 2
    assert scripted_client.stats["auth_history"].records == 4


def test_page_index_stops_on_short_page_without_total(scripted, scripted_client):
    scripted.ok(_rows(0, 2))
    scripted.ok(_rows(2, 1))
    records = list(scripted_client.records(endpoint("auth_history", page_size=2), {}))
    assert len(records) == 3 and len(scripted.requests) == 2


def test_page_index_stops_when_server_repeats_a_page(scripted, scripted_client):
    scripted.default = (200, {"code": 0, "data": {"auth_list": _rows(0, 2)}}, {})
    records = list(scripted_client.records(endpoint("auth_history", page_size=2), {}))
    assert len(records) == 2 and len(scripted.requests) == 2


def test_skip_limit_in_the_query_string(scripted, scripted_client):
    history = endpoint("history_clients", page_size=3)
    for start in (0, 3, 6):
        scripted.ok({"count_total": 7, "histClientList": _rows(start, min(3, 7 - start), "clientMAC")})
    pages = list(scripted_client.iter_pages(history, {"devSN": "SN1"}))
    assert sum(len(p.records) for p in pages) == 7
    assert [r["query"] for r in scripted.requests] == [
        {"devSN": "SN1", "skipnum": str(skip), "limitnum": "3"} for skip in (0, 3, 6)
    ]


def test_skip_limit_stops_at_count_total_on_a_full_page(scripted, scripted_client):
    scripted.ok({"clientList": {"count_total": 4, "clientInfo": _rows(0, 2)}})
    scripted.ok({"clientList": {"count_total": 4, "clientInfo": _rows(2, 2)}})
    records = list(scripted_client.records(endpoint("online_clients", page_size=2), {"devSN": "SN"}))
    assert len(records) == 4 and len(scripted.requests) == 2


def test_cursor_sends_last_record_until_total_page(scripted, scripted_client):
    report = endpoint("history_day_report", page_size=2)
    scripted.ok({"info": _rows(0, 2, "_id"), "totalPage": 3})
    scripted.ok({"info": _rows(2, 2, "_id"), "totalPage": 3})
    scripted.ok({"info": _rows(4, 2, "_id"), "totalPage": 3})
    params = {"user": "u", "shops": ["1"], "startTime": 0, "endTime": 9}
    records = list(scripted_client.records(report, params))
    assert [r["_id"] for r in records] == list(range(6))
    bodies = [r["body"] for r in scripted.requests]
    assert [b["active"] for b in bodies] == ["firstPage", "nextPage", "nextPage"]
    assert "local" not in bodies[0] and bodies[1]["local"] == {"_id": 1} and bodies[2]["local"] == {"_id": 3}
    assert all(b["limit"] == 2 and b["user"] == "u" for b in bodies)


def test_cursor_month_report_uses_capitalised_fields(scripted, scripted_client):
    report = endpoint("history_month_report", page_size=2)
    scripted.ok({"info": _rows(0, 2, "_id"), "totalPage": 2})
    scripted.ok({"info": _rows(2, 1, "_id"), "totalPage": 2})
    records = list(scripted_client.records(report, {"user": "u", "Shops": ["1"]}))
    assert len(records) == 3
    first, second = (r["body"] for r in scripted.requests)
    assert first["Active"] == "firstPage" and first["Limit"] == 2 and "active" not in first
    assert second["Active"] == "nextPage" and second["Local"] == {"_id": 1}


def test_cursor_stops_on_a_repeated_page(scripted, scripted_client):
    scripted.default = (200, {"code": 0, "data": {"info": _rows(0, 2, "_id")}}, {})
    records = list(scripted_client.records(endpoint("history_day_report", page_size=2), {}))
    assert len(records) == 2 and len(scripted.requests) == 2


def test_unpaged_endpoint_is_one_call(scripted, scripted_client):
    scripted.ok({"new": 1, "old": 2, "total": 3})
    pages = list(scripted_client.iter_pages(endpoint("current_client_count"), {"user": "u"}))
    assert len(pages) == 1 and pages[0].records == [{"new": 1, "old": 2, "total": 3}]
    assert pages[0].raw == {"new": 1, "old": 2, "total": 3}


def _report_params(sim, sites: list[str], days: int) -> dict:
    begin = int(datetime.combine(sim.config.start_date, time(), tzinfo=UTC).timestamp() * 1000)
    return {"user": sim.config.user, "shops": sites, "startTime": begin, "endTime": begin + days * 86_400_000 - 1}


def test_a_several_site_report_is_one_call_however_long(sim, sim_client):
    """Several sites answer a bare list (no info, no totalPage) longer than the limit: the whole answer, so asking
    a next page would only spend a request on the same list."""
    sites = [str(site) for site in sim.world.sites]
    start = sim.config.start_date
    report = endpoint("history_day_report", page_size=5)
    records = list(sim_client.records(report, _report_params(sim, sites, 7)))
    assert len(records) == 7 * len(sites) > 5
    assert {(str(r["scenarioid"]), r["statTime"]) for r in records} == {
        (site, (start + timedelta(days=n)).isoformat()) for site in sites for n in range(7)
    }
    assert sim.stats()["requests"] == {report.path: 1}


def test_a_several_site_report_cut_at_the_limit_is_asked_again_in_halves(make_simulator, client_state_dir):
    """The other reading of the manual: the bare list stops at `limit`, with no totalPage to say so. An answer
    exactly that long is set aside and each half of its sites asked again, down to one site (cursor-paged):
    every record, none twice."""
    from inc_pipeline.client import IncClient

    sim = make_simulator(several_site_reports_cut=True, enforce_limits=False)
    first, *others = sites = [str(site) for site in sim.world.sites]
    report = endpoint("history_day_report", page_size=5)
    with IncClient(sim.base_url, sim.api_key, state_dir=client_state_dir, backoff_base=0.05) as client:
        records = list(client.records(report, _report_params(sim, sites, 7)))
    pairs = [(str(r["scenarioid"]), r["statTime"]) for r in records]
    assert len(pairs) == len(set(pairs)) == 7 * len(sites)
    assert set(pairs) == {(s, (sim.config.start_date + timedelta(days=n)).isoformat()) for s in sites for n in range(7)}
    # The 3 sites' cut list; the first site alone (7 days in pages of 5); the other two, cut again; each alone.
    assert len(others) == 2 and sim.stats()["requests"] == {report.path: 1 + 2 + 1 + 2 * 2}


def test_a_whole_several_site_report_exactly_limit_long_costs_two_more_requests(make_simulator, client_state_dir):
    """Exactly `limit` long is ambiguous (cut, or whole by coincidence, as 100 sites' weekly report for one week
    is): each half of the sites answers a shorter list, whole, which replaces the first answer, not adds to it.
    Two requests more, however many sites."""
    from inc_pipeline.client import IncClient

    sim = make_simulator(sites=8, enforce_limits=False)
    sites = [str(site) for site in sim.world.sites]
    report = endpoint("history_day_report", page_size=7 * len(sites))
    with IncClient(sim.base_url, sim.api_key, state_dir=client_state_dir, backoff_base=0.05) as client:
        records = list(client.records(report, _report_params(sim, sites, 7)))
    pairs = [(str(r["scenarioid"]), r["statTime"]) for r in records]
    assert len(pairs) == len(set(pairs)) == 7 * len(sites)
    assert sim.stats()["requests"] == {report.path: 3}


def test_a_one_site_answer_asked_alone_is_named_by_its_request(scripted, scripted_client):
    """A one-site answer need not carry scenarioid (the manual's one-site table has no site column): the site
    asked is written into its records, so the rows still land under their site."""
    report = endpoint("history_day_report", page_size=2)
    scripted.ok([{"scenarioid": "1", "statTime": "2026-11-01"}, {"scenarioid": "2", "statTime": "2026-11-01"}])
    scripted.ok({"info": [{"statTime": "2026-11-01"}], "totalPage": 1})
    scripted.ok({"info": [{"statTime": "2026-11-01", "scenarioid": ""}], "totalPage": 1})
    records = list(scripted_client.records(report, {"user": "u", "shops": [1, 2], "startTime": 0, "endTime": 1}))
    assert [(r["scenarioid"], r["statTime"]) for r in records] == [(1, "2026-11-01"), (2, "2026-11-01")]
    assert [r["body"]["shops"] for r in scripted.requests] == [[1, 2], [1], [2]]  # the two halves of [1, 2]
