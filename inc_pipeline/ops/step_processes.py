"""How a parallel run's step processes start: early, cheaply, and with the dependency chain first.

A 30-day backfill of 20 sites cannot end before its dependency chain (user_shops -> shop_devices ->
device_ssid_info at 1/s -> ssid_client_macs at 1/s), and on a 2-core machine the chain's steps waited on
everything else: the forkserver's imports before the first step, ~35 step processes starting at once when the
site list landed (shop_devices took 10 s to start), and the launching process seeing a finished step seconds
late. What is done about it here touches Dagster's or Alembic's internals, which is why it lives apart and
applies to parallel runs only; the chain's steps are also launched first (`defs.extraction.CHAIN_PRIORITY`).
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

# Dagster's multiprocess executor puts this module first in the forkserver's preload list.
DAGSTER_PRELOAD = "dagster._core.executor.multiprocess"
# Off-chain steps mostly wait on their own pacing; when they do need a CPU, a step of the chain goes first.
OFF_CHAIN_NICENESS = 10
OFF_CHAIN_HEAD_START = 1.5  # seconds: the chain's first links are done before ~35 other steps start
# How long the launching process waits on one step's event queue before looking at the next (Dagster: 20 ms).
STEP_POLL_SECONDS = 0.002


def start_forkserver(preload: list[str]) -> None:
    """Start the forkserver now, so that its imports (the pipeline, Dagster's storage, pandera: ~2.5 s) overlap
    Dagster's planning of the run instead of delaying the first step. Same modules, same order as the executor
    asks for, which then finds the server running and forks from it.

    The server lives as long as this process, and its step processes read the pipeline's settings (INC_*,
    DAGSTER_*) from the environment it started with: when those have changed since, a second run in the same
    process (a notebook, a test) gets a new server rather than the first run's settings."""
    settings = pipeline_settings()
    if _SERVER_SETTINGS and _SERVER_SETTINGS[0] != settings:
        multiprocessing.forkserver._forkserver._stop()  # no public way to restart it; ensure_running starts anew
    _SERVER_SETTINGS[:] = [settings]
    multiprocessing.get_context("forkserver").set_forkserver_preload([DAGSTER_PRELOAD, *preload])
    multiprocessing.forkserver.ensure_running()


def pipeline_settings() -> dict[str, str]:
    """The environment variables that configure a run: the pipeline's own and Dagster's."""
    return {name: value for name, value in os.environ.items() if name.startswith(("INC_", "DAGSTER_"))}


_SERVER_SETTINGS: list[dict[str, str]] = []  # the settings the running forkserver started with


@contextmanager
def polling_steps_often() -> Iterator[None]:
    """The launching process polls each running step's event queue for 2 ms instead of 20 while the run lasts.

    Dagster's executor takes one event from each step per round, and waits up to the poll time on each step
    with nothing to say: with ~35 steps running, a round took ~0.7 s, and a step that had just finished (eight
    events: outputs, materialization, checks, success) was seen done four seconds later, a delay the chain paid
    at each of its links. Polling more often costs the launching process about 5 % of one CPU (4 s in a 90 s run)."""
    from dagster._core.executor import child_process_executor

    usual = child_process_executor.TICK
    child_process_executor.TICK = STEP_POLL_SECONDS
    try:
        yield
    finally:
        child_process_executor.TICK = usual


def put_the_chain_first() -> None:
    """Step processes of endpoints off the dependency chain start 1.5 s late and at a lower CPU priority (nice).

    When the site list lands, ~35 steps start at once; each spends about a second of CPU opening Dagster's
    instance and planning its step, and every step writes its events to one SQLite file, one writer at a time.
    On 2 cores, shop_devices, the next link of the chain, took seconds to start and to finish its one request,
    and the device steps after it as long again. With a head start the chain's first links are done before the
    crowd arrives, and niceness keeps the chain's later steps first in line for a CPU, without idling one:
    the other steps lose nothing while the chain waits on the API's pace, which is most of the run. In a 30-day
    backfill of 20 sites the other endpoints still finish a few seconds before the chain; in a longer one the
    per-day aggregates (a call per site and day) become the longest path, and the head start is 1.5 s of it.
    Applied in the forkserver (by `step_imports`), so it reaches the step processes of parallel runs only."""
    from dagster._core.executor.multiprocess import MultiprocessExecutorChildProcessCommand as Command

    from inc_pipeline.catalog import ENDPOINTS
    from inc_pipeline.defs.extraction import dependency_chain

    if getattr(Command.execute, "puts_the_chain_first", False):
        return
    execute, chain = Command.execute, dependency_chain()
    off_chain = frozenset(endpoint.id for endpoint in ENDPOINTS) - chain

    def execute_chain_first(self):
        if self.step_key in off_chain:
            os.nice(OFF_CHAIN_NICENESS)
            time.sleep(OFF_CHAIN_HEAD_START)
        yield from execute(self)

    execute_chain_first.puts_the_chain_first = True
    Command.execute = execute_chain_first


def read_migrations_once() -> None:
    """Read Dagster's Alembic migration scripts once, in the forkserver, instead of four times in every step.

    Opening the instance checks each SQLite storage's schema revision against the head of Dagster's migration
    directory, and Alembic re-imports every migration script to find that head each time: a quarter of a
    second of CPU per step. The scripts cannot change while the run lasts; the directory is read here and
    inherited by every step process."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from dagster._core.storage.sql import ALEMBIC_SCRIPTS_LOCATION

    if getattr(ScriptDirectory.from_config, "read_once", False):
        return
    from_config, directories = ScriptDirectory.from_config.__func__, {}

    def from_config_once(cls, config, *args, **kwargs):
        key = (cls, config.get_main_option("script_location"), args, tuple(sorted(kwargs.items())))
        if key not in directories:
            directories[key] = from_config(cls, config, *args, **kwargs)
        return directories[key]

    from_config_once.read_once = True
    ScriptDirectory.from_config = classmethod(from_config_once)
    config = Config()
    config.set_main_option("script_location", ALEMBIC_SCRIPTS_LOCATION)
    ScriptDirectory.from_config(config).as_revision_number("head")  # builds the revision map, kept on the object
