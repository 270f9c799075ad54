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
    Window,
)

ENDPOINTS_BY_ID: dict[str, Endpoint] = {endpoint.id: endpoint for endpoint in ENDPOINTS}
DOMAINS: tuple[str, ...] = (
    "sites", "devices", "wireless", "clients", "auth", "guests", "dwell", "traffic", "vendors", "reports",
)  # fmt: skip


def endpoint(endpoint_id: str) -> Endpoint:
    """The catalog entry with this id; a one-line error naming the known ids otherwise."""
    try:
        return ENDPOINTS_BY_ID[endpoint_id]
    except KeyError:
        raise KeyError(f"unknown endpoint {endpoint_id!r}; known: {', '.join(ENDPOINTS_BY_ID)}") from None


__all__ = [
    "CONTROLLERS", "WITH_CLIENTS", "Cadence", "DOMAINS", "ENDPOINTS", "ENDPOINTS_BY_ID", "Endpoint", "Pagination",
    "Period", "RateLimit", "Scope", "Shape", "Span", "Window", "endpoint",
]  # fmt: skip
