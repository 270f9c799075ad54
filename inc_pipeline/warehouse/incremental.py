"""Partition-level incremental builds: recompute only the landed days that changed, on a copy of the last build.

A mart opts in with `incremental: {partition_date: <sql>}` in its YAML: an expression over the mart's own columns
giving the landed day each row comes from (`date`, `period_start + 6` for a weekly report landed on its Sunday), or
an instant whose UTC day it is (`session_start`). For the changed days the build reads only those partitions (staging
and intermediate models are compiled again, as views in the in-memory catalog `memory.changed`), computes the mart's
rows from them, then in the published copy deletes the rows of those days and every row whose key (the first
`unique` test) comes back, and inserts the new rows. Tests and reconciliations then look at the new rows only, so
a daily build costs the same with a week or a year of history.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path

import duckdb

from inc_pipeline.days import contiguous_runs

from .graph import Model, ModelGraph
from .sources import compile_sql

SCHEMA = "memory.changed"


def changed_relation(name: str) -> str:
    """Where an incremental build keeps a model's rows for the changed days only."""
    return f"{SCHEMA}.{name}"


def prepare(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"create schema if not exists {SCHEMA}")


def build_changed(
    con: duckdb.DuckDBPyConnection, model: Model, lake_dir: Path, relation_of: dict[str, str], dates: list[date]
) -> None:
    """Materialise the model over the changed partitions only: a table for marts (read many times), else a view
    (a staging model's is read by its merge and the models above it)."""
    body = compile_sql(model.sql, lake_dir, relation_of, dates)
    kind = "table" if model.layer == "marts" else "view"
    con.execute(f"create or replace {kind} {changed_relation(model.name)} as {body}")


def merge(con: duckdb.DuckDBPyConnection, model: Model, dates: Iterable[date]) -> None:
    """Replace the changed days' rows of a published mart with the rows just computed for them."""
    con.execute(f"delete from {model.relation} where {on_days(model.partition_date, dates)}")
    same_key = " and ".join(f"{model.relation}.{c} is not distinct from new.{c}" for c in model.unique_key)
    con.execute(f"delete from {model.relation} using {changed_relation(model.name)} as new where {same_key}")
    con.execute(f"insert into {model.relation} by name select * from {changed_relation(model.name)}")


def on_days(expression: str, dates: Iterable[date]) -> str:
    """SQL true when `expression` falls on one of `dates`: a half-open range per run of consecutive days.

    A range over a bare column is pushed into the table scan, so DuckDB reads only the row groups whose min/max
    overlap the days (a year of `auth_sessions` is not scanned to replace one day). An instant compares with a
    date as that day's UTC midnight: the build's session time zone is UTC.
    """
    ranges = [
        f"(({expression}) >= date '{first.isoformat()}' and ({expression}) < date '{last + timedelta(days=1)}')"
        for first, last in contiguous_runs(dates)
    ]
    return " or ".join(ranges) or "false"


def can_merge(con: duckdb.DuckDBPyConnection, model: Model) -> bool:
    """An incremental mart whose table exists in the copy with the columns the SQL now produces."""
    if not model.partition_date:
        return False
    found = con.execute(
        "select list(column_name order by column_index) from duckdb_columns() where database_name = 'wh' "
        "and schema_name = ? and table_name = ?",
        [model.layer, model.name],
    ).fetchone()[0]
    if not found:
        return False
    wanted = [row[0] for row in con.execute(f"describe {changed_relation(model.name)}").fetchall()]
    return found == wanted


def relations(graph: ModelGraph, names: list[str]) -> dict[str, str]:
    """Model -> relation the changed-days SQL reads: the changed view or table of every model in the build."""
    return {name: model.relation for name, model in graph.models.items()} | {n: changed_relation(n) for n in names}
