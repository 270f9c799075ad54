"""Writing a table's partitions: one temporary Parquet file per day, renamed into place on commit.

A partition is written to a temporary file beside its final name, fsynced, then `os.replace`d over it, so a reader
sees the old partition or the new one, never half of either.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow
import pyarrow.parquet as pq
from pandas.util import hash_array

from inc_pipeline.crash import crash_point

from .errors import LakeError
from .object_store import PART_FILE, ObjectStore
from .rules import COVERAGE_COLUMN
from .unit_merge import UnitMerge

COMPRESSION = "zstd"


class PartitionWriter:
    """Streams pages into one temporary Parquet file per day; `commit` swaps them in, an exception discards them.

    Memory holds the rows being written and fingerprints of the keys the last two writes landed, per request still
    in progress: the API repeats a record on the page after the one it was on (its pages shift while records
    arrive), and the first landed wins, since earlier pages are already on disk. Remembering every key of a
    request instead made peak memory grow with the window (a 7-day auth window holds ~90,000 keys).
    """

    def __init__(
        self,
        table_dir: Path,
        schema: pyarrow.Schema,
        key: tuple[str, ...],
        dates: Iterable[date],
        outside="refuse",
        *,
        unrepeated: Iterable[str] = (),
        unit_columns: tuple[str, ...] | None = None,
        store: ObjectStore | None = None,
    ):
        """`unrepeated`: columns whose values (almost) never repeat, pseudonyms say, written without a dictionary:
        one cannot shrink 32 random hex characters, and trying cost a third of writing a page of authentications.

        `unit_columns`: replace by request unit (see `UnitMerge`): a partition keeps the old rows of every unit
        that did not land there this time. None: a partition is replaced whole.

        `store`: the lake on object storage; `table_dir` is then a local staging copy, the old partition is read
        from the store before a merge and each committed file is published there (`ObjectStore.publish`)."""
        if outside not in ("refuse", "skip", "accept"):
            raise ValueError(f"outside must be 'refuse', 'skip' or 'accept', not {outside!r}")
        self.outside = outside
        self.table_dir = table_dir
        self.schema = schema
        plain = set(unrepeated)
        self.dictionary_columns = [name for name in schema.names if name not in plain]
        self.key = key
        self.declared = set(dates)
        self.rows: dict[date, int] = {}
        self.duplicates_dropped = 0
        self._open: dict[date, _OpenPart] = {}
        self._seen: dict[tuple[date, int], set[int]] = {}  # (day, request) -> fingerprints this write landed
        self._seen_before: dict[tuple[date, int], set[int]] = {}  # ... and the write before it
        self._request = 0  # the request of rows added without numbers
        self._done = False
        prefer = COVERAGE_COLUMN if COVERAGE_COLUMN in schema.names else None
        self.units = UnitMerge(unit_columns, key, prefer) if unit_columns is not None else None
        self.store = store

    def __enter__(self) -> PartitionWriter:
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        if exc_type is not None:
            self.abort()
        elif not self._done:
            self.commit()

    def add(self, frame: pd.DataFrame, requests: Sequence[int] | None = None) -> int:
        """Route the rows to their days; returns the rows written (after repeated keys are dropped).

        `requests` numbers, row by row, the request that fetched it (never decreasing: requests are landed in
        order), so that pages of several requests can be written at once and a key is still dropped only when
        its own request landed it before. Without it every row belongs to the current request (`next_request`).
        """
        if self._done:
            raise LakeError("partition writer already committed or aborted")
        missing = [c for c in self.schema.names if c not in frame.columns]
        if missing:
            raise LakeError(f"{self.table_dir.name}: frame lacks landed columns {missing}")
        if not len(frame):
            return 0
        landed = frame if list(frame.columns) == self.schema.names else frame[self.schema.names]
        days = [(_as_date(day, self.table_dir.name), rows) for day, rows in _day_positions(landed["partition_date"])]
        ordinals = [self._request] * len(landed) if requests is None else list(requests)
        # One conversion and one key hash for the whole frame, sliced per day: a frame of many small answers
        # spans many days, and converting each day's few rows separately cost more than writing them.
        # One thread: pyarrow's default starts a pool of threads per call to convert columns that are mostly
        # Arrow already (zero-copy), which cost twice the conversion itself.
        table = pyarrow.Table.from_pandas(landed, schema=self.schema, preserve_index=False, nthreads=1)
        fingerprints = key_fingerprints(landed, self.key) if self.key else None
        written = sum(self._write_day(day, table, rows, fingerprints, ordinals) for day, rows in days)
        # Requests before the last one have no more pages to come: their keys cannot repeat any more.
        latest = ordinals[-1]
        self._seen_before = {seen: keys for seen, keys in self._seen.items() if seen[1] >= latest}
        self._seen = {}
        return written

    def next_request(self) -> None:
        """The pages that follow answer another request: forget the keys seen so far.

        The API repeats a record on a later page of the same request (its pages shift while records arrive);
        two requests never share a key (windows are disjoint and the key leads with what the request named), so
        remembering keys beyond a request would only make memory grow with the length of a backfill."""
        self._request += 1
        self._seen.clear()
        self._seen_before.clear()

    def finish_before(self, day: date) -> None:
        """Close the files of days before `day`: a window that has moved past them will not write there again.

        Each open Parquet writer holds its encoders' buffers (~0.7 MiB), so a 30-day run kept 30 of them open
        until the commit and its peak memory grew with the window. A finished file is still only renamed into
        place at the commit; if a row for its day arrives after all, the file is reopened (see `_OpenPart`)."""
        for open_day, part in self._open.items():
            if open_day < day:
                part.finish()

    def commit(self) -> dict[date, int]:
        """Replace every touched or declared partition; returns rows landed per day."""
        if self._done:
            return self.rows
        try:
            for day in self.declared - self._open.keys():
                self._part(day)
            for day, part in list(self._open.items()):
                part.finish()
                if self.units is not None and self.units.untouched(day):
                    part.discard()  # nothing landed there: the old partition, or none, stays
                    del self._open[day], self.rows[day]
                    continue
                if self.units is not None:
                    self._stage_old(day, part.path)
                    kept = self.units.merge(day, part.temporary, part.path, self.schema, part.rewrite)
                    self.rows[day] = self.rows[day] if kept is None else kept
                if self.store is not None:  # first: the staging copy changes only once the store holds the file
                    self.store.publish(part.temporary, self._store_key(day))
                publish(part.temporary, part.path)
        except BaseException:
            self.abort()
            raise
        self._done = True
        return self.rows

    def _store_key(self, day: date) -> str:
        return self.store.partition_key("lake", self.table_dir.name, day)

    def _stage_old(self, day: date, path: Path) -> None:
        """The store's partition, the truth, copied over the local staging one (or that one removed)."""
        if self.store is not None and not self.store.fetch(self._store_key(day), path):
            path.unlink(missing_ok=True)

    def abort(self) -> None:
        """Discard every temporary file; the old partitions stay as they were."""
        for part in self._open.values():
            part.discard()
        self._open.clear()
        self._done = True

    def _write_day(self, day: date, table: pyarrow.Table, positions, fingerprints, ordinals: list[int]) -> int:
        """Write the rows at `positions` (None: every row) of the frame's `table` to the day's file."""
        if self.declared and day not in self.declared and self.outside != "accept":
            if self.outside == "skip":
                return 0
            raise LakeError(f"{self.table_dir.name}: row for {day} outside the partitions being replaced")
        if fingerprints is not None:
            positions = self._drop_seen(day, positions, fingerprints, ordinals, len(table))
        rows = table if positions is None else table.take(positions)
        if self.units is not None and len(rows):
            self.units.touched(day, ordinals, positions)
        part = self._part(day)
        if len(rows):
            part.write(rows)
            crash_point("parquet_write")
        self.rows[day] += len(rows)
        return len(rows)

    def _drop_seen(self, day: date, positions, fingerprints: list[int], ordinals: list[int], size: int):
        """The positions whose key their request did not land in this write or the one before (None: all of them,
        when nothing repeats)."""
        rows = range(size) if positions is None else positions.tolist()
        if rows and ordinals[rows[0]] == ordinals[rows[-1]]:  # one request (they never decrease): sets decide
            request = ordinals[rows[0]]
            keys = fingerprints if positions is None else [fingerprints[row] for row in rows]
            fresh = set(keys)
            seen = self._seen.setdefault((day, request), set())
            before = self._seen_before.get((day, request), ())
            if len(fresh) == len(keys) and fresh.isdisjoint(seen) and fresh.isdisjoint(before):
                seen |= fresh  # nothing repeats, as on most pages: no loop over the rows
                return positions
        keep = []
        request, seen, seen_before = None, None, None
        for position in rows:
            ordinal = ordinals[position]
            if ordinal != request:
                request, seen = ordinal, self._seen.setdefault((day, ordinal), set())
                seen_before = self._seen_before.get((day, ordinal), set())
            fingerprint = fingerprints[position]
            if fingerprint not in seen and fingerprint not in seen_before:
                seen.add(fingerprint)
                keep.append(position)
        dropped = len(rows) - len(keep)
        self.duplicates_dropped += dropped
        return positions if dropped == 0 else np.array(keep, dtype=np.int64)

    def _part(self, day: date) -> _OpenPart:
        if day not in self._open:
            path = self.table_dir / f"date={day.isoformat()}" / PART_FILE
            self._open[day] = _OpenPart(path, self.schema, self.dictionary_columns)
            self.rows.setdefault(day, 0)
        return self._open[day]


class _OpenPart:
    """One day's temporary file, beside its final name so the rename stays on one file system."""

    def __init__(self, path: Path, schema: pyarrow.Schema, dictionary_columns: list[str]):
        self.path = path
        self.schema = schema
        self.dictionary_columns = dictionary_columns
        self.created_dir = not path.parent.exists()
        path.parent.mkdir(parents=True, exist_ok=True)
        self.temporary = self._new_temporary()
        self.writer: pq.ParquetWriter | None = self._writer()

    def _writer(self) -> pq.ParquetWriter:
        return pq.ParquetWriter(
            self.temporary, self.schema, compression=COMPRESSION, use_dictionary=self.dictionary_columns
        )

    def write(self, rows: pyarrow.Table) -> None:
        if self.writer is None:
            self._reopen()
        self.writer.write_table(rows)

    def finish(self) -> None:
        """Write the footer and free the writer; the file stays temporary until it is published."""
        if self.writer is not None:
            self.writer.close()
            self.writer = None

    def _reopen(self) -> None:
        # Rows for a day finished too early: copy what the finished file holds into a new one and go on there.
        finished = pq.read_table(self.temporary)
        previous, self.temporary = self.temporary, self._new_temporary()
        self.writer = self._writer()
        self.writer.write_table(finished)
        previous.unlink()

    def rewrite(self, rows: pyarrow.Table) -> None:
        """Replace the finished temporary file with `rows` (a merge by unit), still unpublished."""
        previous, self.temporary = self.temporary, self._new_temporary()
        pq.write_table(rows, self.temporary, compression=COMPRESSION, use_dictionary=self.dictionary_columns)
        previous.unlink()

    def _new_temporary(self) -> Path:
        return self.path.with_name(f".{PART_FILE}.{uuid.uuid4().hex}.tmp")

    def discard(self) -> None:
        try:
            self.finish()
        finally:
            self.temporary.unlink(missing_ok=True)
            if self.created_dir and self.path.parent.exists() and not any(self.path.parent.iterdir()):
                self.path.parent.rmdir()


def key_fingerprints(rows: pd.DataFrame, key: tuple[str, ...]) -> list[int]:
    """A 128-bit fingerprint of each row's key: two independent 64-bit hashes of every key column, combined.

    Remembering fingerprints rather than key tuples keeps a day's memory small (a 16-byte int per row instead of
    a tuple of strings), and two independent 64-bit hashes make a false "already seen" (a lost row) as likely as
    a collision of random 128-bit values: never, in any lake this pipeline will hold.
    Each column is factorised once and only its distinct values are hashed, with both keys (pandas' own
    hash_pandas_object factorised the column again for each key: a third of writing a page).
    """
    high = np.zeros(len(rows), dtype=np.uint64)
    low = np.zeros(len(rows), dtype=np.uint64)
    for column in key:
        codes, distinct = pd.factorize(rows[column])  # code -1: null
        first, second = _value_hashes(distinct)
        high = high * _MIX ^ np.append(first, _NULL_HASH)[codes]
        low = low * _MIX ^ np.append(second, _NULL_HASH)[codes]
    return [h << 64 | lo for h, lo in zip(high.tolist(), low.tolist(), strict=True)]


def _value_hashes(values) -> tuple[np.ndarray, np.ndarray]:
    """Two independent 64-bit hashes of each value: SipHash under two keys for text; for numbers, which pandas
    hashes without a key (a bijection of the 64 bits), the bits themselves and the bits xor-ed with a constant."""
    floating = pd.api.types.is_float_dtype(values.dtype)
    if floating or pd.api.types.is_integer_dtype(values.dtype):
        bits = np.asarray(values, dtype=np.float64 if floating else np.int64).view(np.uint64)
        return hash_array(bits), hash_array(bits ^ _NULL_HASH)
    text = np.asarray(values, dtype=object)
    return (hash_array(text, hash_key=_FINGERPRINT_KEYS[0], categorize=False),
            hash_array(text, hash_key=_FINGERPRINT_KEYS[1], categorize=False))  # fmt: skip


_FINGERPRINT_KEYS = ("inc-pipeline-k1a", "inc-pipeline-k2b")  # 16 characters each, as pandas requires
_MIX = np.uint64(1_000_003)  # a column's hash moves the ones before it: (a, b) and (b, a) differ
_NULL_HASH = np.uint64(0x9E3779B97F4A7C15)


def publish(temporary: Path, path: Path) -> None:
    """fsync the finished file, rename it over the old one, fsync the directory so the rename is durable."""
    with open(temporary, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def _day_positions(dates: pd.Series):
    """(day, positions) for each distinct partition date, in order of appearance; positions None when one day
    holds every row (the common case, where grouping would cost more than the rest of the write)."""
    values = dates.to_numpy()
    first = values[0]
    if first is not None and not pd.isna(first) and bool((values == first).all()):
        return [(first, None)]
    return dates.groupby(dates, sort=False, dropna=False).indices.items()


def _as_date(value, table: str) -> date:
    if value is None or pd.isna(value):
        raise LakeError(f"{table}: rows without partition_date cannot land (validate them first)")
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    return pd.Timestamp(value).date()
