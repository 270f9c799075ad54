"""Run planned requests: page by page, validate, protect personal data, and land Parquet atomically.

Memory is bounded by about one full page: pages are normalised one by one, and validated and streamed to the
partition writer together, up to `BATCH_ROWS` rows at a time (many answers are a single record); the writer
commits (renames) when every request has been asked. A request that fails on its own (a device that refuses,
an answer still broken after the client's retries) is reported as a failed unit and the others land: each
partition is replaced by unit (`units.py`), so the failed unit keeps the rows it had.
"""

from __future__ import annotations

import sys
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd
from tqdm import tqdm

from inc_pipeline import clock
from inc_pipeline.catalog import Endpoint
from inc_pipeline.client import ApiError, Page, QuotaExhaustedError
from inc_pipeline.crash import crash_point
from inc_pipeline.landing.allocation import keep_freed_memory
from inc_pipeline.landing.archive import Archive
from inc_pipeline.landing.lake import Lake
from inc_pipeline.landing.normalise import to_frame
from inc_pipeline.landing.privacy import DEFAULT_POLICY, client_identifiers, personal_columns, protect
from inc_pipeline.landing.rules import coverage_columns
from inc_pipeline.landing.schemas import expected_columns
from inc_pipeline.landing.validate import validate

from .batch import Batch
from .cleanup import landing_table
from .plan import Request
from .units import UnitFailure, day_of_ms, is_unit_failure, request_days, unit_columns, unit_keys

BATCH_ROWS = 5_000  # rows landed at once: the largest page the API serves (auth history)
# Transient failures of this many requests in a row (each after the client's retries) mean the API is down, not
# one target: the endpoint stops with the last of them instead of asking every remaining target in vain.
OUTAGE_AFTER_FAILURES = 5


@dataclass
class LandingReport:
    """What one extraction did, for Dagster metadata and the CLI."""

    endpoint_id: str
    rows: Counter = field(default_factory=Counter)  # landed rows per partition date
    quarantined: Counter = field(default_factory=Counter)
    duplicates_dropped: int = 0
    requests: int = 0
    pages: int = 0
    unknown_fields: set = field(default_factory=set)
    missing_fields: set = field(default_factory=set)
    windows: list = field(default_factory=list)
    preview: pd.DataFrame | None = None
    leftovers_removed: int = 0  # temporary files of killed landings of this table, removed before this one
    units_landed: list[Request] = field(default_factory=list)  # requests whose every page landed
    units_failed: list[UnitFailure] = field(default_factory=list)  # requests that failed on their own
    units_unasked: list[Request] = field(default_factory=list)  # not asked: the quota ran out or the run stopped
    deferred: QuotaExhaustedError | None = None  # the quota ran out: what landed before it is kept
    stopped: bool = False  # the run was stopped (Ctrl-C) before every request was asked: what landed is kept
    rows_carried: int = 0  # rows of units not landed this time, kept in re-landed partitions

    @property
    def rows_landed(self) -> int:
        return sum(self.rows.values())

    @property
    def rows_quarantined(self) -> int:
        return sum(self.quarantined.values())


@dataclass(frozen=True)
class LandingOptions:
    """How rows are landed: personal-data policy and key, raw-answer archive."""

    pii_key: bytes
    pii_policy: str = DEFAULT_POLICY
    archive: bool = False


def land_requests(
    client,
    endpoint: Endpoint,
    requests: Sequence[Request],
    lake: Lake,
    options: LandingOptions,
    *,
    partition_dates: Sequence[date] = (),
    stop: threading.Event | None = None,
) -> LandingReport:
    """Fetch every request's pages and land them; `partition_dates` are replaced (by unit) even when they get no
    rows. A request that fails on its own is in the report's `units_failed`; the others land. When `stop` is set
    (the run was interrupted), no further request is asked and what was fetched lands, as when the quota runs out."""
    archive = Archive(lake.root) if options.archive else None
    outcomes = LandingReport(endpoint.id)

    def fetched() -> Iterator[tuple[Request, Page]]:
        outage, transient = 0, None
        for number, request in enumerate(_progress(endpoint, requests, partition_dates)):
            if stop is not None and stop.is_set():
                outcomes.stopped, outcomes.units_unasked = True, list(requests[number:])
                return
            try:
                for page in client.iter_pages(endpoint, request.params):
                    crash_point("page")
                    if archive is not None:
                        for day in _archive_days(request, partition_dates):
                            archive.write(endpoint.id, day, request.params, page.raw)
                    yield request, page
            except QuotaExhaustedError as spent:
                # The day's quota is spent: what landed stays, the rest waits for the next quota day.
                outcomes.deferred, outcomes.units_unasked = spent, list(requests[number:])
                return
            except ApiError as error:
                if not is_unit_failure(error):
                    raise
                outcomes.units_failed.append(UnitFailure(request, error.code, error.message))
                outage, transient = (outage + 1, error) if error.transient else (0, transient)
                if outage >= OUTAGE_AFTER_FAILURES:
                    raise
                continue
            outage = 0
            outcomes.units_landed.append(request)
        if transient is not None and not outcomes.units_landed:
            raise transient  # nothing answered and something may answer later: an outage, for the retry policy

    return land_pages(endpoint, fetched(), lake, options, partition_dates=partition_dates, outcomes=outcomes)


def land_pages(
    endpoint: Endpoint,
    pages: Iterable[tuple[Request, Page]],
    lake: Lake,
    options: LandingOptions,
    *,
    partition_dates: Sequence[date] = (),
    only_partition_dates: bool = False,
    outcomes: LandingReport | None = None,
) -> LandingReport:
    """Land (request, page) pairs, from the API or from the raw archive (replay), through one path:
    normalise, validate, protect, stream to the partition writer; commit only when every page is in.
    `only_partition_dates`: rows (and quarantined rows) of other days are left out instead of refused, for a
    replay of answers that cover more days than the ones being re-landed.
    `outcomes`: the report `land_requests` fills with each request's fate as the pages are read; with it,
    partitions are replaced by unit, and it is the report returned."""
    report = outcomes if outcomes is not None else LandingReport(endpoint.id)
    keep_freed_memory()  # a page's buffers reused by the next, not mapped afresh: see landing/allocation.py
    # The table's lock, held while its files are written, tells a killed landing's temporary files from ours.
    with landing_table(lake.root, endpoint.id) as removed:
        report.leftovers_removed = len(removed)
        _land_all(endpoint, pages, lake, options, partition_dates, report, only_partition_dates, outcomes is not None)
    return report


def _land_all(
    endpoint, pages, lake: Lake, options, partition_dates, report: LandingReport, only_partition_dates, per_unit
):
    extracted_at = clock.now()
    quarantine: dict[date, list[pd.DataFrame]] = {}
    columns = landed_columns(endpoint, options.pii_policy)
    outside = "skip" if only_partition_dates else "accept" if coverage_columns(endpoint) else "refuse"
    by_unit = unit_columns(endpoint) if per_unit else None
    ordinal_of: dict[int, int] = {}  # id(request) -> its number in this landing
    with lake.partition_writer(
        endpoint.id, columns, dates=partition_dates, outside=outside, unit_columns=by_unit
    ) as writer:
        batch = Batch(endpoint)

        def land() -> None:
            _land_batch(endpoint, batch, writer, quarantine, report, options, columns)

        previous, furthest = None, None
        for request, page in pages:
            if request is not previous:
                report.requests += 1
                ordinal_of[id(request)] = report.requests
                report.windows.append(request.window)
                previous = request
                if batch.windowed and request.window is not None and (furthest is None or request.window[0] > furthest):
                    # The windows move forward through time: the days well before this one are done, and their
                    # files can be closed (one open Parquet writer per day held a 30-day run's memory up).
                    land()
                    furthest = request.window[0]
                    writer.finish_before(day_of_ms(furthest) - timedelta(days=1))  # a day's margin: time zones
            report.pages += 1
            if not page.records:
                continue  # no rows, no drift (an empty answer says nothing about missing fields)
            if batch.rows + len(page.records) > BATCH_ROWS:
                land()  # before normalising the page, so that memory never holds more rows than the budget
            normalised = to_frame(
                endpoint, page.records, context=request.context, partition_date=request.partition_date,
                extracted_at=extracted_at, columns=columns, window=request.window,
            )  # fmt: skip
            if not batch.joins(normalised.frame, request):
                land()
            batch.add(normalised, request, report.requests)
            if batch.rows >= BATCH_ROWS:
                land()
        land()
        if writer.units is not None:
            _record_units(writer.units, report, ordinal_of)
        replaced = writer.commit()
    # What landed is what the writer kept: it also drops a key repeated on a later page (the API's page overlap).
    report.rows = Counter(replaced)
    report.duplicates_dropped += writer.duplicates_dropped
    report.rows_carried = sum(writer.units.carried.values()) if writer.units is not None else 0
    # A re-landed day's quarantine is replaced too: an empty one removes the rows an earlier run set aside.
    if only_partition_dates:
        wanted = set(partition_dates)
        quarantine = {day: frames for day, frames in quarantine.items() if day in wanted}
    for day in set(replaced) | set(quarantine):
        frames = quarantine.get(day)
        lake.write_quarantine(endpoint.id, day, pd.concat(frames, ignore_index=True) if frames else pd.DataFrame())


def _record_units(units, report: LandingReport, ordinal_of: dict[int, int]) -> None:
    """Tell the writer which units landed (and on which days) and which failed, before it commits."""
    for request in report.units_landed:
        units.unit_landed(unit_keys(request), request_days(request), ordinal_of.get(id(request)))
    for request in report.units_unasked:
        units.unit_failed(unit_keys(request), request_days(request), ordinal_of.get(id(request)))
    for failure in report.units_failed:
        request = failure.request
        units.unit_failed(unit_keys(request), request_days(request), ordinal_of.get(id(request)))


def _progress(endpoint: Endpoint, requests: Sequence[Request], days: Sequence[date]):
    """The requests behind a progress bar on stderr (per endpoint and days); silent when stderr is no terminal."""
    span = f" {min(days)}..{max(days)}" if len(days) > 1 else f" {days[0]}" if days else ""
    return tqdm(
        requests, desc=f"{endpoint.id}{span}", unit="req", leave=False,
        disable=not sys.stderr.isatty(), file=sys.stderr,
    )  # fmt: skip


def landed_columns(endpoint: Endpoint, pii_policy: str) -> list[str]:
    """The landed table's columns: all the schema's, less personal ones when the policy drops them."""
    columns = expected_columns(endpoint)
    if pii_policy == "drop":
        dropped = set(personal_columns(endpoint)) - set(client_identifiers(endpoint))
        columns = [c for c in columns if c not in dropped]
    return columns


def _archive_days(request: Request, partition_dates: Sequence[date]) -> list[date]:
    """The days an answer is archived under: its partition, or every day its window covers (a ranged request),
    so that `replay` of any one of those days finds it (and keeps only that day's rows)."""
    days = request_days(request)
    if request.partition_date is not None:
        return days
    wanted = set(partition_dates)
    return [d for d in days if d in wanted] if wanted else days


def _archive_day(request: Request) -> date:
    if request.partition_date is not None:
        return request.partition_date
    return day_of_ms(request.window[0])


def _land_batch(endpoint, batch: Batch, writer, quarantine, report: LandingReport, options, columns) -> None:
    if not batch.frames:
        return
    # Without an in-window rule the schema does not depend on the window: one schema for every batch.
    window = batch.requests[0].window if batch.windowed else None
    result = validate(endpoint, batch.frame(), window=window, columns=columns)  # the columns that land: see `to_frame`
    report.unknown_fields |= result.drift.unknown_fields
    report.missing_fields |= result.drift.missing_fields
    report.duplicates_dropped += result.duplicates_dropped
    good = protect(endpoint, result.good, policy=options.pii_policy, key=options.pii_key)
    page_of_row = np.repeat(np.arange(len(batch.frames)), [len(page) for page in batch.frames])
    ordinals = [batch.ordinals[page] for page in page_of_row[list(result.good_source_rows)].tolist()]
    writer.add(good, requests=ordinals)
    if len(result.quarantined):
        bad = protect(endpoint, result.quarantined, policy=options.pii_policy, key=options.pii_key)
        # A row whose own date could not be read is filed under its request's first day.
        pages = page_of_row[bad["source_row"].to_numpy(dtype=np.int64)].tolist()
        first_days = {page: _archive_day(batch.requests[page]) for page in set(pages)}
        fallback = pd.Series([first_days[page] for page in pages], index=bad.index, dtype=object)
        for day, rows in bad.groupby(bad["partition_date"].fillna(fallback), dropna=False):
            quarantine.setdefault(day, []).append(rows)
            report.quarantined[day] += int(rows["source_row"].nunique())  # rows, not lines (one per failed check)
    if report.preview is None and len(good):
        report.preview = good.head(5)
    batch.clear()
