"""The schedules produce the runs the README promises."""

from __future__ import annotations

import datetime as dt

from dagster import build_schedule_context, validate_run_config


def test_daily_schedule_runs_yesterday_and_the_lookback_as_one_range(monkeypatch):
    from inc_pipeline.definitions import defs
    from inc_pipeline.defs.schedules import daily_extraction_schedule

    monkeypatch.setenv("INC_LOOKBACK_DAYS", "3")
    tick = dt.datetime(2026, 11, 20, 2, 30, tzinfo=dt.UTC)
    result = daily_extraction_schedule.evaluate_tick(build_schedule_context(scheduled_execution_time=tick))
    [request] = result.run_requests
    assert request.tags["dagster/asset_partition_range_start"] == "2026-11-16"
    assert request.tags["dagster/asset_partition_range_end"] == "2026-11-19"
    assert request.tags["dagster/max_retries"] == "2"
    job = defs.resolve_job_def("daily_extraction")
    assert validate_run_config(job, request.run_config)
    selected = {k.to_user_string() for k in job.asset_layer.selected_asset_keys}
    assert {"user_shops", "history_day_client_count", "marts/guest_daily"} <= selected
    assert "online_clients" not in selected  # snapshots run on their own schedule


def test_snapshot_schedule_leaves_the_site_list_to_the_daily_run():
    from inc_pipeline.definitions import defs
    from inc_pipeline.defs.schedules import snapshot_schedule

    tick = dt.datetime(2026, 11, 20, 6, 0, tzinfo=dt.UTC)
    [request] = snapshot_schedule.evaluate_tick(build_schedule_context(scheduled_execution_time=tick)).run_requests
    assert "dagster/asset_partition_range_start" not in request.tags
    selected = {k.to_user_string() for k in defs.resolve_job_def("snapshots").asset_layer.selected_asset_keys}
    assert "online_clients" in selected and "user_shops" not in selected and "marts/sites" in selected


def test_snapshot_schedule_asks_a_small_accounts_client_history_at_every_tick(first_run):
    """Three sites' devices fit the 100/day quota four times over: every snapshot run asks them."""
    from dagster import AssetKey

    from inc_pipeline.defs.schedules import snapshot_schedule

    for hour in (0, 6, 12, 18):
        tick = dt.datetime(2026, 11, 21, hour, tzinfo=dt.UTC)
        [request] = snapshot_schedule.evaluate_tick(build_schedule_context(scheduled_execution_time=tick)).run_requests
        assert AssetKey("history_clients") in request.asset_selection and "inc/left_out" not in request.tags


def test_the_daily_schedule_s_time_is_a_setting_and_a_wrong_one_is_one_line(monkeypatch):
    import pytest

    from inc_pipeline.defs.schedules import DEFAULT_DAILY_CRON, daily_cron
    from inc_pipeline.errors import UserError

    monkeypatch.delenv("INC_DAILY_SCHEDULE", raising=False)
    assert daily_cron() == DEFAULT_DAILY_CRON == "30 2 * * *"
    monkeypatch.setenv("INC_DAILY_SCHEDULE", " 15  4 * * * ")
    assert daily_cron() == "15 4 * * *"
    monkeypatch.setenv("INC_DAILY_SCHEDULE", "every night")
    with pytest.raises(UserError, match="INC_DAILY_SCHEDULE='every night' is not a cron schedule: use five fields"):
        daily_cron()
