"""A writer SIGKILLed mid-write leaves temporary files; the next landing of the table (or the next build)
removes them, but never a live writer's, in this process or another.

The killed writers are real: `pipeline.py` in a child process with `INC_CRASH_AT` (inc_pipeline/crash.py).
"""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from filelock import FileLock

from inc_pipeline.catalog import ENDPOINTS_BY_ID
from inc_pipeline.client import IncClient
from inc_pipeline.extract.cleanup import BUILD_LOCK, remove_build_leftovers, table_lock_path
from inc_pipeline.extract.plan import Targets, plan_requests
from inc_pipeline.extract.run import LandingOptions, land_requests
from inc_pipeline.landing import Lake
from inc_pipeline.simulator import SimulatorServer

SCRIPT = Path(__file__).with_name("pipeline.py")
SHOPS = ENDPOINTS_BY_ID["user_shops"]


def _killed_run(sim, data: Path, days, crash_at: str) -> None:
    env = {**os.environ, "INC_CRASH_AT": crash_at}
    args = [sys.executable, str(SCRIPT), "--data", str(data), "--base-url", sim.base_url, "--api-key", sim.api_key,
            "--user", sim.config.user, "--start", days[0].isoformat(), "--end", days[-1].isoformat()]  # fmt: skip
    killed = subprocess.run(args, env=env, capture_output=True, text=True, timeout=180)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]


def _temporary_files(data: Path) -> list[Path]:
    return [p for area in ("lake", "quarantine", "archive") for p in (data / area).glob("*/date=*/.*.tmp")]


def _land_site_list(sim, data: Path):
    today = datetime.now(UTC).date()
    with IncClient(sim.base_url, sim.api_key, state_dir=data / "state", default_rate_per_second=1000) as client:
        requests = plan_requests(SHOPS, Targets(user=sim.config.user))
        return land_requests(client, SHOPS, requests, Lake(data), LandingOptions(pii_key=b"k"),
                             partition_dates=[today])  # fmt: skip


@pytest.mark.slow
def test_the_next_landing_removes_a_killed_writers_files_but_not_a_live_ones(small_world, run_days, tmp_path):
    data = tmp_path / "data"
    with SimulatorServer(small_world) as sim:
        _killed_run(sim, data, run_days, "parquet_write:1")  # user_shops' rows in its temporary file
        leftovers = _temporary_files(data)
        assert [p.parent.parent.name for p in leftovers] == ["user_shops"], leftovers

        # Another run is landing user_shops right now: it holds the table's lock (shared) while it writes.
        live_writer = os.open(table_lock_path(data, "user_shops"), os.O_RDWR | os.O_CREAT)
        fcntl.flock(live_writer, fcntl.LOCK_SH)
        live = leftovers[0].with_name(".part-0.parquet.live.tmp")
        live.write_bytes(b"being written")
        assert _land_site_list(sim, data).leftovers_removed == 0  # nothing of the table may go
        assert set(_temporary_files(data)) == {*leftovers, live}
        live.unlink()  # the live writer finished
        os.close(live_writer)

        report = _land_site_list(sim, data)
    assert report.leftovers_removed == 1 and report.rows_landed == 1
    assert _temporary_files(data) == []
    assert Lake(data).read("user_shops")["shopId"].notna().all()


@pytest.mark.slow
def test_the_next_build_removes_a_killed_builds_private_file_but_not_a_running_ones(small_world, run_days, tmp_path):
    data = tmp_path / "data"
    with SimulatorServer(small_world) as sim:
        _killed_run(sim, data, run_days, "mart_build:5")
    leftovers = sorted((data / ".build").glob("warehouse-*.duckdb*"))
    assert leftovers, "the killed build left no private file"
    with FileLock(str(data / ".build" / BUILD_LOCK)):  # a build is running
        assert remove_build_leftovers(data) == []
    assert remove_build_leftovers(data) == leftovers
    assert list((data / ".build").glob("warehouse-*")) == []
