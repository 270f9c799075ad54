"""A rerun resumes: the 100/day endpoints are not asked again for what an unfinished attempt already landed.

`/user/shop` and `/device/historyclients` are snapshots with a quota of 100 calls a day. When a run dies after
landing them (a crash, a kill, a failed step elsewhere) and is run again, `inc-pipeline run` repeated, a
re-execution or a retry, the new attempt finds today's partition landed by the unfinished one and keeps it instead
of spending quota on the same answer. A new run (a later schedule tick, a run after one that succeeded) asks again:
that is what the snapshot is for.

Dagster knows which run last materialized the asset and whether it finished; the lake knows whether that run's
partition is still there (its rows were fetched after the run started). Both must agree before anything is skipped.
"""

from __future__ import annotations

from datetime import date, timedelta

import pyarrow.compute as pc
import pyarrow.parquet as pq
from dagster import AssetExecutionContext, AssetKey, DagsterRunStatus

from inc_pipeline import clock
from inc_pipeline.catalog import Endpoint
from inc_pipeline.defs.partitions import RANGE_END_TAG, RANGE_START_TAG
from inc_pipeline.landing.lake import Lake

# Tags naming what a run is for: equal tags, same intent (the CLI repeated with the same range, the same
# schedule tick or sensor request); a later tick or a backfill differs in its run key or backfill id.
INTENT_TAGS = (RANGE_START_TAG, RANGE_END_TAG, "dagster/partition", "dagster/run_key", "dagster/backfill",
               "dagster/schedule_name", "dagster/sensor_name", "inc/launched_by")  # fmt: skip
LINEAGE_TAGS = ("dagster/root_run_id", "dagster/parent_run_id")  # set on re-executions and run retries
STALE_AFTER = timedelta(hours=6)  # the snapshot schedule's period: an older answer is asked again


def landed_by_unfinished_attempt(
    context: AssetExecutionContext, endpoint: Endpoint, key: AssetKey, lake: Lake, day: date
) -> str | None:
    """The id of an unfinished earlier attempt of this run that landed `endpoint`'s `day`; None: ask the API."""
    if not endpoint.quota_per_day or endpoint.is_windowed:
        return None
    instance = context.instance
    event = instance.get_latest_materialization_event(key)
    if event is None or "deferred" in (event.asset_materialization.metadata if event.asset_materialization else {}):
        return None  # never landed, or the last attempt found the quota spent and landed nothing
    earlier = instance.get_run_record_by_id(event.run_id)
    if earlier is None or earlier.start_time is None or earlier.dagster_run.status == DagsterRunStatus.SUCCESS:
        return None
    if not _same_run(context.run, earlier.dagster_run):
        return None
    path = lake.partition_path(endpoint.id, day)
    if not path.exists() or _landed_before(path, earlier.start_time):
        return None  # that attempt's partition is not in the lake (removed, or never replaced)
    if clock.now().timestamp() - event.timestamp > STALE_AFTER.total_seconds():
        return None
    return event.run_id


def landed_earlier_in_this_run(context: AssetExecutionContext, endpoint: Endpoint, key: AssetKey) -> str | None:
    """The run that already recorded `endpoint` for this run's days: an earlier attempt of this step (Dagster's
    retry), or, for a window endpoint, the failed run this one re-executes (its days are this run's, by its
    tags). Its partitions are described again from the lake, not asked again; None: ask the API."""
    event = context.instance.get_latest_materialization_event(key)
    if event is None:
        return None
    if event.run_id == context.run_id:
        return event.run_id
    parent_id = context.run.parent_run_id
    if not endpoint.is_windowed or event.run_id != parent_id:
        return None
    parent = context.instance.get_run_by_id(parent_id)
    return parent_id if parent is not None and parent.status == DagsterRunStatus.FAILURE else None


def _landed_before(path, started: float) -> bool:
    """Whether the partition's rows were fetched before `started`: by the rows' own `extracted_at` (the pipeline's
    clock, as Dagster's run times are), never by the file's time, which is another clock (the file system's)."""
    stamps = pq.read_table(path, columns=["extracted_at"]).column("extracted_at")
    if not len(stamps):
        return False  # an empty answer: its file names no time, and the materialization says which run wrote it
    return pc.min(stamps).as_py().timestamp() < started


def _same_run(current, earlier) -> bool:
    """Whether `current` is another attempt of `earlier`: its re-execution, or the same request made again."""
    lineage = {current.tags.get(tag) for tag in LINEAGE_TAGS} - {None}
    if lineage & {earlier.run_id, earlier.tags.get("dagster/root_run_id")}:
        return True
    return all(current.tags.get(tag) == earlier.tags.get(tag) for tag in INTENT_TAGS)
