"""Where the records are inside an answer's `data`, and how each shape becomes rows. Pure functions.

The catalog says where records sit (`records_path`); real answers deviate in known ways, all tolerated here:
- auth history records under `data.auth_list` or directly under `data` (a list);
- the platform's other paged layout `data: {rowCount, data: [...]}`;
- online clients under `data.clientList.clientInfo` or, with no envelope, `clientList.clientInfo` at the top
  (the client hands the whole body over as `data` when there is no envelope);
- reports: `{info, totalPage}` for one site, a bare list for several.
"""

from __future__ import annotations

from typing import Any

from inc_pipeline.catalog.model import Endpoint, Shape

from .columnar import ColumnarRecords
from .errors import ResponseFormatError

_MISSING = object()


def records_of(endpoint: Endpoint, data: Any) -> list[dict] | ColumnarRecords:
    """The records of one answer's `data`, flattened by the endpoint's shape into a list of dicts."""
    node = locate(endpoint, data)
    if node is None:
        return []
    return _flatten(endpoint.shape, node)


def locate(endpoint: Endpoint, data: Any) -> Any:
    """The node holding the records: `records_path` followed inside `data`, or a known deviation of it."""
    if data is None or data == "":
        return None
    path = endpoint.records_path
    for candidate in _candidates(data):
        found = _follow(candidate, path)
        if found is not _MISSING:
            return found
    if not path:
        return data
    # The records path is missing: a bare list is the records themselves (auth history as the manual shows it).
    if isinstance(data, list):
        return data
    if isinstance(data, dict) and isinstance(data.get("data"), list):
        return data["data"]
    if isinstance(data, dict) and not any(isinstance(v, list | dict) for v in data.values()):
        return None  # only counters such as {"total_count": 0}: an empty page that omits the container
    raise ResponseFormatError(endpoint.id, None, f"records not found at data.{'.'.join(path)} (keys: {_keys(data)})")


def _candidates(data: Any) -> list[Any]:
    """`data` itself, then the inner `data` of the {rowCount, data} layout."""
    inner = data.get("data") if isinstance(data, dict) else None
    return [data, inner] if isinstance(inner, dict | list) else [data]


def _follow(node: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return _MISSING
        node = node[key]
    return node


def _keys(data: Any) -> str:
    return ", ".join(sorted(map(str, data))) if isinstance(data, dict) else type(data).__name__


def _flatten(shape: Shape, node: Any) -> list[dict]:
    if shape is Shape.TOP_BOTTOM:
        return _top_bottom(node)
    if shape is Shape.STRINGS:
        return [{"value": item} for item in _as_list(node)]
    if shape is Shape.OBJECT and isinstance(node, dict):
        return [node]
    if isinstance(node, ColumnarRecords):
        return node  # flat records by construction (a list of dicts to every reader), kept as columns
    return [item if isinstance(item, dict) else {"value": item} for item in _as_list(node)]


def _as_list(node: Any) -> list:
    if isinstance(node, list):
        return node
    return [node]  # one record where a list was expected: still one row, not a crash


def _top_bottom(node: Any) -> list[dict]:
    """{top5: [...], bottom5: [...]} -> one row per entry, tagged with its group and 1-based rank."""
    if not isinstance(node, dict):
        return []
    rows = []
    for group, entries in node.items():
        if not isinstance(entries, list):
            continue
        for rank, entry in enumerate(entries, start=1):
            fields = entry if isinstance(entry, dict) else {"value": entry}
            rows.append({"rank_group": group, "rank": rank, **fields})
    return rows
