"""The clock as an input: one `now`, its days in a time zone, and a frozen clock for tests."""

from __future__ import annotations

from datetime import UTC, date, datetime

from inc_pipeline import clock
from inc_pipeline.client import QuotaLedger

LATE = datetime(2026, 11, 21, 23, 59, 30, tzinfo=UTC)


def test_a_frozen_clock_is_every_now_of_the_library():
    with clock.frozen(LATE):
        assert clock.now() == LATE
        assert clock.today() == date(2026, 11, 21) and clock.yesterday() == date(2026, 11, 20)
    assert clock.now() != LATE


def test_days_follow_the_time_zone_they_are_asked_in():
    assert clock.today("America/Sao_Paulo", LATE) == date(2026, 11, 21)  # 20:59:30 there
    early = datetime(2026, 11, 22, 1, 30, tzinfo=UTC)  # 22:30 the evening before in São Paulo
    assert clock.today("America/Sao_Paulo", early) == date(2026, 11, 21)
    assert clock.next_midnight("America/Sao_Paulo", early) == datetime(2026, 11, 22, 3, tzinfo=UTC)


def test_the_quota_ledger_gives_a_whole_quota_after_its_midnight_and_not_before(tmp_path):
    moment = [LATE]
    ledger = QuotaLedger(tmp_path, timezone="UTC", now=lambda: moment[0])
    for _ in range(100):
        ledger.reserve("history_clients", 100)
    assert ledger.left("history_clients", 100) == 0
    moment[0] = datetime(2026, 11, 22, 0, 0, 1, tzinfo=UTC)
    assert ledger.left("history_clients", 100) == 100 and ledger.day() == "2026-11-22"


def test_a_quota_day_in_another_zone_ends_at_its_own_midnight(tmp_path):
    moment = [datetime(2026, 11, 22, 2, 59, tzinfo=UTC)]  # 23:59 in São Paulo
    ledger = QuotaLedger(tmp_path, timezone="America/Sao_Paulo", now=lambda: moment[0])
    ledger.reserve("user_shops", 100)
    assert ledger.day() == "2026-11-21" and ledger.used("user_shops") == 1
    moment[0] = datetime(2026, 11, 22, 3, 0, 1, tzinfo=UTC)
    assert ledger.day() == "2026-11-22" and ledger.used("user_shops") == 0
