"""Kill the pipeline (SIGKILL, no cleanup) at several points, resume it, and get the uninterrupted run's marts.

The child process is `tests/reliability/pipeline.py` with `INC_CRASH_AT=<point>:<n>` (inc_pipeline/crash.py).
The resume skips what landed before the crash, so the quota endpoints (/user/shop, /device/historyclients) are
never asked twice for pages already landed; partitions and the warehouse are either the old file or the new one.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from inc_pipeline.simulator import SimulatorServer

from .pipeline import assert_same_marts, marts

SCRIPT = Path(__file__).with_name("pipeline.py")
QUOTA_PATHS = ("/user/shop", "/device/historyclients")

# point:n -> where the process dies (page numbers follow the order in pipeline.ORDERED for 1 site, 2 days)
CRASHES = {
    "page:56": "a page of ap_gps_by_ap_sn fetched, not landed (history_clients already landed)",
    "parquet_write:3": "auth_history's first day written to its temporary file, second day not, nothing committed",
    "mart_build:20": "20 models built into the private warehouse file",
    "publish:1": "warehouse built and tested, not yet renamed onto warehouse.duckdb",
}


def _run(sim, data: Path, days, *, crash_at: str | None = None, resume: bool = False) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "INC_CRASH_AT"}
    if crash_at:
        env["INC_CRASH_AT"] = crash_at
    args = [sys.executable, str(SCRIPT), "--data", str(data), "--base-url", sim.base_url, "--api-key", sim.api_key,
            "--user", sim.config.user, "--start", days[0].isoformat(), "--end", days[-1].isoformat()]  # fmt: skip
    return subprocess.run(args + (["--resume"] if resume else []), env=env, capture_output=True, text=True,
                          timeout=180)  # fmt: skip


def _assert_nothing_half_written(data: Path) -> None:
    """Every visible partition is whole Parquet; a published warehouse, if any, opens and has its build info."""
    for part in (data / "lake").glob("*/date=*/part-0.parquet"):
        assert pq.ParquetFile(part).metadata.num_rows >= 0  # opening raises on a torn file
    published = data / "warehouse.duckdb"
    if published.exists():
        with duckdb.connect(str(published), read_only=True) as con:
            assert con.execute("select count(*) from meta.build_info").fetchone()[0] >= 1


@pytest.mark.slow
@pytest.mark.parametrize("crash_at", list(CRASHES))
def test_killed_run_resumes_to_the_uninterrupted_marts(crash_at, small_world, run_days, clean_marts, tmp_path):
    data = tmp_path / "data"
    with SimulatorServer(small_world) as sim:
        crashed = _run(sim, data, run_days, crash_at=crash_at)
        assert crashed.returncode == -signal.SIGKILL, crashed.stderr[-2000:]
        _assert_nothing_half_written(data)
        if crash_at.startswith(("mart_build", "publish")):
            assert not (data / "warehouse.duckdb").exists(), "a killed build published a warehouse"
        resumed = _run(sim, data, run_days, resume=True)
        assert resumed.returncode == 0, resumed.stderr[-2000:]
        requests = sim.stats()["requests"]
    assert_same_marts(marts(data), clean_marts)
    for path in QUOTA_PATHS:  # one page each in this world: asked once across crash and resume
        assert requests.get(path) == 1, f"{path} asked {requests.get(path)} times"
    ledger = json.loads((data / "state" / "quota" / "history_clients.json").read_text())
    assert ledger["used"] == 1
    # What the killed writer left (`.part-0.parquet.<uuid>.tmp`, `.build/warehouse-<uuid>.duckdb`) is gone.
    leftovers = [p for area in ("lake", "quarantine", "archive") for p in (data / area).glob("*/date=*/.*.tmp")]
    assert not leftovers + list((data / ".build").glob("warehouse-*")), leftovers
