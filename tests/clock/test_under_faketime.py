"""The date-sensitive tests, run again under libfaketime with the clock a minute before midnight, so that midnight
falls part-way through them: once in UTC, once a minute before midnight in a local time zone (the machine's TZ and
INC_QUOTA_TIMEZONE) whose midnight is not UTC's.

libfaketime moves every clock the processes read (Python's, Dagster's, SQLite's, the simulator's) but not the file
system's: a rule that compared a file's time with the process clock fails here, as it did (defs/resume.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.faketime]

ROOT = Path(__file__).resolve().parents[2]
DATE_SENSITIVE = {
    "UTC": ["tests/clock/test_clock.py", "tests/ops/test_run.py", "tests/ops/test_run_parallel.py",
            "tests/reliability/test_dagster_rerun.py"],
    "America/Sao_Paulo": ["tests/ops/test_run.py", "tests/reliability/test_dagster_rerun.py"],
}  # fmt: skip
BEFORE_MIDNIGHT = timedelta(seconds=60)  # the package's first run takes about that long: midnight falls after it


@pytest.mark.skipif(shutil.which("faketime") is None, reason="libfaketime missing: apt-get install faketime")
@pytest.mark.parametrize("zone", list(DATE_SENSITIVE))
def test_the_date_sensitive_tests_pass_across_midnight(zone, tmp_path):
    start = (datetime(2026, 12, 6) - BEFORE_MIDNIGHT).strftime("%Y-%m-%d %H:%M:%S")  # read in TZ by faketime
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INC_", "DAGSTER_"))}
    env |= {"TZ": zone, "FAKETIME_DONT_RESET": "1", "INC_QUOTA_TIMEZONE": zone}
    command = ["faketime", "-f", f"@{start}", sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
               "-m", "not faketime", "--basetemp", str(tmp_path / "t"), *DATE_SENSITIVE[zone]]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert " passed" in done.stdout.splitlines()[-1]
