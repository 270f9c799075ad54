"""End to end through the real client: simulator answers -> frames -> validation -> protection -> the lake."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from inc_pipeline.catalog import ENDPOINTS_BY_ID
from inc_pipeline.catalog.model import Scope
from inc_pipeline.client import IncClient, window_params
from inc_pipeline.landing import Lake, protect, to_frame, validate

DAY_MS = 86_400_000
LANDED = ["shop_devices", "device_operation_basic_info", "device_ap_info", "auth_history",
          "history_day_client_count", "flow_top_bottom", "history_net_flow_detail"]  # fmt: skip


def _request(entry, simulator, day_start_ms):
    site = next(iter(simulator.world.sites.values()))
    params, context = {
        Scope.SITE_BATCH: ({entry.site_field: [site.id]}, {}),
        Scope.SITE: ({entry.site_field: [str(site.id)]}, {"site_id": site.id}),
        Scope.DEVICE: ({entry.device_field: site.device.sn}, {"dev_sn": site.device.sn}),
        Scope.DEVICE_BATCH: ({entry.device_field: [site.device.sn]}, {}),
    }[entry.scope]
    if entry.needs_user:
        params["user"] = simulator.config.user
    if entry.window is not None:
        params.update(window_params(entry, day_start_ms, day_start_ms + DAY_MS))
    return params, context


@pytest.mark.parametrize("endpoint_id", LANDED)
def test_simulator_answers_land(simulator, tmp_path, endpoint_id):
    entry = ENDPOINTS_BY_ID[endpoint_id]
    day = simulator.config.end_date - timedelta(days=1)
    start_ms = int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() * 1000)
    params, context = _request(entry, simulator, start_ms)
    lake = Lake(tmp_path / "data")
    extracted_at = datetime.now(UTC)
    quarantined = 0
    with IncClient(simulator.base_url, simulator.api_key, state_dir=tmp_path / "state") as client:
        with lake.partition_writer(entry.id, dates=[day]) as writer:
            for page in client.iter_pages(entry, params):
                frame = to_frame(entry, page.records, context=context, partition_date=day, extracted_at=extracted_at)
                result = validate(entry, frame, window=(start_ms, start_ms + DAY_MS))
                assert not result.drift.unknown_fields, result.drift
                quarantined += len(result.quarantined)
                writer.add(protect(entry, result.good, key=b"test-key", policy="pseudonymise"))
    assert quarantined == 0
    landed = lake.read(entry.id)
    assert lake.row_count(entry.id, day) == len(landed) == sum(writer.rows.values()) > 0
    if entry.personal_fields:
        assert landed["user_mac"].str.fullmatch(r"[0-9a-f]{32}").all()
