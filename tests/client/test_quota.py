"""The daily quota ledger: shared by processes, never overshot, with a clear error when spent."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest

from inc_pipeline.client import QuotaExhaustedError, QuotaLedger


def _reserve_many(state_dir: str, count: int) -> int:
    """Reserve up to `count` slots of a 100/day quota in this process; return how many were granted."""
    ledger = QuotaLedger(Path(state_dir))
    granted = 0
    for _ in range(count):
        try:
            ledger.reserve("user_shops", 100)
            granted += 1
        except QuotaExhaustedError:
            pass
    return granted


def test_ledger_survives_a_new_process(tmp_path):
    QuotaLedger(tmp_path).reserve("user_shops", 100)
    script = (
        "import sys; from pathlib import Path; from inc_pipeline.client import QuotaLedger;"
        "ledger = QuotaLedger(Path(sys.argv[1])); ledger.reserve('user_shops', 100);"
        "print(ledger.left('user_shops', 100))"
    )
    out = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "98"
    assert QuotaLedger(tmp_path).left("user_shops", 100) == 98


def test_concurrent_processes_never_exceed_the_quota(tmp_path):
    with ProcessPoolExecutor(max_workers=4) as pool:
        granted = sum(pool.map(_reserve_many, [str(tmp_path)] * 4, [40] * 4))
    assert granted == 100
    assert QuotaLedger(tmp_path).left("user_shops", 100) == 0


def test_spent_quota_raises_a_clear_one_line_error(tmp_path):
    now = datetime(2024, 3, 5, 17, 30, tzinfo=UTC)
    ledger = QuotaLedger(tmp_path, now=lambda: now)
    for _ in range(3):
        ledger.reserve("history_clients", 3)
    with pytest.raises(QuotaExhaustedError) as caught:
        ledger.reserve("history_clients", 3)
    assert caught.value.until == datetime(2024, 3, 6, tzinfo=UTC)
    assert str(caught.value) == (
        "quota exhausted for history_clients until 2024-03-06T00:00:00+00:00; deferring is safe"
    )


def test_quota_resets_on_the_next_day_in_the_configured_zone(tmp_path):
    clock = {"now": datetime(2024, 3, 5, 23, 0, tzinfo=UTC)}
    ledger = QuotaLedger(tmp_path, now=lambda: clock["now"])
    ledger.reserve("user_shops", 1)
    assert ledger.left("user_shops", 1) == 0
    clock["now"] = datetime(2024, 3, 6, 0, 0, 1, tzinfo=UTC)
    assert ledger.left("user_shops", 1) == 1  # a new UTC day
    zoned = QuotaLedger(tmp_path / "sp", timezone="America/Sao_Paulo", now=lambda: datetime(2024, 3, 6, 1, tzinfo=UTC))
    assert zoned.day() == "2024-03-05"  # still the 5th in Sao Paulo (UTC-3)
    assert zoned.resets_at().isoformat() == "2024-03-06T00:00:00-03:00"


def test_mark_spent_empties_the_day(tmp_path):
    ledger = QuotaLedger(tmp_path)
    ledger.mark_spent("user_shops", 100)
    assert ledger.left("user_shops", 100) == 0


def test_a_killed_writers_temporary_file_is_removed_by_the_next_write(tmp_path):
    """A ledger write is a temporary file renamed over the ledger; a process killed in between leaves the
    temporary file, which the next write (under the ledger's lock) removes."""
    ledger = QuotaLedger(tmp_path)
    ledger.reserve("user_shops", 100)
    leftover = tmp_path / "quota" / "user_shops.jsonabc123.tmp"
    leftover.write_text('{"day": ')
    ledger.reserve("user_shops", 100)
    assert not leftover.exists()
    assert ledger.used("user_shops") == 2
    assert sorted(p.name for p in (tmp_path / "quota").iterdir()) == ["user_shops.json", "user_shops.json.lock"]
