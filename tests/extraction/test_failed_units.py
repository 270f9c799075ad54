"""Landing per request unit: a device that refuses costs its own rows only, is retried first, then given up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
from dagster import AssetCheckSeverity

from inc_pipeline.catalog import ENDPOINTS_BY_ID
from inc_pipeline.extract.failed_units import GIVE_UP_AFTER, FailedUnitsLedger, plan_with_failures
from inc_pipeline.extract.plan import Target, Targets, plan_requests
from inc_pipeline.ops.status import failed_unit_lines

from .helpers import checks, day, lake, metadata, run, sim_client

AP_INFO = ENDPOINTS_BY_ID["device_ap_info"]
FLOW = ENDPOINTS_BY_ID["device_interface_flow"]
UNSUPPORTED = "does not support this operation"


def _devices(sim, data) -> list[str]:
    run(["user_shops", "shop_devices"], sim, data)
    return sorted(lake(data).read("shop_devices")["devSN"].astype(str))


def _refusing(make_simulator, path: str, *serials: str):
    return make_simulator(enforce_limits=False, refusals=tuple((path, sn) for sn in serials))


def _ap_rows(data) -> pd.DataFrame:
    frame = lake(data).read("device_ap_info")
    return frame.sort_values(["dev_sn", "apSN"]).reset_index(drop=True)


def test_a_device_that_refuses_costs_its_own_rows_only(make_simulator, tmp_path):
    data = tmp_path / "data"
    devices = _devices(make_simulator(enforce_limits=False), data)
    refused, answered = devices[0], devices[1:]
    sim = _refusing(make_simulator, "/device/apinfo", refused)

    result = run(["device_ap_info"], sim, data)

    landed = _ap_rows(data)
    assert set(landed["dev_sn"]) == set(answered)
    client = sim_client(sim, tmp_path / "reader")
    for sn in answered:  # the other devices' rows are the API's own answers
        expected = sorted((r["apSN"], r["apName"]) for r in client.records(AP_INFO, {"devsn": sn}))
        mine = landed[landed["dev_sn"] == sn]
        assert sorted(zip(mine["apSN"], mine["apName"], strict=True)) == expected
    check = checks(result, "device_ap_info")["failed_units"]
    assert not check.passed and check.severity == AssetCheckSeverity.WARN
    assert check.metadata["units_failed"].value == 1 and refused in check.metadata["failures"].value
    assert metadata(result, "device_ap_info")["units_failed"] == 1
    [unit] = FailedUnitsLedger(data / "state").units("device_ap_info")
    assert unit.target.endswith(f"dev_sn={refused}") and UNSUPPORTED in unit.message and unit.attempts == 1
    assert not unit.given_up
    [line] = failed_unit_lines(data)
    assert refused in line and UNSUPPORTED in line and "retried first by the next run" in line


def test_a_failed_unit_keeps_its_earlier_rows_and_a_success_clears_it(make_simulator, tmp_path):
    data = tmp_path / "data"
    plain = make_simulator(enforce_limits=False)
    devices = _devices(plain, data)
    run(["device_ap_info"], plain, data)
    before = _ap_rows(data)

    run(["device_ap_info"], _refusing(make_simulator, "/device/apinfo", devices[0]), data)

    after = _ap_rows(data)
    kept = before[before["dev_sn"] == devices[0]].reset_index(drop=True)
    pd.testing.assert_frame_equal(after[after["dev_sn"] == devices[0]].reset_index(drop=True), kept)
    relanded = after[after["dev_sn"] != devices[0]]
    assert (relanded["extracted_at"] > kept["extracted_at"].max()).all()  # the others were asked again

    run(["device_ap_info"], plain, data)
    assert FailedUnitsLedger(data / "state").units() == []
    assert set(_ap_rows(data)["dev_sn"]) == set(devices)


def test_a_unit_that_keeps_failing_is_given_up_and_no_longer_asked(make_simulator, tmp_path):
    data = tmp_path / "data"
    devices = _devices(make_simulator(enforce_limits=False), data)
    sim = _refusing(make_simulator, "/device/apinfo", devices[0])
    for _ in range(GIVE_UP_AFTER):
        run(["device_ap_info"], sim, data)
    [unit] = FailedUnitsLedger(data / "state").units()
    assert unit.attempts == GIVE_UP_AFTER and unit.given_up
    assert "given up (not retried)" in failed_unit_lines(data)[0]

    asked = sim.stats()["requests"]["/device/apinfo"]
    run(["device_ap_info"], sim, data)
    assert sim.stats()["requests"]["/device/apinfo"] - asked == len(devices) - 1


def test_a_failed_window_is_asked_first_by_the_next_run_and_lands_in_its_own_day(make_simulator, tmp_path):
    data = tmp_path / "data"
    plain = make_simulator(enforce_limits=False)
    devices = _devices(plain, data)
    refusing = _refusing(make_simulator, "/device/interfaceflow", devices[0])
    run(["device_interface_flow"], refusing, data, partition="2026-11-18")
    [unit] = FailedUnitsLedger(data / "state").units()
    assert unit.window.startswith("2026-11-18T00:00")
    first_day = lake(data).read("device_interface_flow", dates=[day("2026-11-18")])
    assert devices[0] not in set(first_day["dev_sn"])

    run(["device_interface_flow"], plain, data, partition="2026-11-19")

    assert FailedUnitsLedger(data / "state").units() == []
    relanded = lake(data).read("device_interface_flow", dates=[day("2026-11-18")])
    assert set(relanded["dev_sn"]) == set(devices)
    others = relanded[relanded["dev_sn"] != devices[0]].reset_index(drop=True)
    pd.testing.assert_frame_equal(others, first_day.reset_index(drop=True))  # carried over untouched


def test_the_plan_puts_failed_units_first_and_leaves_resting_ones_out(tmp_path):
    from inc_pipeline.extract.run import LandingReport
    from inc_pipeline.extract.units import UnitFailure

    targets = Targets(sites=("1", "2"), devices=tuple(Target(s, f"dev-{s}-{n}") for s in "12" for n in range(3)))
    now = datetime(2026, 11, 20, 12, tzinfo=UTC)
    planned = plan_requests(AP_INFO, targets, now=now)
    ledger = FailedUnitsLedger(tmp_path / "state")
    failing = planned[4]
    report = LandingReport(AP_INFO.id, units_failed=[UnitFailure(failing, 1006, "Device x does not support")])
    ledger.record(AP_INFO, [], report.units_failed, run_id="run-1", now=now)

    _, ordered = plan_with_failures(AP_INFO, planned, ledger, now)
    assert ordered[0] is failing and len(ordered) == len(planned)

    for n in range(2, GIVE_UP_AFTER + 1):
        ledger.record(AP_INFO, [], report.units_failed, run_id=f"run-{n}", now=now)
    _, resting = plan_with_failures(AP_INFO, planned, ledger, now + timedelta(days=1))
    assert failing.params not in [r.params for r in resting] and len(resting) == len(planned) - 1
    _, probed = plan_with_failures(AP_INFO, planned, ledger, now + timedelta(days=8))
    assert len(probed) == len(planned)  # asked again once a week, in case the device changed
