"""Trends and reports ask for a run of days in one request (reports: for every site at once), and land exactly
the rows, in exactly the partitions, that one request per site and day lands."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pandas as pd
import pytest
from dagster import DagsterInstance, materialize

from inc_pipeline.catalog import ENDPOINTS, Scope, Span
from inc_pipeline.defs.request_groups import endpoint_asset
from inc_pipeline.simulator import SimulatorServer

from .helpers import lake, resources, run

RANGED = [e for e in ENDPOINTS if e.is_windowed and e.window.span is Span.RUN and e.id != "auth_history"]
REPORTS = [e for e in RANGED if e.scope is Scope.SITE_BATCH]
# 22 days: the end of October (a month report), four Sundays (week detail and week report).
FIRST, LAST = date(2026, 10, 25), date(2026, 11, 15)
DAYS = [FIRST + timedelta(days=n) for n in range((LAST - FIRST).days + 1)]


def per_day(endpoint):
    """The entry as it was planned before: one request per site and day."""
    return replace(endpoint, window=replace(endpoint.window, span=Span.DAY), scope=Scope.SITE, batch_size=1)


def materialize_range(endpoints, sim, data_dir, first: date, last: date):
    result = materialize(
        [endpoint_asset(e) for e in endpoints],
        resources=resources(sim, data_dir),
        instance=DagsterInstance.ephemeral(),
        tags={"dagster/asset_partition_range_start": first.isoformat(),
              "dagster/asset_partition_range_end": last.isoformat()},
    )  # fmt: skip
    assert result.success
    return result


def requests_by_path(sim) -> dict[str, int]:
    return dict(sim.stats()["requests"])


@pytest.fixture(scope="module")
def landings(sim_config, tmp_path_factory):
    """The ranged endpoints landed twice over the same 22 days: as planned now, and one request per site and day."""
    ranged_dir, per_day_dir = tmp_path_factory.mktemp("ranged"), tmp_path_factory.mktemp("per_day")
    with SimulatorServer(replace(sim_config, enforce_limits=False, days=40)) as sim:
        run(["user_shops"], sim, ranged_dir)
        run(["user_shops"], sim, per_day_dir)
        sim.reset()
        materialize_range(RANGED, sim, ranged_dir, FIRST, LAST)
        ranged_calls = requests_by_path(sim)
        sim.reset()
        materialize_range([per_day(e) for e in RANGED], sim, per_day_dir, FIRST, LAST)
        per_day_calls = requests_by_path(sim)
        yield sim, ranged_dir, per_day_dir, ranged_calls, per_day_calls


def test_a_trend_is_one_request_per_site_and_a_report_one_for_all_sites(landings):
    sim, _, _, ranged_calls, per_day_calls = landings
    sites = len(sim.world.sites)
    for endpoint in RANGED:
        expected = 1 if endpoint.scope is Scope.SITE_BATCH else sites
        assert ranged_calls[endpoint.path] == expected, endpoint.id
        assert per_day_calls[endpoint.path] == sites * len(DAYS), endpoint.id


def test_ranged_requests_land_the_rows_and_partitions_of_per_day_requests(landings):
    _, ranged_dir, per_day_dir, _, _ = landings
    for endpoint in RANGED:
        ranged, by_day = lake(ranged_dir), lake(per_day_dir)
        assert ranged.partitions(endpoint.id) == by_day.partitions(endpoint.id) == DAYS, endpoint.id
        # covered_days: a one-day request covers one day of a week, the ranged one (widened to whole weeks and
        # months) all of them; the figures are the same, since only whole periods are answered here.
        landed = ranged.read(endpoint.id).drop(columns=["extracted_at", "covered_days"], errors="ignore")
        expected = by_day.read(endpoint.id).drop(columns=["extracted_at", "covered_days"], errors="ignore")
        assert len(landed) > 0, endpoint.id
        pd.testing.assert_frame_equal(landed, expected, obj=endpoint.id)


def test_reports_name_each_rows_site_and_period(landings):
    sim, ranged_dir, _, _, _ = landings
    days = lake(ranged_dir).read("history_day_report")
    assert sorted(set(days["site_id"])) == sorted(map(str, sim.world.sites))
    assert (days["site_id"] == days["scenarioid"]).all()
    assert (days["statTime"] == days["partition_date"].astype(str)).all()
    months = lake(ranged_dir).read("history_month_report")
    assert months["partition_date"].tolist() == [date(2026, 10, 31)] * len(sim.world.sites)
    assert (months["statTime"] == "2026-10").all()
    weeks = lake(ranged_dir).read("history_week_report")
    assert set(weeks["partition_date"]) == {d for d in DAYS if d.isoweekday() == 7}
    assert (pd.to_datetime(weeks["statTime"]).dt.date + timedelta(days=6) == weeks["partition_date"]).all()
    assert (weeks["covered_days"] == 7).all() and (months["covered_days"] == 31).all()  # asked whole


def test_a_daily_run_with_lookback_replaces_exactly_its_days(landings, tmp_path):
    """The schedule's shape: yesterday and a few days before it, one ranged request, only those partitions."""
    sim, ranged_dir, per_day_dir, _, _ = landings
    the_lake = lake(ranged_dir)
    before = {e.id: the_lake.read(e.id) for e in RANGED}
    run_days = DAYS[-4:]
    sim.reset()
    materialize_range(RANGED, sim, ranged_dir, run_days[0], run_days[-1])
    calls = requests_by_path(sim)
    for endpoint in RANGED:
        assert calls[endpoint.path] == (1 if endpoint.scope is Scope.SITE_BATCH else len(sim.world.sites))
        after = the_lake.read(endpoint.id)
        assert the_lake.partitions(endpoint.id) == DAYS
        kept, old = (frame[~frame["partition_date"].isin(run_days)] for frame in (after, before[endpoint.id]))
        pd.testing.assert_frame_equal(kept.reset_index(drop=True), old.reset_index(drop=True), obj=endpoint.id)
        relanded = after[after["partition_date"].isin(run_days)]
        assert (relanded["extracted_at"] > old["extracted_at"].max()).all(), endpoint.id
        unstamped = ["extracted_at", "covered_days"]  # see the test above for covered_days
        expected = lake(per_day_dir).read(endpoint.id, dates=run_days).drop(columns=unstamped, errors="ignore")
        pd.testing.assert_frame_equal(relanded.drop(columns=unstamped, errors="ignore").reset_index(drop=True),
                                      expected, obj=endpoint.id)  # fmt: skip


def test_a_report_cut_at_the_limit_still_lands_every_row_once(landings, sim_config, tmp_path):
    """If the API cut a several-site report at `limit` (the manual's other possible reading), the sites are asked
    again in halves, down to one site, and the landed rows are exactly those of one request per site and day."""
    _, _, per_day_dir, _, _ = landings
    report = next(e for e in REPORTS if e.id == "history_day_report")
    cut = replace(sim_config, enforce_limits=False, days=40, several_site_reports_cut=True)
    with SimulatorServer(cut) as sim:
        run(["user_shops"], sim, tmp_path)
        sim.reset()
        materialize_range([replace(report, page_size=10)], sim, tmp_path, FIRST, LAST)
        calls = requests_by_path(sim)[report.path]
        sites = len(sim.world.sites)
    landed = lake(tmp_path).read(report.id).drop(columns="extracted_at")
    expected = lake(per_day_dir).read(report.id).drop(columns="extracted_at")
    pd.testing.assert_frame_equal(landed, expected)
    # The cut list; the first site alone (22 days in pages of 10); the other two, cut again; then each alone.
    assert sites == 3 and calls == 1 + 3 + 1 + 3 * 2
