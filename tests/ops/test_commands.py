"""plan, status, replay and a quota running out mid-backfill, on the package's data directory."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from datetime import UTC, datetime

import pandas as pd
import pytest

from inc_pipeline.defs.resources import IncApiResource, archive_raw_from_env
from inc_pipeline.landing.lake import Lake

from .conftest import FIRST, LAST, RANGE, marts


def test_plan_prints_requests_time_and_quota_days(ops_env, cli):
    outcome = cli("plan", "--start", "2026-10-01", "--end", "2026-10-30", "--sites", "40")
    assert outcome.code == 0, outcome.err
    backfill, day = outcome.out.split("\n\n", 1)  # the range's table, then a day's run
    lines = {line.split()[0]: line.split() for line in backfill.splitlines() if line.strip()}
    assert lines["history_day_client_count"][-3] == str(30 * 40)  # one request per site and day
    assert "quota days" in outcome.out and "quotas stretch it over" in outcome.out
    daily = {line.split()[0]: line.split() for line in day.splitlines()[2:] if line.strip()}
    assert daily["history_day_client_count"][1] == "40" and daily["history_day_client_count"][-1] == "yes"


@pytest.mark.parametrize("rate", ["fast", "0", "-5", "inf"])
def test_a_default_rate_that_is_no_positive_number_is_one_line_saying_what_to_set(ops_env, cli, monkeypatch, rate):
    monkeypatch.setenv("INC_DEFAULT_RATE_PER_SECOND", rate)  # this test's own: ops_env's environment outlives it
    outcome = cli("plan", "--start", "2026-10-01", "--end", "2026-10-02", "--sites", "2")
    lines = [line for line in outcome.err.splitlines() if line.strip()]
    assert outcome.code != 0 and len(lines) == 1, outcome.err
    assert "INC_DEFAULT_RATE_PER_SECOND" in lines[0] and "positive number" in lines[0] and "unset it" in lines[0]


@pytest.mark.parametrize("rate", ["0.001", "1e-9"])
def test_a_default_rate_too_slow_to_finish_anything_is_one_line_saying_what_to_set(ops_env, cli, monkeypatch, rate):
    """`plan` used to accept it and print days of waiting for a 2-day backfill."""
    monkeypatch.setenv("INC_DEFAULT_RATE_PER_SECOND", rate)
    outcome = cli("plan", "--start", "2026-10-01", "--end", "2026-10-02", "--sites", "2")
    lines = [line for line in outcome.err.splitlines() if line.strip()]
    assert outcome.code != 0 and len(lines) == 1, outcome.err
    assert f"INC_DEFAULT_RATE_PER_SECOND='{rate}' is below 0.01 requests per second" in lines[0]
    assert "set it to e.g. 10, or unset it" in lines[0]
    monkeypatch.setenv("INC_DEFAULT_RATE_PER_SECOND", "0.01")  # the slowest accepted
    assert cli("plan", "--start", "2026-10-01", "--end", "2026-10-02", "--sites", "2").code == 0


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("INC_LOOKBACK_DAYS", "two", "is not a whole number of days"),
        ("INC_LOOKBACK_DAYS", "-1", "is not a whole number of days"),
        ("INC_ARCHIVE_RAW", "maybe", "is not true or false"),
        ("INC_API_TIME_SCALE", "fast", "is not a time scale"),
        ("INC_API_TIME_SCALE", "0", "is not a time scale"),
        ("INC_QUOTA_TIMEZONE", "Mars/Olympus", "is not a time zone"),
    ],
)
def test_a_setting_the_run_cannot_use_is_one_line_before_anything_is_written(ops_env, cli, monkeypatch, tmp_path,
                                                                              name, value, says):  # fmt: skip
    monkeypatch.setenv(name, value)  # this test's own: ops_env's environment outlives it
    monkeypatch.setenv("INC_DATA_DIR", str(tmp_path / "fresh"))
    outcome = cli("run", "--start", "2026-11-18", "--end", "2026-11-18", "--select", "user_shops")
    lines = [line for line in outcome.err.splitlines() if line.strip()]
    assert outcome.code == 2 and len(lines) == 1, outcome.err
    assert lines[0].startswith(f"inc-pipeline run: {name}={value!r} {says}")
    assert not (tmp_path / "fresh").exists()


@pytest.mark.parametrize(("value", "archived"), [("TRUE", True), ("yes", True), ("0", False), ("Off", False)])
def test_the_archive_setting_reads_any_case_of_true_and_false(monkeypatch, value, archived):
    monkeypatch.setenv("INC_ARCHIVE_RAW", value)
    assert archive_raw_from_env() is archived


def test_plan_times_unstated_limits_at_the_rate_the_client_paces(ops_env, cli):
    times = {}
    for rate in ("5", "50"):
        ops_env["env"].setenv("INC_DEFAULT_RATE_PER_SECOND", rate)
        outcome = cli("plan", "--start", "2026-10-01", "--end", "2026-10-30", "--sites", "40")
        assert outcome.code == 0, outcome.err
        times[rate] = {line.split()[0]: line.split() for line in outcome.out.splitlines() if line.strip()}
    assert times["5"]["history_day_client_count"] != times["50"]["history_day_client_count"]  # 1,200 calls
    assert times["5"]["device_ssid_info"] == times["50"]["device_ssid_info"]  # stated 1/s: not ours to set


def test_status_reports_partitions_source_quota_and_version(first_run, ops_env, cli):
    outcome = cli("status")
    assert outcome.code == 0, outcome.err
    assert f"source: simulator at {ops_env['sim'].base_url}" in outcome.out
    assert "warehouse: version " in outcome.out
    assert "history_day_client_count".ljust(38) + f" {FIRST}..{LAST}    2 days  gaps: none" in outcome.out
    assert "quota today (" in outcome.out and "user_shops " in outcome.out
    assert ops_env["sim"].api_key not in outcome.out


def test_quota_spent_mid_backfill_defers_and_loses_nothing(first_run, ops_env, cli):
    lake = Lake(ops_env["data"])
    before = {table: lake.read(table) for table in ("history_clients", "history_day_client_count")}
    assert len(before["history_clients"]) > 0
    # The 100 daily calls spent: the rotation's first device finds the quota gone before anything is sent.
    ledger = ops_env["data"] / "state" / "quota" / "history_clients.json"
    ledger.write_text(json.dumps({"day": datetime.now(UTC).date().isoformat(), "used": 100}))

    outcome = cli("run", *RANGE, "--select", "history_clients,history_day_client_count")

    assert outcome.code == 0, outcome.err
    assert "history_clients deferred: quota exhausted for history_clients until" in outcome.err
    assert "landed partitions are intact; rerun after" in outcome.err
    kept = lake.read("history_clients")
    assert kept.drop(columns="extracted_at").equals(before["history_clients"].drop(columns="extracted_at"))
    assert (kept["extracted_at"] == before["history_clients"]["extracted_at"]).all()  # not re-landed
    assert len(lake.read("history_day_client_count")) == len(before["history_day_client_count"])
    status = cli("status")
    assert "history_clients: deferred (quota spent); retry after" in status.out


def test_one_call_left_asks_the_device_covered_longest_ago_and_keeps_the_others(first_run, ops_env, cli):
    lake = Lake(ops_env["data"])
    before = lake.read("history_clients")
    ledger = ops_env["data"] / "state" / "quota" / "history_clients.json"
    ledger.write_text(json.dumps({"day": datetime.now(UTC).date().isoformat(), "used": 99}))

    outcome = cli("run", *RANGE, "--select", "history_clients")

    assert outcome.code == 0 and "deferred" not in outcome.err, outcome.err
    after = lake.read("history_clients")
    fresh = after[after["extracted_at"] > before["extracted_at"].max()]
    assert fresh["dev_sn"].nunique() == 1  # the one device the quota allowed
    kept = after[after["dev_sn"] != fresh["dev_sn"].iloc[0]].reset_index(drop=True)
    expected = before[before["dev_sn"] != fresh["dev_sn"].iloc[0]].reset_index(drop=True)
    pd.testing.assert_frame_equal(kept, expected)  # every other device's rows, as they were


def test_deferred_endpoints_are_what_the_sensor_retries(first_run, ops_env, cli):
    from inc_pipeline.defs.schedules import deferred_endpoints
    from inc_pipeline.ops.instance import dagster_instance

    ledger = ops_env["data"] / "state" / "quota" / "user_shops.json"
    ledger.write_text(json.dumps({"day": datetime.now(UTC).date().isoformat(), "used": 100}))
    assert cli("run", *RANGE, "--select", "user_shops").code == 0
    deferred = deferred_endpoints(dagster_instance())
    assert "user_shops" in deferred
    assert datetime.fromisoformat(deferred["user_shops"]) > datetime.now(UTC)


def test_replay_relands_from_the_archive_without_the_api(first_run, ops_env, cli):
    lake = Lake(ops_env["data"])
    before = lake.read("history_day_client_count")
    lake.partition_path("history_day_client_count", FIRST).unlink()  # lost partition
    ops_env["env"].setenv("INC_API_BASE_URL", "http://127.0.0.1:9")  # any API call would fail
    try:
        outcome = cli("replay", "--table", "history_day_client_count", *RANGE)
    finally:
        ops_env["env"].setenv("INC_API_BASE_URL", ops_env["sim"].base_url)
    assert outcome.code == 0, outcome.err
    after = lake.read("history_day_client_count")
    key = ["site_id", "partition_date"]
    assert after.drop(columns="extracted_at").sort_values(key).reset_index(drop=True).equals(
        before.drop(columns="extracted_at").sort_values(key).reset_index(drop=True)
    )
    assert marts(ops_env["data"])["guest_daily"].equals(first_run["guest_daily"])


@pytest.mark.parametrize("table", ["history_day_report", "history_hour_client_count_detail"])
def test_replay_relands_a_later_day_of_a_ranged_request(table, first_run, ops_env, cli):
    """These endpoints answer the whole run of days in one request: its answer serves the replay of any day."""
    lake = Lake(ops_env["data"])
    before = lake.read(table, [LAST])
    assert len(before), f"{table} landed nothing on {LAST}"
    first_day = lake.partition_path(table, FIRST).read_bytes()
    lake.partition_path(table, LAST).unlink()
    ops_env["env"].setenv("INC_API_BASE_URL", "http://127.0.0.1:9")  # any API call would fail
    try:
        outcome = cli("replay", "--table", table, "--start", LAST.isoformat(), "--end", LAST.isoformat())
    finally:
        ops_env["env"].setenv("INC_API_BASE_URL", ops_env["sim"].base_url)
    assert outcome.code == 0, outcome.err
    after = lake.read(table, [LAST])
    assert set(after["partition_date"]) == {LAST}  # the answer's other day was left out, not landed here
    columns = [c for c in before.columns if c != "extracted_at"]
    pd.testing.assert_frame_equal(
        after[columns].sort_values(columns).reset_index(drop=True),
        before[columns].sort_values(columns).reset_index(drop=True),
    )
    assert lake.partition_path(table, FIRST).read_bytes() == first_day  # the other day was not rewritten


def test_replay_refuses_what_was_never_archived(first_run, ops_env, cli):
    outcome = cli("replay", "--table", "auth_history", *RANGE)
    assert outcome.code == 2
    assert "personal data is never archived" in outcome.err
    # The missing days as a run, not one by one (a year was an 8 KB line), and a command for this table only.
    assert f"auth_history on {FIRST}..{LAST} (personal" in outcome.err
    assert outcome.err.rstrip().endswith(f"inc-pipeline run --start {FIRST} --end {LAST} --select auth_history")


def test_dotenv_fills_what_the_shell_left_unset_and_dagster_devs_reading_puts_the_file_first(monkeypatch, tmp_path):
    """`inc-pipeline` reads .env under the exported variables; `make dev` reads it as `dagster dev` will, over
    them, to find the DAGSTER_HOME the UI must share with CLI runs. Empty and commented lines set nothing."""
    from inc_pipeline.cli import load_dotenv

    dotenv = tmp_path / ".env"
    dotenv.write_text("INC_DATA_DIR=/from/file\nINC_SITES=\n# INC_API_KEY=commented\nINC_API_USER='quo # ted'\n"
                      "export INC_PII_KEY=exported\nINC_PII_POLICY=drop  # or pseudonymise\n")  # fmt: skip
    monkeypatch.setenv("INC_DATA_DIR", "/from/shell")
    for name in ("INC_SITES", "INC_API_KEY", "INC_API_USER", "INC_PII_KEY", "INC_PII_POLICY"):
        monkeypatch.delenv(name, raising=False)
    load_dotenv(dotenv)
    assert os.environ["INC_DATA_DIR"] == "/from/shell" and os.environ["INC_API_USER"] == "quo # ted"
    assert os.environ["INC_PII_KEY"] == "exported" and os.environ["INC_PII_POLICY"] == "drop"
    assert "INC_SITES" not in os.environ and "INC_API_KEY" not in os.environ
    load_dotenv(dotenv, over_the_shell=True)
    assert os.environ["INC_DATA_DIR"] == "/from/file"


@pytest.mark.parametrize(
    ("select", "says"),
    [(",", "',' names nothing"), (" ", "' ' names nothing"), ("guests,nosuch", "no asset or group named nosuch")],
)
def test_a_selection_of_nothing_or_of_an_unknown_name_is_one_line(ops_env, cli, monkeypatch, tmp_path, select, says):
    """A selection of nothing ran nothing and still said "done"."""
    monkeypatch.setenv("INC_DATA_DIR", str(tmp_path / "fresh"))
    outcome = cli("run", *RANGE, "--select", select)
    lines = [line for line in outcome.err.splitlines() if line.strip()]
    assert outcome.code == 2 and len(lines) == 1, outcome.err
    assert lines[0].startswith(f"inc-pipeline run: --select: {says}; groups: ") and "guests" in lines[0]
    assert not (tmp_path / "fresh" / "lake").exists()


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("INC_TIMEZONE", "Mars/Olympus", "is not a time zone: use an IANA name"),
        ("INC_PARTITIONS_START", "2026/01/01", "is not a date: use YYYY-MM-DD"),
        ("INC_PARTITIONS_START", "2026-02-30", "is not a date: use YYYY-MM-DD"),
        ("INC_HISTORY_DAYS", "a year", "is not a number of days: set how far back the account keeps its history"),
        ("INC_HISTORY_DAYS", "0", "is not a number of days"),
    ],
)
def test_a_partition_setting_the_definitions_cannot_load_is_one_line(tmp_path, name, value, says):
    """Read when the definitions load (in a fresh process here): a traceback of 50 lines before."""
    env = {**os.environ, "INC_DATA_DIR": str(tmp_path), name: value}
    args = [sys.executable, "-c", "from inc_pipeline.cli import main; raise SystemExit(main())",
            "plan", "--start", "2026-11-01", "--end", "2026-11-02", "--sites", "1"]  # fmt: skip
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode == 2 and len(lines) == 1, done.stderr[-2000:]
    assert lines[0].startswith(f"inc-pipeline plan: {name}={value!r} {says}"), lines[0]


@pytest.mark.parametrize(
    ("url", "label"),
    [
        ("http://127.0.0.1:8000", "simulator+http://127.0.0.1:8000"),
        ("http://0.0.0.0:8000", "simulator+http://0.0.0.0:8000"),  # `simulator --host 0.0.0.0` prints this URL
        ("http://inccloud-api.intelbras.com.br:8000", "http://inccloud-api.intelbras.com.br:8000"),
    ],
)
def test_data_pulled_from_this_machine_is_labelled_simulated(url, label):
    assert IncApiResource(base_url=url, api_key="k").source_label == label


def test_the_embedded_simulator_is_the_api_resources_twin(ops_env, cli, monkeypatch, tmp_path):
    """INC_API_BASE_URL=simulator: the resources hold the simulated twin, and a run lands from the process's own
    simulator with its key and account, labelled simulated."""
    import duckdb

    from inc_pipeline.defs.resources import IncApiResource, SimulatedIncApiResource, resources_from_env

    monkeypatch.setenv("INC_API_BASE_URL", "simulator")
    monkeypatch.delenv("INC_API_KEY")
    monkeypatch.delenv("INC_API_USER")
    monkeypatch.setenv("INC_DATA_DIR", str(tmp_path / "twin"))
    twin = resources_from_env()["inc_api"]
    assert isinstance(twin, SimulatedIncApiResource) and isinstance(twin, IncApiResource)
    outcome = cli("run", "--start", "2026-11-18", "--end", "2026-11-18", "--select", "user_shops,warehouse")
    assert outcome.code == 0, outcome.err
    with duckdb.connect(str(tmp_path / "twin" / "warehouse.duckdb"), read_only=True) as con:
        sites = con.execute("select count(*) from marts.sites").fetchone()[0]
        label = con.execute("select source_label from meta.build_info").fetchone()[0]
    assert sites > 0 and label.startswith("simulator+http://127.0.0.1:")


def test_partitions_start_where_the_account_history_does(tmp_path):
    """The first partition: the first day of the month INC_HISTORY_DAYS before today (a year unless told); a
    run before it is refused, saying which setting reaches it."""
    from inc_pipeline.defs.partitions import history_start

    assert history_start(dt.date(2026, 12, 5), 365) == dt.date(2025, 12, 1)
    env = {**os.environ, "INC_DATA_DIR": str(tmp_path), "INC_HISTORY_DAYS": "40", "INC_PII_KEY": "k"}
    env.pop("INC_PARTITIONS_START", None)
    code = ("from inc_pipeline import clock; from inc_pipeline.defs.partitions import START_DATE, DAILY; "
            "print(START_DATE, clock.today(), DAILY.get_first_partition_key())")  # fmt: skip
    first, today, key = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                                       timeout=120, check=True).stdout.split()  # fmt: skip
    expected = (dt.date.fromisoformat(today) - dt.timedelta(days=40)).replace(day=1).isoformat()
    assert first == key == expected
    before = (dt.date.fromisoformat(first) - dt.timedelta(days=1)).isoformat()
    args = [sys.executable, "-m", "inc_pipeline.cli", "run", "--start", before, "--end", before]
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and f"is before the first partition {first}: set INC_PARTITIONS_START" in done.stderr
