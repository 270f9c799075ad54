"""Counters per endpoint id, for Dagster metadata: calls, pages, records, retries, throttled answers."""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, fields


@dataclass
class EndpointStats:
    """What the client did for one endpoint."""

    calls: int = 0  # HTTP requests sent, retries included
    pages: int = 0  # pages handed to the caller
    records: int = 0  # records in those pages
    retries: int = 0  # requests repeated after a transient failure
    throttled: int = 0  # answers saying we called too often (should stay 0: pacing prevents them)

    def as_metadata(self) -> dict[str, int]:
        """The counters as a plain dict (Dagster metadata values)."""
        return asdict(self)


class ClientStats:
    """Thread-safe EndpointStats per endpoint id; `stats["auth_history"].calls`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_endpoint: dict[str, EndpointStats] = {}

    def add(self, endpoint_id: str, **counts: int) -> None:
        """Add to the named counters of `endpoint_id`."""
        with self._lock:
            entry = self._by_endpoint.setdefault(endpoint_id, EndpointStats())
            for name, value in counts.items():
                setattr(entry, name, getattr(entry, name) + value)

    def __getitem__(self, endpoint_id: str) -> EndpointStats:
        """A snapshot of the counters of `endpoint_id` (zeros if it was never called)."""
        with self._lock:
            return EndpointStats(**asdict(self._by_endpoint.get(endpoint_id, EndpointStats())))

    def endpoints(self) -> list[str]:
        """Endpoint ids seen so far."""
        with self._lock:
            return sorted(self._by_endpoint)

    def total(self) -> EndpointStats:
        """The counters summed over every endpoint."""
        with self._lock:
            return EndpointStats(
                **{f.name: sum(getattr(s, f.name) for s in self._by_endpoint.values()) for f in fields(EndpointStats)}
            )
