"""After a run with a known key: the key is nowhere under the data directory nor in the logs, and no phone
number, name, WeChat id or client MAC from the API's raw answers is stored in clear in the lake or the marts."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta

import duckdb
import pyarrow.parquet as pq
import pytest

from inc_pipeline.catalog import ENDPOINTS_BY_ID
from inc_pipeline.cli import main
from inc_pipeline.client import IncClient, window_params
from inc_pipeline.extract.plan import day_start_ms
from inc_pipeline.simulator import SimulatorServer

from .pipeline import run_pipeline

KEY = "K3y-7f3a9c1e5b-do-not-leak"
PERSONAL = ("mobile_no", "user_name", "nickname", "open_id", "unionid", "app_account", "mobile_decode", "headimgurl")
MAC = ("user_mac",)


def _raw_personal_values(sim, tmp_path, site: str, days, fields) -> set[str]:
    """Personal values exactly as the API sends them (long enough to be meaningful in a search)."""
    auth = ENDPOINTS_BY_ID["auth_history"]
    start = day_start_ms(days[0])
    end = day_start_ms(days[-1] + timedelta(days=1))
    values = set()
    with IncClient(sim.base_url, KEY, state_dir=tmp_path / "raw-state") as client:
        for record in client.records(auth, {"shop_id": [int(site)], **window_params(auth, start, end)}):
            values |= {str(record[f]) for f in fields if record.get(f) not in (None, "") and len(str(record[f])) >= 6}
    return values


def _stored_texts(data) -> list[tuple[str, str]]:
    """(where, text) for every file under `data`: Parquet and DuckDB decoded cell by cell, others as bytes."""
    found = []
    for path in data.rglob("*"):
        if not path.is_file() or path.name.endswith((".lock", ".wal")):
            continue
        if path.suffix == ".parquet":
            table = pq.read_table(path)
            found.append((str(path), " ".join(str(v) for c in table.columns for v in c.to_pylist())))
        elif path.suffix == ".duckdb":
            with duckdb.connect(str(path), read_only=True) as con:
                tables = con.execute("select table_schema, table_name from information_schema.tables "
                                     "where table_type = 'BASE TABLE'").fetchall()  # fmt: skip
                for schema, name in tables:
                    rows = con.execute(f"select * from {schema}.{name}").fetchall()
                    found.append((f"{path}:{schema}.{name}", " ".join(str(v) for row in rows for v in row)))
        found.append((str(path), path.read_bytes().decode("utf-8", "replace")))
    return found


@pytest.fixture(scope="module")
def after_a_run(small_world, run_days, tmp_path_factory):
    """A library run and a CLI (Dagster) run with KEY; yields (stored texts, raw personal values, raw MACs, logs)."""
    tmp_path = tmp_path_factory.mktemp("secrets")
    data = tmp_path / "data"
    monkeypatch = pytest.MonkeyPatch()
    handler = _Collect()
    root, level = logging.getLogger(), logging.getLogger().level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        with SimulatorServer(replace(small_world, api_key=KEY)) as sim:
            run_pipeline(sim.base_url, KEY, sim.config.user, data, run_days)
            for name, value in {"INC_API_BASE_URL": sim.base_url, "INC_API_KEY": KEY, "INC_API_USER": sim.config.user,
                                "INC_DATA_DIR": str(data), "INC_PII_KEY": "pii",
                                "DAGSTER_HOME": str(data / "dagster_home"), "INC_DEFAULT_RATE_PER_SECOND": "100",
                                }.items():  # fmt: skip
                monkeypatch.setenv(name, value)
            day = run_days[-1].isoformat()
            assert main(["run", "--start", day, "--end", day, "--select", "user_shops,auth_history"]) == 0
            site = str(next(iter(sim.world.sites)))
            personal = _raw_personal_values(sim, tmp_path, site, run_days, PERSONAL)
            macs = _raw_personal_values(sim, tmp_path, site, run_days, MAC)
    finally:
        monkeypatch.undo()
        root.removeHandler(handler)
        root.setLevel(level)
    yield _stored_texts(data), personal, macs, "\n".join(handler.lines)


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines = []

    def emit(self, record):
        self.lines.append(self.format(record))


@pytest.mark.slow
def test_the_key_is_stored_nowhere(after_a_run):
    stored, _, _, logs = after_a_run
    assert any("dagster_home" in where for where, _ in stored), "no Dagster storage was searched"
    leaks = [where for where, text in stored if KEY in text]
    assert not leaks, f"the key is stored in {leaks[:5]}"
    assert logs and KEY not in logs


@pytest.mark.slow
def test_no_phone_name_or_wechat_id_in_clear(after_a_run):
    stored, personal, _, _ = after_a_run
    assert len(personal) > 20, "the world has no personal values to look for"
    clear = [(where, v) for where, text in stored for v in personal if v in text]
    assert not clear, f"personal values in clear: {clear[:5]}"


@pytest.mark.slow
def test_no_client_mac_in_clear(after_a_run):
    stored, _, macs, _ = after_a_run
    clear = [where for where, text in stored for v in macs if v in text]
    assert not clear, f"client MACs in clear in {sorted(set(clear))[:5]}"
