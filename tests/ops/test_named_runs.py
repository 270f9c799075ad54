"""`inc-pipeline run` launches the definitions' `inc_pipeline_run` job: its runs are in the instance under the
job's name (the UI's job history and timeline), and re-executing one through Dagster's API rebuilds the same
warehouse."""

from __future__ import annotations

from dataclasses import replace

import pytest
from dagster import DagsterInstance, ReexecutionOptions, RunsFilter, execute_job, reconstructable

from inc_pipeline.cli import main
from inc_pipeline.defs.schedules import CLI_JOB
from inc_pipeline.ops.instance import dagster_home
from inc_pipeline.ops.run import cli_run_job
from inc_pipeline.simulator import SimulatorServer

from .conftest import LAST, SNAPSHOT_STAMPS, marts, point_at

pytestmark = pytest.mark.slow

SELECT = "user_shops,shop_devices,history_day_client_count,device_ap_info,warehouse"


def _without_stamps(frames: dict) -> dict:
    return {name: frame.drop(columns=[c for c in SNAPSHOT_STAMPS if c in frame.columns]) for name, frame in
            frames.items()}  # fmt: skip


def test_a_cli_run_is_a_run_of_the_named_job_and_reexecutes_to_the_same_warehouse(sim_config, tmp_path,
                                                                                   monkeypatch):  # fmt: skip
    data = tmp_path / "data"
    with SimulatorServer(replace(sim_config, enforce_limits=False)) as sim:
        point_at(sim, data, monkeypatch)
        assert main(["run", "--start", LAST.isoformat(), "--end", LAST.isoformat(), "--select", SELECT]) == 0
        first = marts(data)

        instance = DagsterInstance.from_config(str(dagster_home()))
        [run] = instance.get_runs(filters=RunsFilter(job_name=CLI_JOB))
        assert run.tags["dagster/asset_partition_range_start"] == LAST.isoformat()
        assert {key.to_user_string() for key in run.asset_selection} >= {"user_shops", "marts/guest_daily"}

        requests_before = sim.stats()["requests"]["/stamonitor/getHistoryDayClientCount"]
        again = execute_job(
            reconstructable(cli_run_job),
            instance=instance,
            run_config={"execution": {"config": {"in_process": {}}}},
            tags=run.tags,  # its partition range and clock reading, as the UI's re-execution carries them
            reexecution_options=ReexecutionOptions(parent_run_id=run.run_id),
        )
        assert again.success and again.dagster_run.job_name == CLI_JOB
        assert again.dagster_run.parent_run_id == run.run_id
        # the re-execution asked the API again (it is a run, not a replay) and built the same marts
        assert sim.stats()["requests"]["/stamonitor/getHistoryDayClientCount"] == 2 * requests_before
    second = marts(data)
    assert set(second) == set(first) and first["guest_daily"].shape[0] > 0
    for name in first:
        assert _without_stamps(second)[name].equals(_without_stamps(first)[name]), name
