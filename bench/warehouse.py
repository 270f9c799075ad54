"""Warehouse build: a year of 20 sites (10,000,000 landed auth rows) built in full, then a daily incremental run
with a year of history against one with a week (target: flat within 20 %).

The lake is real landed data, replicated. The real pipeline (every endpoint asset, one Dagster run) lands one week
(Monday to Sunday, holding a month end) of a 20-site simulator; DuckDB then copies each table's landed rows into
a year of daily partitions with the same columns, types, directories and file names: history partitions from the
sample day of the same weekday (dates, epoch-ms times and date strings shifted by whole weeks, so weekly reports
still land on Sundays and session keys stay unique), monthly reports on each month's last day, snapshots (landed
under the extraction day) on every day. Auth history is cut to 10,000,000 rows over the year.
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
from datetime import date, timedelta
from pathlib import Path

from .common import Measured, measure, record

SITES = 20
AUTH_ROWS = 10_000_000
SAMPLE_FIRST, SAMPLE_LAST = date(2026, 10, 26), date(2026, 11, 1)  # Monday .. Sunday; 10-31 is a month end
YEAR = [SAMPLE_LAST - timedelta(days=364 - i) for i in range(365)]  # 2025-11-02 .. 2026-11-01
NEW_DAY = SAMPLE_LAST + timedelta(days=1)  # the daily run's day (a Monday)
WEEK = YEAR[-7:]
REPEATS = 5
LABEL = "http://bench"
PART = "part-0.parquet"


def run() -> str:
    with tempfile.TemporaryDirectory(prefix="bench-warehouse-") as tmp:
        root = Path(tmp)
        sample = measure("bench.warehouse:land_sample", data_dir=str(root / "sample"))
        prepared = measure("bench.warehouse:synthesise", sample_dir=str(root / "sample"), out_dir=str(root))
        full = measure("bench.warehouse:full_build", data_dir=str(root / "year"))
        full_week = measure("bench.warehouse:full_build", data_dir=str(root / "week"))
        disk = _disk_mib(root / "year" / "lake"), _disk_mib(root / "year" / "warehouse.duckdb")
        daily, answered = _daily_runs(root)
    return _report(sample, prepared, full, full_week, daily, disk, answered)


def _daily_runs(root: Path) -> tuple[dict[str, list[Measured]], bool]:
    """Add the new day's partitions to both lakes, then time the daily build from the same published state.

    Returns the runs and whether every run's marts for the new day equal the landed answers for it."""
    for history in ("year", "week"):
        _link_tree(root / "new_day" / "lake", root / history / "lake")
        shutil.copyfile(root / history / "warehouse.duckdb", root / history / "base.duckdb")
    runs: dict[str, list[Measured]] = {"year": [], "week": []}
    expected, answered = _landed_answers(root / "new_day" / "lake"), True
    for _ in range(REPEATS):
        for history in runs:  # interleaved, so a noisy minute hits both
            shutil.copyfile(root / history / "base.duckdb", root / history / "warehouse.duckdb")
            runs[history].append(measure("bench.warehouse:daily_build", data_dir=str(root / history), day=NEW_DAY))
            answered = answered and _new_day_marts(root / history) == expected
    return runs, answered


def _landed_answers(lake: Path) -> tuple:
    """The API's guest counts per site and the sessions it returned, as landed for the new day."""
    import duckdb

    day = f"date={NEW_DAY.isoformat()}/{PART}"
    with duckdb.connect() as con:
        guests = con.execute(
            f"select site_id, new, old, total from '{lake.as_posix()}/history_day_client_count/{day}' order by site_id"
        ).fetchall()
        sessions = con.execute(f"select count(*) from '{lake.as_posix()}/auth_history/{day}'").fetchone()[0]
    return guests, sessions


def _new_day_marts(data_dir: Path) -> tuple:
    import duckdb

    start = f"timestamptz '{NEW_DAY.isoformat()} 00:00:00+00'"
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        guests = con.execute(
            "select site_id, new_guests, regular_guests, total_guests from marts.guest_daily where date = ? "
            "order by site_id",
            [NEW_DAY],
        ).fetchall()
        sessions = con.execute(
            f"select count(*) from marts.auth_sessions where session_start >= {start} "
            f"and session_start < {start} + interval 1 day"
        ).fetchone()[0]
    return guests, sessions


def _median(runs: list[Measured], attribute: str) -> float:
    return statistics.median(getattr(run, attribute) for run in runs)


def _report(sample, prepared, full, full_week, daily, disk, answered: bool) -> str:
    year, week = daily["year"], daily["week"]
    wall, cpu = (_median(year, what) / _median(week, what) for what in ("wall_s", "cpu_s"))
    lines = [
        "## Warehouse build",
        "",
        f"`.venv/bin/python -m bench warehouse`: {SITES} sites, a year ({YEAR[0]} .. {YEAR[-1]}) of every landed "
        f"endpoint, {full.result['models']['stg_auth_history']:,} auth rows. The lake is the real pipeline's "
        f"landing of one simulated week ({SAMPLE_FIRST} .. {SAMPLE_LAST}, {sample.result['rows']:,} rows, "
        f"{sample.wall_s:.0f} s) replicated with DuckDB into daily partitions of the same layout "
        f"({prepared.result['files']:,} files, {disk[0]:,.0f} MiB, {prepared.wall_s:.0f} s; see the module "
        "docstring). Each build is `build_warehouse` in its own process, publish included. The daily run adds "
        f"{NEW_DAY}'s partitions and builds with `changed_dates=[{NEW_DAY}]`, each time from the same published "
        f"warehouse; {REPEATS} runs with each history, interleaved, medians shown.",
        "",
        "| build | wall s | CPU s | peak MiB |",
        "|---|---|---|---|",
        _row("all marts, a year of history", [full]),
        _row("all marts, a week of history", [full_week]),
        _row("daily run, a year of history", year),
        _row("daily run, a week of history", week),
        "",
        f"Daily run, year / week: **{wall:.2f}** wall, {cpu:.2f} CPU (target <= 1.20: "
        f"{'met' if max(wall, cpu) <= 1.2 else 'missed'}). Wall per run, year: {_walls(year)} s; week: "
        f"{_walls(week)} s. The published warehouse holds {full.result['models']['auth_sessions']:,} auth sessions "
        f"after the full build ({disk[1]:,.0f} MiB). The new day's guest counts and sessions equal the landed API "
        f"answers after every daily run: {answered}.",
    ]
    return record("warehouse", lines)


def _row(name: str, runs: list[Measured]) -> str:
    wall, cpu, peak = (_median(runs, what) for what in ("wall_s", "cpu_s", "peak_mib"))
    return f"| {name} | {wall:.1f} | {cpu:.1f} | {peak:.0f} |"


def _walls(runs: list[Measured]) -> str:
    return ", ".join(f"{run.wall_s:.1f}" for run in runs)


def _disk_mib(path: Path) -> float:
    files = [path] if path.is_file() else (p for p in path.rglob("*") if p.is_file())
    return sum(p.stat().st_size for p in files) / 2**20


def _link_tree(source: Path, target: Path) -> None:
    """Hard-link every file of `source` into the same place under `target` (lake files are never rewritten)."""
    for file in source.rglob("*.parquet"):
        destination = target / file.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.unlink(missing_ok=True)
        os.link(file, destination)


# --- measured in child processes ------------------------------------------------------------------------------


def land_sample(data_dir: str) -> dict:
    """The real pipeline (every endpoint asset, then the warehouse) over the sample week of a 20-site simulator."""
    from dagster import DagsterInstance, materialize

    from inc_pipeline.definitions import defs
    from inc_pipeline.defs.resources import IncApiResource, PipelineSettings
    from inc_pipeline.landing.lake import Lake
    from inc_pipeline.ops.run import RANGE_END_TAG, RANGE_START_TAG
    from inc_pipeline.simulator import SimulatorConfig, SimulatorServer

    config = SimulatorConfig(end_date=NEW_DAY, sites=SITES, days=14, enforce_limits=False, auth_per_site_day=1500)
    with SimulatorServer(config) as sim:
        resources = {
            "inc_api": IncApiResource(
                base_url=sim.base_url, api_key=sim.api_key, user=config.user, default_rate_per_second=1000
            ),
            "settings": PipelineSettings(data_dir=data_dir, pii_key="bench-pii-key"),
        }
        tags = {RANGE_START_TAG: SAMPLE_FIRST.isoformat(), RANGE_END_TAG: SAMPLE_LAST.isoformat()}
        quiet = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
        result = materialize(
            list(defs.assets), resources=resources, instance=DagsterInstance.ephemeral(), tags=tags, run_config=quiet
        )
    lake = Lake(data_dir)
    rows = sum(lake.row_count(t.name, d) or 0 for t in lake.lake_dir.iterdir() for d in lake.partitions(t.name))
    return {"success": result.success, "rows": rows}


def synthesise(sample_dir: str, out_dir: str) -> dict:
    """The year lake, the week lake (its last 7 days, hard links) and the new day's partitions, from the sample."""
    import duckdb

    sample_lake, out = Path(sample_dir) / "lake", Path(out_dir)
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    con.execute("set preserve_insertion_order = false")
    files = 0
    for table_dir in sorted(p for p in sample_lake.iterdir() if any(p.glob(f"date=*/{PART}"))):
        files += _replicate(con, table_dir, out / "year" / "lake", YEAR)
        _replicate(con, table_dir, out / "new_day" / "lake", [NEW_DAY])
    for day in WEEK:
        for file in (out / "year" / "lake").glob(f"*/date={day.isoformat()}/{PART}"):
            target = out / "week" / "lake" / file.relative_to(out / "year" / "lake")
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(file, target)
    return {"files": files}


def full_build(data_dir: str) -> dict:
    """Build every mart from the whole lake (no published warehouse yet) and publish it."""
    from inc_pipeline.warehouse import build_warehouse

    result = build_warehouse(data_dir, source_label=LABEL)
    return {"models": result.models, "seconds": result.seconds}


def daily_build(data_dir: str, day: str) -> dict:
    """The daily run's build: one changed day on top of the published warehouse."""
    from inc_pipeline.warehouse import build_warehouse

    result = build_warehouse(data_dir, source_label=LABEL, changed_dates=[date.fromisoformat(day)])
    return {"seconds": result.seconds}


# --- replicating the landed sample ------------------------------------------------------------------------------


def _replicate(con, table_dir: Path, lake: Path, days: list[date]) -> int:
    """Write `days` partitions of one table from the sample's partitions; returns the files written."""
    sample_files = sorted(table_dir.glob(f"date=*/{PART}"))
    listed = ", ".join(f"'{file.as_posix()}'" for file in sample_files)
    auth = table_dir.name == "auth_history"  # ranked, so each day keeps its quota of sessions
    rank = "row_number() over (partition by partition_date order by hash(user_mac, access_start_time))"
    con.execute(
        f"create or replace temp table sample as select *, {rank if auth else 0} as __rank from "
        f"read_parquet([{listed}], hive_partitioning = false, union_by_name = true)"
    )
    landed = sorted(date.fromisoformat(f.parent.name.removeprefix("date=")) for f in sample_files)
    con.execute("create or replace temp table days (day date, source date, shift integer)")
    monthly = table_dir.name == "history_month_report"
    pairs = _sources(days, landed, monthly)
    con.executemany("insert into days values (?, ?, ?)", [(d, s, (d - s).days) for d, s in pairs])
    columns = con.execute(
        "select column_name, column_type from (describe sample) where column_name != '__rank'"
    ).fetchall()
    selected = ", ".join(_shifted(con, name, kind, monthly) for name, kind in columns)
    keep = "where day = last_day(day)" if monthly else f"where __rank <= {_quota()}" if auth else None
    per_day = con.execute("select count(*) from sample").fetchone()[0] // len(landed) + 1
    step = max(1, 1_000_000 // per_day)  # days per COPY: bounded memory for the big table
    for first in range(0, len(days), step):
        span = f"day between date '{days[first]}' and date '{days[min(first + step, len(days)) - 1]}'"
        rows = f"select {selected}, day as __day from sample join days on sample.partition_date = days.source"
        _copy_partitions(con, f"{rows} {keep or 'where true'} and {span}", lake / table_dir.name)
    empty = next((f for f in sample_files if f.stat().st_size and _rows(con, f) == 0), None)
    for day in days:  # a landed day with no rows is an empty file with the table's schema, as the lake writes it
        target = lake / table_dir.name / f"date={day.isoformat()}" / PART
        if not target.exists() and empty is not None:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(empty, target)
    return sum(1 for day in days if (lake / table_dir.name / f"date={day.isoformat()}" / PART).exists())


def _copy_partitions(con, rows: str, table_lake: Path) -> None:
    """COPY rows (with their target day in `__day`) into `date=YYYY-MM-DD/part-0.parquet` partitions."""
    staging = table_lake.parent / f".copy-{table_lake.name}"
    staging.parent.mkdir(parents=True, exist_ok=True)
    con.execute(
        f"copy ({rows}) to '{staging.as_posix()}' (format parquet, partition_by (__day), filename_pattern "
        "'part-{i}', compression zstd, row_group_size 2048)"
    )
    for written in staging.glob("__day=*"):
        target = table_lake / written.name.replace("__day=", "date=")
        target.parent.mkdir(parents=True, exist_ok=True)
        written.rename(target)
    if staging.exists():
        staging.rmdir()


def _sources(days: list[date], landed: list[date], monthly: bool) -> list[tuple[date, date]]:
    """(target day, sample day it copies): the same weekday of the sample week (a month end's for the monthly
    report), or a snapshot's one landed day (its extraction day)."""
    if len(landed) == 1 and not SAMPLE_FIRST <= landed[0] <= SAMPLE_LAST:
        return [(day, landed[0]) for day in days]
    by_weekday = {d.weekday(): d for d in landed}
    month_end = next((d for d in landed if d == _last_day(d)), None)
    return [(day, month_end if monthly and month_end and day == _last_day(day) else by_weekday[day.weekday()])
            for day in days if day.weekday() in by_weekday]  # fmt: skip


def _shifted(con, name: str, kind: str, monthly: bool) -> str:
    """The column moved to the target day: dates and instants by `shift` days, date strings rewritten."""
    quoted = f'"{name}"'
    if kind == "DATE":
        return f"{quoted} + shift as {quoted}"
    if kind.startswith("TIMESTAMP"):
        return f"{quoted} + to_days(shift) as {quoted}"
    if kind == "BIGINT" and _is_epoch_ms(con, quoted):
        return f"{quoted} + shift * 86400000::bigint as {quoted}"
    if kind != "VARCHAR":
        return quoted
    if monthly:  # the month report's statTime and id end with its month ("YYYY-MM")
        return f"regexp_replace({quoted}, '\\d{{4}}-\\d{{2}}$', strftime(day, '%Y-%m')) as {quoted}"
    pattern = "\\d{4}-\\d{2}-\\d{2}"
    if not con.execute(f"select bool_or(regexp_matches({quoted}, '{pattern}')) from sample").fetchone()[0]:
        return quoted
    moved = f"strftime(cast(regexp_extract({quoted}, '{pattern}') as date) + shift, '%Y-%m-%d')"
    return f"regexp_replace({quoted}, '{pattern}', {moved}) as {quoted}"


def _is_epoch_ms(con, quoted: str) -> bool:
    low, high = con.execute(f"select min({quoted}), max({quoted}) from sample").fetchone()
    return low is not None and 10**12 <= low and high < 4 * 10**12


def _quota() -> str:
    """Auth rows kept per day: AUTH_ROWS spread over the year (the new day gets the ordinary share)."""
    share, extra = divmod(AUTH_ROWS, len(YEAR))
    return f"{share} + (day < date '{YEAR[extra].isoformat()}')::integer"


def _rows(con, file: Path) -> int:
    return con.execute(f"select count(*) from read_parquet('{file.as_posix()}')").fetchone()[0]


def _last_day(day: date) -> date:
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)
