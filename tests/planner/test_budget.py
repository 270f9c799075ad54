"""The call budget: device types, rotation oldest-first within a quota, and the day's plan for a large account."""

from __future__ import annotations

import math
from datetime import date, timedelta

from inc_pipeline.catalog import ENDPOINTS, ENDPOINTS_BY_ID
from inc_pipeline.days import newest_first_chunks
from inc_pipeline.extract.budget import (
    SNAPSHOT_RUNS,
    CoverageLedger,
    asked_at_tick,
    backfill_days_per_run,
    day_plan,
    due_devices,
    snapshot_runs_per_day,
)
from inc_pipeline.extract.plan import Request, Target, Targets, plan_requests
from inc_pipeline.ops.plan import targets_for

HISTORY = ENDPOINTS_BY_ID["history_clients"]
AP_INFO = ENDPOINTS_BY_ID["device_ap_info"]
FLOW = ENDPOINTS_BY_ID["device_interface_flow"]
DAY = date(2026, 11, 19)


def _devices(count: int, kinds=("AC", "CLOUDAP", "SWITCH")) -> tuple[Target, ...]:
    return tuple(Target(str(1000 + n // 4), f"SN{n:05d}", dev_type=kinds[n % len(kinds)]) for n in range(count))


def test_each_device_is_asked_only_what_its_type_answers():
    targets = Targets(sites=("1000",), devices=_devices(12))
    asked = {e.id: {r.context["dev_sn"] for r in plan_requests(e, targets, days=[DAY])} for e in (AP_INFO, FLOW)}
    types = {d.dev_sn: d.dev_type for d in targets.devices}
    assert {types[sn] for sn in asked["device_ap_info"]} == {"AC"}
    assert asked["device_interface_flow"] == set(types)  # every type answers its interfaces
    history = {types[r.context["dev_sn"]] for r in plan_requests(HISTORY, targets)}
    assert history == {"AC", "CLOUDAP"}
    unknown = Targets(sites=("1000",), devices=(Target("1000", "SNX"),))
    assert len(plan_requests(AP_INFO, unknown)) == 1  # a type we do not know is asked: it may answer


def test_rotation_covers_every_device_once_per_cycle_oldest_first(tmp_path):
    devices = _devices(300)
    answering = [d for d in devices if HISTORY.answers(d.dev_type)]
    ledger, calls = CoverageLedger(tmp_path), 90
    cycle = math.ceil(len(answering) / calls)
    asked: list[list[str]] = []
    for n in range(cycle * 2):
        today = DAY + timedelta(days=n)
        chosen = due_devices(HISTORY, devices, ledger.last_covered(HISTORY.id), calls)
        asked.append([d.dev_sn for d in chosen])
        ledger.record(HISTORY.id, [Request(HISTORY, {}, {"dev_sn": d.dev_sn}, None, today) for d in chosen], today)
    first_cycle = [sn for day in asked[:cycle] for sn in day]
    assert set(first_cycle) == {d.dev_sn for d in answering}  # every device within the cycle
    assert len(set(asked[0]) | set(asked[1])) == 2 * calls  # no device twice while others wait
    never = sorted({d.dev_sn for d in answering} - set(asked[0]) - set(asked[1]))
    assert asked[2][: len(never)] == never  # the last day of the cycle: the never-covered first,
    assert asked[2][len(never) :] == asked[0][: calls - len(never)]  # then the quota left goes to the oldest
    assert not any(d.dev_type == "SWITCH" for d in devices if d.dev_sn in first_cycle)


def test_the_day_plan_of_a_large_account_rotates_history_clients():
    targets = targets_for(1400, 6000)
    rows = {row.endpoint.id: row for row in day_plan(ENDPOINTS, targets, DAY, default_rate=10)}
    history = rows["history_clients"]
    with_clients = sum(1 for d in targets.devices if d.dev_type in ("AC", "CLOUDAP"))
    assert history.targets == with_clients and history.calls == 100 and history.per_day == 100
    assert history.cycle_days == math.ceil(with_clients / 100)
    assert rows["device_ap_info"].calls == 1400 and rows["device_ap_info"].seconds == 1400  # controllers, 1/s
    assert rows["online_clients"].fits is True and rows["online_clients"].seconds == with_clients
    assert rows["history_week_report"].calls == 14  # 100 sites a call


def test_plan_prints_the_days_budget_for_a_made_up_large_account(capsys):
    from inc_pipeline.cli import main

    assert main(["plan", "--start", "2026-11-01", "--end", "2026-11-01", "--sites", "1400", "--devices", "6000"]) == 0
    out = capsys.readouterr().out
    assert "1400 sites, 6000 devices" in out and "a day's run" in out
    [line, runs] = [line for line in out.splitlines() if line.startswith("history_clients:")]
    assert "100 of 3700 devices a day" in line and "every 37 days" in line
    assert "asked in 1 of the 4 snapshot runs a day" in runs
    assert "rotates" in out
    [fill] = [line for line in out.splitlines() if line.startswith("backfill:")]
    # 6,000 interface flows a day at 10/s: 600 s a day, 36 days in 6 h
    assert "1 run(s) of up to 36 days" in fill and "newest first: 2026-11-01 (" in fill


def test_snapshot_runs_ask_a_quota_endpoint_as_often_as_its_quota_covers_every_device():
    history = ENDPOINTS_BY_ID["history_clients"]
    runs = {
        devices: snapshot_runs_per_day(history, targets_for(devices, devices * 2))  # half of them cloud APs
        for devices in (3, 20, 30, 60, 1500)
    }
    # answering: each site's controller and every other extra device (a cloud AP): 4, 30, 45, 90, 2250 devices
    assert runs == {3: 4, 20: 3, 30: 2, 60: 1, 1500: 1}
    assert snapshot_runs_per_day(ENDPOINTS_BY_ID["online_clients"], targets_for(1500, 6000)) == SNAPSHOT_RUNS
    ticks = {n: [t for t in range(SNAPSHOT_RUNS) if asked_at_tick(n, t)] for n in (1, 2, 3, 4)}
    assert ticks == {1: [0], 2: [0, 2], 3: [0, 1, 2], 4: [0, 1, 2, 3]}


def test_backfill_runs_are_cut_newest_first_around_what_has_landed():
    missing = [date(2026, 11, d) for d in (1, 2, 3, 4, 5, 9, 10)]
    assert newest_first_chunks(missing, 2) == [
        (date(2026, 11, 9), date(2026, 11, 10)),
        (date(2026, 11, 4), date(2026, 11, 5)),
        (date(2026, 11, 2), date(2026, 11, 3)),
        (date(2026, 11, 1), date(2026, 11, 1)),
    ]
    assert newest_first_chunks([], 5) == []


def test_a_backfill_run_takes_as_many_days_as_the_slowest_endpoint_fits_in_the_wall_budget():
    windowed = [e for e in ENDPOINTS if e.is_windowed]
    large = targets_for(1500, 6000)
    days = backfill_days_per_run(windowed, large, date(2026, 11, 19), default_rate=10, wall_hours=6)
    # the interface flow: 6,000 devices a day at 10/s, 600 s a day: 36 days in 6 h
    assert days == 36
    assert backfill_days_per_run(windowed, large, date(2026, 11, 19), default_rate=10, wall_hours=12) == 72
    assert backfill_days_per_run(windowed, targets_for(3, 3), date(2026, 11, 19), default_rate=10) == 366
