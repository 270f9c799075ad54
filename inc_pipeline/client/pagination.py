"""One loop per pagination style, each streaming page by page (memory bounded by one page).

`fetch(body_fields, query_fields) -> data` sends one request; the styles only decide what to ask next and when
to stop. Every loop stops on a short or empty page, on the stated total, or when the server makes no progress
(a page identical to the previous one), so a server that repeats records can never make it loop forever.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from inc_pipeline.catalog.model import Endpoint, Pagination

from . import protocol
from .records import is_bare_list, records_of

log = logging.getLogger(__name__)

Fetch = Callable[[dict, dict], Any]
MAX_PAGE_INDEX_SIZE = 5000  # the manual's range for page_size


@dataclass(frozen=True)
class Page:
    """One answer of a paged (or unpaged) endpoint: its records, the raw `data`, and its 1-based number."""

    records: list[dict]
    raw: Any
    number: int = 1


def iter_pages(fetch: Fetch, endpoint: Endpoint, params: dict | None = None) -> Iterator[Page]:
    """Every page of `endpoint` for `params`, in order, by the endpoint's pagination style."""
    styles = {
        Pagination.NONE: _single,
        Pagination.PAGE_INDEX: _page_index,
        Pagination.SKIP_LIMIT: _skip_limit,
        Pagination.CURSOR: _cursor,
    }
    return styles[endpoint.pagination](fetch, endpoint, dict(params or {}))


def total_of(data: Any, keys: tuple[str, ...]) -> int | None:
    """The first of `keys` found in `data` or one level down (clientList.count_total), as an int."""
    if not isinstance(data, dict):
        return None
    nested = [value for value in data.values() if isinstance(value, dict)]
    for node in (data, *nested):
        for key in keys:
            try:
                return int(node[key])
            except (KeyError, TypeError, ValueError):
                continue
    return None


def _single(fetch: Fetch, endpoint: Endpoint, params: dict) -> Iterator[Page]:
    data = fetch(params, {})
    yield Page(records_of(endpoint, data), data, 1)


def _page_index(fetch: Fetch, endpoint: Endpoint, params: dict) -> Iterator[Page]:
    index_field, size_field = endpoint.paging_field_names[:2]
    size = min(endpoint.page_size or 1000, MAX_PAGE_INDEX_SIZE)
    seen = None
    for index in _counting():
        data = fetch({**params, index_field: index, size_field: size}, {})
        records = records_of(endpoint, data)
        if _stalled(endpoint, records, seen):
            return
        yield Page(records, data, index)
        total = total_of(data, protocol.TOTAL_COUNT_KEYS)
        if len(records) < size or (total is not None and index * size >= total):
            return
        seen = _fingerprint(records)


def _skip_limit(fetch: Fetch, endpoint: Endpoint, params: dict) -> Iterator[Page]:
    skip_field, limit_field = endpoint.paging_field_names[:2]
    size = endpoint.page_size or 100
    skip, seen = 0, None
    for number in _counting():
        # skipnum/limitnum travel in the query string even on POST (the manual's URL examples).
        data = fetch(params, {skip_field: skip, limit_field: size})
        records = records_of(endpoint, data)
        if _stalled(endpoint, records, seen):
            return
        yield Page(records, data, number)
        # Advance by the page size asked for, not by the records received: a server that repeats the previous
        # page's last record must not push the offset past a record we have not seen.
        skip += size
        total = total_of(data, protocol.TOTAL_COUNT_KEYS)
        if len(records) < size or (total is not None and skip >= total):
            return
        seen = _fingerprint(records)


def _cursor(fetch: Fetch, endpoint: Endpoint, params: dict) -> Iterator[Page]:
    active_field, limit_field, local_field, total_field = endpoint.paging_field_names[:4]
    size = endpoint.page_size or 100
    request = {**params, active_field: protocol.CURSOR_FIRST_PAGE, limit_field: size}
    seen = None
    for number in _counting():
        data = fetch(request, {})
        records = records_of(endpoint, data)
        if is_bare_list(data) and len(records) == size and len(params.get(endpoint.site_field) or ()) > 1:
            yield from _in_halves(fetch, endpoint, params, len(records))
            return
        if _stalled(endpoint, records, seen):
            return
        yield Page(records, data, number)
        if is_bare_list(data):
            return  # several sites answer a bare list, no cursor and no totalPage: the whole answer (manual)
        total_pages = total_of(data, (total_field, *protocol.TOTAL_PAGE_KEYS))
        if len(records) < size or (total_pages is not None and number >= total_pages):
            return
        # The cursor is the last record of the current page, sent back as the manual says.
        request = {**params, active_field: protocol.CURSOR_NEXT_PAGE, limit_field: size, local_field: records[-1]}
        seen = _fingerprint(records)


def _in_halves(fetch: Fetch, endpoint: Endpoint, params: dict, received: int) -> Iterator[Page]:
    """A several-site request asked again as two requests, each for half of its sites, each read the same way.

    A several-site answer is a bare list with no totalPage. We read it as the whole answer, as the manual's table
    shows; but one exactly `limit` long may have been cut at the limit, and nothing in it would say so. Rather
    than risk losing rows, that list is set aside unread. A half whose list is shorter than the limit is whole;
    one exactly as long is halved again; a single site is cursor-paged (a one-site answer says its totalPage).
    So a list that was whole by coincidence (100 sites' weekly report for one week, limit 100) costs two more
    requests, not one per site; a list that was cut costs at most about twice the requests its rows need."""
    sites = list(params[endpoint.site_field])
    log.info(
        "%s: the answer for %d sites holds exactly %d records, the limit asked, so it may have been cut there; "
        "asking each half of the sites again", endpoint.id, len(sites), received,
    )  # fmt: skip
    middle = len(sites) // 2
    for half in (sites[:middle], sites[middle:]):
        pages = _cursor(fetch, endpoint, {**params, endpoint.site_field: half})
        yield from (pages if len(half) > 1 else _named_by_request(endpoint, pages, half[0]))


def _named_by_request(endpoint: Endpoint, pages: Iterator[Page], site) -> Iterator[Page]:
    """A one-site answer need not name its site: the request did. The records are the answer's own dicts, so
    the raw answer kept by the archive names it too, and a replay lands the rows under their site."""
    for page in pages:
        if endpoint.record_site_field:
            for record in page.records:
                if record.get(endpoint.record_site_field) in (None, ""):
                    record[endpoint.record_site_field] = site
        yield page


def _counting() -> Iterator[int]:
    number = 1
    while True:
        yield number
        number += 1


def _fingerprint(records: list[dict]) -> tuple:
    """A small stand-in for a page (so only one page is held in memory): its size and its end records."""
    return (len(records), repr(records[0]) if records else None, repr(records[-1]) if records else None)


def _stalled(endpoint: Endpoint, records: list[dict], seen: tuple | None) -> bool:
    """True when the server returned the previous page again: it ignores our paging, so stop rather than loop."""
    if seen is not None and _fingerprint(records) == seen:
        log.warning("%s: page repeats the previous one; stopping pagination", endpoint.id)
        return True
    return False
