"""Which requests an endpoint needs for a set of days: the one place that fans requests out.

Every endpoint is planned by the same code from its catalog entry (scope, cadence, window span and limit, batch
size), so the Dagster assets, the `plan` command and the benchmarks agree on what a backfill costs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from inc_pipeline import clock
from inc_pipeline.catalog import Endpoint, Period, Scope, Span, StatRange
from inc_pipeline.catalog.ranges import range_days, range_table
from inc_pipeline.days import contiguous_runs, day_range
from inc_pipeline.landing.normalise import period_start_of


@dataclass(frozen=True)
class Target:
    """What one request is about: the context columns it gives its rows."""

    site_id: str | None = None
    dev_sn: str | None = None
    ap_sn: str | None = None
    ssid: str | None = None
    dev_type: str = ""  # the device's devType ("" unknown: asked every device endpoint)


@dataclass(frozen=True)
class Request:
    """One request to plan, run and describe: its parameters, its window, and the rows' context."""

    endpoint: Endpoint
    params: dict
    context: dict
    window: tuple[int, int] | None  # half-open [start_ms, end_ms)
    partition_date: date | None  # None: rows are routed to days by their own time (`series_time_field`)


@dataclass(frozen=True)
class Targets:
    """Everything site- and device-scoped requests can be about, read from the landed snapshots."""

    sites: tuple[str, ...] = ()
    devices: tuple[Target, ...] = ()  # site_id + dev_sn
    aps: tuple[Target, ...] = ()  # site_id + dev_sn + ap_sn
    ssids: tuple[Target, ...] = ()  # site_id + dev_sn + ssid
    user: str = ""
    extras: dict = field(default_factory=dict)


def day_start_ms(day: date, tz: str = "UTC") -> int:
    """Midnight of `day` in the partitions' time zone, in ms epoch (default UTC, as the manual's times are)."""
    return int(datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(tz)).timestamp() * 1000)


def windows_for(endpoint: Endpoint, days: Sequence[date], tz: str = "UTC") -> list[tuple[tuple[int, int], date | None]]:
    """The request windows for `days`: one per day (`Span.DAY`), or one per contiguous run of days (`Span.RUN`),
    cut at the window limit when the manual states one (auth history: 168 h).

    A run's rows go to their days by their own time, which the API gives in UTC: with partitions in another
    time zone a day's rows would not be the API's day, so every endpoint then asks one day per request, except
    weeks and months, whose rows name their period. The reports (`api_periods`) are asked on UTC boundaries
    whatever the zone: a report row is the API's figure for its own UTC day, week or month, and a window of local
    days would be answered as parts of two (docs/warehouse.md, "Day boundaries and local time").
    """
    window = endpoint.window
    named_periods = endpoint.series_period in (Period.WEEK, Period.MONTH)  # routed by the period's name, not by UTC
    zone = "UTC" if endpoint.api_periods else tz
    if window is None or window.span is Span.DAY or (zone != "UTC" and not named_periods):
        return [((day_start_ms(d, zone), day_start_ms(d + timedelta(days=1), zone)), d) for d in sorted(set(days))]
    from inc_pipeline.client import split_window

    windows: list[tuple[tuple[int, int], date | None]] = []
    for first, last in _whole_periods(endpoint, contiguous_runs(days)):
        start, end = day_start_ms(first, zone), day_start_ms(last + timedelta(days=1), zone)
        pieces = split_window(start, end, window.max_hours) if window.max_hours else [(start, end)]
        windows += [((lo, hi), None) for lo, hi in pieces]
    return windows


def _whole_periods(endpoint: Endpoint, runs: list[tuple[date, date]]) -> list[tuple[date, date]]:
    """Runs of days, each widened back to the start of its first week or month for an endpoint whose rows are
    weeks or months: a week is then asked whole, whatever reading of the window the server has (only periods
    that end in it, or every one that overlaps it, with figures for the part asked)."""
    period = endpoint.series_period
    if period not in (Period.WEEK, Period.MONTH):
        return runs
    return contiguous_runs(day for first, last in runs for day in day_range(period_start_of(first, period), last))



def snapshot_window(endpoint: Endpoint, now: datetime) -> tuple[int, int] | None:
    """'Current' statistics still require a window: today so far (this week so far for the weekly one)."""
    if endpoint.window is None:
        return None
    today = now.astimezone(UTC).date()
    start_day = today - timedelta(days=today.weekday()) if "week" in endpoint.id else today
    return day_start_ms(start_day), int(now.timestamp() * 1000) + 1


def _batches(items: Sequence, size: int) -> Iterator[Sequence]:
    for i in range(0, len(items), max(size, 1)):
        yield items[i : i + size]


def _site_value(endpoint: Endpoint, site_id: str):
    """Site ids travel as numbers where the manual types them as digits (auth history), else as text."""
    return int(site_id) if endpoint.site_field == "shop_id" and site_id.isdigit() else site_id


def _scoped(endpoint: Endpoint, targets: Targets) -> Iterator[tuple[dict, dict]]:
    """(request fields, row context) per call, following the endpoint's scope and batch size."""
    scope = endpoint.scope
    if scope is Scope.ACCOUNT:
        yield {}, {}
    elif scope is Scope.SITE_BATCH:
        for batch in _batches(targets.sites, endpoint.batch_size):
            # A batch of one site names it, for records that do not (a one-site report's records may not).
            yield (
                {endpoint.site_field: [_site_value(endpoint, s) for s in batch]},
                ({"site_id": batch[0]} if len(batch) == 1 else {}),
            )
    elif scope is Scope.SITE:
        for site in targets.sites:
            yield {endpoint.site_field: [_site_value(endpoint, site)]}, {"site_id": site}
    elif scope is Scope.DEVICE:
        for dev in (d for d in targets.devices if endpoint.answers(d.dev_type)):
            yield {endpoint.device_field: dev.dev_sn}, {"site_id": dev.site_id, "dev_sn": dev.dev_sn}
    elif scope is Scope.DEVICE_BATCH:
        for batch in _batches(targets.devices, endpoint.batch_size):
            yield {endpoint.device_field: [d.dev_sn for d in batch]}, {}
    elif scope is Scope.AP:
        for ap in targets.aps:
            yield {endpoint.device_field: ap.dev_sn, "apsn": ap.ap_sn}, {
                "site_id": ap.site_id, "dev_sn": ap.dev_sn, "ap_sn": ap.ap_sn,
            }  # fmt: skip
    elif scope is Scope.SSID:
        for s in targets.ssids:
            param = {"shopId": s.site_id, "devSN": s.dev_sn, "SSID": s.ssid}
            yield {"param": param}, {"site_id": s.site_id, "dev_sn": s.dev_sn, "ssid": s.ssid}


def plan_requests(
    endpoint: Endpoint,
    targets: Targets,
    *,
    days: Sequence[date] = (),
    now: datetime | None = None,
    tz: str = "UTC",
) -> list[Request]:
    """Every request `endpoint` needs: for `days` (window endpoints) or for `now` (snapshots)."""
    from inc_pipeline.client import window_params

    base = _fixed_params(endpoint, targets)
    if endpoint.is_windowed:
        windows = windows_for(endpoint, days, tz)
    else:
        now = now or clock.now()
        windows = [(snapshot_window(endpoint, now), now.astimezone(UTC).date())]
    requests = []
    for window, partition_date in windows:
        timing = window_params(endpoint, *window) if window else {}
        for fields, context in _scoped(endpoint, targets):
            params = {**base, **fields, **timing}
            requests.append(Request(endpoint, params, context, window, partition_date))
    return requests


def _fixed_params(endpoint: Endpoint, targets: Targets, replaced: dict | None = None) -> dict:
    """The fields every request of `endpoint` sends: its fixed ones (some `replaced`) and the account's user."""
    params = {**endpoint.fixed_params, **(replaced or {})}
    if endpoint.needs_user:
        params["user"] = targets.user
    return params


def plan_range_requests(
    endpoint: Endpoint, targets: Targets, *, days: Sequence[date] = (), kinds: Sequence[StatRange] = ()
) -> list[Request]:
    """The requests of `endpoint`'s ranges (those of its `ranges` among `kinds`, INC_STAT_RANGES) for a run of
    `days`: one per site and range, over the range's UTC days, landing in the range table's partition of the
    range's last day with the range as context (catalog/ranges.py says which ranges a run asks).

    The ranges follow the API's own UTC days whatever INC_TIMEZONE: a range is the API's answer for those days,
    which no zone's days could re-cut (as the reports, `api_periods`)."""
    from inc_pipeline.client import window_params

    chosen = [kind for kind in endpoint.ranges if kind in kinds]
    if not chosen or not endpoint.is_windowed:
        return []
    table = range_table(endpoint)
    requests = []
    for span in range_days(days, chosen):
        window = (day_start_ms(span.start), day_start_ms(span.end + timedelta(days=1)))
        base = _fixed_params(endpoint, targets, endpoint.month_params if span.whole_month else None)
        timing = window_params(endpoint, *window)
        for fields, context in _scoped(endpoint, targets):
            params = {**base, **fields, **timing}
            requests.append(Request(table, params, {**context, **span.context()}, window, span.end))
    return requests
