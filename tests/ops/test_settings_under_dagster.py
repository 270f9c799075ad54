"""A setting the pipeline cannot use, under Dagster rather than the CLI: the definitions still load (the UI and
the warehouse stay up) with the setting's one line on stderr, and a run fails at its first step with that line."""

from __future__ import annotations

import os
import subprocess
import sys

from dagster import DagsterEventType, DagsterInstance, materialize

from inc_pipeline.defs.request_groups import group_asset, request_groups
from inc_pipeline.defs.resources import resources_from_env

BAD = ("INC_DEFAULT_RATE_PER_SECOND", "abc")
LINE = "INC_DEFAULT_RATE_PER_SECOND='abc' is not a positive number of requests per second"


def test_the_definitions_load_and_say_the_setting_in_one_line():
    env = {**os.environ, BAD[0]: BAD[1]}
    code = "import inc_pipeline.definitions as d; print(len(d.defs.resolve_asset_graph().get_all_asset_keys()))"
    loaded = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert loaded.returncode == 0, loaded.stderr[-2000:]
    assert int(loaded.stdout) > 40  # every asset is there to see
    lines = [line for line in loaded.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(LINE), lines


def test_a_run_on_that_setting_fails_at_its_first_step_with_the_line(monkeypatch, tmp_path):
    monkeypatch.setenv(*BAD)
    monkeypatch.setenv("INC_DATA_DIR", str(tmp_path / "data"))
    result = materialize(
        [group_asset("extract_discovery", request_groups()["extract_discovery"])],
        resources=resources_from_env(), instance=DagsterInstance.ephemeral(), raise_on_error=False,
    )  # fmt: skip
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type == DagsterEventType.STEP_FAILURE)
    error = failure.step_failure_data.error
    message = error.message.strip()  # Dagster puts the error's class in front: "...Failure: <our line>"
    assert len(message.splitlines()) == 1 and message.split("Failure: ", 1)[-1].startswith(LINE)
    assert error.cause is None  # no traceback of ours behind it
    assert not (tmp_path / "data" / "lake").exists()  # nothing was asked or landed
