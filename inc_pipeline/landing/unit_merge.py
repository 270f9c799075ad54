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

from .errors import LakeError

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
        for ordinal in {rows[0]} if rows[0] == rows[-1] else set(rows):  # numbers never decrease
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
        try:
            old = pq.ParquetFile(final) if final.exists() else None
            carried = self._carried(old, landed, schema) if old is not None else None
        except (pyarrow.ArrowException, OSError) as error:
            # Its units' rows cannot be carried into the new file: retrying cannot read it either.
            raise LakeError(f"{final} is not readable Parquet ({str(error).splitlines()[0]}), so the rows "
                                      "of units not asked again cannot be kept: move it aside (or remove it) and "
                                      "rerun, which lands the day from what the API answers") from None  # fmt: skip
        outranked = self.prefer is not None and old is not None
        if not dropped and carried is None and not outranked:
            return None
        new = pq.read_table(temporary)
        if dropped:
            new = new.filter(pyarrow.array([key not in dropped for key in self._keys(new)], pyarrow.bool_()))
        if outranked:
            new = self._keep_higher_ranked(new, _conformed(old.read(), schema))
        merged = pyarrow.concat_tables([new, carried]) if carried is not None else new
        self.carried[day] = 0 if carried is None else len(carried)
        write(merged)
        return len(new) if dropped else None

    def _carried(self, old: pq.ParquetFile, landed: set[UnitKey], schema: pyarrow.Schema) -> pyarrow.Table | None:
        """The old partition's rows of units that did not land (None: none), in the new file's schema. Only the
        unit columns are read to decide, as most re-landings replace every unit."""
        if not set(self.columns) <= set(old.schema_arrow.names):
            return None  # a partition landed before units were tracked by these columns: replaced whole
        if self.columns:
            mask = [key not in landed for key in self._keys(old.read(columns=list(self.columns)))]
        else:
            mask = [() not in landed] * old.metadata.num_rows
        if not any(mask):
            return None
        return _conformed(old.read().filter(pyarrow.array(mask, pyarrow.bool_())), schema)

    def _keep_higher_ranked(self, new: pyarrow.Table, old: pyarrow.Table) -> pyarrow.Table:
        """`new`, where an old row of the same key ranks higher on `prefer` taking that row's place (an old row
        without a rank was landed before ranks were kept, when only whole periods landed: it ranks highest)."""
        if not len(new) or not len(old):
            return new
        old_keys, new_keys = _tuples(old, self.key), _tuples(new, self.key)
        ranked = dict(zip(old_keys, old.column(self.prefer).to_pylist(), strict=True))
        ranks = new.column(self.prefer).to_pylist()
        beaten = {key for key, rank in zip(new_keys, ranks, strict=True)
                  if key in ranked and (ranked[key] is None or (rank is not None and ranked[key] > rank))}  # fmt: skip
        if not beaten:
            return new
        keep_new = pyarrow.array([key not in beaten for key in new_keys], pyarrow.bool_())
        keep_old = pyarrow.array([key in beaten for key in old_keys], pyarrow.bool_())
        return pyarrow.concat_tables([new.filter(keep_new), old.filter(keep_old)])

    def _keys(self, table: pyarrow.Table) -> list[UnitKey]:
        """Each row's unit key (`()` for every row of an account-wide table)."""
        return _tuples(table, self.columns) if self.columns else [()] * len(table)


def _tuples(table: pyarrow.Table, columns: Sequence[str]) -> list[tuple[str, ...]]:
    """The rows' values of `columns`, as text tuples (keys compare equal whatever type a column landed as)."""
    return list(zip(*(pc.cast(table.column(c), pyarrow.string()).to_pylist() for c in columns), strict=True))


def _conformed(table: pyarrow.Table, schema: pyarrow.Schema) -> pyarrow.Table:
    """Old rows in the new file's schema: a column the old file lacks (another personal-data policy) is null."""
    columns = [
        table.column(field.name).cast(field.type) if field.name in table.column_names
        else pyarrow.nulls(len(table), field.type)
        for field in schema
    ]  # fmt: skip
    return pyarrow.Table.from_arrays(columns, schema=schema)
