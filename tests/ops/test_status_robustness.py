"""A data dir the commands cannot use ends with one line on stderr and exit code 2; `status` on a damaged or
read-only data dir still reports what it can, saying what is unknown and what to do."""

from __future__ import annotations

import errno
import os
import shlex
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy.exc

from .conftest import marts

YESTERDAY = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
COMMANDS = [("status",), ("run", "--start", YESTERDAY, "--end", YESTERDAY)]


@pytest.fixture
def env(monkeypatch, tmp_path):
    """Settings `run` would accept (the preflight never calls the API for `simulator`), data under tmp_path."""
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    for name, value in {"INC_API_BASE_URL": "simulator", "INC_API_KEY": "sim-key", "INC_API_USER": "demo",
                        "INC_PII_KEY": "x", "INC_DATA_DIR": str(tmp_path / "data")}.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    return monkeypatch


def one_error_line(outcome) -> str:
    lines = [line for line in outcome.err.splitlines() if line.strip()]
    assert outcome.code == 2 and len(lines) == 1, outcome.err
    assert "Traceback" not in outcome.err
    return lines[0]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: a[0])
def test_data_dir_that_is_a_file(env, tmp_path, cli, args):
    (tmp_path / "afile").write_text("not a directory")
    env.setenv("INC_DATA_DIR", str(tmp_path / "afile"))
    line = one_error_line(cli(*args))
    assert line.startswith(f"inc-pipeline {args[0]}: INC_DATA_DIR {tmp_path / 'afile'} is a file, not a directory")
    assert "point INC_DATA_DIR" in line


def test_data_dir_inside_a_file(env, tmp_path, cli):
    (tmp_path / "afile").write_text("not a directory")
    env.setenv("INC_DATA_DIR", str(tmp_path / "afile" / "data"))
    line = one_error_line(cli(*COMMANDS[1]))
    assert f"is inside the file {tmp_path / 'afile'}, not a directory: point INC_DATA_DIR" in line


def test_dagster_home_that_is_a_file(env, tmp_path, cli):
    (tmp_path / "afile").write_text("not a directory")
    env.setenv("DAGSTER_HOME", str(tmp_path / "afile"))
    line = one_error_line(cli(*COMMANDS[1]))
    assert f"DAGSTER_HOME {tmp_path / 'afile'} is a file, not a directory: point DAGSTER_HOME at a directory" in line


def _refuse_mkdir_in(monkeypatch, directory: Path) -> None:
    """What a data dir without write permission does to mkdir, also for root (who bypasses permissions)."""
    real = Path.mkdir

    def mkdir(self, *args, **kwargs):
        if Path(self).resolve().parent == directory:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", mkdir)


@pytest.mark.parametrize("how", ["mkdir refused", "chmod"])
@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: a[0])
def test_data_dir_that_cannot_be_written(env, tmp_path, cli, args, how):
    data = tmp_path / "data"
    data.mkdir()
    if how == "chmod":
        if os.geteuid() == 0:
            pytest.skip("root writes whatever the permissions say")
        data.chmod(0o555)
    else:
        _refuse_mkdir_in(env, data)
    try:
        line = one_error_line(cli(*args))
    finally:
        data.chmod(0o755)
    assert f"{data / 'dagster_home'} cannot be written (Permission denied)" in line
    assert f"check the permissions of {data} or point INC_DATA_DIR" in line


def test_status_reports_an_unreadable_warehouse_and_goes_on(env, tmp_path, cli):
    data = tmp_path / "data"
    data.mkdir()
    (data / "warehouse.duckdb").write_bytes(os.urandom(50_000))
    outcome = cli("status")
    assert outcome.code == 0, outcome.err
    line = next(line for line in outcome.out.splitlines() if line.startswith("warehouse:"))
    assert line.startswith("warehouse: unreadable (") and "not a valid DuckDB database file" in line
    assert "rebuild it from the lake with inc-pipeline run --start " in line and "--select warehouse" in line
    assert "landed partitions:" in outcome.out and "quota today (" in outcome.out


def test_the_advice_for_an_unreadable_warehouse_rebuilds_it_whole(first_run, ops_env, tmp_path, cli, monkeypatch):
    """The lake is the truth: a warehouse file that no longer opens is rebuilt from it, every mart as before."""
    copy = tmp_path / "copy"
    shutil.copytree(ops_env["data"], copy)
    (copy / "warehouse.duckdb").write_bytes(os.urandom(50_000))
    monkeypatch.setenv("INC_DATA_DIR", str(copy))
    line = next(line for line in cli("status").out.splitlines() if line.startswith("warehouse:"))
    args = shlex.split(line.split(" rebuild it from the lake with ", 1)[1])
    assert args[0] == "inc-pipeline"
    outcome = cli(*args[1:])
    assert outcome.code == 0, outcome.err
    assert "warehouse: version 1, built" in cli("status").out
    rebuilt, original = marts(copy), marts(ops_env["data"])
    assert rebuilt.keys() == original.keys()
    for name, frame in original.items():
        pd.testing.assert_frame_equal(rebuilt[name], frame, obj=name)


def _read_only_instance():
    # what Dagster's sqlite storage raises on a read-only copy as a user other than root
    error = sqlite3.OperationalError("attempt to write a readonly database")
    raise sqlalchemy.exc.OperationalError("PRAGMA main.table_info(...)", {}, error)


def _read_only_lock(self, endpoint_id):
    raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), f"{endpoint_id}.json.lock")


def test_status_on_a_read_only_data_dir_reports_without_the_instance(env, tmp_path, cli):
    from inc_pipeline.client import QuotaLedger

    data = tmp_path / "data"
    (data / "dagster_home").mkdir(parents=True)
    env.setattr("inc_pipeline.ops.status.dagster_instance", _read_only_instance)
    env.setattr(QuotaLedger, "used", _read_only_lock)
    outcome = cli("status")
    assert outcome.code == 0, outcome.err
    assert (f"dagster instance: cannot be opened (attempt to write a readonly database): failing checks and "
            f"deferred endpoints need write access to {data / 'dagster_home'}") in outcome.out  # fmt: skip
    assert "checks: unknown" in outcome.out and "quota today: unknown (Permission denied: user_shops" in outcome.out


def test_status_on_an_instance_dagster_cannot_open(env, tmp_path, cli):
    (tmp_path / "data" / "dagster_home" / "history" / "runs.db").mkdir(parents=True)  # sqlite cannot open it
    outcome = cli("status")
    assert outcome.code == 0, outcome.err
    assert "dagster instance: cannot be opened (unable to open database file)" in outcome.out
    assert "quota today (" in outcome.out


def test_status_of_a_data_dir_that_does_not_exist_says_so_and_creates_nothing(env, tmp_path, cli):
    """A mistyped INC_DATA_DIR was created (with dagster_home and state) and reported as "never landed"."""
    missing = tmp_path / "dta"
    env.setenv("INC_DATA_DIR", str(missing))
    line = one_error_line(cli("status"))
    assert line == (f"inc-pipeline status: INC_DATA_DIR {missing} does not exist: check INC_DATA_DIR, or run "
                    "`inc-pipeline run` (or `inc-pipeline demo`, whose data is in data/demo) first")  # fmt: skip
    assert not missing.exists()


def test_status_lists_a_landed_partition_that_no_longer_opens(first_run, ops_env, tmp_path, cli, monkeypatch):
    """It said "failing checks and quarantine: none" while the next build would fail on the file."""
    copy = tmp_path / "copy"
    shutil.copytree(ops_env["data"], copy)
    part = next((copy / "lake" / "history_day_client_count").glob("date=*/part-0.parquet"))
    part.write_bytes(b"PAR1 torn")
    monkeypatch.setenv("INC_DATA_DIR", str(copy))
    outcome = cli("status")
    assert outcome.code == 0, outcome.err
    day = part.parent.name.removeprefix("date=")
    assert f"  unreadable: {part} is not readable Parquet (" in outcome.out
    assert f"re-land the partition: inc-pipeline run --start {day} --end {day} --select history_day_client_count" in (
        outcome.out
    )
    assert "failing checks and quarantine: none" not in outcome.out
