"""`inc-pipeline run`: one Dagster run over a partition range: every endpoint, the snapshots, then the marts."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, timedelta

from dagster import AssetSelection, materialize

from inc_pipeline.errors import UserError

RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"


def check_range(start: date, end: date) -> None:
    """Refuse ranges the partitions cannot hold, with what to do instead."""
    from inc_pipeline.defs.partitions import START_DATE

    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    if end < start:
        raise UserError(f"--end {end} is before --start {start}: give the earlier day first")
    if end > yesterday:
        raise UserError(f"--end {end} is not a complete day yet: the last day you can extract is {yesterday}")
    if start < date.fromisoformat(START_DATE):
        raise UserError(f"--start {start} is before the first partition {START_DATE}: set INC_PARTITIONS_START")


def selection_of(select: str | None) -> AssetSelection:
    """Asset names or group names, comma-separated; everything when empty."""
    if not select:
        return AssetSelection.all()
    names = [s.strip() for s in select.split(",") if s.strip()]
    return AssetSelection.assets(*[n for n in names if "/" not in n]) | AssetSelection.groups(*names)


def run_range(start: date, end: date, *, select: str | None = None, raise_on_error: bool = False) -> int:
    """Materialize the selection for the days start..end (inclusive) in one run; 0 on success."""
    from inc_pipeline.definitions import defs

    from .instance import dagster_instance

    check_range(start, end)
    assets = list(defs.assets or [])
    resources = dict(defs.resources or {})
    _preflight(resources)
    result = materialize(
        assets,
        instance=dagster_instance(),
        resources=resources,
        selection=selection_of(select),
        tags={RANGE_START_TAG: start.isoformat(), RANGE_END_TAG: end.isoformat(), "inc/launched_by": "cli"},
        raise_on_error=raise_on_error,
    )
    if not result.success:
        raise UserError(_first_failure(result))
    print(f"inc-pipeline run: {start}..{end} done (run {result.run_id[:8]})", file=sys.stderr)
    return 0


def _preflight(resources: dict) -> None:
    """Fail before launching when a required setting is missing, with the one-line message."""
    from inc_pipeline.defs.resources import MissingSettingError

    try:
        resources["settings"].pii_key_bytes()
        if not resources["inc_api"].api_key and resources["inc_api"].base_url != "simulator":
            raise MissingSettingError(
                "INC_API_KEY is not set: export your INC Cloud key (see .env.example), or try `inc-pipeline demo`"
            )
    except MissingSettingError as exc:
        raise UserError(str(exc)) from None


def _first_failure(result) -> str:
    """The first step failure's own message, on one line (our errors never carry the key)."""
    for event in result.all_events:
        if event.is_step_failure:
            error = event.step_failure_data.error
            while error.cause is not None and error.cls_name in ("DagsterExecutionStepExecutionError",):
                error = error.cause
            message = error.message.strip().splitlines()[-1] if error.message else error.cls_name
            return f"{event.step_key}: {message}"
    return "the run failed; see `dagster dev` for its logs"
