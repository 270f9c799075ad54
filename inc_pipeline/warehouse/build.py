"""Build the DuckDB warehouse privately, test it, then publish it atomically.

A build writes `data/.build/warehouse-<uuid>.duckdb` (staging/intermediate as views over the Parquet lake, marts as
tables), runs the model tests and reconciliations, stamps `meta.build_info`, and only then renames the file onto
`data/warehouse.duckdb`. A rename swaps the inode: readers that already hold the old file keep reading it whole,
new readers see the new one whole, and nobody ever waits for the builder or sees a half-built mart. A failing
blocking test deletes the private file and leaves the published one untouched.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
from filelock import FileLock

from inc_pipeline import clock
from inc_pipeline.crash import crash_point
from inc_pipeline.landing.lake import Lake
from inc_pipeline.landing.object_store import ObjectStore

from . import incremental
from .checks import ReconciliationResult, TestResult, reconcile, run_tests
from .graph import DEFAULT_SQL_DIR, GraphError, Model, ModelGraph, load_models
from .limits import BuildLimits
from .sources import compile_sql
from .timezones import SiteTimezones, install_timezones

log = logging.getLogger(__name__)

# DuckDB 2 writes storage version 69 by default, which DuckDB 1.x cannot open. v1.4.0 is the oldest format the
# 1.4 LTS and 1.5 drivers (CLI, JDBC, duckdb-engine, Python) all read.
STORAGE_VERSION = "v1.4.0"
PUBLISHED_NAME = "warehouse.duckdb"
SCHEMAS = ("staging", "intermediate", "marts", "meta")

# Column types a DuckDB 1.x reader knows. Anything else (TIMESTAMPTZ_NS, VARIANT, ...) makes the whole file
# unreadable to 1.x, even when the storage version is v1.4.0, so the build refuses to publish it.
_V1_TYPE_WORDS = frozenset(
    "BOOLEAN TINYINT SMALLINT INTEGER BIGINT HUGEINT UTINYINT USMALLINT UINTEGER UBIGINT UHUGEINT FLOAT DOUBLE "
    "DECIMAL VARCHAR BLOB DATE TIME TIMESTAMP WITH ZONE INTERVAL UUID TIMESTAMP_S TIMESTAMP_MS TIMESTAMP_NS "
    "STRUCT MAP UNION NULL".split()
)


class BuildFailed(RuntimeError):
    """A build whose blocking tests or reconciliations failed; the published warehouse was left untouched."""

    def __init__(self, message: str, result: BuildResult):
        super().__init__(message)
        self.result = result


@dataclass
class BuildResult:
    """What a build did: the version it published, row counts, test and reconciliation outcomes, timings."""

    version: int
    published: Path | None
    models: dict[str, int] = field(default_factory=dict)  # model -> rows (views: rows at build time)
    recomputed: dict[str, int] = field(default_factory=dict)  # model -> rows computed for the changed days only
    tests: list[TestResult] = field(default_factory=list)
    reconciliations: list[ReconciliationResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def blocking_failures(self) -> list[str]:
        """One line per blocking test or reconciliation that failed."""
        tests = [f"{t.model}: {t.name} ({t.failures} rows)" for t in self.tests if t.blocking]
        recs = [
            f"{r.name}: {r.rows_disagreeing} rows disagree, max gap {r.max_abs_diff:g}"
            for r in self.reconciliations
            if r.blocking
        ]
        return tests + recs


def build_warehouse(
    data_dir: str | Path,
    sql_dir: str | Path = DEFAULT_SQL_DIR,
    *,
    source_label: str,
    select: list[str] | None = None,
    changed_dates: Iterable[date] | None = None,
    limits: BuildLimits | None = None,
    timezones: SiteTimezones | None = None,
    store: ObjectStore | None = None,
) -> BuildResult:
    """Build, test and atomically publish `<data_dir>/warehouse.duckdb` from `<data_dir>/lake`.

    `select` names models to rebuild (with everything upstream of them) on top of a copy of the published
    warehouse; by default every model is built from scratch. `changed_dates` names the landed days (partitions)
    that changed: incremental marts then recompute only those days on a copy of the published warehouse (see
    `incremental.py`); without a published warehouse the build is a full one, and so it is when the published
    file cannot be read (not a DuckDB database any more): the lake is the truth, so the warehouse is rebuilt from
    it, numbered version 1 again since the old numbering went with the file. `source_label` is the API base URL
    the lake came from; only its scheme, host and path are kept, so a key or token in it never reaches the
    warehouse. `limits`: DuckDB's memory limit and spill directory (limits.py; default 2 GiB, spilling under
    `<data_dir>/.build/spill`). `timezones`: the account's and the sites' zones the marts' local dates and hours
    are read in (timezones.py; default UTC for all); an incremental build under zones other than the published
    warehouse's recomputes every day. `store`: the lake on object storage (INC_LAKE_URL); its partitions are
    first mirrored into `<data_dir>/lake` (only those that changed are downloaded), which the build then reads.
    """
    started = time.monotonic()
    limits = limits or BuildLimits()
    data_dir = Path(data_dir)
    build_dir = data_dir / ".build"
    build_dir.mkdir(parents=True, exist_ok=True)
    published = data_dir / PUBLISHED_NAME
    with FileLock(str(build_dir / "warehouse.lock")):
        if store is not None:
            store.mirror("lake", data_dir / "lake")
        try:
            version, usable = published_version(published) + 1, published.exists()
        except duckdb.Error as unreadable:
            log.warning("%s cannot be read (%s): building every model from the lake", published, unreadable)
            version, usable, select = 1, False, None
        private = build_dir / f"warehouse-{uuid.uuid4().hex}.duckdb"
        dates = sorted(set(changed_dates)) if changed_dates is not None and usable else None
        copy = _Copy(published, private) if (select or dates is not None) and usable else None
        try:
            graph = load_models(sql_dir)  # while the published warehouse is copied
            names = graph.upstream(select) if select else list(graph.order)
            if copy is not None:
                copy.wait_copied()
            result = _build_into(private, data_dir / "lake", graph, names, version, _safe_label(source_label), dates,
                                 limits, build_dir, timezones or SiteTimezones())  # fmt: skip
            if copy is not None:
                copy.wait_flushed()
            result.seconds = time.monotonic() - started
            if result.blocking_failures:
                raise BuildFailed("warehouse not published: " + "; ".join(result.blocking_failures), result)
            crash_point("publish")
            os.replace(private, published)
            _fsync(data_dir)
            result.published = published
            return result
        finally:
            if copy is not None:
                copy.wait_copied(quietly=True)  # no copy may write the private file after it is removed
            for leftover in (private, Path(f"{private}.wal")):
                leftover.unlink(missing_ok=True)
            if limits.spill_dir is None:  # ours: nothing in it outlives the build (DuckDB removes its own files)
                shutil.rmtree(limits.spill_path(build_dir), ignore_errors=True)


class _Copy:
    """The published warehouse copied to the private build file, then flushed to disk, in a thread.

    The copy (332 MiB for a year of 20 sites) overlaps reading the model graph; the flush overlaps the build.
    Without the flush the copy stayed dirty in the page cache and DuckDB's checkpoint at the end of the build
    waited for all of it: with both in line, a daily run with a year of history took ~0.3 s longer than with a
    week. The checkpoint still syncs the file, so a failed flush here (reported by that sync) changes nothing."""

    def __init__(self, source: Path, target: Path):
        self._copied = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(source, target), name="warehouse-copy", daemon=True)
        self._thread.start()

    def wait_copied(self, *, quietly: bool = False) -> None:
        """Wait until the copy is whole; raise what stopped it (unless `quietly`)."""
        self._copied.wait()
        if self._error is not None and not quietly:
            raise self._error

    def wait_flushed(self) -> None:
        self._thread.join()

    def _run(self, source: Path, target: Path) -> None:
        try:
            shutil.copyfile(source, target)
        except BaseException as error:  # handed to the building thread by wait_copied
            self._error = error
            return
        finally:
            self._copied.set()
        try:
            _fsync(target)
        except OSError:
            log.debug("flushing %s failed; the build's checkpoint syncs it", target)


def published_version(path: str | Path) -> int:
    """The version stamped in a published warehouse; 0 when there is none yet."""
    if not Path(path).exists():
        return 0
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("select coalesce(max(version), 0) from meta.build_info").fetchone()[0]


def _build_into(
    path: Path, lake_dir: Path, graph: ModelGraph, names: list[str], version: int, label: str, dates: list[date] | None,
    limits: BuildLimits, build_dir: Path, zones: SiteTimezones,
) -> BuildResult:  # fmt: skip
    con = duckdb.connect()
    try:
        limits.apply(con, build_dir)
        con.execute("set TimeZone = 'UTC'")  # dates of instants are UTC calendar days, whoever builds
        con.execute(f"attach '{path.as_posix()}' as wh (storage_version '{STORAGE_VERSION}')")
        con.execute("use wh")
        for schema in SCHEMAS:
            con.execute(f"create schema if not exists {schema}")
        for function in graph.functions:
            con.execute(function)
        if install_timezones(con, zones):
            dates = None  # rows of other days hold local dates read in the old zones
        result = BuildResult(version=version, published=None)
        checked = _build_models(con, lake_dir, graph, names, dates, result)
        result.tests = run_tests(con, graph, names, checked)
        result.reconciliations = reconcile(con, _with_present_refs(con, graph), checked)
        if not result.blocking_failures:  # a failed test is reported as such, not as a constraint refused
            _declare_keys(con, graph, names)
        _describe_marts(con, graph)
        _write_build_info(con, version, label, len(graph.models))
        _write_lake_coverage(con, lake_dir)
        _write_current_build(con, version, dates)
        _check_v1_readable(con)
        con.execute("use memory")
        con.execute("detach wh")  # checkpoints: the file is complete and has no WAL before it is renamed
        return result
    finally:
        con.close()


def _build_models(
    con: duckdb.DuckDBPyConnection,
    lake_dir: Path,
    graph: ModelGraph,
    names: list[str],
    dates: list[date] | None,
    result: BuildResult,
) -> dict[str, str]:
    """Create every model in `names`; return the relations tests should check instead of the published ones.

    Full builds check everything. Incremental builds (`dates`) also compile each model over the changed
    partitions; incremental marts are merged from those rows, which are then what gets checked.
    """
    relation_of = {name: model.relation for name, model in graph.models.items()}
    changed_of = incremental.relations(graph, names) if dates is not None else {}
    if dates is not None:
        incremental.prepare(con)
    checked = {}
    for name in names:
        model = graph.models[name]
        if dates is not None:
            incremental.build_changed(con, model, lake_dir, changed_of, dates)
            if model.materialization == "view" or incremental.can_merge(con, model):
                checked[name] = incremental.changed_relation(name)
        if model.materialization == "table" and name in checked:
            try:
                incremental.merge(con, model, dates)
            except duckdb.ConstraintException as refused:
                raise BuildFailed(f"warehouse not published: {model.relation}: the changed days' rows break its "
                                  f"declared keys ({str(refused).splitlines()[0]}); its unique and not_null tests "
                                  "say which rows", result) from None
        else:
            _create(con, model, compile_sql(model.sql, lake_dir, relation_of))
        # a view's rows are counted over what this build read: the whole lake, or the changed days only
        counted = checked.get(name, model.relation) if model.materialization == "view" else model.relation
        result.models[name] = con.execute(f"select count(*) from {counted}").fetchone()[0]
        if name in checked:
            result.recomputed[name] = con.execute(f"select count(*) from {checked[name]}").fetchone()[0]
        crash_point("mart_build")
    return checked


def _create(con: duckdb.DuckDBPyConnection, model: Model, body: str) -> None:
    """Create the model's view or table, replacing the previous build's; a view whose SQL is unchanged is kept.

    Creating a view binds it, and binding a view over the lake reads the footer of every Parquet file it globs
    (a year of history: thousands of files). The glob does not change as days land, so a build on a copy of the
    published warehouse keeps the views it already has: each carries the fingerprint of its SQL as its comment.
    """
    fingerprint = "sql sha256 " + hashlib.sha256(body.encode()).hexdigest()
    if model.materialization == "view" and _view_comment(con, model) == fingerprint:
        return
    _drop_existing(con, model.layer, model.name)
    con.execute(f"create {model.materialization} {model.relation} as {body}")
    if model.materialization == "view":
        con.execute(f"comment on view {model.relation} is '{fingerprint}'")


def _declare_keys(con: duckdb.DuckDBPyConnection, graph: ModelGraph, names: list[str]) -> None:
    """NOT NULL on the columns of each table's blocking `not_null` tests, and each mart's unique key as its
    PRIMARY KEY (BI tools read both to infer joins), after the tests have passed on the rows. A table kept from
    the published warehouse keeps its declarations, and an incremental build's rows must meet them."""
    declared = {(row[0], row[1]) for row in con.execute(
        "select schema_name, table_name from duckdb_constraints() where database_name = 'wh' "
        "and constraint_type = 'PRIMARY KEY'").fetchall()}  # fmt: skip
    for name in names:
        model = graph.models[name]
        if model.materialization != "table":
            continue
        for column in model.declared_not_null:
            con.execute(f'alter table {model.relation} alter column "{column}" set not null')
        key = model.declared_primary_key
        if key and (model.layer, model.name) not in declared:
            columns = ", ".join(f'"{column}"' for column in key)
            con.execute(f"alter table {model.relation} add primary key ({columns})")


def _describe_marts(con: duckdb.DuckDBPyConnection, graph: ModelGraph) -> None:
    """Each mart's YAML description and column descriptions as its comments, which DBeaver, Metabase and
    Superset show beside the names; set on every build, so an incremental one (which keeps the tables) has
    today's text too. A described column the mart lacks fails the build: the description went stale."""
    present = {row[0] for row in con.execute(
        "select table_name from information_schema.tables where table_catalog = 'wh' and table_schema = 'marts'"
    ).fetchall()}  # tables and views
    for model in graph.models.values():
        if model.layer != "marts" or model.name not in present:
            continue
        if model.description:  # a mart view's comment replaces its SQL fingerprint: it is created on every build
            con.execute(f"comment on {model.materialization} {model.relation} is {_quoted(model.description)}")
        for column, text in model.columns:
            try:
                con.execute(f'comment on column {model.relation}."{column}" is {_quoted(text)}')
            except (duckdb.CatalogException, duckdb.BinderException):
                raise GraphError(f"{model.name}.yml describes column {column!r}, which the mart does not have: "
                                 "fix its `columns:`") from None  # fmt: skip


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _view_comment(con: duckdb.DuckDBPyConnection, model: Model) -> str | None:
    found = con.execute(
        "select comment from duckdb_views() where database_name = 'wh' and schema_name = ? and view_name = ?",
        [model.layer, model.name],
    ).fetchone()
    return found[0] if found else None


def _drop_existing(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> None:
    """Drop a relation left by the previous build (select mode), whether it was a table or a view."""
    found = con.execute(
        "select table_type from information_schema.tables where table_catalog = 'wh' and table_schema = ? "
        "and table_name = ?",
        [schema, name],
    ).fetchone()
    if found:
        con.execute(f"drop {'view' if found[0] == 'VIEW' else 'table'} {schema}.{name}")


def _with_present_refs(con: duckdb.DuckDBPyConnection, graph: ModelGraph) -> ModelGraph:
    """The graph keeping only reconciliations whose models exist in the build (select mode may lack some)."""
    present = {row[0] for row in con.execute("select table_name from information_schema.tables").fetchall()}
    kept = tuple(r for r in graph.reconciliations if set(r.refs) <= present)
    return replace(graph, reconciliations=kept)


def _write_build_info(con: duckdb.DuckDBPyConnection, version: int, label: str, models: int) -> None:
    con.execute(
        "create table if not exists meta.build_info (version bigint, built_at timestamptz, source_label varchar, "
        "duckdb_version varchar, storage_version varchar, models integer)"
    )
    con.execute(
        "insert into meta.build_info values (?, ?, ?, ?, ?, ?)",
        [version, clock.now(), label, duckdb.__version__, STORAGE_VERSION, models],
    )


def _write_current_build(con: duckdb.DuckDBPyConnection, version: int, dates: list[date] | None) -> None:
    """meta.current_build: one row, the build a reader is looking at (meta.build_info keeps every build's): its
    version and stamps, the lake's span, the days it recomputed (`full` for a full build) and each mart's rows."""
    marts = [r[0] for r in con.execute(
        "select table_name from information_schema.tables where table_schema = 'marts' and table_catalog = 'wh' "
        "order by 1").fetchall()]  # fmt: skip
    rows = {name: con.execute(f'select count(*) from marts."{name}"').fetchone()[0] for name in marts}
    changed = "full" if dates is None else ", ".join(day.isoformat() for day in dates)
    con.execute(
        "create or replace table meta.current_build as "
        "select info.version, info.built_at, info.source_label, info.duckdb_version, info.storage_version, "
        "info.models, (select min(first_day) from meta.lake_coverage) as lake_first_day, "
        "(select max(last_day) from meta.lake_coverage) as lake_last_day, ?::varchar as rebuilt_days, "
        "map(?::varchar[], ?::bigint[]) as mart_rows "
        "from meta.build_info as info where info.version = ?",
        [changed, list(rows), list(rows.values()), version],
    )


def _write_lake_coverage(con: duckdb.DuckDBPyConnection, lake_dir: Path) -> None:
    """meta.lake_coverage: each landed table's first and last day and how many days landed, as the build saw the
    lake. A build is as fresh as any other whatever its data, so this is where a reader sees how far data reaches."""
    lake, rows = Lake(lake_dir.parent), []
    for table in sorted(p.name for p in lake_dir.iterdir() if p.is_dir()) if lake_dir.is_dir() else ():
        days = lake.partitions(table)
        if days:
            rows.append((table, days[0], days[-1], len(days)))
    con.execute("create or replace table meta.lake_coverage "
                "(table_name varchar, first_day date, last_day date, days integer)")  # fmt: skip
    if rows:
        con.executemany("insert into meta.lake_coverage values (?, ?, ?, ?)", rows)


def _check_v1_readable(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        "select schema_name || '.' || table_name || '.' || column_name, data_type from duckdb_columns() "
        "where database_name = 'wh'"
    ).fetchall()
    bad = [f"{col} {typ}" for col, typ in rows if not set(re.findall(r"[A-Z_]+", typ)) <= _V1_TYPE_WORDS]
    if bad:
        raise TypeError(f"DuckDB 1.x cannot read these column types (cast them in the model): {', '.join(bad)}")


def _safe_label(label: str) -> str:
    """scheme://host[:port]/path of a URL; credentials, query string and fragment are dropped."""
    parts = urlsplit(label)
    if not parts.scheme or not parts.hostname:
        return re.sub(r"[^A-Za-z0-9_.:/-]", "", label)[:100]
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname}{port}{parts.path}"


def _fsync(path: Path) -> None:
    """Wait until a file's data, or a directory's entries, are on disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
