"""The published file opens in a DuckDB 1.x driver: the `duckdb` CLI from the `duckdb-cli` 1.x package."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from inc_pipeline.warehouse import build_warehouse

from .conftest import DAYS, SITES, guests

CLI = Path(sys.executable).with_name("duckdb")


def _cli() -> str:
    found = str(CLI) if CLI.exists() else shutil.which("duckdb")
    if not found:  # a declared test dependency (pyproject `test` extra): only a bare environment lacks it
        pytest.skip("no DuckDB 1.x CLI: install it with `.venv/bin/pip install 'duckdb-cli>=1.4,<2'`")
    version = subprocess.run([found, "-version"], capture_output=True, text=True, check=True).stdout
    if not version.startswith("v1."):
        pytest.skip(f"the duckdb CLI found is {version.strip()}, not 1.x")
    return found


def test_duckdb_1_cli_reads_the_published_marts(data_dir, tmp_path):
    cli = _cli()
    build_warehouse(data_dir, source_label="http://127.0.0.1:8000")
    sql = (
        "select count(*), sum(total_guests) from marts.guest_daily;"
        "select count(*) from marts.auth_sessions where session_start is not null;"
        "select version, storage_version from meta.build_info;"
        "select count(*) from staging.stg_history_vendor_data;"
    )
    # -no-init and HOME in tmp_path: no ~/.duckdbrc or extension directory of the machine is read
    done = subprocess.run(
        [cli, "-no-init", "-bail", "-readonly", "-csv", "-noheader", str(data_dir / "warehouse.duckdb"), "-c", sql],
        capture_output=True, text=True, timeout=120, env={**os.environ, "HOME": str(tmp_path)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    total = sum(guests(site, day)["total"] for site in SITES for day in DAYS[:2])
    assert done.stdout.split() == [f"4,{total}", "8", "1,v1.4.0", "8"]
