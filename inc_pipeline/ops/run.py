"""`inc-pipeline run`: one Dagster run over a partition range: every endpoint, the snapshots, then the marts.

Either way it is a run of the definitions' job `inc_pipeline_run` (defs/schedules), in the instance's job history
and timeline, re-executable from the UI. Inside a step the endpoints of a request group run side by side on
threads (defs/request_groups). By default the steps run one after another in this process; `--parallel` gives
each step its own process (Dagster's multiprocess executor), so the snapshots and the windows are asked at the
same time once the device list has landed: a backfill takes as long as the longer of the two groups rather than
their sum. The client's file-locked pacing and quota ledger, and the groups' pools, keep them within the API's
limits.
"""

from __future__ import annotations

import _thread
import os
import re
import signal
import socket
import sys
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import date
from urllib.parse import urlsplit

from dagster import (
    AssetKey,
    AssetSelection,
    DagsterInstance,
    DagsterRunStatus,
    Definitions,
    ReexecutionOptions,
    RunsFilter,
    execute_job,
    reconstructable,
)

from inc_pipeline import clock
from inc_pipeline.accounts import SINGLE, Account, account_named, chosen_accounts
from inc_pipeline.defs.failures import INTERRUPTED
from inc_pipeline.defs.partitions import RANGE_END_TAG, RANGE_START_TAG, range_tags  # noqa: F401 (re-exported)
from inc_pipeline.defs.run_clock import STARTED_AT_TAG
from inc_pipeline.defs.schedules import ACCOUNT_TAG, CLI_JOB, cli_job
from inc_pipeline.errors import UserError

from .instance import dagster_instance

EXIT_FAILED_UNITS = 3  # the run succeeded and published, but some requests failed on their own: see status

# Dagster's beta notices about our own definitions are nothing a user can act on; set here too (not only in the
# CLI) because the parallel run's step processes import the definitions after this module.
warnings.filterwarnings("ignore", module=r"dagster\.")
# A parallel run's step processes fork from a server that has the pipeline imported (Dagster's forkserver start
# method): importing it afresh costs each step about 2 s of CPU, and three steps stand on the chain of discovery.
STEP_START_METHOD = {"forkserver": {"preload_modules": ["inc_pipeline.definitions"]}}


def check_range(start: date, end: date) -> None:
    """Refuse ranges the partitions cannot hold, with what to do instead."""
    from inc_pipeline.defs.partitions import START_DATE

    yesterday = clock.yesterday()
    if end < start:
        raise UserError(f"--end {end} is before --start {start}: give the earlier day first")
    if end > yesterday:
        raise UserError(f"--end {end} is not a complete day yet: the last day you can extract is {yesterday}")
    if start < date.fromisoformat(START_DATE):
        raise UserError(f"--start {start} is before the first partition {START_DATE}: set INC_PARTITIONS_START to "
                        f"{start} (or INC_HISTORY_DAYS to reach it)")  # fmt: skip


def selection_of(select: str | None, account: Account = SINGLE) -> AssetSelection:
    """Asset names (`history_day_report`, `marts/guest_daily`) or group names (`guests`, `warehouse`),
    comma-separated, of `account`'s assets (named without the account: the same names for every account);
    everything of the account's when None. An unknown name, or none at all, is a one-line error listing the
    groups (an empty selection would run nothing and still say "done")."""
    from inc_pipeline.definitions import defs

    graph = defs.resolve_asset_graph()
    prefix = account.key_prefix
    own = [key for key in graph.get_all_asset_keys() if key.path[: len(prefix)] == prefix]
    if select is None:
        return AssetSelection.assets(*own) if prefix else AssetSelection.all()
    keys = {AssetKey(key.path[len(prefix):]).to_user_string(): key for key in own}
    groups = {graph.get(key).group_name.removeprefix(account.prefixed("", "_")): graph.get(key).group_name
              for key in own}  # fmt: skip
    names = [s.strip() for s in select.split(",") if s.strip()]
    unknown = [n for n in names if n not in keys and n not in groups]
    if unknown or not names:
        problem = f"no asset or group named {', '.join(unknown)}" if unknown else f"{select!r} names nothing"
        raise UserError(f"--select: {problem}; groups: {', '.join(sorted(groups))} (leave --select out for all)")
    chosen_keys = [keys[n] for n in names if n in keys]
    return AssetSelection.assets(*chosen_keys) | AssetSelection.groups(*[groups[n] for n in names if n in groups])


def run_range(
    start: date,
    end: date,
    *,
    select: str | None = None,
    raise_on_error: bool = False,
    log_level: str = "CRITICAL",
    parallel: bool = False,
    account: str | None = None,
) -> int:
    """Materialize the selection for the days start..end (inclusive) in one run; 0 on success.

    `parallel`: each step in its own process (see the module docstring), else one after another. With several
    accounts (INC_ACCOUNTS), one run per account (`account`: that one only), one after another: an account that
    fails (a refused key, an unreachable API) is reported in one line and the next still runs."""
    check_range(start, end)
    accounts = chosen_accounts(account)
    if len(accounts) == 1:
        try:
            return _run_account(start, end, accounts[0], select, raise_on_error, log_level, parallel)
        except UserError as error:
            raise (UserError(f"account {accounts[0].name}: {error}") if accounts[0].name else error) from None
    worst, failed = 0, []
    for each in accounts:
        try:
            worst = max(worst, _run_account(start, end, each, select, raise_on_error, log_level, parallel))
        except UserError as error:
            print(f"inc-pipeline run: account {each.name}: {error}", file=sys.stderr)
            failed.append(each.name)
    if failed:
        landed = [a.name for a in accounts if a.name not in failed]
        raise UserError(f"account {', '.join(failed)} failed (above)" + (f"; {', '.join(landed)} landed and built" if
                        landed else "") + ": fix it and run again with --account, or `inc-pipeline resume`")
    return worst


def _run_account(start, end, account: Account, select, raise_on_error, log_level, parallel) -> int:
    _preflight(account)
    said = account.said
    result = materialize_selection(
        selection_of(select, account),
        tags={**range_tags(start.isoformat(), end.isoformat()), "inc/launched_by": "cli",
              STARTED_AT_TAG: clock.now().isoformat(), **account_tags(account)},
        raise_on_error=raise_on_error, log_level=log_level, parallel=parallel,
    )  # fmt: skip
    for line in deferred_lines(result):
        print(f"inc-pipeline run: {said}{line}", file=sys.stderr)
    failed = failed_units_text(result.run_id, account)
    if failed:
        print(f"inc-pipeline run: {said}{start}..{end} done with {failed}; the rest landed and the warehouse was "
              f"built from it; see inc-pipeline status (run {result.run_id[:8]})", file=sys.stderr)  # fmt: skip
        return EXIT_FAILED_UNITS
    print(f"inc-pipeline run: {said}{start}..{end} done (run {result.run_id[:8]})", file=sys.stderr)
    return 0


def account_tags(account: Account) -> dict[str, str]:
    return {ACCOUNT_TAG: account.name} if account.name else {}


def resume_failed(run_id: str | None = None, *, log_level: str = "CRITICAL") -> int:
    """Re-execute the failed steps of a failed `inc_pipeline_run` (the last run, or `run_id` or its prefix)
    through Dagster's own re-execution from failure, as the UI's "Re-execute from failure" does: the steps that
    succeeded are not run again, and a request group re-asks only the endpoints the failed run did not record
    (`resume.landed_earlier_in_this_run`). The new run carries the failed one's range and clock reading."""
    instance = dagster_instance()
    parent = _failed_run(instance, run_id)
    account = account_named(parent.tags.get(ACCOUNT_TAG))
    _preflight(account)
    with ctrl_c_reaches_this_process_only():
        result = execute_job(
            reconstructable(cli_run_job),
            instance=instance,
            tags=parent.tags,
            run_config={
                "execution": {"config": {"in_process": {}}},
                "loggers": {"console": {"config": {"log_level": log_level.upper()}}},
            },
            reexecution_options=ReexecutionOptions.from_failure(parent.run_id, instance),
        )
    _raise_failure(result)
    days = f"{parent.tags.get(RANGE_START_TAG, '?')}..{parent.tags.get(RANGE_END_TAG, '?')}"
    failed = failed_units_text(result.run_id, account)
    if failed:
        print(f"inc-pipeline resume: {days} done with {failed} (run {result.run_id[:8]}, resuming "
              f"{parent.run_id[:8]}); see inc-pipeline status", file=sys.stderr)  # fmt: skip
        return EXIT_FAILED_UNITS
    print(f"inc-pipeline resume: {days} done (run {result.run_id[:8]}, resuming {parent.run_id[:8]})",
          file=sys.stderr)  # fmt: skip
    return 0


def _failed_run(instance: DagsterInstance, run_id: str | None):
    """The failed CLI run to resume: the last run, or the one whose id starts with `run_id`; a one-line error when
    that run did not fail (a failed run resumed since is no longer the last)."""
    runs = instance.get_runs(filters=RunsFilter(job_name=CLI_JOB), limit=200)
    if run_id is not None:
        runs = [run for run in runs if run.run_id.startswith(run_id)]
        if not runs:
            raise UserError(f"--run {run_id}: no inc-pipeline run has that id; `inc-pipeline status` lists them")
        if runs[0].status != DagsterRunStatus.FAILURE:
            raise UserError(f"run {runs[0].run_id[:8]} did not fail ({runs[0].status.value.lower()}): "
                            "nothing to resume; start a new run with `inc-pipeline run`")  # fmt: skip
        return runs[0]
    if not runs or runs[0].status != DagsterRunStatus.FAILURE:
        last = f"the last run ({runs[0].run_id[:8]}) did not fail" if runs else "no run yet"
        raise UserError(f"no failed inc-pipeline run to resume: {last}; start a new one with `inc-pipeline run`")
    return runs[0]


def failed_units_text(run_id: str, account: Account = SINGLE) -> str:
    """`12 failed units (device_ap_info 12: Device ... does not support this operation)` for the units that
    failed in this run (of `account`'s), or "" when none did."""
    from inc_pipeline.extract.failed_units import FailedUnitsLedger

    from .instance import data_dir

    units = [u for u in FailedUnitsLedger(account.data_dir(data_dir()) / "state").units() if u.last_run == run_id]
    if not units:
        return ""
    by_endpoint: dict[str, list] = {}
    for unit in units:
        by_endpoint.setdefault(unit.endpoint_id, []).append(unit)
    parts = [f"{name} {len(group)}: {group[0].message}" for name, group in by_endpoint.items()]
    return f"{len(units)} failed unit{'s' if len(units) != 1 else ''} ({'; '.join(parts)})"


def materialize_selection(
    selection: AssetSelection, *, tags: dict, raise_on_error=False, log_level="CRITICAL", parallel: bool = False
):
    """One run of the selection as the definitions' `inc_pipeline_run` job, so it is in the job's history in
    `dagster dev` and can be re-executed from there, with resources built from the environment now: its steps one
    after another in this process, or (`parallel`) each in its own process, all that are ready at once."""
    from inc_pipeline.definitions import defs

    graph = defs.resolve_asset_graph()
    keys = list(selection.resolve(graph))
    if parallel:
        _refuse_other_settings_for_the_step_server()
    executor = (
        {"multiprocess": {"max_concurrent": 0, "start_method": STEP_START_METHOD}} if parallel else {"in_process": {}}
    )
    with nullcontext() if parallel else ctrl_c_reaches_this_process_only():
        result = execute_job(
            reconstructable(cli_run_job),
            instance=dagster_instance(python_log_level=log_level if parallel else None),
            asset_selection=None if set(keys) == set(graph.get_all_asset_keys()) else keys,
            tags=tags,
            raise_on_error=raise_on_error,
            run_config={
                "execution": {"config": executor},
                "loggers": {"console": {"config": {"log_level": log_level.upper()}}},
            },
        )
    _raise_failure(result)
    return result


@contextmanager
def ctrl_c_reaches_this_process_only() -> Iterator[None]:
    """While an in-process run lasts, Ctrl-C interrupts this process and not the helpers Dagster starts beside it.

    A terminal's Ctrl-C reaches every process of its foreground group, and Dagster captures a run's output with
    a `tail` and a Python watcher process, which print tracebacks of their own when interrupted. So SIGINT is
    blocked in this thread (a process started from it inherits it blocked), and a thread of ours waits for it
    and raises it in the main thread as the terminal would have. Dagster stops its helpers with SIGTERM."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    done = threading.Event()

    def forward() -> None:
        while not done.is_set():
            if signal.sigtimedwait({signal.SIGINT}, 0.2) is not None:
                _thread.interrupt_main(signal.SIGINT)

    forwarder = threading.Thread(target=forward, name="ctrl-c", daemon=True)
    forwarder.start()
    try:
        yield
    finally:
        done.set()
        forwarder.join()
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # a Ctrl-C pending now is raised here


def _refuse_other_settings_for_the_step_server() -> None:
    """The step server lives as long as this process and keeps the environment it started with, which the step
    processes forked from it read their settings from: a second parallel run here with other INC_ or DAGSTER_
    settings (a notebook, a script) is refused rather than run with the first one's."""
    settings = {name: value for name, value in os.environ.items() if name.startswith(("INC_", "DAGSTER_"))}
    if _STEP_SERVER_SETTINGS and _STEP_SERVER_SETTINGS[0] != settings:
        raise UserError("this process ran a parallel run with other settings, and its step processes would keep "
                        "those: start a new process for these settings, or run without --parallel")  # fmt: skip
    _STEP_SERVER_SETTINGS[:] = [settings]


_STEP_SERVER_SETTINGS: list[dict[str, str]] = []


def cli_run_job():
    """The definitions' CLI job with resources from the environment of this moment (module-level, so Dagster can
    rebuild it: in this process, or in each step process of a parallel run)."""
    from inc_pipeline.definitions import defs
    from inc_pipeline.defs.resources import resources_from_env

    return Definitions(assets=list(defs.assets or []), jobs=[cli_job], resources=resources_from_env()).resolve_job_def(
        CLI_JOB
    )


def _raise_failure(result) -> None:
    """A failed run as the CLI reports it: an interrupted one as the interrupt (exit 130), else its first failure."""
    if result.success:
        return
    if was_interrupted(result):
        raise KeyboardInterrupt
    raise UserError(_first_failure(result))


def was_interrupted(result) -> bool:
    """Whether a step or the run was interrupted (Ctrl-C, a stop request): in a step, our `fail_at_once` says so;
    elsewhere (between steps, in the launching process of a parallel run) Dagster's own interrupt error does."""
    for event in result.all_events:
        if event.event_type_value == "RUN_CANCELED":
            return True
        if not event.is_step_failure:
            continue
        error = event.step_failure_data.error
        while error is not None:
            if INTERRUPTED in (error.message or "") or error.cls_name in _INTERRUPTS:
                return True
            error = error.cause
    return False


_INTERRUPTS = ("DagsterExecutionInterruptedError", "KeyboardInterrupt")


def deferred_lines(result) -> list[str]:
    """One line per endpoint whose daily quota ran out during the run, saying when to retry."""
    lines = {}
    for event in result.get_asset_materialization_events():
        materialization = event.event_specific_data.materialization
        metadata = materialization.metadata
        if "deferred" in metadata:
            name = materialization.asset_key.to_user_string()
            until = metadata["deferred_until"].value if "deferred_until" in metadata else "the quota resets"
            lines[name] = (f"{name} deferred: {metadata['deferred'].value}; landed partitions are intact; rerun "
                           f"after {until} (the deferred_quota_sensor does it when `dagster dev` runs)")  # fmt: skip
    return list(lines.values())


def _preflight(account: Account = SINGLE) -> None:
    """Fail before launching when a setting is missing or the API cannot be reached, in one line (`account`'s key
    and API: INC_API_KEY__NORTH, ...)."""
    from inc_pipeline.client.caller_params import parse_query_params
    from inc_pipeline.client.tls import trust_store
    from inc_pipeline.defs.resources import (
        archive_raw_from_env,
        build_limits_from_env,
        default_rate_from_env,
        lookback_days_from_env,
        quota_timezone_from_env,
        site_timezones_from_env,
        time_scale_from_env,
    )

    for read in (default_rate_from_env, lookback_days_from_env, archive_raw_from_env, quota_timezone_from_env,
                 time_scale_from_env, build_limits_from_env, site_timezones_from_env):  # fmt: skip
        read()  # each refuses a value it cannot use with its own one line (the resources read them later)
    parse_query_params(os.environ.get("INC_API_QUERY_PARAMS", ""))
    trust_store(os.environ.get("INC_CA_BUNDLE", ""))
    base_url = account.value("INC_API_BASE_URL", "http://inccloud-api.intelbras.com.br:8000")
    if not os.environ.get("INC_PII_KEY"):
        raise UserError("INC_PII_KEY is not set: export a long random secret (see .env.example), "
                        "or try `inc-pipeline demo`")  # fmt: skip
    if base_url == "simulator":
        return
    if not account.value("INC_API_KEY"):
        raise UserError(f"{account.setting('INC_API_KEY')} is not set: export your INC Cloud key (see .env.example), "
                        "or try `inc-pipeline demo`")  # fmt: skip
    _check_reachable(base_url, account.setting("INC_API_BASE_URL"))


def _check_reachable(base_url: str, setting: str = "INC_API_BASE_URL", timeout: float = 5.0) -> None:
    """A TCP connection to the API host (and, over https, a verified TLS handshake), so an unreachable or untrusted
    API fails in seconds instead of after retries."""
    not_a_url = f"{setting} {base_url!r} is not an http(s) URL: use e.g. http://host:8000 or `simulator`"
    try:
        parts = urlsplit(base_url)
        port = parts.port or (443 if parts.scheme == "https" else 80)  # .port raises on a port out of range
    except ValueError:
        raise UserError(not_a_url) from None
    if not parts.hostname or parts.scheme not in ("http", "https"):
        raise UserError(not_a_url)
    try:
        socket.create_connection((parts.hostname, port), timeout=timeout).close()
    except OSError as exc:
        raise UserError(f"the API at {parts.scheme}://{parts.hostname}:{port} is unreachable ({exc.strerror or exc}):"
                        f" check {setting} and the network") from None  # fmt: skip
    if parts.scheme == "https":  # its certificate, verified as every request will verify it
        from inc_pipeline.client.tls import check_certificate

        check_certificate(parts.hostname, port, os.environ.get("INC_CA_BUNDLE", ""), timeout=timeout)


def _first_failure(result) -> str:
    """The first step failure's own message, on one line (our errors never carry the key)."""
    for event in result.all_events:
        if event.is_step_failure:
            error = event.step_failure_data.error
            while error.cause is not None:  # Dagster's wrappers (step error, retries exceeded) around ours
                error = error.cause
            message = error.message.strip().splitlines()[-1] if error.message else error.cls_name
            message = without_class_path(message)
            return message if message.startswith(f"{event.step_key}:") else f"{event.step_key}: {message}"
    return "the run failed; see `dagster dev` for its logs"


def without_class_path(message: str) -> str:
    """An error line without the exception's dotted class path in front (`dagster.Failure: `,
    `inc_pipeline.warehouse.build.BuildFailed: `): the user needs what happened, not where."""
    return _CLASS_PATH.sub("", message, count=1)


_CLASS_PATH = re.compile(r"^(?:[A-Za-z_]\w*\.)+[A-Za-z_]\w*: ")
