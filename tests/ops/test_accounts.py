"""Several INC Cloud accounts in one deployment (INC_ACCOUNTS): each lands under its own name, with its own key,
ledger and warehouse; one account's refused key fails only that account; the deployment's warehouse holds every
account's rows side by side, equal to each account's own API."""

from __future__ import annotations

import importlib
from dataclasses import replace
from datetime import timedelta

import duckdb
import pytest
from dagster import AssetKey, DagsterInstance, DagsterRunStatus, Definitions, RunsFilter
from warehouse.oracle import Oracle

import inc_pipeline.definitions
from inc_pipeline.accounts import Account, AccountsError, account_named, accounts_from_env
from inc_pipeline.cli import main
from inc_pipeline.client import IncClient, QuotaLedger
from inc_pipeline.defs.deployment import deployment_definitions
from inc_pipeline.defs.resources import IncApiResource, PipelineSettings
from inc_pipeline.defs.schedules import CLI_JOB
from inc_pipeline.ops.instance import dagster_home
from inc_pipeline.simulator import SimulatorServer

from .conftest import LAST

NAMES = ("north", "south")


@pytest.mark.parametrize(
    ("value", "problem"),
    [("North", "'North' is not an account name"), ("a b,c", "'a b' is not an account name"),
     ("x,y,x", "names x twice"), (" , ", "no name")],
)  # fmt: skip
def test_a_bad_accounts_setting_is_one_line_saying_what_to_do(monkeypatch, value, problem):
    monkeypatch.setenv("INC_ACCOUNTS", value)
    with pytest.raises(AccountsError) as raised:
        accounts_from_env()
    assert problem in str(raised.value) and "\n" not in str(raised.value)
    assert "INC_ACCOUNTS=north,south" in str(raised.value) or "twice" in str(raised.value)


def test_each_account_reads_its_own_settings_and_data_directory(monkeypatch, tmp_path):
    monkeypatch.setenv("INC_ACCOUNTS", "north,south")
    monkeypatch.setenv("INC_API_BASE_URL", "http://shared:8000")
    monkeypatch.setenv("INC_API_BASE_URL__SOUTH", "http://south:8000")
    monkeypatch.setenv("INC_API_KEY__NORTH", "north-key")
    north, south = accounts_from_env()
    assert (north.value("INC_API_KEY"), south.value("INC_API_KEY")) == ("north-key", "")
    assert (north.value("INC_API_BASE_URL"), south.value("INC_API_BASE_URL")) == ("http://shared:8000",
                                                                                  "http://south:8000")  # fmt: skip
    assert north.data_dir(tmp_path) == tmp_path / "accounts" / "north"
    assert Account(None).data_dir(tmp_path) == tmp_path  # the single account keeps today's layout
    with pytest.raises(AccountsError, match="--account east: no such account"):
        account_named("east")


def test_every_account_has_its_own_assets_jobs_schedules_and_pools(monkeypatch):
    monkeypatch.setenv("INC_ACCOUNTS", "north,south")
    defs = _merged()
    keys = {key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()}
    single = {key.to_user_string() for part in _single_definitions() for key in part}
    assert keys == {f"{name}/{key}" for name in NAMES for key in single}
    graph = defs.resolve_asset_graph()
    # an account's marts read its own endpoints, never another account's
    deps = {key.to_user_string() for key in graph.get(AssetKey(["south", "marts", "guest_daily"])).parent_keys}
    assert deps and all(dep.startswith("south/") for dep in deps)
    assert {schedule.name for schedule in defs.schedules} == {
        f"{name}__{kind}" for name in NAMES for kind in ("daily_extraction_schedule", "snapshot_schedule")
    }
    pools = {frozenset(graph.get(AssetKey([name, "user_shops"])).pools) for name in NAMES}
    assert pools == {frozenset({"inc_api/north/extract_discovery"}), frozenset({"inc_api/south/extract_discovery"})}


def _single_definitions():
    with pytest.MonkeyPatch.context() as env:
        env.delenv("INC_ACCOUNTS", raising=False)
        defs = _merged()
    return [defs.resolve_asset_graph().get_all_asset_keys()]


def _merged() -> Definitions:
    resources = {"inc_api": IncApiResource(), "settings": PipelineSettings()}
    return Definitions.merge(*deployment_definitions(), Definitions(resources=resources))


@pytest.fixture
def two_accounts(sim_config, tmp_path, monkeypatch):
    """Two simulated accounts (other seeds, keys and users) and a deployment configured for both; the definitions
    reloaded with INC_ACCOUNTS set, and again without it afterwards."""
    configs = {
        "north": replace(sim_config, enforce_limits=False, seed=7, api_key="north-key", user="north-admin"),
        "south": replace(sim_config, enforce_limits=False, seed=23, sites=2, api_key="south-key", user="south-admin"),
    }
    servers = {name: SimulatorServer(config).start() for name, config in configs.items()}
    data = tmp_path / "data"
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    for name in ("INC_API_KEY", "INC_API_USER", "INC_API_BASE_URL", "INC_SITES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("INC_ACCOUNTS", ",".join(NAMES))
    monkeypatch.setenv("INC_PII_KEY", "test-pii-key")
    monkeypatch.setenv("INC_DATA_DIR", str(data))
    monkeypatch.setenv("INC_DEFAULT_RATE_PER_SECOND", "1000")
    for name, server in servers.items():
        monkeypatch.setenv(f"INC_API_BASE_URL__{name.upper()}", server.base_url)
        monkeypatch.setenv(f"INC_API_KEY__{name.upper()}", server.api_key)
        monkeypatch.setenv(f"INC_API_USER__{name.upper()}", server.config.user)
    importlib.reload(inc_pipeline.definitions)
    yield servers, data, monkeypatch
    for server in servers.values():
        server.stop()
    monkeypatch.undo()
    importlib.reload(inc_pipeline.definitions)


SELECT = "user_shops,shop_devices,history_day_client_count,history_day_report,warehouse"


@pytest.mark.slow
def test_two_accounts_land_apart_and_a_refused_key_fails_only_its_account(two_accounts, capsys, tmp_path):
    servers, data, env = two_accounts
    day = ["--start", LAST.isoformat(), "--end", LAST.isoformat(), "--select", SELECT]
    assert main(["run", *day]) == 0, capsys.readouterr().err
    err = capsys.readouterr().err
    assert all(f"account {name}: {LAST}..{LAST} done" in err for name in NAMES), err

    for name in NAMES:  # each lake, ledger and warehouse under the account's name
        root = data / "accounts" / name
        assert (root / "lake" / "history_day_client_count" / f"date={LAST}" / "part-0.parquet").is_file()
        assert QuotaLedger(root / "state").used("user_shops") == 1  # each key's quota counted apart
        assert (root / "warehouse.duckdb").is_file()
    assert not (data / "lake").exists()

    combined = _guest_daily(data / "warehouse.duckdb")
    for name, server in servers.items():  # the deployment's warehouse: each account's rows equal its own API
        rows = {site: row for (account, site), row in combined.items() if account == name}
        assert sorted(rows) == sorted(str(site) for site in server.world.sites), name
        with IncClient(server.base_url, server.api_key, state_dir=tmp_path / f"oracle-{name}",
                       default_rate_per_second=1000) as client:  # fmt: skip
            oracle = Oracle(client, server.config.user)
            for site, row in rows.items():
                api = oracle.one("history_day_client_count", site, LAST)
                assert row == (api["new"], api["old"], api["total"]), (name, site)
    assert _guest_daily(data / "accounts" / "north" / "warehouse.duckdb", account="north") == {
        key: row for key, row in combined.items() if key[0] == "north"
    }
    south_before = {key: row for key, row in combined.items() if key[0] == "south"}

    env.setenv("INC_API_KEY__SOUTH", "a-refused-key")
    earlier = LAST - timedelta(days=1)
    assert main(["run", "--start", earlier.isoformat(), "--end", earlier.isoformat(), "--select", SELECT]) == 2
    err = capsys.readouterr().err
    assert f"account north: {earlier}..{earlier} done" in err
    assert "account south:" in err and "account south failed" in err and "north landed and built" in err

    instance = DagsterInstance.from_config(str(dagster_home()))
    runs = {run.tags["inc/account"]: run for run in reversed(instance.get_runs(RunsFilter(job_name=CLI_JOB)))}
    assert runs["north"].status == DagsterRunStatus.SUCCESS and runs["south"].status == DagsterRunStatus.FAILURE
    after = _guest_daily(data / "warehouse.duckdb", by_day=True)
    north_days = {day for (account, _, day) in after if account == "north"}
    assert north_days == {earlier, LAST}  # north's warehouse is complete, the new day included
    assert {(a, s): row for (a, s, d), row in after.items() if a == "south"} == south_before  # south's kept whole

    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert "== account north ==" in out and "== account south ==" in out and "accounts: north, south" in out


def _guest_daily(path, account: str | None = None, by_day: bool = False) -> dict:
    """guest_daily of a warehouse: (account, site[, date]) -> (new, regular, total)."""
    with duckdb.connect(str(path), read_only=True) as con:
        who = f"'{account}'" if account else "account"
        rows = con.execute(f"select {who}, site_id, date, new_guests, regular_guests, total_guests "
                           "from marts.guest_daily").fetchall()  # fmt: skip
    if by_day:
        return {(a, str(s), d): tuple(rest) for a, s, d, *rest in rows}
    return {(a, str(s)): tuple(rest) for a, s, d, *rest in rows}


def test_plan_shows_each_account_from_its_own_lake(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("INC_ACCOUNTS", "north,south")
    monkeypatch.setenv("INC_DATA_DIR", str(tmp_path))
    day = ["--start", LAST.isoformat(), "--end", LAST.isoformat()]
    assert main(["plan", *day, "--sites", "3"]) == 0
    out = capsys.readouterr().out
    assert out.index("== account north ==") < out.index("== account south ==")
    assert out.count("plan for ") == 2
    assert main(["plan", *day, "--sites", "3", "--account", "south"]) == 0
    out = capsys.readouterr().out
    assert "== account south ==" in out and "north" not in out
    assert main(["plan", *day, "--account", "east"]) == 2
    assert "--account east: no such account (INC_ACCOUNTS: north, south)" in capsys.readouterr().err
