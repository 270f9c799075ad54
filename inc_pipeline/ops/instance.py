"""Dagster's own state under the data directory, so runs started from the CLI show up in `dagster dev`."""

from __future__ import annotations

import os
from pathlib import Path

from dagster import DagsterInstance

# Each rate-limited endpoint has its own pool (see defs/extraction.py); one slot per pool means two runs never
# call the same limited endpoint at once, on top of the client's cross-process pacing. Transient errors are
# retried inside the run (the client's backoff, then each asset's RetryPolicy); the daemon (`dagster dev` runs it)
# retries a whole run only when the run itself died (a killed worker), never one that failed on an error
# retrying cannot fix (a wrong key, a corrupted lake file), which would only repeat the same one-line error.
DAGSTER_YAML = """\
concurrency:
  pools:
    default_limit: 1
run_retries:
  enabled: true
  max_retries: 2
  retry_on_asset_or_op_failure: false
telemetry:
  enabled: false
"""


def data_dir() -> Path:
    """The data directory: INC_DATA_DIR, default ./data."""
    return Path(os.environ.get("INC_DATA_DIR") or "data").resolve()


def dagster_home() -> Path:
    """DAGSTER_HOME when set (a deployed Dagster), else <data dir>/dagster_home, with our dagster.yaml."""
    home = Path(os.environ.get("DAGSTER_HOME") or data_dir() / "dagster_home")
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(DAGSTER_YAML)
    return home


def dagster_instance() -> DagsterInstance:
    """The persistent instance in `dagster_home()`; the process environment is left as it was."""
    return DagsterInstance.from_config(str(dagster_home()))
