"""Over real HTTP, an account with switches and cloud APs beside its controllers: no device is asked what its type
does not answer, and the client history rotates through the devices the day's quota can cover."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from dagster import DagsterInstance, materialize

from inc_pipeline import clock
from inc_pipeline.catalog import ENDPOINTS_BY_ID
from inc_pipeline.defs.request_groups import endpoint_asset
from inc_pipeline.defs.run_clock import STARTED_AT_TAG
from inc_pipeline.extract.failed_units import FailedUnitsLedger
from inc_pipeline.landing import Lake

from .helpers import resources

pytestmark = pytest.mark.slow

FIRST_DAY = datetime(2026, 11, 21, 3, tzinfo=UTC)
LEFT_A_DAY = 3  # the quota left each day once other clients of the key spent theirs


def _materialize(sim, data, endpoint_ids, at: datetime):
    with clock.frozen(at):
        result = materialize(
            [endpoint_asset(ENDPOINTS_BY_ID[e]) for e in endpoint_ids], resources=resources(sim, data),
            instance=DagsterInstance.ephemeral(), tags={STARTED_AT_TAG: at.isoformat()},
        )  # fmt: skip
    assert result.success


def _spend_all_but(data, left: int, day: datetime) -> None:
    ledger = data / "state" / "quota" / "history_clients.json"
    ledger.parent.mkdir(parents=True, exist_ok=True)
    ledger.write_text(json.dumps({"day": day.date().isoformat(), "used": 100 - left}))


def test_devices_are_asked_what_they_answer_and_history_rotates(make_simulator, tmp_path):
    sim = make_simulator(enforce_limits=False, extra_devices=("SWITCH", "CLOUDAP"))
    data = tmp_path / "data"
    _materialize(sim, data, ["user_shops", "shop_devices"], FIRST_DAY)
    devices = Lake(data).read("shop_devices")
    kinds = dict(zip(devices["devSN"], devices["devType"], strict=True))
    assert sorted(set(kinds.values())) == ["AC", "CLOUDAP", "SWITCH", "XIAOBEIROUTER"]

    _materialize(sim, data, ["device_ap_info"], FIRST_DAY)
    assert FailedUnitsLedger(data / "state").units() == []  # no switch was asked for AP info
    assert sim.stats()["requests"]["/device/apinfo"] == sum(1 for k in kinds.values() if k in ("AC", "XIAOBEIROUTER"))

    with_clients = sorted(sn for sn, kind in kinds.items() if kind != "SWITCH")
    covered: list[set[str]] = []
    for n in range(3):
        day = FIRST_DAY + timedelta(days=n)
        _spend_all_but(data, LEFT_A_DAY, day)
        _materialize(sim, data, ["history_clients"], day)
        landed = Lake(data).read("history_clients", dates=[day.date()])
        asked = {r for r in landed["dev_sn"]} if len(landed) else set()
        covered.append(asked | _empty_answers(data, day, asked))
    assert sim.stats()["quota_refusals"] == {}
    assert [len(c) for c in covered] == [LEFT_A_DAY] * 3
    assert covered[0] | covered[1] == set(with_clients)  # 6 devices, 3 a day: all within 2 days
    assert covered[2] == covered[0]  # then the ones covered longest ago


def _empty_answers(data, day: datetime, asked: set[str]) -> set[str]:
    """Devices covered that day whose answer had no rows (cloud APs: no client attaches to them here)."""
    path = data / "state" / "coverage" / "default" / "history_clients.json"
    return {sn for sn, when in json.loads(path.read_text()).items() if when == day.date().isoformat()} - asked
