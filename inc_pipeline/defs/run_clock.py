"""A run's one reading of the clock: when Dagster recorded it starting.

Every step of a run, in whichever process, asks Dagster for the same run record, so they all get the same
instant: the snapshot day, the snapshot windows and the warehouse's changed days of one run never straddle a
midnight the run crosses (see inc_pipeline/clock.py).
"""

from __future__ import annotations

from datetime import UTC, datetime

from dagster import AssetExecutionContext

from inc_pipeline import clock

STARTED_AT_TAG = "inc/started_at"  # the launcher's clock reading (ISO 8601), when it set one


def run_started_at(context: AssetExecutionContext) -> datetime:
    """The run's start: as its launcher read our clock (`inc-pipeline run` tags it), else as Dagster recorded it
    (its creation, before it started; the clock, for a run the instance does not know)."""
    tagged = context.run.tags.get(STARTED_AT_TAG)
    if tagged:
        return datetime.fromisoformat(tagged).astimezone(UTC)
    record = context.instance.get_run_record_by_id(context.run_id)
    if record is None:
        return clock.now()
    if record.start_time is not None:
        return datetime.fromtimestamp(record.start_time, UTC)
    return record.create_timestamp.astimezone(UTC)
