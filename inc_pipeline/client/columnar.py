"""Large answers read by pyarrow's JSON reader straight into columns, never into a dict per record.

A page of 5,000 authentications is ~4.7 MB of JSON. Read by orjson it becomes ~180,000 Python objects, which the
landing then takes apart again field by field into columns: most of the CPU a page costs. pyarrow's reader
builds the columns directly, and `ColumnarRecords` hands them to the landing while still looking, to everything
else (pagination, the archive, tests), like the list of dicts orjson would have given.

Only answers whose columns say exactly what orjson would have read take this path: the record list must be a
list of flat objects whose values are all text, whole numbers (64-bit), booleans or nulls. Anything else (a
decimal number, which pyarrow cannot tell from an integer written as 1.0; text pyarrow took for a timestamp; a
nested object; a null record; numbers beyond 64 bits; JSON pyarrow refuses) returns None, and orjson reads it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence

import pyarrow as pa
import pyarrow.json as pa_json

COLUMNAR_MIN_BYTES = 256 * 1024  # below this, orjson's dicts cost less than pyarrow's setup
_OBJECT_START = re.compile(rb"\s*\{")


class ColumnarRecords(Sequence):
    """An answer's records as one Arrow struct array, read as a list of dicts wherever a list is expected.

    `columns` serves the landing while no caller has touched the dicts. Iterating builds the dicts once and
    keeps them: from then on they are the records (a caller may have changed them), and `columns` is None.
    Indexing one record builds that record's dict only, a fresh one each time (pagination compares the ends
    of pages), so a change made through `records[i]` is not kept: iterate to change records.
    A field some record lacks is None in that record's dict, where orjson's would lack the key: one reading for
    every reader here, which all use `get`."""

    def __init__(self, records: pa.StructArray):
        self._array = records
        self._dicts: list[dict] | None = None

    def __len__(self) -> int:
        return len(self._array) if self._dicts is None else len(self._dicts)

    def __getitem__(self, index):
        if self._dicts is not None:
            return self._dicts[index]
        if isinstance(index, slice):
            return self._array[index].to_pylist()
        return self._array[index].as_py()

    def __iter__(self) -> Iterator[dict]:
        return iter(self.dicts())

    def __eq__(self, other) -> bool:
        return list(self) == (list(other) if isinstance(other, ColumnarRecords) else other)

    def __repr__(self) -> str:
        return repr(self.dicts())

    def dicts(self) -> list[dict]:
        """The records as dicts (built once; from then on they are what this holds)."""
        if self._dicts is None:
            self._dicts = self._array.to_pylist()
            self._array = None
        return self._dicts

    @property
    def columns(self) -> dict[str, pa.Array] | None:
        """Each field any record carries, as a column (null where a record lacks it); None once the dicts exist."""
        if self._dicts is not None:
            return None
        return {field.name: column for field, column in zip(self._array.type, self._array.flatten(), strict=True)}


def parse_columnar(content: bytes, *records_paths: tuple[str, ...]) -> dict | None:
    """The JSON object in `content` with the list at the first of `records_paths` it has as ColumnarRecords, or
    None when the answer is small, not one object, or holds anything whose Python form the columns would not give
    back exactly."""
    records_paths = tuple(path for path in records_paths if path)
    if len(content) < COLUMNAR_MIN_BYTES or not records_paths or not _OBJECT_START.match(content):
        return None
    options = pa_json.ReadOptions(use_threads=False, block_size=len(content) + 1)  # one block: the whole object
    try:
        table = pa_json.read_json(io.BytesIO(content), read_options=options)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None  # mixed types in a column, repeated keys, broken JSON: orjson reads it, or says what is wrong
    if table.num_rows != 1 or not _exact(table.schema):
        return None
    try:
        table.validate(full=True)  # the reader lets invalid UTF-8 through, which orjson refuses
    except pa.ArrowInvalid:
        return None
    row = table.to_struct_array().combine_chunks()
    return next((body for path in records_paths if (body := _python(row, path)) is not None), None)


def _python(row: pa.StructArray, records_path: tuple[str, ...]) -> dict | None:
    """The one-row struct as a dict, the list at `records_path` as ColumnarRecords (None when it is not a list of
    flat records)."""
    head, *rest = records_path
    names = [field.name for field in row.type]
    if head not in names:
        return None
    index = names.index(head)
    child = row.field(index)
    if rest:
        if not pa.types.is_struct(child.type) or child.null_count:
            return None
        inner = _python(child, tuple(rest))
    else:
        inner = _records(child)
    if inner is None:
        return None
    body = {}
    for position, name in enumerate(names):
        body[name] = inner if position == index else row.field(position)[0].as_py()
    return body


def _records(column: pa.Array) -> ColumnarRecords | None:
    if not pa.types.is_list(column.type) or column.null_count:
        return None
    records = column.flatten()
    if not pa.types.is_struct(records.type) or records.null_count:
        return None  # a list of plain values, or a null among the records: orjson's form is the reference
    if not all(_flat(field.type) for field in records.type):
        return None
    return ColumnarRecords(records)


def _flat(kind: pa.DataType) -> bool:
    return pa.types.is_string(kind) or pa.types.is_int64(kind) or pa.types.is_boolean(kind) or pa.types.is_null(kind)


def _exact(schema: pa.Schema) -> bool:
    """No type anywhere whose values differ from orjson's: decimals (1.0 vs 1, 1e20 vs an exact integer) and
    text pyarrow read as a timestamp."""
    return all(_exact_type(field.type) for field in schema)


def _exact_type(kind: pa.DataType) -> bool:
    if pa.types.is_struct(kind):
        return all(_exact_type(field.type) for field in kind)
    if pa.types.is_list(kind):
        return _exact_type(kind.value_type)
    return _flat(kind)
