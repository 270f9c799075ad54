"""The daily partitions every window endpoint shares.

The partition layout is part of the definitions themselves (Dagster must know it before any run), so it is the
one setting read when the definitions load: INC_PARTITIONS_START (or INC_HISTORY_DAYS) and INC_TIMEZONE (not
secrets).

The partitions start where the account's history does: the manual states no retention, so how far back an account
keeps its history is a setting, INC_HISTORY_DAYS (default 365). The first partition is the first day of the month
that many days before today, so partition keys stay the same for a month at a time and `dagster dev` does not show
years of days no request could fill. INC_PARTITIONS_START names a first day instead (a backfill further back).
"""

import os
from datetime import date, timedelta

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


DEFAULT_HISTORY_DAYS = 365


def _start_date() -> str:
    text = os.environ.get("INC_PARTITIONS_START", "").strip()
    if not text:
        return history_start(clock.today(), _history_days()).isoformat()
    try:
        iso_day(text)
    except ValueError:
        raise UserError(f"INC_PARTITIONS_START={text!r} is not a date: use YYYY-MM-DD, e.g. 2025-01-01") from None
    return text


def _history_days() -> int:
    text = os.environ.get("INC_HISTORY_DAYS", "").strip()
    if not text:
        return DEFAULT_HISTORY_DAYS
    if not text.isdigit() or int(text) < 1:
        raise UserError(f"INC_HISTORY_DAYS={text!r} is not a number of days: set how far back the account keeps "
                        f"its history, e.g. {DEFAULT_HISTORY_DAYS}, or unset it")  # fmt: skip
    return int(text)


def history_start(today: date, history_days: int) -> date:
    """The first partition: the first day of the month `history_days` before `today`."""
    return (today - timedelta(days=history_days)).replace(day=1)


TIMEZONE = _timezone()
START_DATE = _start_date()

DAILY = DailyPartitionsDefinition(start_date=START_DATE, timezone=TIMEZONE)

RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"


def range_tags(first: str, last: str) -> dict[str, str]:
    """Run tags making one run cover the daily partitions first..last (the single-run backfill policy)."""
    return {RANGE_START_TAG: first, RANGE_END_TAG: last}
