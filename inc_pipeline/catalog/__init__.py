"""The endpoint catalog: every INC Cloud endpoint described as data (see `entries/`)."""

from .entries import ENDPOINTS
from .model import (
    CONTROLLERS,
    WITH_CLIENTS,
    Cadence,
    Endpoint,
    Pagination,
    Period,
    RateLimit,
    Scope,
    Shape,
    Span,
    StatRange,
    Window,
)
from .ranges import range_table

# The tables the per-day aggregates' ranges land in (`<id>_by_range`), one per endpoint listing `ranges`.
RANGE_TABLES: tuple[Endpoint, ...] = tuple(range_table(e) for e in ENDPOINTS if e.ranges)
RANGE_TABLES_BY_ID: dict[str, Endpoint] = {table.id: table for table in RANGE_TABLES}
# Every landed table: the endpoints' own and their range tables.
TABLES: tuple[Endpoint, ...] = (*ENDPOINTS, *RANGE_TABLES)

ENDPOINTS_BY_ID: dict[str, Endpoint] = {endpoint.id: endpoint for endpoint in ENDPOINTS}
DOMAINS: tuple[str, ...] = (
    "sites", "devices", "wireless", "clients", "auth", "guests", "dwell", "traffic", "vendors", "reports",
)  # fmt: skip


def endpoint(endpoint_id: str) -> Endpoint:
    """The catalog entry (or range table) with this id; a one-line error naming the known ids otherwise."""
    try:
        return ENDPOINTS_BY_ID.get(endpoint_id) or RANGE_TABLES_BY_ID[endpoint_id]
    except KeyError:
        raise KeyError(f"unknown endpoint {endpoint_id!r}; known: {', '.join(ENDPOINTS_BY_ID)}") from None


__all__ = [
    "CONTROLLERS", "WITH_CLIENTS", "Cadence", "DOMAINS", "ENDPOINTS", "ENDPOINTS_BY_ID", "Endpoint", "Pagination",
    "Period", "RANGE_TABLES", "RANGE_TABLES_BY_ID", "RateLimit", "Scope", "Shape", "Span", "StatRange", "TABLES",
    "Window", "endpoint",
]  # fmt: skip
