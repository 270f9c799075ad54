"""Dagster's own state under the data directory, so runs started from the CLI show up in `dagster dev`."""

from __future__ import annotations

import os
from pathlib import Path

from dagster import DagsterInstance

# Each rate-limited endpoint has its own pool (see defs/extraction.py); one slot per pool means two runs never
# call the same limited endpoint at once, on top of the client's cross-process pacing.
DAGSTER_YAML = """\
concurrency:
  pools:
    default_limit: 1
telemetry:
  enabled: false
"""


def data_dir() -> Path:
    """The data directory: INC_DATA_DIR, default ./data."""
    return Path(os.environ.get("INC_DATA_DIR", "data")).resolve()


def dagster_instance() -> DagsterInstance:
    """The persistent instance in <data dir>/dagster_home (created with our dagster.yaml when missing)."""
    home = Path(os.environ.get("DAGSTER_HOME") or data_dir() / "dagster_home")
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(DAGSTER_YAML)
    os.environ["DAGSTER_HOME"] = str(home)
    return DagsterInstance.get()
