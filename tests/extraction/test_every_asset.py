"""Every one of the 40 endpoint assets, materialized against the simulator: Parquet lands where the lake contract
says, and its values are the API's answers (compared with the simulator's own answers and its world)."""

from __future__ import annotations

import json
import math
import re
from dataclasses import replace

import pandas as pd
import pytest

from inc_pipeline.catalog import ENDPOINTS, ENDPOINTS_BY_ID, Scope
from inc_pipeline.extract.plan import Targets, day_start_ms, plan_requests
from inc_pipeline.extract.targets import load_targets
from inc_pipeline.landing.privacy import personal_columns, pseudonym
from inc_pipeline.landing.rules import Kind
from inc_pipeline.landing.schemas import column_kind, expected_columns
from inc_pipeline.simulator import SimulatorServer

from .helpers import PARTITION, PII_KEY, SIM_NOW, day, freeze_clock, lake, metadata, run, sim_client

SNAPSHOTS = [e.id for e in ENDPOINTS if not e.is_windowed]
# A week is reported in the partition of its Sunday, a month in that of its last day: ask those days so they have rows.
PARTITION_OF = {
    "history_week_client_times_detail": "2026-11-15",
    "history_week_report": "2026-11-15",
    "history_month_report": "2026-10-31",
}
WINDOWED = [e.id for e in ENDPOINTS if e.is_windowed and e.id not in PARTITION_OF]


@pytest.fixture(scope="module")
def landed(sim_config, tmp_path_factory):
    """One simulated site (few 1/s calls), every asset landed once: snapshots first (they are the targets),
    taken at the simulator's frozen now so the "current" endpoints answer about a day that has sessions."""
    data_dir = tmp_path_factory.mktemp("every_asset")
    with (
        pytest.MonkeyPatch.context() as monkeypatch,
        SimulatorServer(replace(sim_config, enforce_limits=False, sites=1)) as sim,
    ):
        freeze_clock(monkeypatch)
        # Every column landed, personal ones as pseudonyms, so that each can be checked against the answer
        # (the default policy drops them: tests/extraction/test_privacy.py).
        every = {"pii_policy": "pseudonymise"}
        results = {e: run([e], sim, data_dir, **every) for e in ("user_shops", "shop_devices")}
        rest = [e for e in SNAPSHOTS if e not in results]
        results |= dict.fromkeys(rest, run(rest, sim, data_dir, **every))
        results |= dict.fromkeys(WINDOWED, run(WINDOWED, sim, data_dir, partition=PARTITION, **every))
        for endpoint_id, partition in PARTITION_OF.items():
            results[endpoint_id] = run([endpoint_id], sim, data_dir, partition=partition, **every)
        yield sim, data_dir, results


def _landed_day(endpoint_id: str):
    """Window endpoints land their partition; snapshots land under their extraction day."""
    if ENDPOINTS_BY_ID[endpoint_id].is_windowed:
        return day(PARTITION_OF.get(endpoint_id, PARTITION))
    return SIM_NOW.date()


@pytest.mark.parametrize("endpoint_id", [e.id for e in ENDPOINTS])
def test_each_asset_lands_parquet_in_its_partition(landed, endpoint_id):
    sim, data_dir, results = landed
    endpoint = ENDPOINTS_BY_ID[endpoint_id]
    (landed_day,) = lake(data_dir).partitions(endpoint_id)
    assert landed_day == _landed_day(endpoint_id)
    path = data_dir / "lake" / endpoint_id / f"date={landed_day.isoformat()}" / "part-0.parquet"
    frame = pd.read_parquet(path)
    assert list(frame.columns) == expected_columns(endpoint)
    assert len(frame) == metadata(results[endpoint_id], endpoint_id)["rows_landed"] > 0
    assert (frame["partition_date"] == landed_day).all()
    assert metadata(results[endpoint_id], endpoint_id)["rows_quarantined"] == 0


@pytest.mark.parametrize("endpoint_id", [e.id for e in ENDPOINTS])
def test_each_asset_lands_the_values_the_api_answers(landed, endpoint_id, tmp_path):
    """Row by row, field by field: the landed value is the answer's value, typed (re-asked through IncClient)."""
    sim, data_dir, _ = landed
    endpoint = ENDPOINTS_BY_ID[endpoint_id]
    the_lake = lake(data_dir)
    targets = Targets(user="demo")
    if endpoint.scope is not Scope.ACCOUNT:
        targets = load_targets(the_lake, user="demo")
    landed_day = the_lake.partitions(endpoint_id)[0]
    days = [landed_day] if endpoint.is_windowed else []
    answers = []
    with sim_client(sim, tmp_path / "state") as client:
        for request in plan_requests(endpoint, targets, days=days, now=SIM_NOW):
            answers += [(record, request.context) for record in client.records(endpoint, request.params)]
    frame = the_lake.read(endpoint_id, dates=[landed_day])
    assert len(frame) == len(answers)
    personal = set(personal_columns(endpoint))
    for (record, context), row in zip(answers, frame.to_dict("records"), strict=True):
        for column in set(context) & set(row):
            assert row[column] == str(context[column])
        for field in endpoint.fields:
            expected = record.get(field)
            kind = column_kind(endpoint, field)
            if field in personal:
                assert _same_personal(expected, row[field], kind), (field, expected, row[field])
            else:
                assert _same(expected, row[field], kind), (field, expected, row[field])


def _same(raw, landed, kind: Kind) -> bool:
    if raw is None or (isinstance(raw, str) and raw.strip().lower() in ("", "n/a")):
        return pd.isna(landed) or landed == ""
    if kind in (Kind.COUNT, Kind.INTEGER, Kind.EPOCH_MS, Kind.MEASURE):
        return math.isclose(float(raw), float(landed))
    if kind is Kind.MAC:
        return _hex(raw) == _hex(landed)
    if isinstance(raw, dict | list):
        return json.loads(landed) == raw
    return str(raw).lower() == str(landed).lower()


def _same_personal(raw, landed, kind: Kind) -> bool:
    if raw is None or raw == "":
        return pd.isna(landed) or landed == pseudonym("", PII_KEY.encode())
    clear = ":".join(re.findall("..", _hex(raw))) if kind is Kind.MAC else str(raw)
    return landed == pseudonym(clear, PII_KEY.encode())


def _hex(mac) -> str:
    return re.sub(r"[^0-9a-f]", "", str(mac).lower())


def test_inventory_is_the_simulated_world(landed):
    sim, data_dir, _ = landed
    the_lake = lake(data_dir)
    (site,) = sim.world.sites.values()
    assert the_lake.read("user_shops")["shopId"].tolist() == [str(site.id)]
    assert the_lake.read("shop_devices")["devSN"].tolist() == [site.device.sn]
    assert sorted(the_lake.read("device_ap_info")["apSN"]) == sorted(ap.sn for ap in site.aps)
    assert sorted(the_lake.read("device_ssid_info")["SSIDName"]) == sorted(s.name for s in site.ssids)


def test_auth_history_is_every_session_of_the_day(landed):
    sim, data_dir, _ = landed
    (site,) = sim.world.sites.values()
    start = day_start_ms(day())
    sessions = sim.world.window(site.id, start, start + 86_400_000 - 1)
    landed_rows = lake(data_dir).read("auth_history", dates=[day()])
    assert landed_rows["access_start_time"].tolist() == sessions.start.tolist()
    assert (landed_rows["site_id"] == str(site.id)).all()


def test_guest_counts_equal_the_simulators_answer_for_the_site_and_day(landed, tmp_path):
    sim, data_dir, _ = landed
    (site,) = sim.world.sites.values()
    endpoint = ENDPOINTS_BY_ID["history_day_client_count"]
    (request,) = plan_requests(endpoint, Targets(sites=(str(site.id),), user="demo"), days=[day()])
    with sim_client(sim, tmp_path / "state") as client:
        (answer,) = client.records(endpoint, request.params)
    (row,) = lake(data_dir).read("history_day_client_count", dates=[day()]).to_dict("records")
    assert (row["new"], row["old"], row["total"]) == (answer["new"], answer["old"], answer["total"])
    assert row["total"] == row["new"] + row["old"] > 0
