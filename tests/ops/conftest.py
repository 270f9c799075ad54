"""One simulator and one data directory for the package (one full run shared by the tests), driven
through `inc_pipeline.cli.main` in-process."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import duckdb
import pandas as pd
import pytest

from inc_pipeline.cli import main
from inc_pipeline.simulator import SimulatorServer

FIRST, LAST = dt.date(2026, 11, 18), dt.date(2026, 11, 19)  # complete days of the fixed simulated world
RANGE = ["--start", FIRST.isoformat(), "--end", LAST.isoformat()]


@dataclass
class Outcome:
    code: int
    out: str
    err: str


@pytest.fixture(scope="package")
def ops_env(sim_config, tmp_path_factory):
    """Environment of a real deployment pointed at a fast simulator (limits off; the client still paces stated
    1/s limits); raw answers archived so replay has something to read."""
    with SimulatorServer(replace(sim_config, enforce_limits=False)) as sim, pytest.MonkeyPatch.context() as env:
        data = tmp_path_factory.mktemp("data")
        point_at(sim, data, env, INC_ARCHIVE_RAW="true", INC_SITES="")
        yield {"sim": sim, "data": data, "env": env}


def point_at(sim, data, env: pytest.MonkeyPatch, **more: str) -> None:
    """The environment of a deployment pointed at `sim`, landing under `data` (Dagster's state there too)."""
    env.delenv("DAGSTER_HOME", raising=False)
    for name, value in {
        "INC_API_BASE_URL": sim.base_url, "INC_API_KEY": sim.api_key, "INC_API_USER": sim.config.user,
        "INC_PII_KEY": "test-pii-key", "INC_DATA_DIR": str(data), "INC_DEFAULT_RATE_PER_SECOND": "1000", **more,
    }.items():  # fmt: skip
        env.setenv(name, value)


@pytest.fixture(scope="package")
def first_run(ops_env):
    """The marts after `inc-pipeline run` over RANGE (the one full run of the package)."""
    assert main(["run", *RANGE]) == 0
    return marts(ops_env["data"])


@pytest.fixture
def cli(capsys):
    """Run `inc-pipeline <args>` in-process; argparse errors (SystemExit) become an Outcome too."""

    def run(*args: str) -> Outcome:
        try:
            code = main(list(args))
        except SystemExit as exit_:
            code = exit_.code
        captured = capsys.readouterr()
        return Outcome(code, captured.out, captured.err)

    return run


def marts(data_dir) -> dict[str, pd.DataFrame]:
    """Every mart, rows sorted, from the published warehouse (read-only)."""
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        names = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'").fetchall()]  # fmt: skip
        frames = {n: con.execute(f"select * from marts.{n}").df() for n in names}
    return {n: f.sort_values(list(f.columns)).reset_index(drop=True) for n, f in frames.items()}


# The day a run chose for its snapshots: two runs on either side of a midnight stamp different days, rightly.
SNAPSHOT_STAMPS = ("snapshot_date", "valid_from", "last_seen")  # a snapshot history's days are its run's


def assert_same_history(again: dict[str, pd.DataFrame], first: dict[str, pd.DataFrame]) -> None:
    """The marts of two runs over the same days are equal but for their snapshot stamps, and each run stamped
    every snapshot with one day (the one it chose at its start), the later run no earlier than the first."""
    assert again.keys() == first.keys()
    for name, frame in first.items():
        stamps = [c for c in SNAPSHOT_STAMPS if c in frame.columns]
        for column in stamps:
            assert again[name][column].nunique() == 1 and frame[column].nunique() == 1, (name, column)
            assert again[name][column].iloc[0] >= frame[column].iloc[0], (name, column)
        pd.testing.assert_frame_equal(again[name].drop(columns=stamps), frame.drop(columns=stamps),
                                      check_like=True, obj=name)  # fmt: skip
