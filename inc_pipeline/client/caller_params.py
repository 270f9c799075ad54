"""Query parameters sent on every call (INC_API_QUERY_PARAMS), as public clients send `user_name` and `locale`.

`user_name=ana@example.com,locale=en`: comma-separated name=value pairs, each sent in the query string of every
request (GET and POST alike). A name the pipeline sends itself on some endpoint (`shopIds`, `devSN`, `user`,
`nesting`, ...) is refused here, in one line; and should a request carry a field of that name anyway, the
request's own value is the one sent (`merged_query`): the two can never collide on the wire.
"""

from __future__ import annotations

import re

from inc_pipeline.catalog import ENDPOINTS, Endpoint
from inc_pipeline.errors import UserError

SETTING = "INC_API_QUERY_PARAMS"
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")
# Request fields the extraction plan adds beside the catalog's own (extract/plan.py): the AP and SSID scopes'.
_PLANNED_FIELDS = ("apsn", "param", "user")


class QueryParamsError(UserError):
    """INC_API_QUERY_PARAMS cannot be read, or names a field the pipeline sends itself."""


def parse_query_params(text: str) -> dict[str, str]:
    """The name -> value pairs of INC_API_QUERY_PARAMS ("" -> none), or a one-line QueryParamsError."""
    pairs: dict[str, str] = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        name, sep, value = (piece.strip() for piece in item.partition("="))
        if not sep or not _NAME.fullmatch(name):
            raise QueryParamsError(f"{SETTING}: {item!r} is not name=value: write e.g. "
                                   f"{SETTING}=user_name=ana@example.com,locale=en")  # fmt: skip
        if name in pairs:
            raise QueryParamsError(f"{SETTING}: {name} is given twice: keep one")
        if name in pipeline_fields():
            raise QueryParamsError(f"{SETTING}: {name} is a field the pipeline sends itself on some endpoint: "
                                   "leave it out (user_name and locale are what public clients add)")  # fmt: skip
        pairs[name] = value
    return pairs


def pipeline_fields(endpoints: tuple[Endpoint, ...] = ENDPOINTS) -> frozenset[str]:
    """Every request field name the pipeline itself sends, on any endpoint (query string or body)."""
    names: set[str] = set(_PLANNED_FIELDS)
    for endpoint in endpoints:
        names.update(endpoint.fixed_params, endpoint.query_params, endpoint.paging_field_names)
        names.update(name for name in (endpoint.site_field, endpoint.device_field) if name)
        if endpoint.window is not None:
            names.update((endpoint.window.start_field, endpoint.window.end_field))
    return frozenset(names)


def merged_query(own_query: dict, body: dict | None, caller_query: dict[str, str]) -> dict:
    """A request's query string: its own fields, then each caller parameter whose name the request does not
    already carry (in its query or its body)."""
    taken = set(own_query) | set(body or {})
    return {**own_query, **{name: value for name, value in caller_query.items() if name not in taken}}
