"""When the assets run: a daily run over yesterday and the lookback window, snapshots every 6 hours, and a retry
of endpoints whose daily quota ran out. (The marts' freshness is a policy on their specs, in the warehouse domain.)

The daily schedule's time is a setting read when the definitions load, like the partitions' (a schedule's cron is
part of its definition): INC_DAILY_SCHEDULE, a cron in INC_TIMEZONE, default 02:30.

Every run carries retry tags (transient failures: the run is retried from the failure by the daemon), and every
rate-limited endpoint has its own concurrency pool, so overlapping runs never call one endpoint at once.
"""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta

from dagster import (
    AssetKey,
    AssetSelection,
    DagsterInvalidDefinitionError,
    Definitions,
    RunRequest,
    ScheduleDefinition,
    ScheduleEvaluationContext,
    SensorEvaluationContext,
    SkipReason,
    define_asset_job,
    schedule,
    sensor,
)

from inc_pipeline import clock
from inc_pipeline.accounts import SINGLE, Account
from inc_pipeline.catalog import ENDPOINTS, ENDPOINTS_BY_ID
from inc_pipeline.defs.extraction import endpoint_key
from inc_pipeline.defs.partitions import START_DATE, TIMEZONE, range_tags
from inc_pipeline.defs.resources import data_dir_from_env, lake_from_env, lookback_days_from_env
from inc_pipeline.defs.warehouse import model_keys
from inc_pipeline.errors import UserError
from inc_pipeline.extract.budget import SNAPSHOT_RUNS, asked_at_tick, snapshot_runs_per_day
from inc_pipeline.extract.targets import load_targets

RETRY_TAGS = {"dagster/max_retries": "2", "dagster/retry_strategy": "FROM_FAILURE"}
ACCOUNT_TAG = "inc/account"  # on every run of a named account's (ops/run.py reads it back)
SITES_LIST = "user_shops"  # 100 calls a day: once a day, with the daily run
WINDOWED = [e.id for e in ENDPOINTS if e.is_windowed]
SNAPSHOTS = [e.id for e in ENDPOINTS if not e.is_windowed and e.id != SITES_LIST]
QUOTA_LIMITED = [e.id for e in ENDPOINTS if e.rate.per_day]
DAILY_SCHEDULE_SETTING = "INC_DAILY_SCHEDULE"
DEFAULT_DAILY_CRON = "30 2 * * *"


def daily_cron() -> str:
    """INC_DAILY_SCHEDULE (default 02:30 daily): a five-field cron Dagster accepts, else a one-line error. The daemon
    tests set `* * * * *` so a tick is due within the minute."""
    text = " ".join(os.environ.get(DAILY_SCHEDULE_SETTING, "").split()) or DEFAULT_DAILY_CRON
    try:
        ScheduleDefinition(name="daily_cron_check", cron_schedule=text, job_name="daily_extraction")
    except DagsterInvalidDefinitionError:
        raise UserError(f"{DAILY_SCHEDULE_SETTING}={text!r} is not a cron schedule: use five fields, e.g. "
                        f"{DEFAULT_DAILY_CRON!r} (02:30 daily, in INC_TIMEZONE)") from None  # fmt: skip
    return text


CLI_JOB = "inc_pipeline_run"
cli_job = define_asset_job(
    CLI_JOB,
    selection=AssetSelection.all(),
    description="What `inc-pipeline run` and `backfill` launch: the chosen assets over the chosen days, then the "
    "marts (one run per account when there are several). Its runs can be re-executed from the UI like any job's.",
)


def lookback_days() -> int:
    """INC_LOOKBACK_DAYS (default 2), read when the schedule ticks."""
    return lookback_days_from_env()


def daily_range(tick: datetime, lookback: int) -> tuple[date, date]:
    """Yesterday (of the tick, in the partitions' time zone) and the `lookback` days before it."""
    end = tick.date() - timedelta(days=1)
    return max(end - timedelta(days=lookback), date.fromisoformat(START_DATE)), end


def schedule_definitions(account: Account = SINGLE) -> Definitions:
    """`account`'s jobs, schedules and sensor (named after it when there are several accounts: each account's
    runs are its own, so one account's failure or spent quota never holds up another's)."""

    def keys(*endpoint_ids: str) -> list[AssetKey]:
        return [endpoint_key(endpoint_id, account) for endpoint_id in endpoint_ids]

    warehouse = AssetSelection.groups(account.prefixed("warehouse", "_"))
    tags = {**RETRY_TAGS, **({ACCOUNT_TAG: account.name} if account.name else {})}
    daily_job = define_asset_job(
        account.prefixed("daily_extraction"),
        selection=AssetSelection.assets(*keys(SITES_LIST, *WINDOWED)) | warehouse,
        description="Yesterday and the lookback window for every window endpoint, the site list, then the marts.",
        run_tags=tags,
    )
    snapshot_job = define_asset_job(
        account.prefixed("snapshots"),
        selection=AssetSelection.assets(*keys(*SNAPSHOTS)) | warehouse,
        description="Current state (inventory, online clients, today so far), then the marts.",
        run_tags=tags,
    )
    quota_retry_job = define_asset_job(
        account.prefixed("quota_retry"),
        selection=AssetSelection.assets(*keys(*QUOTA_LIMITED)),
        description="Endpoints deferred because their 100/day quota ran out, once it is whole again.",
        run_tags=tags,
    )

    @schedule(job=daily_job, cron_schedule=daily_cron(), execution_timezone=TIMEZONE,
              name=account.prefixed("daily_extraction_schedule"),
              description="02:30 daily (INC_DAILY_SCHEDULE): yesterday and the lookback window (INC_LOOKBACK_DAYS) "
              "of every window endpoint, the site list, then the marts, in one run.")  # fmt: skip
    def daily_extraction_schedule(context: ScheduleEvaluationContext) -> RunRequest:
        """One run over yesterday and the lookback window (late data), single-run backfill of every window asset."""
        start, end = daily_range(context.scheduled_execution_time, lookback_days())
        return RunRequest(
            run_key=f"daily-{end.isoformat()}", tags={**range_tags(start.isoformat(), end.isoformat()), **tags}
        )

    @schedule(job=snapshot_job, cron_schedule=f"0 */{24 // SNAPSHOT_RUNS} * * *", execution_timezone=TIMEZONE,
              name=account.prefixed("snapshot_schedule"),
              description="Every 6 hours: the current state (inventory, online clients, today so far), then the "
              "marts; a quota-limited endpoint only in as many of the day's runs as its quota covers (inc-pipeline "
              "plan).")  # fmt: skip
    def snapshot_schedule(context: ScheduleEvaluationContext) -> RunRequest:
        """The snapshots four times a day. A quota-limited one (history_clients, 100/day) is asked in as many of
        them as `inc-pipeline plan` says its quota covers for the account's devices (snapshot_runs_per_day): four
        for up to 25 devices, one (rotating) for more than 50; the other ticks leave it out rather than defer it."""
        tick = context.scheduled_execution_time.hour // (24 // SNAPSHOT_RUNS)
        targets = load_targets(lake_from_env(account.data_dir(data_dir_from_env()), account), user="schedule")
        left_out = {e for e in SNAPSHOTS
                    if not asked_at_tick(snapshot_runs_per_day(ENDPOINTS_BY_ID[e], targets), tick)}  # fmt: skip
        selection = keys(*(endpoint_id for endpoint_id in SNAPSHOTS if endpoint_id not in left_out))
        return RunRequest(
            run_key=f"snapshots-{context.scheduled_execution_time:%Y-%m-%dT%H}",
            asset_selection=[*selection, *model_keys(account=account)],
            tags={**tags, **({"inc/left_out": ",".join(sorted(left_out))} if left_out else {})},
        )

    @sensor(job=quota_retry_job, minimum_interval_seconds=15 * 60, name=account.prefixed("deferred_quota_sensor"),
            description="Every 15 minutes: re-runs an endpoint deferred because its 100/day quota ran out, once the "
            "quota day is over (one run per deferral).")  # fmt: skip
    def deferred_quota_sensor(context: SensorEvaluationContext):
        """Re-runs an endpoint deferred for quota once its quota day is over: one run per deferral (run_key)."""
        now = clock.now()
        due = {k: v for k, v in deferred_endpoints(context.instance, account).items()
               if datetime.fromisoformat(v) <= now}  # fmt: skip
        if not due:
            return SkipReason("no endpoint is waiting for its quota")
        return [
            RunRequest(run_key=f"{endpoint_id}@{until}", asset_selection=keys(endpoint_id), tags=tags)
            for endpoint_id, until in due.items()
        ]

    return Definitions(
        jobs=[daily_job, snapshot_job, quota_retry_job],
        schedules=[daily_extraction_schedule, snapshot_schedule],
        sensors=[deferred_quota_sensor],
    )


def deferred_endpoints(instance, account: Account = SINGLE) -> dict[str, str]:
    """Quota-limited endpoints whose latest materialization was deferred: endpoint id -> when the quota resets."""
    deferred = {}
    for endpoint_id in QUOTA_LIMITED:
        event = instance.get_latest_materialization_event(endpoint_key(endpoint_id, account))
        metadata = event.asset_materialization.metadata if event and event.asset_materialization else {}
        if "deferred_until" in metadata:
            deferred[endpoint_id] = metadata["deferred_until"].value
    return deferred


defs = schedule_definitions()
daily_extraction_schedule, snapshot_schedule = defs.schedules  # the single account's, as tests evaluate them
