"""Ctrl-C during `inc-pipeline run`: the run stops (not retried), says so in one line, and a rerun resumes.

Dagster retries an interrupted step under the asset's RetryPolicy, so a Ctrl-C used to pause the run for the
retry delay, after which it went on and ended "done" with exit code 0.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from inc_pipeline.simulator import SimulatorServer

CLI = "from inc_pipeline.cli import main; raise SystemExit(main())"


def _start(sim, data: Path, days, rate: str) -> subprocess.Popen:
    env = {**os.environ, "INC_API_BASE_URL": sim.base_url, "INC_API_KEY": sim.api_key, "INC_API_USER": sim.config.user,
           "INC_PII_KEY": "pii", "INC_DATA_DIR": str(data), "DAGSTER_HOME": str(data / "dagster_home"),
           "INC_DEFAULT_RATE_PER_SECOND": rate}  # fmt: skip
    args = [sys.executable, "-c", CLI, "run", "--start", days[0].isoformat(), "--end", days[-1].isoformat()]
    # Its own process group, as a terminal's foreground job: Ctrl-C reaches every process of it.
    return subprocess.Popen(args, env=env, stderr=subprocess.PIPE, text=True, start_new_session=True)


@pytest.mark.slow
def test_ctrl_c_stops_the_run_in_one_line_and_a_rerun_resumes(small_world, run_days, tmp_path):
    data = tmp_path / "data"
    with SimulatorServer(small_world) as sim:
        run = _start(sim, data, run_days, rate="2")  # paced slowly, so the run is mid-way when interrupted
        deadline = time.monotonic() + 120
        while not list((data / "lake").glob("*/date=*/part-0.parquet")) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert run.poll() is None, "the run ended before it could be interrupted"
        os.killpg(run.pid, signal.SIGINT)
        _, err = run.communicate(timeout=60)
        lines = [line for line in err.splitlines() if line.strip()]
        assert run.returncode == 130, err[-2000:]
        assert lines == ["inc-pipeline run: interrupted; landed partitions are intact, rerun to resume"], err[-2000:]
        assert not list((data / "lake").glob("*/date=*/.*.tmp")), "an interrupted writer left its temporary file"
        for part in (data / "lake").glob("*/date=*/part-0.parquet"):
            assert pq.ParquetFile(part).metadata.num_rows >= 0  # whole files only
        rerun = _start(sim, data, run_days, rate="1000")
        _, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err[-2000:]
    assert (data / "warehouse.duckdb").exists()
