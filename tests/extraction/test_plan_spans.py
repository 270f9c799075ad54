"""How many requests the planner asks for: one per day for per-day aggregates, one per site and run of days for
trends, one for every site and run of days for reports, 168-hour pieces for auth history."""

from __future__ import annotations

from datetime import date, timedelta

from inc_pipeline.catalog import ENDPOINTS_BY_ID, Span
from inc_pipeline.extract.plan import Target, Targets, day_start_ms, plan_requests

SITES = tuple(str(1001 + n) for n in range(20))
TARGETS = Targets(sites=SITES, devices=tuple(Target(site_id=s, dev_sn=f"SN{s}") for s in SITES), user="demo")
DAYS = [date(2026, 10, 28) + timedelta(days=n) for n in range(30)]
TRENDS = ("history_hour_client_count_detail", "history_day_client_count_detail", "history_week_client_times_detail",
          "history_client_stay_duration_detail", "history_net_flow_detail")  # fmt: skip
REPORTS = ("history_day_report", "history_week_report", "history_month_report")


def count(endpoint_id: str, days=DAYS, **kwargs) -> int:
    return len(plan_requests(ENDPOINTS_BY_ID[endpoint_id], TARGETS, days=days, **kwargs))


def test_thirty_days_of_twenty_sites():
    for endpoint_id in TRENDS:
        assert count(endpoint_id) == 20, endpoint_id  # was 600: one per site and day
    for endpoint_id in REPORTS:
        assert count(endpoint_id) == 1, endpoint_id  # was 600
    for endpoint_id in ("history_day_client_count", "history_peak_number", "report_static_data"):
        assert count(endpoint_id) == 600, endpoint_id  # per-day aggregates: distinct clients do not add up
    assert count("device_interface_flow") == 600  # the manual's answer is one Object: per device and day
    assert count("auth_history") == 5  # 720 h in 168 h pieces, 20 sites in one batch


def test_a_trend_request_covers_its_run_and_its_rows_route_themselves():
    endpoint = ENDPOINTS_BY_ID["history_day_client_count_detail"]
    (request, *_) = plan_requests(endpoint, TARGETS, days=DAYS)
    assert request.window == (day_start_ms(DAYS[0]), day_start_ms(DAYS[-1] + timedelta(days=1)))
    assert request.params["startTime"] == day_start_ms(DAYS[0])
    assert request.params["endTime"] == day_start_ms(DAYS[-1] + timedelta(days=1)) - 1  # inclusive end
    assert request.partition_date is None and request.context == {"site_id": SITES[0]}


def test_a_gap_in_the_days_makes_one_request_per_run():
    days = DAYS[:3] + DAYS[10:12]
    assert count("history_net_flow_detail", days) == 2 * 20
    assert count("history_day_report", days) == 2


def test_reports_batch_sites_and_a_lone_site_is_named_by_its_request():
    endpoint = ENDPOINTS_BY_ID["history_month_report"]
    (request,) = plan_requests(endpoint, TARGETS, days=DAYS)
    assert request.params["Shops"] == list(SITES) and request.context == {}
    (alone,) = plan_requests(endpoint, Targets(sites=("1001",), user="demo"), days=DAYS)
    assert alone.params["Shops"] == ["1001"] and alone.context == {"site_id": "1001"}


def test_partitions_in_another_time_zone_ask_one_day_per_request():
    """Rows name UTC hours and days: they cannot be routed to another zone's days, so every day is asked alone."""
    assert count("history_hour_client_count_detail", tz="America/Sao_Paulo") == 600
    assert count("auth_history", tz="America/Sao_Paulo") == 30


def test_every_ranged_endpoint_can_route_its_rows():
    for endpoint in ENDPOINTS_BY_ID.values():
        if endpoint.window is not None and endpoint.window.span is Span.RUN:
            assert endpoint.series_time_field in endpoint.fields, endpoint.id


def test_reports_are_asked_on_utc_days_whatever_the_partitions_zone():
    """A report row is the API's own UTC day (week, month): asked over local days it would come back as parts of
    two, so the reports keep UTC boundaries, and one request for the run, under any INC_TIMEZONE."""
    for endpoint_id in REPORTS:
        assert count(endpoint_id, tz="America/Sao_Paulo") == count(endpoint_id), endpoint_id
    (request,) = plan_requests(ENDPOINTS_BY_ID["history_day_report"], TARGETS, days=DAYS, tz="America/Sao_Paulo")
    assert request.window == (day_start_ms(DAYS[0]), day_start_ms(DAYS[-1] + timedelta(days=1)))
    assert count("history_day_client_count_detail", tz="America/Sao_Paulo") == 600  # not a report: local days
