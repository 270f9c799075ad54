"""`inc-pipeline run` with Dagster's state in a real PostgreSQL server: the run is recorded there (not in SQLite),
a second run over the same days leaves the same warehouse, status reads the instance, and the password is in no
output and no file of the data dir."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from inc_pipeline.ops.instance import dagster_instance
from inc_pipeline.simulator import SimulatorServer

from .conftest import LAST, SNAPSHOT_STAMPS, marts, point_at

pytestmark = pytest.mark.slow
# A day of a few endpoints and the marts: what differs from SQLite is Dagster's storage, not the endpoints, and
# every endpoint costs seconds of paced requests.
RUN = ["--start", LAST.isoformat(), "--end", LAST.isoformat(), "--select",
       "user_shops,history_day_client_count,history_day_report,warehouse"]  # fmt: skip


def _runs_in_postgres(server, database: str) -> list[tuple[str, str]]:
    """(run_id, status) of the runs table dagster-postgres keeps, read with SQL, oldest first."""
    with server.connect(database) as con, con.cursor() as cur:
        cur.execute("select run_id, status from runs order by id")
        rows = cur.fetchall()
    con.close()
    return rows


def _files_holding(root: Path, secret: str) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]


def test_a_cli_run_is_recorded_in_postgres_and_a_second_run_leaves_the_same_warehouse(sim_config, postgres_server,
                                                                                       postgres_url, tmp_path, cli,
                                                                                       monkeypatch):  # fmt: skip
    data, database = tmp_path / "data", postgres_url.rsplit("/", 1)[1]
    with SimulatorServer(replace(sim_config, enforce_limits=False)) as sim:
        point_at(sim, data, monkeypatch, INC_DAGSTER_STORAGE="postgres", INC_DAGSTER_PG_URL=postgres_url)
        first = cli("run", *RUN)
        assert first.code == 0, first.err
        first_marts = marts(data)
        second = cli("run", *RUN)
        assert second.code == 0, second.err
        status = cli("status")

    runs = _runs_in_postgres(postgres_server, database)
    printed = [re.search(r"\(run (\w{8})\)", outcome.err).group(1) for outcome in (first, second)]
    assert [(run_id[:8], state) for run_id, state in runs] == [(p, "SUCCESS") for p in printed]
    assert [r.dagster_run.run_id for r in dagster_instance().get_run_records()][::-1] == [r for r, _ in runs]
    assert not (data / "dagster_home" / "history" / "runs.db").exists(), "Dagster kept its runs in SQLite too"

    again = marts(data)
    assert again.keys() == first_marts.keys() and len(first_marts["guest_daily"]) > 0
    for name, frame in first_marts.items():  # the snapshot day a run stamps may differ across a midnight, rightly
        stamps = [c for c in SNAPSHOT_STAMPS if c in frame.columns]
        pd.testing.assert_frame_equal(again[name].drop(columns=stamps), frame.drop(columns=stamps), obj=name)
    assert status.code == 0 and "dagster instance:" not in status.out, status.out
    assert postgres_server.password not in first.err + second.err + status.out + status.err
    assert _files_holding(data, postgres_server.password) == [], "the password was written to the data dir"
