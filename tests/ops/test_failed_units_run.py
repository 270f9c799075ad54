"""`inc-pipeline run` with a device that refuses: the rest lands, the warehouse is published, exit code 3."""

from __future__ import annotations

import duckdb
import pytest

from inc_pipeline.cli import main
from inc_pipeline.ops.run import EXIT_FAILED_UNITS
from inc_pipeline.simulator import SimulatorServer

from .conftest import LAST, point_at

pytestmark = pytest.mark.slow


def test_a_run_with_a_refusing_device_publishes_the_rest_and_exits_with_its_own_code(
    sim_config, tmp_path, monkeypatch, capsys
):
    from dataclasses import replace

    plain = replace(sim_config, enforce_limits=False)
    with SimulatorServer(plain) as probe:
        refused = sorted(probe.world.devices)[0]
    config = replace(plain, refusals=(("/device/apinfo", refused),))
    with SimulatorServer(config) as sim:
        data = tmp_path / "data"
        point_at(sim, data, monkeypatch)

        code = main(["run", "--start", LAST.isoformat(), "--end", LAST.isoformat()])
        err = capsys.readouterr().err

        assert code == EXIT_FAILED_UNITS
        [summary] = [line for line in err.splitlines() if "failed unit" in line]
        assert "1 failed unit (device_ap_info 1: Device" in summary and "see inc-pipeline status" in summary
        assert sim.api_key not in err
        with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as con:
            aps = con.execute("select distinct dev_sn from marts.ap_inventory").fetchall()
            guests = con.execute("select count(*) from marts.guest_daily").fetchone()[0]
        assert refused not in {row[0] for row in aps} and len(aps) == len(sim.world.devices) - 1
        assert guests > 0

        assert main(["status"]) == 0
        status = capsys.readouterr().out
        assert "failed units:" in status and f"dev_sn={refused}" in status and "does not support" in status
