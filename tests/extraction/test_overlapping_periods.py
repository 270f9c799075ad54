"""A server that answers every week and month overlapping the window (figures for the part asked): rows land in
their period's partition, partial periods are flagged, and complete ones equal those of the whole-period reading
and the API's own answer."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import duckdb
import pandas as pd
import pytest
from dagster import DagsterInstance, materialize

from inc_pipeline.catalog import ENDPOINTS_BY_ID
from inc_pipeline.defs.request_groups import endpoint_asset
from inc_pipeline.simulator import SimulatorServer
from inc_pipeline.warehouse.build import build_warehouse

from .helpers import resources, run, sim_client

pytestmark = pytest.mark.slow

PERIODIC = ["history_week_report", "history_month_report", "history_week_client_times_detail"]
MARTS = {"report_weekly": "period_start", "report_monthly": "period_start", "visits_weekly": "week_start"}
READINGS = ("whole", "overlapping")


def _land(sim, data_dir, first: str, last: str) -> None:
    result = materialize(
        [endpoint_asset(ENDPOINTS_BY_ID[e]) for e in PERIODIC],
        resources=resources(sim, data_dir),
        instance=DagsterInstance.ephemeral(),
        tags={"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last},
    )
    assert result.success  # the run crashed here: "row for 2026-10-31 outside the partitions"


def _marts(data_dir) -> dict[str, pd.DataFrame]:
    build_warehouse(data_dir, source_label="test")
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        return {name: con.execute(f"select * from marts.{name} order by site_id, {key}").df()
                for name, key in MARTS.items()}  # fmt: skip


@pytest.fixture(scope="module")
def landings(sim_config, tmp_path_factory):
    """Both readings, each landed over 2026-10-05..14 (mid-week and mid-month end), then over the rest of October,
    then once more over one day (a daily run's window that asks a week in part)."""
    out = {}
    for reading in READINGS:
        config = replace(sim_config, enforce_limits=False, days=60, report_periods=reading)
        data_dir = tmp_path_factory.mktemp(reading)
        with SimulatorServer(config) as sim:
            run(["user_shops"], sim, data_dir)
            _land(sim, data_dir, "2026-10-05", "2026-10-14")
            first = _marts(data_dir)
            _land(sim, data_dir, "2026-10-15", "2026-10-31")
            _land(sim, data_dir, "2026-10-14", "2026-10-14")
            out[reading] = (first, _marts(data_dir))
            out[f"{reading}-october"] = _october_report(sim_client(sim, data_dir / "reader"), sorted(sim.world.sites))
    return out


def _october_report(client, sites: list[int]) -> dict[str, dict]:
    """The API's own monthly report for October, asked whole, by site."""
    start, end = (int(pd.Timestamp(d, tz="UTC").timestamp() * 1000) for d in (date(2026, 10, 1), date(2026, 11, 1)))
    answer = client.call(ENDPOINTS_BY_ID["history_month_report"], {
        "user": "demo", "Shops": sites, "startTime": start, "endTime": end - 1, "Active": 1, "Limit": 100, "Local": "",
    })  # fmt: skip
    return {str(r["scenarioid"]): r for r in answer}


def test_overlapping_periods_land_and_are_flagged_partial(landings):
    first, _ = landings["overlapping"]
    weekly, monthly = first["report_weekly"], first["report_monthly"]
    by_week = weekly.groupby("period_start")["is_complete"].all()
    assert by_week[pd.Timestamp("2026-10-05")] and not by_week[pd.Timestamp("2026-10-12")]
    assert set(weekly.loc[weekly["period_start"] == pd.Timestamp("2026-10-12"), "days_covered"]) == {3}
    assert set(monthly["period_start"]) == {pd.Timestamp("2026-10-01")} and not monthly["is_complete"].any()
    assert set(monthly["days_covered"]) == {14}
    whole, _ = landings["whole"]
    assert whole["report_weekly"]["is_complete"].all() and whole["report_monthly"].empty  # October not over yet


@pytest.mark.parametrize("mart", list(MARTS))
def test_complete_periods_are_equal_under_both_readings(landings, mart):
    (_, whole), (_, overlapping) = landings["whole"], landings["overlapping"]
    complete = overlapping[mart][overlapping[mart]["is_complete"]].reset_index(drop=True)
    assert len(complete) and whole[mart]["is_complete"].all()
    expected = whole[mart][whole[mart][MARTS[mart]].isin(complete[MARTS[mart]])].reset_index(drop=True)
    pd.testing.assert_frame_equal(complete, expected, obj=mart)


def test_a_later_run_completes_a_period_and_a_shorter_one_never_undoes_it(landings):
    _, last = landings["overlapping"]
    weekly, monthly = last["report_weekly"], last["report_monthly"]
    assert weekly.loc[weekly["period_start"] == pd.Timestamp("2026-10-12"), "is_complete"].all()  # then 3 days
    assert monthly["is_complete"].all() and set(monthly["days_covered"]) == {31}


@pytest.mark.parametrize("reading", READINGS)
def test_complete_periods_equal_the_apis_own_answer(landings, reading):
    _, last = landings["overlapping"]
    records = landings[f"{reading}-october"]
    assert len(last["report_monthly"]) == len(records)
    for row in last["report_monthly"].itertuples():
        assert row.clients == records[row.site_id]["clientCount"]
        assert row.new_guests == records[row.site_id]["newCount"]
        assert row.avg_dwell_s == pytest.approx(records[row.site_id]["avgTime"])
