"""End to end: simulator answers landed through the real client, then the marts equal the API's own numbers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import duckdb
import pytest

from inc_pipeline.catalog import ENDPOINTS_BY_ID
from inc_pipeline.client import IncClient, window_params
from inc_pipeline.landing import Lake, protect, to_frame, validate
from inc_pipeline.warehouse import build_warehouse

DAY_MS = 86_400_000
SITE_TABLES = ("history_day_client_count", "history_vendor_data", "history_day_report", "history_net_flow_bytes")


def _land_site_day(client, lake, simulator, endpoint_id, site_id, day) -> list[dict]:
    """Land one site-day of one endpoint; return the records the API answered."""
    entry = ENDPOINTS_BY_ID[endpoint_id]
    start_ms = int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() * 1000)
    params = {entry.site_field: [str(site_id)], "user": simulator.config.user}
    params.update(window_params(entry, start_ms, start_ms + DAY_MS))
    answered = []
    with lake.partition_writer(entry.id, dates=[day]) as writer:
        for page in client.iter_pages(entry, params):
            answered.extend(page.records)
            frame = to_frame(
                entry, page.records, context={"site_id": site_id}, partition_date=day, extracted_at=datetime.now(UTC)
            )
            good = validate(entry, frame, window=(start_ms, start_ms + DAY_MS)).good
            writer.add(protect(entry, good, key=b"k", policy="pseudonymise"))
    return answered


@pytest.mark.slow
def test_marts_equal_the_simulator_answers(simulator, tmp_path):
    site_id = str(next(iter(simulator.world.sites.values())).id)
    day = simulator.config.end_date - timedelta(days=1)
    lake = Lake(tmp_path / "data")
    with IncClient(simulator.base_url, simulator.api_key, state_dir=tmp_path / "state") as client:
        answers = {t: _land_site_day(client, lake, simulator, t, site_id, day) for t in SITE_TABLES}
    result = build_warehouse(tmp_path / "data", source_label=simulator.base_url)
    with duckdb.connect(str(tmp_path / "data" / "warehouse.duckdb"), read_only=True) as con:
        guests = con.execute(
            "select new_guests, regular_guests, total_guests from marts.guest_daily where site_id = ? and date = ?",
            [site_id, day],
        ).fetchall()
        vendors = dict(
            con.execute("select vendor, clients from marts.vendor_daily where site_id = ?", [site_id]).fetchall()
        )
        traffic = con.execute("select rx_mb, tx_mb from marts.traffic_daily where site_id = ?", [site_id]).fetchall()
    (api_guests,) = answers["history_day_client_count"]
    assert guests == [(api_guests["new"], api_guests["old"], api_guests["total"])]
    assert vendors == {v["clientVendorEn"]: v["count"] for v in answers["history_vendor_data"]}
    (api_flow,) = answers["history_net_flow_bytes"]
    assert traffic == [(pytest.approx(api_flow["totalRxBytes"]), pytest.approx(api_flow["totalTxBytes"]))]
    report = next(r for r in result.reconciliations if r.name == "report_daily_vs_guest_daily")
    assert report.rows_compared == 1 and report.passed
