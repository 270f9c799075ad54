"""BI readers in other processes while the warehouse is rebuilt again and again: nobody waits beyond a second,
nobody sees a partial build. The lake changes between builds (a day of guest counts comes and goes), so each
version has its own answer and a reader mixing two builds, or reading half of one, would be caught."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from inc_pipeline.warehouse import build_warehouse

from .bi_reader import QUERY

READER = Path(__file__).with_name("bi_reader.py")
READERS = 2
BUILDS = 4
MAX_WAIT_S = 1.0


def _answer(warehouse: Path) -> tuple[int, list[int]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        version, *answer = con.execute(QUERY).fetchone()
    return version, [int(a) for a in answer]


@pytest.mark.slow
def test_readers_are_never_blocked_nor_see_a_partial_build(clean_run, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(clean_run, data, ignore=shutil.ignore_patterns("state", ".build"))
    day_dir = sorted((data / "lake" / "history_day_client_count").glob("date=*"))[0]
    parked = tmp_path / "parked"
    warehouse, stop = data / "warehouse.duckdb", tmp_path / "stop"
    expected = {}
    version, answer = _answer(warehouse)
    expected[version] = answer
    outs = [tmp_path / f"reader-{i}.jsonl" for i in range(READERS)]
    readers = [subprocess.Popen([sys.executable, str(READER), str(warehouse), str(out), str(stop)]) for out in outs]
    try:
        time.sleep(1.0)  # readers are up and reading before the first rebuild
        for build in range(BUILDS):
            # Alternate the lake: one day of guest counts removed, then put back.
            shutil.move(day_dir, parked) if build % 2 == 0 else shutil.move(parked, day_dir)
            result = build_warehouse(data, source_label="http://127.0.0.1")
            expected[result.version] = _answer(warehouse)[1]
        time.sleep(0.5)
    finally:
        stop.touch()
        for reader in readers:
            reader.wait(timeout=30)
    lines = [json.loads(line) for out in outs for line in out.read_text().splitlines()]
    errors = [line["error"] for line in lines if "error" in line]
    assert not errors, errors[:3]
    assert len({tuple(a) for a in expected.values()}) == 2, "the lake change did not change the answer"
    seen = {line["version"] for line in lines}
    assert len(seen) >= 3, f"readers saw only versions {seen}: too few reads overlapped the builds"
    wrong = [line for line in lines if expected.get(line["version"]) != line["answer"]]
    assert not wrong, f"answers from a partial or mixed build: {wrong[:3]}"
    slowest = max(line["seconds"] for line in lines)
    print(f"readers: {len(lines)} reads over versions {sorted(seen)}, slowest {slowest:.3f} s")
    assert slowest < MAX_WAIT_S, f"a reader waited {slowest:.2f} s"
