"""A small warehouse from the simulator for the report's tests: the endpoints the report's marts read, over one
week, landed and built by `inc-pipeline run` (limits off), then left alone (the tests only read it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from inc_pipeline.cli import main
from inc_pipeline.simulator import SimulatorServer

FIRST, LAST = dt.date(2026, 11, 13), dt.date(2026, 11, 19)  # Friday to Thursday: every hour of the week once
ENDPOINTS = ("user_shops", "history_day_client_count", "history_client_stay_avg_duration",
             "history_client_stay_duration_ratio", "history_vendor_data", "history_hour_client_count_detail",
             "auth_history")  # fmt: skip


@pytest.fixture(scope="package")
def report_data(sim_config, tmp_path_factory):
    """The data directory (INC_DATA_DIR for the package's tests) holding the week's published warehouse."""
    with SimulatorServer(replace(sim_config, enforce_limits=False)) as sim, pytest.MonkeyPatch.context() as env:
        data = tmp_path_factory.mktemp("data")
        env.delenv("DAGSTER_HOME", raising=False)
        for name, value in {
            "INC_API_BASE_URL": sim.base_url, "INC_API_KEY": sim.api_key, "INC_API_USER": sim.config.user,
            "INC_PII_KEY": "test-pii-key", "INC_DATA_DIR": str(data), "INC_DEFAULT_RATE_PER_SECOND": "1000",
            "INC_SITES": "",
        }.items():  # fmt: skip
            env.setenv(name, value)
        select = ",".join((*ENDPOINTS, "warehouse"))
        assert main(["run", "--start", str(FIRST), "--end", str(LAST), "--select", select]) == 0
        yield data
