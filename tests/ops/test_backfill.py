"""`inc-pipeline backfill`: the newest missing days first, one run at a time, carrying on where it stopped."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import duckdb
import pytest

from inc_pipeline.cli import main
from inc_pipeline.landing.lake import Lake
from inc_pipeline.simulator import SimulatorServer

from .conftest import point_at

pytestmark = pytest.mark.slow

SELECT = "user_shops,history_day_client_count,history_day_report,warehouse"
START, END = date(2026, 11, 12), date(2026, 11, 19)


def _landed_days(data) -> list[date]:
    return Lake(data).partitions("history_day_client_count")


def test_a_backfill_fills_the_newest_days_first_and_resumes_where_it_stopped(sim_config, tmp_path, monkeypatch,
                                                                              capsys, instance_storage):  # fmt: skip
    """In SQLite and in PostgreSQL (`instance_storage`): each night's run is a Dagster run in that storage."""
    data = tmp_path / "data"
    with SimulatorServer(replace(sim_config, enforce_limits=False)) as sim:
        point_at(sim, data, monkeypatch)
        args = ["backfill", "--start", START.isoformat(), "--end", END.isoformat(), "--select", SELECT,
                "--days-per-run", "3"]  # fmt: skip

        assert main(args) == 0
        assert _landed_days(data) == [date(2026, 11, 17), date(2026, 11, 18), date(2026, 11, 19)]
        assert "5 days left (2 more run(s) of up to 3 days: 2026-11-14..2026-11-16, 2026-11-12..2026-11-13)" in (
            capsys.readouterr().err
        )
        with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as con:  # analysts have the newest
            days = {row[0] for row in con.execute("select distinct date from marts.guest_daily").fetchall()}
        assert days == {date(2026, 11, 17), date(2026, 11, 18), date(2026, 11, 19)}

        assert main(args) == 0  # the next night: the next newest
        assert _landed_days(data)[0] == date(2026, 11, 14)
        assert main([*args, "--all"]) == 0
        assert _landed_days(data) == [date(2026, 11, d) for d in range(12, 20)]
        capsys.readouterr()
        assert main(args) == 0
        assert "has landed; nothing to backfill" in capsys.readouterr().err
        # each day asked once over the four invocations: none asked again once landed
        assert sim.stats()["requests"]["/stamonitor/getHistoryDayClientCount"] == 8 * len(sim.world.sites)


def test_a_backfill_of_snapshots_only_is_one_line(sim_config, tmp_path, monkeypatch, capsys):
    with SimulatorServer(replace(sim_config, enforce_limits=False)) as sim:
        point_at(sim, tmp_path / "data", monkeypatch)
        code = main(["backfill", "--start", START.isoformat(), "--end", END.isoformat(), "--select", "online_clients"])
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert code == 2 and len(err) == 1 and "has no window endpoint" in err[0]
