"""`inc-pipeline run` (the Dagster run) killed after the 100/day endpoints landed, then run again: the rerun
does not ask `/user/shop` nor `/device/historyclients` again, and still publishes the warehouse. A run after one
that succeeded asks again (a new snapshot is what a new run is for).

The child process is the CLI itself with `INC_CRASH_AT` (inc_pipeline/crash.py); the quota counts are the
simulator's own request counts and the client's quota ledger.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from inc_pipeline.simulator import SimulatorServer

QUOTA_PATHS = ("/user/shop", "/device/historyclients")
CLI = "import sys; from inc_pipeline.cli import main; sys.exit(main(sys.argv[1:]))"


def _cli_run(sim, data: Path, days, *args: str, crash_at: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INC_", "DAGSTER_"))}
    env |= {"INC_API_BASE_URL": sim.base_url, "INC_API_KEY": sim.api_key, "INC_API_USER": sim.config.user,
            "INC_PII_KEY": "pii", "INC_DATA_DIR": str(data), "DAGSTER_HOME": str(data / "dagster_home"),
            "INC_DEFAULT_RATE_PER_SECOND": "1000"}  # fmt: skip
    for name in ("INC_DAGSTER_STORAGE", "INC_DAGSTER_PG_URL"):  # the Dagster storage `instance_storage` chose
        if name in os.environ:
            env[name] = os.environ[name]
    if crash_at:
        env["INC_CRASH_AT"] = crash_at
    command = [sys.executable, "-c", CLI, "run", "--start", days[0].isoformat(), "--end", days[-1].isoformat(), *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)


def _quota_spent(sim, data: Path) -> dict[str, int]:
    requests = sim.stats()["requests"]
    ledger = data / "state" / "quota"
    return {path: requests.get(path, 0) for path in QUOTA_PATHS} | {
        name: json.loads((ledger / f"{name}.json").read_text())["used"] for name in ("user_shops", "history_clients")
    }


@pytest.mark.slow
def test_a_dagster_rerun_after_a_crash_spends_no_quota_twice(small_world, run_days, tmp_path, instance_storage):
    """In SQLite and in PostgreSQL: the resume rule reads the crashed run's record and materializations from
    Dagster's storage, whichever it is."""
    data = tmp_path / "data"
    with SimulatorServer(small_world) as sim:
        crashed = _cli_run(sim, data, run_days, crash_at="mart_build:1")  # every endpoint landed, marts not built
        assert crashed.returncode != 0, crashed.stderr[-2000:]
        assert not (data / "warehouse.duckdb").exists()
        spent = _quota_spent(sim, data)
        assert all(count > 0 for count in spent.values()), spent

        rerun = _cli_run(sim, data, run_days)
        assert rerun.returncode == 0, rerun.stderr[-2000:]
        assert _quota_spent(sim, data) == spent, "the rerun asked a 100/day endpoint again"
        with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as con:
            assert con.execute("select count(*) from marts.sites").fetchone()[0] == small_world.sites

        # The last run succeeded: this one is a new run, not a resume, and asks again.
        again = _cli_run(sim, data, run_days, "--select", "user_shops,history_clients")
        assert again.returncode == 0, again.stderr[-2000:]
        assert all(count > spent[path] for path, count in _quota_spent(sim, data).items()), "a new run did not ask"
