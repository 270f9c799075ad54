"""The daemon for real: `dagster-daemon run` over the project's workspace.yaml, with Dagster's state in a real
PostgreSQL server (the dagster.yaml the project's own instance code writes), the simulator as the account, and the
daily schedule turned on with `dagster schedule start`. INC_DAILY_SCHEDULE names a minute about half a minute ahead
(`M H * * *`, once a day, as 02:30 is), so one tick falls due during the test; it asks for yesterday, as at 02:30.
(Every minute would not do: a schedule's run_key is unique per tick only, so each minute would start another run
of the same day.) These are the commands docs/deployment.md gives.

The daemon and everything it starts (code server, run worker, step processes) share one process group, stopped
(SIGTERM, then SIGKILL) in a `finally`."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from dagster import DagsterEventType, DagsterInstance, DagsterRun, DagsterRunStatus, RunsFilter

from inc_pipeline.catalog import ENDPOINTS
from inc_pipeline.landing.lake import Lake
from inc_pipeline.simulator import SimulatorConfig, SimulatorServer

from .conftest import marts, point_at

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent  # the environment's dagster and dagster-daemon, beside its python
JOB = "daily_extraction"
SCHEDULE = "daily_extraction_schedule"
# `dagster schedule start` must be done before the tick (it takes ~7 s, more on a loaded machine); a daemon that
# comes up after the tick still launches it (the tick is after the schedule's start).
TICK_LEAD = timedelta(seconds=30)
# The commands an operator runs (docs/deployment.md, deploy/: tests/ops/test_deploy_files.py checks they match), each
# from the repository root with the environment's own bin directory.
PREPARE_HOME = ["python", "-c", "from inc_pipeline.ops.instance import dagster_home; dagster_home()"]
DAEMON = ["dagster-daemon", "run", "-w", "workspace.yaml"]
WEBSERVER = ["dagster-webserver", "-h", "127.0.0.1", "-p", "3000", "-w", "workspace.yaml"]
START_SCHEDULE = ["dagster", "schedule", "start", SCHEDULE, "-w", "workspace.yaml"]
STARTED_PROCESS = re.compile(r"Started process for run \(pid: (\d+)\)")


@dataclass
class Deployment:
    """A data dir, a Postgres-backed DAGSTER_HOME and the environment every Dagster process of the test gets."""

    data: Path
    home: Path
    env: dict[str, str]
    log: Path
    tick: datetime

    def command(self, program: str, *args: str) -> subprocess.CompletedProcess:
        """`program args` from the environment's bin, in the repository root (where workspace.yaml is)."""
        return subprocess.run([str(BIN / program), *args], cwd=ROOT, env=self.env, capture_output=True, text=True,
                              timeout=120)  # fmt: skip

    @contextmanager
    def service(self, argv: list[str]):
        """`argv` (from the environment's bin) in its own process group, its output in the log, always stopped."""
        with self.log.open("a") as log:
            process = subprocess.Popen([str(BIN / argv[0]), *argv[1:]], cwd=ROOT, env=self.env, stdout=log,
                                       stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
            try:
                yield process
            finally:
                _stop_group(process)

    def daemon(self):
        return self.service(DAEMON)

    def instance(self) -> DagsterInstance:
        return DagsterInstance.from_config(str(self.home))

    def log_tail(self) -> str:
        return self.log.read_text()[-4000:] if self.log.exists() else ""


def _stop_group(process: subprocess.Popen) -> None:
    """SIGTERM to the daemon's process group (as `systemctl stop` sends it), SIGKILL after 30 s."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass
    try:  # whatever the group left behind (a step process outliving its run worker)
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


@pytest.fixture
def deployment(postgres_url, tmp_path, monkeypatch):
    """The simulator (limits off, its "now" the real clock, so the tick's yesterday is a complete simulated day) and
    the environment of a deployment on it, INC_DAGSTER_STORAGE=postgres; DAGSTER_HOME made by `dagster_home()`."""
    tick = _next_minute(datetime.now(UTC) + TICK_LEAD)
    with SimulatorServer(SimulatorConfig(enforce_limits=False)) as sim:
        data = tmp_path / "data"
        point_at(sim, data, monkeypatch, INC_DAGSTER_STORAGE="postgres", INC_DAGSTER_PG_URL=postgres_url,
                 INC_DAILY_SCHEDULE=f"{tick.minute} {tick.hour} * * *", INC_LOOKBACK_DAYS="0")  # fmt: skip
        monkeypatch.setenv("DAGSTER_HOME", str(data / "dagster_home"))
        deployment = Deployment(data, data / "dagster_home", dict(os.environ), tmp_path / "daemon.log", tick)
        prepared = deployment.command(*PREPARE_HOME)
        assert prepared.returncode == 0, prepared.stderr
        assert "env: INC_DAGSTER_PG_URL" in (deployment.home / "dagster.yaml").read_text()
        yield deployment


def _next_minute(at: datetime) -> datetime:
    return at.replace(second=0, microsecond=0) + timedelta(minutes=1)


def _wait_for(deployment: Deployment, daemon: subprocess.Popen, what: str, timeout: float, check):
    """Poll `check()` every second until it returns something; fail with the daemon's log on timeout or exit."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        assert daemon.poll() is None, f"the daemon exited ({daemon.returncode}):\n{deployment.log_tail()}"
        time.sleep(1)
    pytest.fail(f"no {what} within {timeout:.0f} s:\n{deployment.log_tail()}")


def _runs(instance: DagsterInstance) -> list[DagsterRun]:
    """The daily job's runs, oldest first."""
    return [r.dagster_run for r in instance.get_run_records(RunsFilter(job_name=JOB))][::-1]


def _finished(instance: DagsterInstance, run_id: str) -> DagsterRun | None:
    run = instance.get_run_by_id(run_id)
    return run if run and run.is_finished else None


def _start_schedule(deployment: Deployment) -> None:
    started = deployment.command(*START_SCHEDULE)
    assert started.returncode == 0 and f"Started schedule {SCHEDULE}" in started.stdout, started.stderr[-3000:]


def _assert_lake_readable(data: Path) -> None:
    """Every published partition file reads whole (a temporary file is never a partition)."""
    lake = Lake(data)
    landed = [e.id for e in ENDPOINTS if lake.partitions(e.id)]
    assert landed, "nothing landed"
    for endpoint_id in landed:
        assert lake.unreadable(endpoint_id) == [], endpoint_id
        for day in lake.partitions(endpoint_id):
            pq.read_table(lake.partition_path(endpoint_id, day))


def _assert_published(data: Path) -> None:
    """The warehouse is published with the daily job's marts filled (the snapshot marts are the snapshot job's)."""
    published = marts(data)
    assert len(published["guest_daily"]) > 0 and len(published["dwell_daily"]) > 0, sorted(published)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _graphql(port: int, query: str) -> dict | None:
    """The webserver's answer to a GraphQL query (its public API), None while it is not up."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", data=json.dumps({"query": query}).encode(),
                                     headers={"Content-Type": "application/json"})  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.load(answer)["data"]
    except OSError:
        return None


RUNS_QUERY = "{ runsOrError { ... on Runs { results { runId status } } } }"


def test_the_daemon_ticks_the_daily_schedule_and_publishes_the_warehouse(deployment):
    """The webserver beside the daemon shows the run from the same PostgreSQL."""
    instance, port = deployment.instance(), _free_port()
    webserver_argv = [str(port) if arg == "3000" else arg for arg in WEBSERVER]
    with deployment.daemon() as daemon, deployment.service(webserver_argv):
        _start_schedule(deployment)
        [run] = _wait_for(deployment, daemon, "scheduled run", 150, lambda: _runs(instance))
        done = _wait_for(deployment, daemon, "finished run", 300, lambda: _finished(instance, run.run_id))
        shown = _wait_for(deployment, daemon, "webserver answer", 120, lambda: _graphql(port, RUNS_QUERY))
    assert {"runId": run.run_id, "status": "SUCCESS"} in shown["runsOrError"]["results"]
    assert done.status == DagsterRunStatus.SUCCESS, deployment.log_tail()
    yesterday = (deployment.tick.date() - timedelta(days=1)).isoformat()  # INC_TIMEZONE is UTC here
    assert run.tags["dagster/schedule_name"] == SCHEDULE
    assert run.tags["dagster/asset_partition_range_end"] == yesterday
    assert Lake(deployment.data).partitions("history_day_client_count") == [date.fromisoformat(yesterday)]
    _assert_published(deployment.data)


def _run_worker_pid(instance: DagsterInstance, run_id: str) -> int | None:
    """The run worker's pid, from the engine event it writes when it starts (`Started process for run`)."""
    events = instance.get_records_for_run(run_id, of_type=DagsterEventType.ENGINE_EVENT).records
    found = (STARTED_PROCESS.search(e.event_log_entry.message or "") for e in events)
    return next((int(m.group(1)) for m in found if m), None)


def _landed_some(instance: DagsterInstance, run_id: str) -> bool:
    return len(instance.get_records_for_run(run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION).records) >= 2


def _processes(field: int, value: int) -> list[int]:
    """The processes whose /proc stat field after the name (1: the parent's pid, 2: the process group) is `value`."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[field]) == value:
                found.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return found


def _children(pid: int) -> list[int]:
    return _processes(1, pid)


def _kill_tree(pid: int) -> None:
    """SIGKILL a process and its descendants (the step processes of the multiprocess executor), as the OOM killer
    or a lost container would: nothing gets to clean up. Stopped first, so none starts another meanwhile."""
    tree, pending = [], [pid]
    while pending:
        current = pending.pop()
        try:
            os.kill(current, signal.SIGSTOP)
        except ProcessLookupError:
            continue
        tree.append(current)
        pending += _children(current)
    for member in tree:
        os.kill(member, signal.SIGKILL)


def test_a_run_killed_mid_way_is_reported_failed_and_retried_from_the_failure(deployment):
    """The run worker and its steps are SIGKILLed after some endpoints landed: the code server reports the run
    failed, the daemon's run retries (dagster.yaml: run_retries) start it again from the failure, and that run
    publishes the warehouse; every partition in the lake, landed before or after the kill, reads whole."""
    instance = deployment.instance()
    with deployment.daemon() as daemon:
        _start_schedule(deployment)
        [run] = _wait_for(deployment, daemon, "scheduled run", 150, lambda: _runs(instance))
        _wait_for(deployment, daemon, "landed endpoint", 300, lambda: _landed_some(instance, run.run_id))
        assert _finished(instance, run.run_id) is None, "the run ended before it could be killed"
        _kill_tree(_wait_for(deployment, daemon, "run worker pid", 30, lambda: _run_worker_pid(instance, run.run_id)))
        killed = _wait_for(deployment, daemon, "failed run", 120, lambda: _finished(instance, run.run_id))
        _assert_lake_readable(deployment.data)  # what the killed run had landed
        retries = lambda: [r for r in _runs(instance) if r.tags.get("dagster/parent_run_id") == run.run_id]  # noqa: E731
        [retry] = _wait_for(deployment, daemon, "retry run", 120, retries)
        done = _wait_for(deployment, daemon, "finished retry", 300, lambda: _finished(instance, retry.run_id))
    assert killed.status == DagsterRunStatus.FAILURE
    assert done.status == DagsterRunStatus.SUCCESS, deployment.log_tail()
    assert retry.tags.get("dagster/retry_strategy") == "FROM_FAILURE"
    _assert_lake_readable(deployment.data)
    _assert_published(deployment.data)


def _group_members(pgid: int) -> list[int]:
    return _processes(2, pgid)


UNIT = ROOT / "deploy" / "systemd" / "inc-pipeline-daemon.service"
STOP_TIMEOUT = int(re.search(r"^TimeoutStopSec=(\d+)$", UNIT.read_text(), re.M).group(1))  # the unit's, as shipped


def _systemctl_stop(process: subprocess.Popen) -> None:
    """What `systemctl stop` does with the daemon unit (KillMode=control-group): SIGTERM to every process of the
    service at once, SIGKILL to those still there after TimeoutStopSec."""
    os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    while _group_members(process.pid) and time.monotonic() < deadline:
        time.sleep(0.5)
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


def test_the_service_stopped_mid_run_reports_the_run_failed_and_retries_it_when_it_comes_back(deployment):
    """The whole service stopped while a run is going (`systemctl stop`: SIGTERM to the daemon, its code server,
    the run worker and its steps): the run worker winds down and reports the run failed, and when the service is
    back the daemon's run retries start it again from the failure; every partition reads whole."""
    instance = deployment.instance()
    with deployment.daemon() as daemon:
        _start_schedule(deployment)
        [run] = _wait_for(deployment, daemon, "scheduled run", 150, lambda: _runs(instance))
        _wait_for(deployment, daemon, "landed endpoint", 300, lambda: _landed_some(instance, run.run_id))
        assert _finished(instance, run.run_id) is None, "the run ended before the service was stopped"
        _systemctl_stop(daemon)
    stopped = instance.get_run_by_id(run.run_id)
    assert stopped.status == DagsterRunStatus.FAILURE, (stopped.status, deployment.log_tail())
    _assert_lake_readable(deployment.data)  # what the run had landed before the stop
    with deployment.daemon() as daemon:
        retries = lambda: [r for r in _runs(instance) if r.tags.get("dagster/parent_run_id") == run.run_id]  # noqa: E731
        [retry] = _wait_for(deployment, daemon, "retry run", 120, retries)
        done = _wait_for(deployment, daemon, "finished retry", 300, lambda: _finished(instance, retry.run_id))
    assert done.status == DagsterRunStatus.SUCCESS, deployment.log_tail()
    _assert_lake_readable(deployment.data)
    _assert_published(deployment.data)
