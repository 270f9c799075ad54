"""Landed tables as SQL relations: `{{ source('x') }}` -> the Parquet partitions of `x` in the lake.

The lake contract (docs/architecture.md): `<lake>/<endpoint_id>/date=YYYY-MM-DD/part-0.parquet`, columns = the
catalog's `fields` plus context columns. A table with no partition yet reads as an empty relation with the same
columns, so every staging view binds on day one; the columns a file lacks (schema drift) read as NULL.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from inc_pipeline.catalog import ENDPOINTS_BY_ID, RANGE_TABLES_BY_ID, endpoint
from inc_pipeline.landing.schemas import expected_columns

from .graph import _CALL


def source_columns(endpoint_id: str) -> tuple[str, ...]:
    """Every column a landed table may hold: exactly the landing schema's columns."""
    return tuple(expected_columns(endpoint(endpoint_id)))


def source_glob(lake_dir: Path, endpoint_id: str) -> str:
    """The glob matching every partition file of one landed table."""
    return (Path(lake_dir).resolve() / endpoint_id / "*" / "*.parquet").as_posix()


def has_partitions(lake_dir: Path, endpoint_id: str) -> bool:
    return any((Path(lake_dir) / endpoint_id).glob("date=*/*.parquet"))


def partition_files(lake_dir: Path, endpoint_id: str, dates: Iterable[date]) -> list[str]:
    """The partition files of one landed table for the given days (those that exist)."""
    root = Path(lake_dir).resolve() / endpoint_id
    found = (sorted((root / f"date={day.isoformat()}").glob("*.parquet")) for day in sorted(set(dates)))
    return [path.as_posix() for files in found for path in files]


def source_relation(lake_dir: Path, endpoint_id: str, dates: Iterable[date] | None = None) -> str:
    """A parenthesised SQL relation for `source(endpoint_id)`: empty typed columns unioned with the Parquet.

    With `dates`, only those days' partitions are read (an incremental build's changed partitions).
    """
    if endpoint_id not in ENDPOINTS_BY_ID and endpoint_id not in RANGE_TABLES_BY_ID:
        raise KeyError(f"source({endpoint_id!r}) is not a catalog endpoint")
    columns = ", ".join(f'null as "{name}"' for name in source_columns(endpoint_id))
    empty = f"select {columns} where false"
    if dates is None:
        files = [source_glob(lake_dir, endpoint_id)] if has_partitions(lake_dir, endpoint_id) else []
    else:
        files = partition_files(lake_dir, endpoint_id, dates)
    if not files:
        return f"({empty})"
    listed = ", ".join("'" + file.replace("'", "''") + "'" for file in files)
    parquet = f"select * from read_parquet([{listed}], hive_partitioning = false, union_by_name = true)"
    return f"({empty} union all by name {parquet})"


def compile_sql(sql: str, lake_dir: Path, relation_of: dict[str, str], dates: Iterable[date] | None = None) -> str:
    """SQL with refs replaced by schema-qualified relations and sources by lake relations (only `dates`, if given)."""

    def expand(match) -> str:
        kind, name = match.group(1), match.group(2)
        if kind == "ref":
            return relation_of[name]
        return f"{source_relation(lake_dir, name, dates)} as {name}"

    return _CALL.sub(expand, sql)
