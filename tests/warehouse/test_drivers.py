"""The BI driver matrix of docs/warehouse.md ("Connecting BI tools"), each driver reading the published file read-only
while builds of the same data directory replace it.

One pipeline run against the simulator makes a small warehouse; then builds of the same data directory run back to
back in a thread while every driver, in its own process and venv (`make bi-drivers`), opens the file read-only,
waits until a build has been published over the file it holds, then reflects or describes every mart and reads each
whole through the same connection (`bi_reader.py`). Each must see the build it opened, whole, and agree with Python
duckdb's `information_schema` and rows. What fails is tested too, so the documented matrix cannot go stale.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import duckdb
import pytest
from dagster import DagsterInstance, materialize

from inc_pipeline.defs.resources import IncApiResource, PipelineSettings
from inc_pipeline.ops.run import RANGE_END_TAG, RANGE_START_TAG
from inc_pipeline.simulator import SimulatorServer
from inc_pipeline.warehouse import build_warehouse

from .bi_reader import COLUMNS, MARTS, digest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
READER = Path(__file__).with_name("bi_reader.py")
BI_VENVS = ROOT / ".venv-bi"
CLI = Path(sys.executable).with_name("duckdb")
FIRST, LAST = date(2026, 11, 15), date(2026, 11, 16)  # a Sunday closing a week, and the next Monday
LABEL = "simulator+drivers"

# What each SQLAlchemy dialect reflects for a DuckDB type of the marts; a type missing here fails the test, so a
# new one is looked at (and documented) before BI tools meet it.
REFLECTED = {
    "VARCHAR": "VARCHAR", "INTEGER": "INTEGER", "BIGINT": "BIGINT", "DOUBLE": "DOUBLE", "DATE": "DATE",
    "BOOLEAN": "BOOLEAN", "TIMESTAMP WITH TIME ZONE": "TIMESTAMP WITH TIME ZONE",
}  # fmt: skip
LOST_BY_DUCKDB_ENGINE = {"DOUBLE": "FLOAT", "TIMESTAMP WITH TIME ZONE": "TIMESTAMP"}  # its Postgres-derived types


@dataclass(frozen=True)
class Driver:
    name: str
    venv: str | None  # under .venv-bi/; None: the project's .venv
    mode: str  # bi_reader.py's
    reflected: dict[str, str] | None = None  # SQLAlchemy drivers: DuckDB type -> reflected type

    def command(self, warehouse: Path, gate: Path) -> list[str]:
        # -I: a venv of the matrix sees only its own packages, never this process's PYTHONPATH or user site
        python = [str(BI_VENVS / self.venv / "bin" / "python"), "-I"] if self.venv else [sys.executable]
        cli = ["--cli", str(CLI)] if self.mode == "cli" else []
        return [*python, str(READER), self.mode, str(warehouse), "--gate", str(gate), *cli]

    def missing(self) -> str | None:
        """Why this driver cannot run here, or None."""
        if self.venv and not (BI_VENVS / self.venv / "installed").exists():
            return f".venv-bi/{self.venv} is missing: run `make bi-drivers`"
        if self.mode == "cli" and not CLI.exists():
            return f"no DuckDB 1.x CLI at {CLI}: install the test extra (duckdb-cli)"
        return None


DRIVERS = (
    Driver("python duckdb 2", None, "duckdb"),
    Driver("python duckdb 1.5", "engine", "duckdb"),
    Driver("duckdb 1.5 CLI", None, "cli"),
    Driver("sqlalchemy 2.0.44 + duckdb-engine", "engine", "sqlalchemy", {**REFLECTED, **LOST_BY_DUCKDB_ENGINE}),
    Driver("sqlalchemy 2.1 + duckdb-sqlalchemy", "sqlalchemy", "sqlalchemy", REFLECTED),
)


def unavailable(reason: str) -> None:
    """Skip on a developer's machine; in CI (CI set) every driver of the matrix must run."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must test the whole driver matrix)")
    pytest.skip(reason)


@dataclass
class Published:
    data_dir: Path
    columns: dict[str, list[list[str]]]  # mart -> [name, DuckDB type], from information_schema
    digests: dict[str, dict]  # mart -> bi_reader.digest of its rows

    @property
    def warehouse(self) -> Path:
        return self.data_dir / "warehouse.duckdb"


@pytest.fixture(scope="module")
def published(sim_config, tmp_path_factory) -> Published:
    """A warehouse from one pipeline run over FIRST..LAST against the simulator, and Python duckdb's answers."""
    from inc_pipeline.definitions import defs

    data_dir = tmp_path_factory.mktemp("drivers") / "data"
    config = replace(sim_config, enforce_limits=False)
    with SimulatorServer(config) as sim:
        api = IncApiResource(base_url=sim.base_url, api_key=sim.api_key, user=config.user, default_rate_per_second=1000)
        result = materialize(
            list(defs.assets),
            resources={"inc_api": api, "settings": PipelineSettings(data_dir=str(data_dir), pii_key="drivers-key")},
            instance=DagsterInstance.ephemeral(),
            tags={RANGE_START_TAG: FIRST.isoformat(), RANGE_END_TAG: LAST.isoformat()},
        )
    assert result.success
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        columns: dict[str, list[list[str]]] = {}
        for table, column, data_type in con.execute(COLUMNS).fetchall():
            columns.setdefault(table, []).append([column, data_type])
        digests = {}
        for (mart,) in con.execute(MARTS).fetchall():
            cursor = con.execute(f'select * from marts."{mart}"')
            digests[mart] = digest([d[0] for d in cursor.description], cursor.fetchall())
    return Published(data_dir, columns, digests)


@dataclass
class Builds:
    """Builds of one data directory run back to back in a thread: (start, end) of each, monotonic seconds."""

    data_dir: Path
    spans: list[tuple[float, float]] = field(default_factory=list)
    versions: list[int] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)
    started: threading.Event = field(default_factory=threading.Event)
    stop: threading.Event = field(default_factory=threading.Event)

    def loop(self) -> None:
        while not self.stop.is_set():
            begun = time.monotonic()
            self.started.set()
            try:
                self.versions.append(build_warehouse(self.data_dir, source_label=LABEL).version)
            except BaseException as exc:  # handed to the test, which fails on it
                self.errors.append(exc)
                return
            self.spans.append((begun, time.monotonic()))

    def running_during(self, start: float, end: float) -> bool:
        """Whether a build was under way at some moment of [start, end]."""
        return any(begun < end and ended > start for begun, ended in self.spans)

    def wait_for_publish_after(self, moment: float, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while not any(ended > moment for _, ended in self.spans):
            assert time.monotonic() < deadline and not self.errors, f"no build published: {self.errors}"
            time.sleep(0.05)


@contextmanager
def builds_running(data_dir: Path):
    builds = Builds(data_dir)
    thread = threading.Thread(target=builds.loop, name="rebuilds", daemon=True)
    thread.start()
    builds.started.wait(timeout=60)
    try:
        yield builds
    finally:
        builds.stop.set()
        thread.join(timeout=300)


@dataclass
class Reading:
    answer: dict
    opening: tuple[float, float]  # from the process's start to its saying the file is open
    stderr: str


def _wait_opened(process: subprocess.Popen) -> str:
    """Lines the reader wrote on stderr up to `opened` (or up to its end, if it failed first)."""
    lines = []
    while (line := process.stderr.readline()) and line.strip() != "opened":
        lines.append(line)
    return "".join(lines)


@pytest.fixture(scope="module")
def readings(published, tmp_path_factory) -> tuple[dict[str, Reading], Builds]:
    """Every available driver opens the file while builds run, holds it over a publish, then reads it all."""
    gate = tmp_path_factory.mktemp("gate") / "read-on"
    env = {**os.environ, "HOME": str(gate.parent)}  # no ~/.duckdbrc or extension directory of the machine
    drivers = [d for d in DRIVERS if d.missing() is None]
    with builds_running(published.data_dir) as builds:
        began = time.monotonic()
        processes = {
            d.name: subprocess.Popen(d.command(published.warehouse, gate), stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, env=env)
            for d in drivers
        }  # fmt: skip
        early = {name: (_wait_opened(process), time.monotonic()) for name, process in processes.items()}
        builds.wait_for_publish_after(max(at for _, at in early.values()))
        gate.touch()
        out = {}
        for name, process in processes.items():
            stdout, stderr = process.communicate(timeout=300)
            assert process.returncode == 0, f"{name}: {early[name][0]}{stderr}"
            out[name] = Reading(json.loads(stdout), (began, early[name][1]), early[name][0] + stderr)
    assert not builds.errors, builds.errors
    return out, builds


@pytest.mark.parametrize("driver", DRIVERS, ids=lambda d: d.name)
def test_driver_reads_every_mart_while_builds_replace_the_file(driver, published, readings):
    if reason := driver.missing():
        unavailable(reason)
    by_driver, builds = readings
    reading = by_driver[driver.name]
    answer = reading.answer
    assert answer["errors"] == {}, answer["errors"]
    assert builds.running_during(*reading.opening)  # it opened the file while a build ran
    # it read on after a newer build was published over the file, and kept the one it opened, whole
    assert answer["build"]["version"] < max(builds.versions)
    assert answer["build_at_end"] == answer["build"]
    assert {m: d["rows"] for m, d in answer["digests"].items()} == answer["build"]["mart_rows"]
    _assert_same_rows(answer["digests"], published)
    if driver.reflected is None:  # DuckDB itself: its own information_schema, 1.5 saying what 2 says
        assert answer["columns"] == published.columns
    else:
        _assert_pandas_same_rows(answer, published)
        expected = {m: [[name, driver.reflected[t]] for name, t in cols] for m, cols in published.columns.items()}
        assert answer["columns"] == expected


def _assert_same_rows(digests: dict[str, dict], published: Published) -> None:
    """Rows, and per column the values present, the sum of numbers and (text columns) the total length."""
    assert sorted(digests) == sorted(published.columns)
    for mart, columns in published.columns.items():
        seen, expected = digests[mart], published.digests[mart]
        assert seen["rows"] == expected["rows"], mart
        for name, data_type in columns:
            got, want = seen["columns"][name], expected["columns"][name]
            assert got["non_null"] == want["non_null"], (mart, name)
            assert got["sum"] == pytest.approx(want["sum"], rel=1e-12), (mart, name)
            if data_type == "VARCHAR":
                assert got["chars"] == want["chars"], (mart, name)


def _assert_pandas_same_rows(answer: dict, published: Published) -> None:
    _assert_same_rows(answer["pandas_digests"], published)


def test_the_warehouse_is_not_empty(published):
    """Guards the matrix test from passing vacuously: every mart but the monthly one (no month ends in FIRST..LAST)
    holds rows, and every column type of the marts has a known reflection."""
    empty = {mart for mart, d in published.digests.items() if d["rows"] == 0}
    assert empty == {"report_monthly"}
    types = {t for cols in published.columns.values() for _, t in cols}
    assert types <= REFLECTED.keys(), types - REFLECTED.keys()


def test_duckdb_engine_reflection_on_the_project_sqlalchemy(published):
    """The main venv's SQLAlchemy (2.1) with duckdb-engine 0.17.0: lists and reads the marts, reflection of
    columns fails on `pg_catalog.pg_collation` (SQLAlchemy >= 2.0.45). If this starts to pass, update the matrix."""
    try:
        import duckdb_engine  # noqa: F401
    except ImportError:
        unavailable("duckdb-engine is not installed in this venv: install the test extra")
    done = subprocess.run(
        [sys.executable, str(READER), "sqlalchemy", str(published.warehouse)],  # no gate: it reads on at once
        capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    answer = json.loads(done.stdout)
    assert answer["versions"]["sqlalchemy"].startswith("2.1"), answer["versions"]
    assert list(answer["errors"]) == ["reflect"], answer["errors"]
    assert "pg_catalog.pg_collation" in answer["errors"]["reflect"]
    _assert_same_rows(answer["digests"], published)
    _assert_same_rows(answer["pandas_digests"], published)
