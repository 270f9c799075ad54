"""One simulator per process, started on first use: the target of `INC_API_BASE_URL=simulator`."""

from __future__ import annotations

import threading

from .config import SimulatorConfig
from .server import SimulatorServer

_lock = threading.Lock()
_server: SimulatorServer | None = None


def embedded_simulator(config: SimulatorConfig | None = None) -> SimulatorServer:
    """The process's simulator on a free loopback port; the first caller's config wins."""
    global _server
    with _lock:
        if _server is None:
            _server = SimulatorServer(config or SimulatorConfig()).start()
        return _server
