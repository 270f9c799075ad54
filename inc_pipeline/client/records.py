"""Where the records are inside an answer's `data`, and how each shape becomes rows. Pure functions.

The catalog says where records sit (`records_path`); real answers deviate in known ways, all tolerated here:
- the platform's other list layout `data: {rowCount, data: [...]}`, around any endpoint's answer: taken off
  first (`without_list_wrapper`), so every rule below reads the answer as the manual shows it;
- auth history records under `data.auth_list` or directly under `data` (a list);
- online clients under `data.clientList.clientInfo` or, with no envelope, `clientList.clientInfo` at the top
  (the client hands the whole body over as `data` when there is no envelope);
- reports: `{info, totalPage}` for one site, a bare list for several;
- sites: the region tree of `/user/shop?nesting=true` (site_tree.py) or the flat list.
"""

from __future__ import annotations

from typing import Any

from inc_pipeline.catalog.model import Endpoint, Shape

from .columnar import ColumnarRecords
from .errors import ResponseFormatError
from .site_tree import is_site_tree, sites_of_tree

_MISSING = object()


# The wrapper's keys (field-notes): `rowCount` names it (a total, which pagination reads as one), `data` holds
# what the manual's answer would hold. An answer whose `data` has no `rowCount` beside it is not wrapped.
WRAPPER_COUNT_KEY = "rowCount"
WRAPPER_DATA_KEY = "data"


def without_list_wrapper(data: Any) -> Any:
    """`data` with the platform's `{rowCount, data: [...]}` wrapper taken off (the manual's answer inside it, a
    list or an object), or `data` itself when it is not wrapped. The one place that knows the wrapper."""
    if isinstance(data, dict) and WRAPPER_COUNT_KEY in data:
        inner = data.get(WRAPPER_DATA_KEY)
        if isinstance(inner, list | dict | ColumnarRecords):
            return inner
    return data


def wire_records_paths(endpoint: Endpoint) -> tuple[tuple[str, ...], ...]:
    """Where a paged answer's records sit from the top of the body (so a large one can be read into columns):
    inside the manual's container, or inside the wrapper. None for endpoints whose records are `data` itself."""
    if not endpoint.records_path:
        return ()
    return ("data", *endpoint.records_path), ("data", WRAPPER_DATA_KEY)


def is_bare_list(data: Any) -> bool:
    """Whether an answer is a plain list of records, wrapped or not (a several-site report: no cursor, no
    totalPage), rather than an object that says how it pages."""
    return isinstance(without_list_wrapper(data), list | ColumnarRecords)


def records_of(endpoint: Endpoint, data: Any) -> list[dict] | ColumnarRecords:
    """The records of one answer's `data`, flattened by the endpoint's shape into a list of dicts."""
    node = locate(endpoint, data)
    if node is None:
        return []
    return _flatten(endpoint.shape, node)


def locate(endpoint: Endpoint, data: Any) -> Any:
    """The node holding the records: `records_path` followed inside `data`, or a known deviation of it."""
    data = without_list_wrapper(data)
    if data is None or (isinstance(data, str) and not data):
        return None
    path = endpoint.records_path
    found = _follow(data, path)
    if found is not _MISSING:
        return found
    # The records path is missing: a bare list is the records themselves (auth history as the manual shows it).
    if isinstance(data, list | ColumnarRecords):
        return data
    if isinstance(data, dict) and not any(isinstance(v, list | dict) for v in data.values()):
        return None  # only counters such as {"total_count": 0}: an empty page that omits the container
    raise ResponseFormatError(endpoint.id, None, f"records not found at data.{'.'.join(path)} (keys: {_keys(data)})")


def _follow(node: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return _MISSING
        node = node[key]
    return node


def _keys(data: Any) -> str:
    return ", ".join(sorted(map(str, data))) if isinstance(data, dict) else type(data).__name__


def _flatten(shape: Shape, node: Any) -> list[dict]:
    if shape is Shape.SITE_TREE and is_site_tree(node):
        return sites_of_tree(node)
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
