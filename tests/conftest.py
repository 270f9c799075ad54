"""Shared fixtures: a running INC Cloud simulator (real HTTP on loopback) and a factory for custom ones."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from dataclasses import replace

import pytest
from postgres_server import PostgresServer, find_binaries
from s3_server import TEST_CREDENTIALS, S3Server

from inc_pipeline.simulator import SimulatorConfig, SimulatorServer

SIM_END_DATE = dt.date(2026, 11, 20)  # fixed so every answer is deterministic; "now" is 12:00 UTC that day


@pytest.fixture(scope="session")
def sim_config() -> SimulatorConfig:
    """The default simulated account: seed 7, 3 sites, 30 days ending 2026-11-20."""
    return SimulatorConfig(end_date=SIM_END_DATE)


@pytest.fixture(scope="session")
def simulator(sim_config):
    """A simulator shared by the session (limits on, faults off). Call `.reset()` if your test spends limits."""
    with SimulatorServer(sim_config) as server:
        yield server


@pytest.fixture
def make_simulator(sim_config):
    """Factory: `make_simulator(enforce_limits=False, faults=FaultConfig(...))` starts a server, stopped after."""
    servers = []

    def make(**overrides) -> SimulatorServer:
        server = SimulatorServer(replace(sim_config, **overrides)).start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def postgres_server():
    """A real PostgreSQL server on loopback for the session (the machine's binaries, a temporary data dir, a free
    port), stopped and removed after. Without binaries the Postgres tests skip locally, but fail in CI
    (INC_REQUIRE_POSTGRES=1, which .ci/run sets after installing Debian's postgresql, or CI set by the CI)."""
    bin_dir = find_binaries()
    if bin_dir is None:
        missing = "no PostgreSQL binaries (initdb, pg_ctl, postgres) on PATH or in /usr/lib/postgresql/*/bin"
        if os.environ.get("INC_REQUIRE_POSTGRES") or os.environ.get("CI"):
            pytest.fail(f"{missing}, and CI requires the Postgres instance tests: install Debian's postgresql")
        pytest.skip(f"{missing}: `apt-get install postgresql` to run the Postgres instance tests")
    with PostgresServer(bin_dir) as server:
        yield server


@pytest.fixture
def postgres_url(postgres_server) -> str:
    """The URL of a new, empty database on the session's server: each test's Dagster history is its own (the
    resume rule reads the instance's latest materializations, which another test's runs would otherwise be)."""
    return postgres_server.create_database(f"dagster_{uuid.uuid4().hex[:12]}")


@pytest.fixture(params=["sqlite", "postgres"])
def instance_storage(request, monkeypatch) -> str:
    """Run the test once per Dagster storage: SQLite under the data dir (the default) and PostgreSQL
    (INC_DAGSTER_STORAGE=postgres with a fresh database); the settings are in the environment either way."""
    monkeypatch.delenv("INC_DAGSTER_PG_URL", raising=False)
    monkeypatch.setenv("INC_DAGSTER_STORAGE", request.param)
    if request.param == "postgres":
        monkeypatch.setenv("INC_DAGSTER_PG_URL", request.getfixturevalue("postgres_url"))
    return request.param


@pytest.fixture(scope="session")
def s3_server():
    """moto's S3 server on loopback for the session (stopped after); tests that restart it start it again."""
    server = S3Server()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def s3_bucket(s3_server, monkeypatch) -> str:
    """A new, empty bucket on the session's S3 server, with the server's dummy credentials in the environment."""
    for name, value in TEST_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    if not s3_server.running:
        s3_server.start()
    return s3_server.create_bucket(f"lake-{uuid.uuid4().hex[:12]}")
