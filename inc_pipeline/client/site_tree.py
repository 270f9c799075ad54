"""`/user/shop?nesting=true`: the account's region tree, flattened into one record per site. Pure functions.

Public clients of the real service read the tree as children (regions) -> states -> cities -> shopsInfo (the
sites, each the flat list's record); see shared/spec/field-notes.md. What is assumed where nothing public says:
- a node's name is under `name`, or under its level's own key (`regionName`, `stateName`, `cityName`);
- the tree's root is an object holding `children`, or the list of region nodes itself.
Each site's record gains `region`, `state` and `city` from the nodes above it: the tree's city replaces the
record's own (they name the same place; the tree is what the account groups sites by). A server that ignores
`nesting` answers the flat list, read as it is: no region, no state.
"""

from __future__ import annotations

from typing import Any

# (key of a node's children at this level, the column its name fills, where the name may be), root to leaf.
LEVELS = (
    ("children", "region", ("name", "regionName")),
    ("states", "state", ("name", "stateName")),
    ("cities", "city", ("name", "cityName")),
)
SITES_KEY = "shopsInfo"
TREE_COLUMNS = tuple(column for _, column, _ in LEVELS)  # region, state, city


def is_site_tree(node: Any) -> bool:
    """Whether an answer's `data` is the region tree rather than the flat list of sites."""
    return bool(_regions(node)) or (isinstance(node, dict) and LEVELS[0][0] in node)


def sites_of_tree(node: Any) -> list[dict]:
    """One record per site of the tree, in the tree's order, each with the names of its region, state and city."""
    return list(_walk(_regions(node), 0, {}))


def _regions(node: Any) -> list:
    """The region nodes: the root's `children`, or the root itself when it is their list."""
    if isinstance(node, dict) and isinstance(node.get(LEVELS[0][0]), list):
        return node[LEVELS[0][0]]
    next_key = LEVELS[1][0]
    if isinstance(node, list) and node and all(isinstance(n, dict) and next_key in n for n in node):
        return node
    return []


def _walk(nodes: list, depth: int, names: dict) -> Any:
    if depth == len(LEVELS):
        for site in nodes:
            if isinstance(site, dict):
                yield {**site, **{column: name for column, name in names.items() if name is not None}}
        return
    _, column, name_keys = LEVELS[depth]
    below = LEVELS[depth + 1][0] if depth + 1 < len(LEVELS) else SITES_KEY
    for node in nodes:
        if not isinstance(node, dict):
            continue
        name = next((node[key] for key in name_keys if node.get(key) not in (None, "")), None)
        yield from _walk(node.get(below) or [], depth + 1, {**names, column: name})
