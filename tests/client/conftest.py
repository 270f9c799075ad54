"""A scripted HTTP server on loopback for client tests that need exact answers (faults, paging edge cases).

Real HTTP, no mocking of `requests`: the server answers from a queue and records what it received.
Tests of whole behaviours against the API twin use the `simulator` fixture of tests/conftest.py instead.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from dataclasses import replace
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from inc_pipeline.catalog import ENDPOINTS_BY_ID
from inc_pipeline.catalog.model import RateLimit
from inc_pipeline.client import IncClient

API_KEY = "sekret-key-0123456789"
BY_ID = ENDPOINTS_BY_ID


def endpoint(endpoint_id: str, **changes):
    """A catalog entry, unpaced unless told (scripted tests need no per-second limit), with `changes`."""
    return replace(BY_ID[endpoint_id], **{"rate": RateLimit(), **changes})


class ScriptedServer:
    """Answers each request with the next queued (status, body, headers); records method, path, query, body."""

    def __init__(self) -> None:
        self.answers: deque = deque()
        self.requests: list[dict] = []
        self.default = (200, {"code": 0, "message": "", "data": []}, {})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def push(self, body, status: int = 200, headers: dict | None = None, times: int = 1) -> None:
        """Queue an answer; a dict or list body is sent as JSON, a str as it is."""
        for _ in range(times):
            self.answers.append((status, body, headers or {}))

    def ok(self, data, times: int = 1) -> None:
        """Queue a success envelope around `data`."""
        self.push({"code": 0, "message": "success", "data": data}, times=times)

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output clean
                pass

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                server.requests.append(
                    {
                        "method": self.command,
                        "path": parts.path,
                        "query": {k: v[0] for k, v in parse_qs(parts.query).items()},
                        "body": json.loads(raw) if raw else None,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                    }
                )
                status, body, headers = server.answers.popleft() if server.answers else server.default
                payload = body if isinstance(body, str) else json.dumps(body)
                data = payload.encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _answer

        return Handler


@pytest.fixture
def scripted():
    server = ScriptedServer()
    yield server
    server.close()


@pytest.fixture
def scripted_client(scripted, tmp_path):
    """An IncClient on the scripted server: fast backoff, effectively unpaced, state under tmp_path."""
    with IncClient(
        scripted.url,
        API_KEY,
        state_dir=tmp_path / "state",
        max_retries=2,
        backoff_base=0.01,
        default_rate_per_second=1000,
        timeout=(2, 5),
    ) as client:
        yield client


@pytest.fixture(scope="session")
def client_state_dir(tmp_path_factory):
    """One pacing/quota state for every simulator test, so consecutive tests are paced against each other too."""
    return tmp_path_factory.mktemp("client-state")


@pytest.fixture
def sim(request):
    """The API twin: the shared `simulator` fixture of tests/conftest.py when it exists, else our own instance.

    Counters and faults are reset before and after, so each test reads its own `/__sim/stats`.
    """
    from inc_pipeline.simulator import SimulatorConfig, SimulatorServer

    try:
        server = request.getfixturevalue("simulator")
    except pytest.FixtureLookupError:
        server = SimulatorServer(SimulatorConfig(seed=3, sites=2, days=10, end_date=date(2024, 3, 10))).start()
        request.addfinalizer(server.stop)
    server.set_faults(None)
    server.reset()
    yield server
    server.set_faults(None)


@pytest.fixture
def sim_client(sim, client_state_dir):
    """An IncClient on the simulator with quick backoff, paced by the catalog's stated limits."""
    with IncClient(sim.base_url, sim.api_key, state_dir=client_state_dir, backoff_base=0.05, timeout=(2, 10)) as c:
        yield c
