"""Readers in other processes never block a build and never see a half-built warehouse."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from inc_pipeline.warehouse import build_warehouse

from .conftest import DAYS, land_day

READER = Path(__file__).with_name("reader_loop.py")
LABEL = "http://127.0.0.1:8000"


def _observations(path: Path) -> list[dict]:
    """Complete lines only: a reader may be half-way through writing the last one."""
    complete = path.read_text().split("\n")[:-1]
    return [json.loads(line) for line in complete if line.strip()]


def _wait_for(path: Path, predicate, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and predicate(_observations(path)):
            return
        time.sleep(0.05)
    raise AssertionError(f"reader never saw what the test waited for; last: {_observations(path)[-3:]}")


@pytest.mark.slow
def test_two_builds_under_continuous_reads(data_dir, tmp_path):
    warehouse = data_dir / "warehouse.duckdb"
    build_warehouse(data_dir, source_label=LABEL)  # version 1: two days x two sites
    expected_rows = {1: 4, 2: 6, 3: 8}
    stop = tmp_path / "stop"
    outputs = {mode: tmp_path / f"{mode}.jsonl" for mode in ("hold", "reconnect")}
    readers = [
        subprocess.Popen([sys.executable, str(READER), str(warehouse), str(out), str(stop), mode], cwd=tmp_path)
        for mode, out in outputs.items()
    ]
    try:
        for out in outputs.values():
            _wait_for(out, lambda seen: len(seen) > 5)
        land_day(data_dir / "lake", DAYS[2])
        assert build_warehouse(data_dir, source_label=LABEL).version == 2
        land_day(data_dir / "lake", date(2025, 3, 6))
        assert build_warehouse(data_dir, source_label=LABEL).version == 3
        _wait_for(outputs["reconnect"], lambda seen: any(o.get("version") == 3 for o in seen))
    finally:
        stop.touch()
        for reader in readers:
            reader.wait(timeout=30)

    for mode, out in outputs.items():
        seen = _observations(out)
        assert [o for o in seen if "error" in o] == [], mode
        assert all(expected_rows[o["version"]] == o["rows"] for o in seen), mode
    assert {o["version"] for o in _observations(outputs["hold"])} == {1}  # the held file stays whole
    versions = [o["version"] for o in _observations(outputs["reconnect"])]
    assert versions == sorted(versions) and versions[0] == 1 and versions[-1] == 3
