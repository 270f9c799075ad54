"""Replacing a partition by request unit: the rows of units that landed are new, the others' stay as they were.

A unit is what one request answered for (a site, a device, a batch of them, over its days; the extract layer
says which: `extract/units.py`). When one device refuses, or a rotation asks only some devices today, the
partition they share is still replaced, but only for the units that landed; the old rows of the rest are
carried into the new file. A unit that failed after some of its pages were written loses those pages (half an
answer is never landed) and keeps its old rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pyarrow
import pyarrow.compute as pc
import pyarrow.parquet as pq

UnitKey = tuple[str, ...]


class UnitMerge:
    """Which units landed on which days, and the merge of a day's new file with the old partition."""

    def __init__(self, columns: tuple[str, ...], key: tuple[str, ...] = (), prefer: str | None = None) -> None:
        """`prefer`: a column that ranks rows of one `key` (a week's `covered_days`): a new row ranking lower than
        the row it would replace leaves the old one in place (a day of a week never replaces the whole week)."""
        self.columns = columns
        self.key = key
        self.prefer = prefer
        self.landed: dict[date, set[UnitKey]] = {}
        self.failed: dict[date, set[UnitKey]] = {}
        self.carried: dict[date, int] = {}  # old rows kept per day
        self._days_of_request: dict[int, set[date]] = {}

    def touched(self, day: date, ordinals: Sequence[int], positions) -> None:
        """Rows of these requests (`ordinals` by row, `positions` the rows written, None: all) went to `day`."""
        rows = ordinals if positions is None else [ordinals[p] for p in positions.tolist()]
        for ordinal in {rows[0], rows[-1]} if rows[0] == rows[-1] else set(rows):
            self._days_of_request.setdefault(ordinal, set()).add(day)

    def unit_landed(self, keys: frozenset[UnitKey], days: Sequence[date], ordinal: int | None = None) -> None:
        """A request for `keys` succeeded: it answers for its own days and any day its rows went to."""
        for day in {*days, *self._days_of_request.get(ordinal, ())}:
            self.landed.setdefault(day, set()).update(keys)

    def unit_failed(self, keys: frozenset[UnitKey], days: Sequence[date], ordinal: int | None = None) -> None:
        """A request for `keys` failed: whatever pages of it were written are dropped again."""
        for day in {*days, *self._days_of_request.get(ordinal, ())}:
            self.failed.setdefault(day, set()).update(keys)

    def untouched(self, day: date) -> bool:
        """Whether the day is to stay exactly as it was: units failed there and none landed."""
        return bool(self.failed.get(day)) and not self.landed.get(day)

    def merge(self, day: date, temporary: Path, final: Path, schema: pyarrow.Schema, write) -> int | None:
        """Make `temporary` the day's whole partition: its rows less those of failed units, plus the old rows of
        units that did not land. Returns the new rows kept when some were dropped, else None."""
        landed = self.landed.get(day, set())
        dropped = self.failed.get(day, set()) - landed
        carried = self._carried(final, landed, schema) if final.exists() else None
        outranked = self.prefer is not None and final.exists()
        if not dropped and carried is None and not outranked:
            return None
        new = pq.read_table(temporary)
        if dropped:
            new = new.filter(pyarrow.array([key not in dropped for key in self._keys(new)], pyarrow.bool_()))
        if outranked:
            new = self._keep_higher_ranked(new, _conformed(pq.read_table(final), schema))
        merged = pyarrow.concat_tables([new, carried]) if carried is not None else new
        self.carried[day] = 0 if carried is None else len(carried)
        write(merged)
        return len(new) if dropped else None

    def _carried(self, final: Path, landed: set[UnitKey], schema: pyarrow.Schema) -> pyarrow.Table | None:
        present = set(pq.read_schema(final).names)
        if not set(self.columns) <= present:
            return None  # a partition landed before units were tracked by these columns: replaced whole
        keys = pq.read_table(final, columns=list(self.columns)) if self.columns else None
        mask = [key not in landed for key in self._keys(keys, rows=pq.ParquetFile(final).metadata.num_rows)]
        if not any(mask):
            return None
        old = pq.read_table(final).filter(pyarrow.array(mask, pyarrow.bool_()))
        return _conformed(old, schema)

    def _keep_higher_ranked(self, new: pyarrow.Table, old: pyarrow.Table) -> pyarrow.Table:
        """`new`, where an old row of the same key ranks higher on `prefer` taking that row's place (an old row
        without a rank was landed before ranks were kept, when only whole periods landed: it ranks highest)."""
        if not len(new) or not len(old):
            return new
        ranked = {key: rank for key, rank in zip(self._key_values(old), old.column(self.prefer).to_pylist(),
                                                 strict=True)}  # fmt: skip
        ranks = new.column(self.prefer).to_pylist()
        beaten = {key for key, rank in zip(self._key_values(new), ranks, strict=True)
                  if key in ranked and (ranked[key] is None or (rank is not None and ranked[key] > rank))}  # fmt: skip
        if not beaten:
            return new
        keep_new = pyarrow.array([key not in beaten for key in self._key_values(new)], pyarrow.bool_())
        keep_old = pyarrow.array([key in beaten for key in self._key_values(old)], pyarrow.bool_())
        return pyarrow.concat_tables([new.filter(keep_new), old.filter(keep_old)])

    def _key_values(self, table: pyarrow.Table) -> list[tuple]:
        return list(zip(*(pc.cast(table.column(c), pyarrow.string()).to_pylist() for c in self.key), strict=True))

    def _keys(self, table: pyarrow.Table | None, rows: int | None = None):
        if not self.columns:
            return [()] * (rows if table is None else len(table))
        values = [pc.cast(table.column(c), pyarrow.string()).to_pylist() for c in self.columns]
        return list(zip(*values, strict=True))


def _conformed(table: pyarrow.Table, schema: pyarrow.Schema) -> pyarrow.Table:
    """Old rows in the new file's schema: a column the old file lacks (another personal-data policy) is null."""
    columns = [
        table.column(field.name).cast(field.type) if field.name in table.column_names
        else pyarrow.nulls(len(table), field.type)
        for field in schema
    ]  # fmt: skip
    return pyarrow.Table.from_arrays(columns, schema=schema)
