"""`inc-pipeline resume`: the failed steps of a failed run re-executed through Dagster's re-execution from failure;
what the failed run landed is not asked again, the rest lands and the warehouse is built."""

from __future__ import annotations

from dataclasses import replace

import pytest
from dagster import DagsterInstance, DagsterRunStatus, RunsFilter

from inc_pipeline.cli import main
from inc_pipeline.defs.schedules import CLI_JOB
from inc_pipeline.ops.instance import dagster_home
from inc_pipeline.simulator import SimulatorServer

from .conftest import LAST, marts, point_at

pytestmark = pytest.mark.slow

SELECT = "user_shops,shop_devices,history_day_client_count,history_day_report,warehouse"
COUNTS, REPORTS = "/stamonitor/getHistoryDayClientCount", "/stamonitor/getHistoryDayReport"


def test_resume_reexecutes_only_what_failed_and_builds_the_warehouse(sim_config, tmp_path, monkeypatch, capsys):
    data = tmp_path / "data"
    corrupt = data / "lake" / "history_day_client_count" / f"date={LAST.isoformat()}" / "part-0.parquet"
    corrupt.parent.mkdir(parents=True)
    corrupt.write_bytes(b"not parquet")  # the landing must read it to carry its rows: an unreadable lake file
    with SimulatorServer(replace(sim_config, enforce_limits=False)) as sim:
        point_at(sim, data, monkeypatch)
        assert main(["run", "--start", LAST.isoformat(), "--end", LAST.isoformat(), "--select", SELECT]) == 2
        first = capsys.readouterr().err  # at once, with what to do (a damaged file is not retried)
        assert f"history_day_client_count: {corrupt} is not readable Parquet" in first and "move it aside" in first
        asked = dict(sim.stats()["requests"])

        corrupt.unlink()
        assert main(["resume"]) == 0
        err = capsys.readouterr().err
        again = sim.stats()["requests"]

    instance = DagsterInstance.from_config(str(dagster_home()))
    resumed, failed = instance.get_runs(filters=RunsFilter(job_name=CLI_JOB))  # newest first
    assert failed.status == DagsterRunStatus.FAILURE and resumed.status == DagsterRunStatus.SUCCESS
    assert resumed.parent_run_id == failed.run_id and f"resuming {failed.run_id[:8]}" in err
    assert again[REPORTS] == asked[REPORTS]  # landed by the failed run: not asked again
    assert again["/user/shop"] == asked["/user/shop"]  # its step succeeded: not run again
    assert again[COUNTS] > asked.get(COUNTS, 0)
    guests = marts(data)["guest_daily"]
    assert len(guests) > 0 and set(guests["date"].astype(str)) == {LAST.isoformat()}

    assert main(["resume"]) == 2  # nothing failed any more
    assert "no failed inc-pipeline run to resume" in capsys.readouterr().err
