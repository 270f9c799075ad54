"""The Parquet lake: `<root>/lake/<table>/date=YYYY-MM-DD/part-0.parquet`, zstd, replaced atomically.

A partition is written to a temporary file beside its final name, fsynced, then `os.replace`d over it, so a reader
sees the old partition or the new one, never half of either. A partition that landed with no rows is an empty file
with the table's schema: "landed, zero rows" differs from "never landed" (no directory).
Quarantine follows the same layout under `<root>/quarantine/`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow
import pyarrow.parquet as pq

from inc_pipeline.catalog import ENDPOINTS_BY_ID, RANGE_TABLES_BY_ID

from .object_store import ObjectStore
from .partition_writer import COMPRESSION, PART_FILE, LakeError, PartitionWriter, publish
from .privacy import personal_columns
from .rules import landing_key
from .schemas import arrow_schema, empty_frame

TABLES_BY_ID = {**ENDPOINTS_BY_ID, **RANGE_TABLES_BY_ID}  # every landed table: endpoints and their range tables

__all__ = ["COMPRESSION", "PART_FILE", "Lake", "LakeError", "PartitionWriter"]


class Lake:
    """The data directory: `lake/`, `quarantine/` and `archive/` under `root`.

    With `store` (INC_LAKE_URL on object storage) the partitions and quarantine live there, under `lake/` and
    `quarantine/`; `lake/` under `root` is then only where a partition is staged before it is published.
    """

    def __init__(self, root: Path | str, store: ObjectStore | None = None):
        self.root = Path(root)
        self.store = store
        self.lake_dir = self.root / "lake"
        self.quarantine_dir = self.root / "quarantine"
        self.archive_dir = self.root / "archive"

    def partition_path(self, table: str, day: date) -> Path:
        return self.lake_dir / table / f"date={day.isoformat()}" / PART_FILE

    def quarantine_path(self, table: str, day: date) -> Path:
        return self.quarantine_dir / table / f"date={day.isoformat()}" / PART_FILE

    def partition_writer(
        self,
        table: str,
        schema_columns: Sequence[str] | pyarrow.Schema | None = None,
        *,
        dates: Iterable[date] = (),
        key: Sequence[str] | None = None,
        outside: str = "refuse",
        unit_columns: tuple[str, ...] | None = None,
    ) -> PartitionWriter:
        """A writer replacing the partitions it touches (and every day in `dates`, even with no rows) on commit.

        `schema_columns`: the landed columns (default: every column of the catalog table; fewer when personal
        columns were dropped), or an explicit Arrow schema for a table outside the catalog. `outside`: what a
        row for a day not in `dates` does: "refuse" (an error: the planner and the lake disagree), "skip" (replay
        of an answer that covers more days than the ones being re-landed) or "accept" (a week or month that
        overlaps the window lands in its own period's partition). `unit_columns`: replace each
        partition by request unit rather than whole (see `unit_merge.py`).
        """
        schema = _table_schema(table, schema_columns)
        endpoint = TABLES_BY_ID.get(table)
        if key is None:
            key = landing_key(endpoint) if endpoint else ()
        key = tuple(k for k in key if k in schema.names)
        pseudonyms = personal_columns(endpoint) if endpoint else ()
        return PartitionWriter(
            self.lake_dir / table, schema, key, dates, outside=outside, unrepeated=pseudonyms,
            unit_columns=unit_columns, store=self.store,
        )  # fmt: skip

    def replace_partitions(
        self, table: str, dates: Iterable[date], frames: Iterable[pd.DataFrame], schema_columns=None
    ) -> dict[date, int]:
        """Replace the partitions of `dates` with the rows of `frames`; returns rows landed per day."""
        with self.partition_writer(table, schema_columns, dates=dates) as writer:
            for frame in frames:
                writer.add(frame)
            return writer.commit()

    def write_quarantine(self, table: str, day: date, frame: pd.DataFrame) -> Path | None:
        """Replace the day's quarantine with `frame` (atomically); an empty frame removes it."""
        path = self.quarantine_path(table, day)
        if frame.empty:
            path.unlink(missing_ok=True)
            if self.store is not None:
                self.store.delete(self.store.partition_key("quarantine", table, day))
            return None
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{PART_FILE}.{uuid.uuid4().hex}.tmp")
        try:
            pq.write_table(pyarrow.Table.from_pandas(frame, preserve_index=False), temporary, compression=COMPRESSION)
            if self.store is not None:
                self.store.publish(temporary, self.store.partition_key("quarantine", table, day))
            publish(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
        return path

    def partitions(self, table: str) -> list[date]:
        """The days that have landed (with or without rows), oldest first."""
        if self.store is not None:
            return self.store.partitions("lake", table)
        base = self.lake_dir / table
        if not base.is_dir():
            return []
        days = [date.fromisoformat(p.parent.name.removeprefix("date=")) for p in base.glob(f"date=*/{PART_FILE}")]
        return sorted(days)

    def read(self, table: str, dates: Iterable[date] | None = None) -> pd.DataFrame:
        """The rows of the table (or of `dates` that landed), with the landed dtypes."""
        if self.store is not None:
            return self._read_stored(table, dates)
        days = self.partitions(table) if dates is None else [d for d in dates if self.partition_path(table, d).exists()]
        frames = [_read_parquet(self.partition_path(table, day)) for day in days]
        if not frames:
            return empty_frame(TABLES_BY_ID[table]) if table in TABLES_BY_ID else pd.DataFrame()
        return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]

    def _read_stored(self, table: str, dates: Iterable[date] | None) -> pd.DataFrame:
        landed = self.partitions(table)
        days = landed if dates is None else [d for d in dates if d in set(landed)]
        frames = [self.store.read_table(self.store.partition_key("lake", table, day)).to_pandas() for day in days]
        if not frames:
            return empty_frame(TABLES_BY_ID[table]) if table in TABLES_BY_ID else pd.DataFrame()
        return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]

    def read_quarantine(self, table: str, day: date) -> pd.DataFrame:
        if self.store is not None:
            key = self.store.partition_key("quarantine", table, day)
            return self.store.read_table(key).to_pandas() if self.store.exists(key) else pd.DataFrame()
        path = self.quarantine_path(table, day)
        return _read_parquet(path) if path.exists() else pd.DataFrame()

    def row_count(self, table: str, day: date) -> int | None:
        """Rows in the partition: None if it never landed, 0 if it landed empty."""
        if self.store is not None:
            key = self.store.partition_key("lake", table, day)
            if not self.store.exists(key):
                return None
            try:
                return self.store.row_count(key)
            except (pyarrow.ArrowException, OSError) as error:
                raise _corrupt(Path(key), day, error) from None
        path = self.partition_path(table, day)
        if not path.exists():
            return None
        try:
            return pq.ParquetFile(path).metadata.num_rows
        except (pyarrow.ArrowException, OSError) as error:
            raise _corrupt(path, day, error) from None

    def unreadable(self, table: str) -> list[LakeError]:
        """The table's partitions whose Parquet footer cannot be read, each as the error a read would raise."""
        errors = []
        for day in self.partitions(table):
            try:
                self.row_count(table, day)
            except LakeError as error:
                errors.append(error)
        return errors


def _table_schema(table: str, schema_columns) -> pyarrow.Schema:
    if isinstance(schema_columns, pyarrow.Schema):
        return schema_columns
    if table not in TABLES_BY_ID:
        raise LakeError(f"{table!r} is not a catalog table: pass its Arrow schema")
    endpoint = TABLES_BY_ID[table]
    columns = list(schema_columns) if schema_columns is not None else None
    typed = arrow_schema(endpoint, columns)
    # Carry pandas metadata so reads give back Int64 / string dtypes, not float64 / object.
    return pyarrow.Table.from_pandas(empty_frame(endpoint)[typed.names], schema=typed, preserve_index=False).schema


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        return pq.read_table(path).to_pandas()
    except (pyarrow.ArrowException, OSError) as error:
        raise _corrupt(path, None, error) from None


def _corrupt(path: Path, day: date | None, error: Exception) -> LakeError:
    day_text = day.isoformat() if day else path.parent.name.removeprefix("date=")
    reason = str(error).splitlines()[0] if str(error) else type(error).__name__
    table = path.parent.parent.name
    endpoint = TABLES_BY_ID.get(table)
    if endpoint is not None and not endpoint.is_windowed:  # a snapshot is of the day it was taken: asked today, ...
        fix = "remove the file: a past snapshot cannot be asked again, and the next run lands today's"
    else:
        fix = f"re-land the partition: inc-pipeline run --start {day_text} --end {day_text} --select {table}"
    return LakeError(f"{path} is not readable Parquet ({reason}); {fix}")
