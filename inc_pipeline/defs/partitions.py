"""The daily partitions every window endpoint shares.

The partition layout is part of the definitions themselves (Dagster must know it before any run), so it is the
one setting read when the definitions load: INC_PARTITIONS_START and INC_TIMEZONE (not secrets).
"""

import os

from dagster import DailyPartitionsDefinition

from inc_pipeline import clock
from inc_pipeline.days import iso_day
from inc_pipeline.errors import UserError


def _timezone() -> str:
    name = os.environ.get("INC_TIMEZONE", "").strip() or "UTC"  # the manual's times are UTC
    if not clock.is_zone(name):
        raise UserError(f"INC_TIMEZONE={name!r} is not a time zone: use an IANA name such as UTC (recommended) "
                        "or America/Sao_Paulo")  # fmt: skip
    return name


def _start_date() -> str:
    text = os.environ.get("INC_PARTITIONS_START", "").strip() or "2025-01-01"
    try:
        iso_day(text)
    except ValueError:
        raise UserError(f"INC_PARTITIONS_START={text!r} is not a date: use YYYY-MM-DD, e.g. 2025-01-01") from None
    return text


TIMEZONE = _timezone()
START_DATE = _start_date()

DAILY = DailyPartitionsDefinition(start_date=START_DATE, timezone=TIMEZONE)

RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"


def range_tags(first: str, last: str) -> dict[str, str]:
    """Run tags making one run cover the daily partitions first..last (the single-run backfill policy)."""
    return {RANGE_START_TAG: first, RANGE_END_TAG: last}
