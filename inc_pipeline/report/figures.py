"""What the report shows, read from the published warehouse (read-only): the figures of one scope (the account's
sites together, or one site) over a range of UTC days, as the marts hold them.

A figure over several sites or days is a sum or a mean of mart values, named as such on the page; nothing is
rescaled or recomputed from the lake.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb

from inc_pipeline.days import contiguous_runs, day_range
from inc_pipeline.errors import UserError

# The daily marts whose days the completeness banner counts (hours: a day with any hour of guest_hourly).
COVERAGE_MARTS = {
    "guest_daily": "date",
    "dwell_daily": "date",
    "vendor_daily": "date",
    "guest_hourly": "cast(hour as date)",
}
DWELL_BUCKETS = ("dwell_lt_5m", "dwell_5_30m", "dwell_30_120m", "dwell_gte_120m")

# One query per chart; {scope} is the sites' filter, $start and $end the range's first and last day.
GUESTS = """
    select date, cast(sum(new_guests) as bigint) as new_guests, cast(sum(regular_guests) as bigint) as regular_guests,
           cast(sum(total_guests) as bigint) as total_guests
    from marts.guest_daily where {scope} and date between $start and $end
    group by date order by date
"""
VENDORS = """
    select date, vendor, cast(sum(clients) as bigint) as clients
    from marts.vendor_daily where {scope} and date between $start and $end
    group by all order by date, vendor
"""
# The account's clients of an hour are its sites' summed; the cell is their mean over the range's weeks.
HOUR_OF_WEEK = """
    with per_hour as (
        select hour, sum(clients) as clients from marts.guest_hourly
        where {scope} and hour >= $start and hour < $end + 1 group by hour
    )
    select isodow(hour) as weekday, hour(hour) as hour_of_day, avg(clients) as avg_clients
    from per_hour group by all order by weekday, hour_of_day
"""
AUTHENTICATIONS = """
    select cast(session_start as date) as date, auth_type, count(*) as sessions
    from marts.auth_sessions where {scope} and session_start >= $start and session_start < $end + 1
    group by all order by date, auth_type
"""


@dataclass(frozen=True)
class Site:
    site_id: str
    name: str


@dataclass(frozen=True)
class Build:
    """meta.current_build: which build the report read."""

    version: int
    built_at: datetime
    source_label: str


@dataclass(frozen=True)
class Coverage:
    """Days of the range a mart has rows for, for every site of the scope."""

    mart: str
    covered: int
    days: int
    missing: list[tuple[date, date]]  # runs of consecutive missing days


@dataclass(frozen=True)
class Totals:
    total_guests: int
    new_guests: int
    regular_guests: int
    mean_avg_dwell_s: float | None  # mean of dwell_daily.avg_dwell_s over the site-days
    authentications: int
    top_vendor: str | None


@dataclass(frozen=True)
class Figures:
    """One scope's figures: rows of plain values (dates as ISO text) ready for a chart."""

    totals: Totals
    coverage: list[Coverage]
    guests: list[dict]  # date, new_guests, regular_guests, total_guests
    dwell: list[dict]  # date, bucket, clients
    vendors: list[dict]  # date, vendor, clients
    hour_of_week: list[dict]  # weekday (1 = Monday), hour_of_day, avg_clients
    authentications: list[dict]  # date, auth_type, sessions


def open_warehouse(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the published warehouse, in UTC (the marts' days and hours are UTC)."""
    if not path.is_file():
        raise UserError(f"no warehouse at {path} yet: build one with inc-pipeline run --start ... --end ... "
                        "(or try inc-pipeline demo)")  # fmt: skip
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        reason = str(exc).splitlines()[0]
        raise UserError(f"the warehouse {path} does not open ({reason}): rebuild it with inc-pipeline run "
                        "--start ... --end ... --select warehouse") from None  # fmt: skip
    con.execute("set TimeZone = 'UTC'")
    return con


def current_build(con: duckdb.DuckDBPyConnection) -> Build:
    version, built_at, label = con.execute("select version, built_at, source_label from meta.current_build").fetchone()
    return Build(version, built_at, label)


def sites(con: duckdb.DuckDBPyConnection) -> list[Site]:
    """Every site with a name (marts.sites) or with guests (marts.guest_daily), by id."""
    rows = con.execute("""
        select site_id, coalesce(max(site_name), site_id)
        from (select site_id, site_name from marts.sites
              union all select distinct site_id, null from marts.guest_daily)
        group by site_id order by site_id
    """).fetchall()  # fmt: skip
    return [Site(site_id, name) for site_id, name in rows]


def default_range(con: duckdb.DuckDBPyConnection, site_ids: list[str]) -> tuple[date | None, date | None]:
    """The first and last day of guest_daily for these sites (None, None when it has none)."""
    return con.execute("select min(date), max(date) from marts.guest_daily where list_contains(?, site_id)",
                       [site_ids]).fetchone()  # fmt: skip


def figures(con: duckdb.DuckDBPyConnection, site_ids: list[str], start: date, end: date) -> Figures:
    """The figures of the sites together (one site: that site's own) from `start` to `end`, both included."""
    params = {"sites": site_ids, "start": start, "end": end}
    guests = _rows(con, GUESTS, params)
    return Figures(
        totals=_totals(con, params, guests),
        coverage=[_coverage(con, mart, day, params) for mart, day in COVERAGE_MARTS.items()],
        guests=guests,
        dwell=_dwell(con, params),
        vendors=_rows(con, VENDORS, params),
        hour_of_week=_rows(con, HOUR_OF_WEEK, params),
        authentications=_rows(con, AUTHENTICATIONS, params),
    )


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: dict) -> list[dict]:
    """Rows as dicts of plain values; days as ISO text, so a chart reads them as the UTC days they are."""
    cursor = con.execute(sql.format(scope="list_contains($sites, site_id)"), params)
    names = [column[0] for column in cursor.description]
    return [{n: v.isoformat() if isinstance(v, date) else v for n, v in zip(names, row, strict=True)}
            for row in cursor.fetchall()]  # fmt: skip


def _dwell(con: duckdb.DuckDBPyConnection, params: dict) -> list[dict]:
    """Clients per dwell bucket and day, one row per bucket (the page keeps the buckets in their order)."""
    sums = ", ".join(f"cast(sum({b}) as bigint) as {b}" for b in DWELL_BUCKETS)
    days = _rows(con, f"""
        select date, {sums} from marts.dwell_daily
        where {{scope}} and date between $start and $end group by date order by date
    """, params)  # fmt: skip
    return [{"date": d["date"], "bucket": b, "clients": d[b]} for d in days for b in DWELL_BUCKETS
            if d[b] is not None]  # fmt: skip


def _totals(con: duckdb.DuckDBPyConnection, params: dict, guests: list[dict]) -> Totals:
    (dwell,) = _rows(con, "select avg(avg_dwell_s) as s from marts.dwell_daily "
                          "where {scope} and date between $start and $end", params)  # fmt: skip
    (auth,) = _rows(con, "select count(*) as n from marts.auth_sessions where {scope} "
                         "and session_start >= $start and session_start < $end + 1", params)  # fmt: skip
    top = _rows(con, "select vendor from marts.vendor_daily where {scope} and date between $start and $end "
                     "group by vendor order by sum(clients) desc, vendor limit 1", params)  # fmt: skip
    return Totals(
        total_guests=sum(g["total_guests"] or 0 for g in guests),
        new_guests=sum(g["new_guests"] or 0 for g in guests),
        regular_guests=sum(g["regular_guests"] or 0 for g in guests),
        mean_avg_dwell_s=dwell["s"],
        authentications=auth["n"],
        top_vendor=top[0]["vendor"] if top else None,
    )


def _coverage(con: duckdb.DuckDBPyConnection, mart: str, day_sql: str, params: dict) -> Coverage:
    """A day is covered when every site of the scope has a row of `mart` that day."""
    rows = _rows(con, f"""
        select {day_sql} as day from marts.{mart}
        where {{scope}} and {day_sql} between $start and $end
        group by all having count(distinct site_id) = len($sites)
    """, params)  # fmt: skip
    covered = {date.fromisoformat(r["day"]) for r in rows}
    days = day_range(params["start"], params["end"])
    return Coverage(mart, len(covered), len(days), contiguous_runs(d for d in days if d not in covered))
