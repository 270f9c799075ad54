"""Bad input, each ending in one clear line and nothing half-written.

User-facing mistakes go through the CLI (`inc_pipeline.cli.main` -> exit 2 and one `inc-pipeline ...:` line on
stderr); answers the API may send go through the library path the assets call, ending in quarantine or a
one-line error naming the endpoint and what to do.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from inc_pipeline.catalog import ENDPOINTS_BY_ID
from inc_pipeline.cli import main
from inc_pipeline.client import (
    AuthError,
    BadRequestError,
    IncClient,
    QuotaExhaustedError,
    ResponseFormatError,
    WindowTooLongError,
    window_params,
)
from inc_pipeline.extract.plan import Targets, plan_requests
from inc_pipeline.extract.run import LandingOptions, land_requests
from inc_pipeline.extract.targets import NoSitesError, load_targets, require_sites
from inc_pipeline.landing import Lake, LakeError
from inc_pipeline.simulator import FaultConfig, SimulatorServer
from inc_pipeline.simulator.errors import SHOP_NOT_FOUND

AUTH = ENDPOINTS_BY_ID["auth_history"]
OPTIONS = LandingOptions(pii_key=b"k")


def _one_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.startswith("inc-pipeline ")]
    assert len(lines) == 1, text[-1500:]
    assert "Traceback" not in lines[0]
    return lines[0]


@pytest.fixture
def cli_env(monkeypatch, tmp_path, small_world):
    """Environment for a CLI run against a fresh simulator; yields (simulator, data dir)."""
    sim = SimulatorServer(replace(small_world, revoked_keys=("revoked-key",))).start()
    data = tmp_path / "data"
    monkeypatch.setenv("INC_API_BASE_URL", sim.base_url)
    monkeypatch.setenv("INC_API_KEY", sim.api_key)
    monkeypatch.setenv("INC_API_USER", sim.config.user)
    monkeypatch.setenv("INC_DATA_DIR", str(data))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    monkeypatch.setenv("INC_PII_KEY", "pii")
    yield sim, data
    sim.stop()


def _assert_nothing_written(data) -> None:
    assert not list((data / "lake").glob("*/date=*/*.parquet")) if (data / "lake").exists() else True
    assert not (data / "warehouse.duckdb").exists()


@pytest.mark.parametrize(
    "args, expected",
    [
        (["run", "--start", "2026-11-19", "--end", "2026-11-18"], "before --start"),
        (["run", "--start", "19/11/2026", "--end", "2026-11-19"], "is not a date"),
        (["run", "--start", "2026-02-30", "--end", "2026-03-01"], "is not a date"),
        (["run", "--start", "20261101", "--end", "2026-11-02"], "is not a date"),  # fromisoformat would take it
        (["run", "--start", "2026-W44-1", "--end", "2026-11-02"], "is not a date"),  # ... and this one
        (["demo", "--days", "0"], "'0' is not a whole number of 1 or more"),
        (["plan", "--start", "2026-11-01", "--end", "2026-11-02", "--sites", "-5"], "is not a whole number of 1"),
    ],
)
def test_range_mistakes(cli_env, capsys, args, expected):
    code = _exit_code(args)
    assert code == 2
    err = capsys.readouterr().err
    assert expected in _one_line(err) and len(err.strip().splitlines()) == 1, err  # no usage block before it
    _assert_nothing_written(cli_env[1])


def _exit_code(args) -> int:
    try:
        return main(args)
    except SystemExit as exc:  # argparse refuses a malformed date itself (exit 2, our one line)
        return exc.code


@pytest.mark.slow
@pytest.mark.parametrize(
    "env, expected",
    [
        ({"INC_API_KEY": None}, "INC_API_KEY is not set"),
        ({"INC_PII_KEY": None}, "INC_PII_KEY is not set"),
        ({"INC_API_KEY": "wrong-key"}, "invalid apikey"),
        ({"INC_API_KEY": "revoked-key"}, "apikey disabled"),
        ({"INC_API_BASE_URL": "http://127.0.0.1:9"}, "unreachable"),
        ({"INC_API_BASE_URL": "http://127.0.0.1:99999"}, "is not an http(s) URL"),
        ({"INC_API_BASE_URL": "ftp://127.0.0.1:21"}, "is not an http(s) URL"),
        ({"INC_API_KEY": "sim-\nkey"}, "INC_API_KEY holds a space, a line break"),
    ],
    ids=["missing-key", "missing-pii-key", "wrong-key", "revoked-key", "unreachable-host", "port-out-of-range",
         "not-http", "key-with-line-break"],  # fmt: skip
)
def test_cli_run_fails_with_one_line(cli_env, monkeypatch, capsys, env, expected):
    for name, value in env.items():
        monkeypatch.delenv(name) if value is None else monkeypatch.setenv(name, value)
    day = (cli_env[0].config.end_date - timedelta(days=1)).isoformat()
    assert main(["run", "--start", day, "--end", day, "--select", "user_shops"]) == 2
    err = capsys.readouterr().err
    line = _one_line(err)
    assert expected in line, err
    assert "sim-key" not in err and "sim-\nkey" not in err and "sim-\\nkey" not in err  # the key, raw or quoted
    _assert_nothing_written(cli_env[1])


@pytest.mark.slow
def test_a_statistics_endpoint_without_the_account_name_is_one_line(cli_env, monkeypatch, capsys):
    """The statistics endpoints send the account name (`user`): without INC_API_USER the run says so, rather than
    passing on the API's refusal of an empty name."""
    monkeypatch.delenv("INC_API_USER")
    day = (cli_env[0].config.end_date - timedelta(days=1)).isoformat()
    assert main(["run", "--start", day, "--end", day, "--select", "user_shops,history_day_client_count"]) == 2
    line = _one_line(capsys.readouterr().err)
    assert "history_day_client_count: INC_API_USER is not set" in line, line
    assert ENDPOINTS_BY_ID["history_day_client_count"].path not in cli_env[0].stats()["requests"]


def test_a_pasted_key_s_line_end_is_trimmed_and_the_key_works(make_simulator, tmp_path):
    """A key copied from a Windows file ends in \\r\\n: trimmed, it is the key (and never quoted in an error)."""
    sim = make_simulator(enforce_limits=False)
    with IncClient(sim.base_url, sim.api_key + "\r\n", state_dir=tmp_path / "state") as client:
        assert client.call(ENDPOINTS_BY_ID["user_shops"])  # the simulator refuses any other key (code 1001)


def test_a_site_in_inc_sites_the_account_does_not_have_names_inc_sites(cli_env, monkeypatch, capsys):
    """Asked anyway, the site failed as "shop not found ... refresh the site list", which INC_SITES was not."""
    sim, data = cli_env
    day = (sim.config.end_date - timedelta(days=1)).isoformat()
    assert main(["run", "--start", day, "--end", day, "--select", "user_shops"]) == 0
    monkeypatch.setenv("INC_SITES", "1001;9999")
    sim.reset()
    capsys.readouterr()  # the first run's "done" line
    assert main(["run", "--start", day, "--end", day, "--select", "history_day_client_count"]) == 2
    line = _one_line(capsys.readouterr().err)
    assert "INC_SITES names '1001;9999', not among the account's" in line and "unset it for all" in line, line
    assert sim.stats()["requests"] == {}  # refused before asking


# Library path: what the API may answer.

def _client(sim, tmp_path, **kwargs) -> IncClient:
    return IncClient(sim.base_url, sim.api_key, state_dir=tmp_path / "state", backoff_base=0.01, **kwargs)


def test_html_error_page_is_one_line(make_simulator, tmp_path):
    sim = make_simulator(enforce_limits=False, faults=FaultConfig(rate=1.0, kinds=("http_5xx",)))
    with _client(sim, tmp_path, max_retries=1) as client, pytest.raises(ResponseFormatError) as caught:
        client.call(ENDPOINTS_BY_ID["user_shops"])
    assert "\n" not in str(caught.value) and "<html>" not in str(caught.value).lower()


def test_window_beyond_168_hours_asked_directly(make_simulator, tmp_path):
    sim = make_simulator(enforce_limits=False)
    start = int(datetime(2026, 11, 1, tzinfo=UTC).timestamp() * 1000)
    with pytest.raises(WindowTooLongError) as caught:  # the client refuses before sending
        window_params(AUTH, start, start + 169 * 3_600_000)
    assert "\n" not in str(caught.value)
    params = {"shop_id": [1001], "begin_time": start, "end_time": start + 169 * 3_600_000}  # past the client
    with _client(sim, tmp_path) as client, pytest.raises(BadRequestError) as caught:
        list(client.iter_pages(AUTH, params))
    assert "\n" not in str(caught.value) and "168" in str(caught.value)


def test_unknown_site(make_simulator, tmp_path):
    sim = make_simulator(enforce_limits=False)
    day = sim.config.end_date - timedelta(days=1)
    requests = plan_requests(AUTH, Targets(sites=("99999",), user="demo"), days=[day])
    lake = Lake(tmp_path / "data")
    with _client(sim, tmp_path) as client:  # the site's request fails on its own: a failed unit, not a crash
        report = land_requests(client, AUTH, requests, lake, OPTIONS, partition_dates=[day])
    [failure] = report.units_failed
    assert failure.code == SHOP_NOT_FOUND and "99999" in failure.message and "\n" not in failure.message
    assert lake.partitions("auth_history") == []  # nothing landed, so no partition says "landed, no rows"


def test_empty_site_list(tmp_path):
    with pytest.raises(NoSitesError, match="no site to extract"):
        require_sites(load_targets(Lake(tmp_path / "data"), user="demo"))


@pytest.mark.parametrize("kind", ["bad_values", "schema_drift"])
def test_bad_values_and_schema_change_are_quarantined_or_reported(make_simulator, tmp_path, kind):
    """'N/A', 'abc' in numeric fields and unknown enum values go to quarantine; a new field is reported."""
    sim = make_simulator(enforce_limits=False, faults=FaultConfig(rate=1.0, kinds=(kind,)))
    day = sim.config.end_date - timedelta(days=1)
    site = str(next(iter(sim.world.sites)))
    lake = Lake(tmp_path / "data")
    requests = plan_requests(AUTH, Targets(sites=(site,), user="demo"), days=[day])
    with _client(sim, tmp_path) as client:
        report = land_requests(client, AUTH, requests, lake, OPTIONS, partition_dates=[day])
    if kind == "bad_values":
        assert report.rows_quarantined > 0
        quarantine = lake.read_quarantine("auth_history", day)
        assert set(quarantine["value"].dropna()) & {"N/A", "abc", "99"}
        assert report.rows_landed + report.rows_quarantined > 0
    else:
        assert report.unknown_fields == {"extraField"} and report.rows_quarantined == 0


def test_corrupted_parquet_in_the_lake(tmp_path):
    lake = Lake(tmp_path / "data")
    day = datetime(2026, 11, 19).date()
    path = lake.partition_path("user_shops", day)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"PAR1 this is not parquet")
    with pytest.raises(LakeError) as caught:
        load_targets(lake, user="demo")
    message = str(caught.value)
    assert "\n" not in message and str(path) in message
    assert message.endswith("remove the file: a past snapshot cannot be asked again, and the next run lands today's")


def test_full_quota(make_simulator, tmp_path):
    sim = make_simulator()  # limits on: 100 calls a day
    shops = ENDPOINTS_BY_ID["user_shops"]
    with _client(sim, tmp_path) as client:
        for _ in range(100):
            client.quota.reserve(shops.id, 100)  # spent by earlier runs on this machine
        with pytest.raises(QuotaExhaustedError) as caught:
            client.call(shops)
    assert "\n" not in str(caught.value) and sim.stats()["requests"].get("/user/shop", 0) == 0


def test_wrong_key_library(make_simulator, tmp_path):
    sim = make_simulator(enforce_limits=False)
    with IncClient(sim.base_url, "nope", state_dir=tmp_path / "s") as client, pytest.raises(AuthError) as caught:
        client.call(ENDPOINTS_BY_ID["user_shops"])
    assert "nope" not in str(caught.value)
