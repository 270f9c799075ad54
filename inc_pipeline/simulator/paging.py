"""The manual's three paging styles. Assumptions where it is silent are stated per function."""

from __future__ import annotations

import math

from .errors import bad_parameter

MAX_PAGE_SIZE = 5000
CURSOR_ACTIONS = ("firstPage", "nextPage", "prePage", "lastPage")


def as_int(value, field: str, *, default: int | None = None, low: int | None = None, high: int | None = None) -> int:
    """An integer field that may arrive as a number or a numeric string ("5000")."""
    if value is None or value == "":
        if default is None:
            raise bad_parameter(field, "required")
        return default
    if isinstance(value, bool):
        raise bad_parameter(field, "not an integer")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise bad_parameter(field, "not an integer") from None
    if (low is not None and number < low) or (high is not None and number > high):
        raise bad_parameter(field, f"out of range {low}..{high}")
    return number


def page_index_bounds(total: int, page_index: int, page_size: int, *, overlap: bool = False) -> tuple[int, int]:
    """[lo, hi) of a 1-based page; a page past the end is empty. `overlap` repeats the previous page's last record."""
    lo = (page_index - 1) * page_size
    hi = min(lo + page_size, total)
    if overlap and page_index > 1 and lo < total:
        lo -= 1
    return min(lo, total), hi


def skip_limit(records: list, skip: int, limit: int, *, overlap: bool = False) -> tuple[list, int]:
    """(page, count_left): skipnum is an offset, limitnum a page size; count_left = records after this page."""
    lo = max(skip - 1, 0) if overlap and skip > 0 else skip
    page = records[lo : skip + limit]
    return page, max(len(records) - skip - limit, 0)


def cursor(records: list[dict], key: str, body: dict, names: tuple[str, str, str], overlap: bool = False) -> dict:
    """Report paging: `active` + `limit` + `local` (the last record of the previous page for nextPage, the first
    record of the current page for prePage) + `totalPage` (required for lastPage). Records are in `key` order.
    Assumption: `local` is matched by its `key` value (statTime), so any record object carrying it works."""
    active_name, limit_name, local_name = names
    active = body.get(active_name)
    if active not in CURSOR_ACTIONS:
        raise bad_parameter(active_name, f"one of {', '.join(CURSOR_ACTIONS)}")
    limit = as_int(body.get(limit_name), limit_name, low=1, high=MAX_PAGE_SIZE)
    total_pages = max(math.ceil(len(records) / limit), 1)
    keys = [str(r[key]) for r in records]
    lo, hi = 0, limit
    if active == "lastPage":
        claimed = as_int(body.get("totalPage"), "totalPage", low=1)
        lo = (min(claimed, total_pages) - 1) * limit
        hi = lo + limit
    elif active != "firstPage":
        local = body.get(local_name)
        if not isinstance(local, dict) or key not in local:
            raise bad_parameter(local_name, f"a record with {key}")
        before, through = _split(keys, str(local[key]))
        if active == "nextPage":
            lo = through - 1 if overlap and through > 0 else through
            hi = through + limit
        else:
            lo, hi = max(before - limit, 0), before
    return {"info": records[lo:hi], "totalPage": total_pages}


def _split(keys: list[str], value: str) -> tuple[int, int]:
    """(records strictly before value, records up to and including value) in the list's own order, so a record
    that vanished between two calls still pages sensibly."""
    descending = len(keys) > 1 and keys[0] > keys[-1]
    before = sum(1 for k in keys if (k > value if descending else k < value))
    return before, before + sum(1 for k in keys if k == value)
