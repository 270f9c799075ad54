"""The daily partitions every window endpoint shares.

The partition layout is part of the definitions themselves (Dagster must know it before any run), so it is the
one setting read when the definitions load: INC_PARTITIONS_START and INC_TIMEZONE (not secrets).
"""

import os

from dagster import DailyPartitionsDefinition

TIMEZONE = os.environ.get("INC_TIMEZONE", "UTC")  # the manual's times are UTC
START_DATE = os.environ.get("INC_PARTITIONS_START", "2025-01-01")

DAILY = DailyPartitionsDefinition(start_date=START_DATE, timezone=TIMEZONE)

RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"


def range_tags(first: str, last: str) -> dict[str, str]:
    """Run tags making one run cover the daily partitions first..last (the single-run backfill policy)."""
    return {RANGE_START_TAG: first, RANGE_END_TAG: last}
