"""Dagster's own state under the data directory, so runs started from the CLI show up in `dagster dev`."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import yaml
from dagster import DagsterInstance

from inc_pipeline.defs.resources import data_dir_from_env
from inc_pipeline.errors import UserError

from .instance_storage import STORAGE_SETTING, URL_SETTING, check_connection, storage_kind, storage_yaml

# Each rate-limited endpoint has its own pool (see defs/extraction.py); one slot per pool means two runs never
# call the same limited endpoint at once, on top of the client's cross-process pacing. Transient errors are
# retried inside the run (the client's backoff, then each asset's RetryPolicy); the daemon (`dagster dev` runs it)
# retries a whole run only when the run itself died (a killed worker), never one that failed on an error
# retrying cannot fix (a wrong key, a corrupted lake file), which would only repeat the same one-line error.
# A run whose worker was killed never hands back its pool slots: run monitoring (a daemon) frees the slots of a run
# that has ended, so its retry is not blocked on them for ever (tests/ops/test_daemon.py).
DAGSTER_YAML = """\
concurrency:
  pools:
    default_limit: 1
run_retries:
  enabled: true
  max_retries: 2
  retry_on_asset_or_op_failure: false
run_monitoring:
  enabled: true
  poll_interval_seconds: 30
  free_slots_after_run_end_seconds: 30
telemetry:
  enabled: false
"""
# What inc-pipeline wrote before dagster.yaml had a first line naming it: ours to rewrite too.
EARLIER_YAMLS = (
    """\
concurrency:
  pools:
    default_limit: 1
run_retries:
  enabled: true
  max_retries: 2
  retry_on_asset_or_op_failure: false
telemetry:
  enabled: false
""",
)
# The first line of every dagster.yaml inc-pipeline writes: a file that has it (or one written before the line
# existed, EARLIER_YAMLS) is ours to rewrite when the storage setting changes; any other file is the user's.
WRITTEN_BY = "# Written by inc-pipeline"
FIRST_LINE = WRITTEN_BY + " ({setting}={kind}); rewritten when that changes. Delete this line to keep edits.\n"


def instance_yaml(kind: str) -> str:
    """The whole dagster.yaml for a storage kind (`sqlite` or `postgres`)."""
    return FIRST_LINE.format(setting=STORAGE_SETTING, kind=kind) + storage_yaml(kind) + DAGSTER_YAML


def data_dir() -> Path:
    """The data directory: INC_DATA_DIR, default ./data; a one-line error when a file is in the way."""
    path = data_dir_from_env().resolve()
    _refuse_file(path, "INC_DATA_DIR")
    return path


def dagster_home() -> Path:
    """DAGSTER_HOME when set (a deployed Dagster), else <data dir>/dagster_home, with our dagster.yaml."""
    from_env = os.environ.get("DAGSTER_HOME")
    setting = "DAGSTER_HOME" if from_env else "INC_DATA_DIR"
    home = Path(from_env or data_dir() / "dagster_home")
    _refuse_file(home, setting, label=f"DAGSTER_HOME {home}" if from_env else str(home))
    kind = storage_kind()
    if kind == "postgres":
        check_connection(os.environ[URL_SETTING])
    try:
        home.mkdir(parents=True, exist_ok=True)
        _write_config(home / "dagster.yaml", kind)
    except OSError as exc:
        path = Path(exc.filename or home)
        raise UserError(
            f"{path} cannot be written ({exc.strerror}): check the permissions of {path.parent} "
            f"or point {_advice(setting)} at another directory"
        ) from None
    return home


def _write_config(config: Path, kind: str) -> None:
    """Write our dagster.yaml for `kind` unless it is there already; a file of the user's is left alone, but
    refused when it would silently keep SQLite under INC_DAGSTER_STORAGE=postgres."""
    wanted = instance_yaml(kind)
    current = config.read_text() if config.exists() else None
    if current == wanted:
        return
    if current is None or current in EARLIER_YAMLS or current.startswith(WRITTEN_BY):
        partial = config.with_name(f".dagster.yaml.{os.getpid()}")
        partial.write_text(wanted)
        partial.replace(config)  # atomic: a process reading it at the same time sees the old file or the new one
        return
    if kind == "postgres" and not _uses_postgres(current):
        raise UserError(f"{STORAGE_SETTING}=postgres, but {config} is not one inc-pipeline wrote and keeps "
                        "Dagster's state elsewhere: add the storage: postgres: block of docs/deployment.md to it, "
                        "or move it away for inc-pipeline to write its own")  # fmt: skip


def _uses_postgres(text: str) -> bool:
    """Whether a dagster.yaml keeps its runs in PostgreSQL (the one `storage:` block or a run storage of its own)."""
    try:
        config = yaml.safe_load(text) or {}
    except yaml.YAMLError:
        return False
    storage, run_storage = config.get("storage") or {}, config.get("run_storage") or {}
    return "postgres" in storage or str(run_storage.get("module", "")).startswith("dagster_postgres")


def _refuse_file(path: Path, setting: str, label: str = "") -> None:
    """A file where the directory (or one of its parents) should be, named before anything tries to write there."""
    blocking = next((p for p in (path, *path.parents) if p.exists()), path)
    if blocking.exists() and not blocking.is_dir():
        where = "is a file" if blocking == path else f"is inside the file {blocking}"
        label = label or f"{setting} {path}"
        raise UserError(f"{label} {where}, not a directory: point {_advice(setting)} at a directory")


def _advice(setting: str) -> str:
    # `demo` passes its --data-dir on as INC_DATA_DIR, so the same message has to serve both.
    return "INC_DATA_DIR (demo: --data-dir)" if setting == "INC_DATA_DIR" else setting


def dagster_instance(python_log_level: str | None = None) -> DagsterInstance:
    """The persistent instance in `dagster_home()`; the process environment is left as it was.

    `python_log_level`: the instance's Python log level instead of its dagster.yaml's. A parallel run's step
    processes print Dagster's own lines (a step worker starting) through the instance's default console logger,
    DEBUG unless the instance says otherwise: the CLI gives its own level. The instance reads a copy of
    dagster.yaml with that one setting changed (`DagsterInstance.from_config` takes the file's name), beside it,
    so storage and everything else are the same."""
    home = dagster_home()
    if python_log_level is None:
        return DagsterInstance.from_config(str(home))
    config = yaml.safe_load((home / "dagster.yaml").read_text()) or {}
    config.setdefault("python_logs", {})["python_log_level"] = python_log_level.upper()
    name = f"dagster.{python_log_level.lower()}.yaml"
    handle, temporary = tempfile.mkstemp(dir=home, prefix=name, suffix=".tmp")
    with os.fdopen(handle, "w") as written:
        yaml.safe_dump(config, written)
    os.replace(temporary, home / name)  # two runs starting at once each read a whole file
    return DagsterInstance.from_config(str(home), config_filename=name)
