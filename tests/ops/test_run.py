"""`inc-pipeline run` end to end over real HTTP: marts built, a rerun changes nothing, errors in one line."""

from __future__ import annotations

import pandas as pd
import pytest

from inc_pipeline.ops.run import without_class_path

from .conftest import FIRST, LAST, RANGE, assert_same_history, marts

WINDOW_MARTS = ("guest_daily", "dwell_daily", "vendor_daily", "ssid_daily", "traffic_daily", "report_daily")


def test_run_builds_the_marts(first_run):
    for name in WINDOW_MARTS:
        assert len(first_run[name]) > 0, name
    days = set(pd.to_datetime(first_run["guest_daily"]["date"]).dt.date)
    assert days == {FIRST, LAST}
    assert first_run["guest_daily"]["site_id"].nunique() == 3


def test_a_second_run_changes_nothing(first_run, ops_env, cli):
    outcome = cli("run", *RANGE)
    assert outcome.code == 0, outcome.err
    assert_same_history(marts(ops_env["data"]), first_run)


def test_bad_key_fails_in_one_line_without_the_key(first_run, ops_env, cli):
    ops_env["env"].setenv("INC_API_KEY", "not-the-key-0123456789")
    try:
        outcome = cli("run", *RANGE)
    finally:
        ops_env["env"].setenv("INC_API_KEY", ops_env["sim"].api_key)
    assert outcome.code == 2
    assert "authentication failed (code 1001)" in outcome.err
    assert len(outcome.err.strip().splitlines()) == 1
    assert "not-the-key-0123456789" not in outcome.out + outcome.err


def test_unreachable_api_fails_fast(ops_env, cli):
    ops_env["env"].setenv("INC_API_BASE_URL", "http://127.0.0.1:9")
    try:
        outcome = cli("run", *RANGE)
    finally:
        ops_env["env"].setenv("INC_API_BASE_URL", ops_env["sim"].base_url)
    assert outcome.code == 2
    assert "unreachable" in outcome.err and "INC_API_BASE_URL" in outcome.err


def test_missing_key_points_to_the_demo(ops_env, cli):
    ops_env["env"].delenv("INC_API_KEY")
    try:
        outcome = cli("run", *RANGE)
    finally:
        ops_env["env"].setenv("INC_API_KEY", ops_env["sim"].api_key)
    assert outcome.code == 2
    assert "INC_API_KEY is not set" in outcome.err and "inc-pipeline demo" in outcome.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--start", "2026-11-19", "--end", "2026-11-18"], "is before --start"),
        (["--start", "2026-13-01", "--end", "2026-11-18"], "is not a date: use YYYY-MM-DD"),
        (["--start", "yesterday", "--end", "2026-11-18"], "is not a date: use YYYY-MM-DD"),
        (["--start", "2999-01-01", "--end", "2999-01-02"], "is not a complete day yet"),
    ],
)
def test_bad_ranges_are_refused_clearly(ops_env, cli, args, message):
    outcome = cli("run", *args)
    assert outcome.code == 2
    assert message in outcome.err


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ("dagster._core.definitions.events.Failure: user_shops: bad key", "user_shops: bad key"),
        (
            "inc_pipeline.warehouse.build.BuildFailed: warehouse not published: guest_daily: impossible",
            "warehouse not published: guest_daily: impossible",
        ),
        ("guest_daily: 3 rows: see inc_pipeline.warehouse", "guest_daily: 3 rows: see inc_pipeline.warehouse"),
        ("ValueError: no dots, kept", "ValueError: no dots, kept"),
    ],
)
def test_a_failure_line_is_shown_without_the_exception_class_path(line, shown):
    assert without_class_path(line) == shown
