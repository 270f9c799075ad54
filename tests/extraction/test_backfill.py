"""A 30-day auth backfill is one run asking for 168-hour windows, and loses or repeats no record, including the
records that sit exactly on a window boundary."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from inc_pipeline.catalog import ENDPOINTS_BY_ID
from inc_pipeline.client import split_window
from inc_pipeline.extract.plan import day_start_ms
from inc_pipeline.simulator import SimulatorServer

from .helpers import lake, metadata, run

AUTH = ENDPOINTS_BY_ID["auth_history"]
AUTH_PATH = "/api/o2oportal/getAuthUserInfo"
FIRST, LAST = date(2026, 10, 20), date(2026, 11, 18)  # 30 days, all inside a 40-day world
DAY_MS = 86_400_000


DAYS = [FIRST + timedelta(days=n) for n in range(30)]


@pytest.fixture(scope="module")
def backfill(sim_config, tmp_path_factory):
    """One run over 30 daily partitions of the real asset (1/s paced: a few seconds). Each site-day's first and last
    sessions sit on midnight (the simulator's boundary_records). Paging within a window: test_streaming."""
    data_dir = tmp_path_factory.mktemp("backfill")
    config = replace(sim_config, enforce_limits=False, days=40, boundary_records=True)
    with SimulatorServer(config) as sim:
        run(["user_shops"], sim, data_dir)
        result = run(["auth_history"], sim, data_dir, days=(FIRST.isoformat(), LAST.isoformat()))
        yield sim, data_dir, result


def test_thirty_day_auth_backfill_is_five_windows_per_site_batch(backfill):
    sim, _, result = backfill
    windows = split_window(day_start_ms(FIRST), day_start_ms(LAST + timedelta(days=1)), 168)
    assert len(windows) == math.ceil(30 * 24 / 168) == 5
    sites = sorted(sim.world.sites)
    assert len(sites) <= AUTH.batch_size  # one site batch
    per_window = [sum(len(sim.world.window(s, lo, hi - 1)) for s in sites) for lo, hi in windows]
    pages = sum(math.ceil(n / AUTH.page_size) for n in per_window)
    described = metadata(result, "auth_history")
    assert described["requests"] == 5
    assert described["api_calls"] == described["pages"] == pages == sim.stats()["requests"][AUTH_PATH]
    assert described["partitions"] == 30
    assert described["duplicates_dropped"] == 0


def test_backfill_lands_thirty_partitions_losing_and_repeating_nothing(backfill):
    sim, data_dir, result = backfill
    sites = sorted(sim.world.sites)
    the_lake = lake(data_dir)
    assert the_lake.partitions("auth_history") == DAYS
    landed = the_lake.read("auth_history")
    for day in DAYS:
        start = day_start_ms(day)
        on_day = landed[landed["partition_date"] == day]
        for site in sites:
            expected = sim.world.window(site, start, start + DAY_MS - 1).start.tolist()
            assert sorted(on_day.loc[on_day["site_id"] == str(site), "access_start_time"]) == expected, (day, site)
    assert not landed.duplicated(["site_id", "user_mac", "access_start_time"]).any()
    assert metadata(result, "auth_history")["rows_landed"] == len(landed)


def test_records_on_window_boundaries_land_once_in_their_own_day(backfill):
    sim, data_dir, _ = backfill
    landed = lake(data_dir).read("auth_history")
    sites = len(sim.world.sites)
    boundaries = [lo for lo, _ in split_window(day_start_ms(FIRST), day_start_ms(LAST + timedelta(days=1)), 168)]
    assert len(boundaries[1:]) == 4
    for lo in boundaries[1:]:
        boundary_day = datetime.fromtimestamp(lo / 1000, UTC).date()
        at_start = landed[landed["access_start_time"] == lo]
        just_before = landed[landed["access_start_time"] == lo - 1]
        assert len(at_start) == len(just_before) == sites  # one per site on each side, none twice
        assert (at_start["partition_date"] == boundary_day).all()
        assert (just_before["partition_date"] == boundary_day - timedelta(days=1)).all()
