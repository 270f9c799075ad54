"""The HTTP server: routing, key check, limits and faults around the handlers; admin endpoints under /__sim/."""

from __future__ import annotations

import argparse
import errno
import json
import random
import socket
import threading
import time
from collections import Counter
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from inc_pipeline.args import OneLineParser, parse_day, whole_number
from inc_pipeline.clock import MAX_TIME_SCALE, ApiClock

from .config import FaultConfig, SimulatorConfig
from .context import Call
from .errors import ApiError, bad_parameter, disabled_key, invalid_key, not_found, too_frequent
from .faults import Faults, spoil
from .limits import Limits
from .list_wrapper import LIST_WRAPPERS, check_list_wrapper, wrapped
from .routes import ROUTES
from .tls import TlsFiles, add_tls_arguments, handshake, server_context, tls_of
from .world import EPOCH, World

ADMIN_PREFIX = "/__sim/"
# Query parameters public clients send on every call (field-notes); none changes an answer. Counted per path and
# value (`caller_params` in the stats), so a test can see they arrived on every call.
CALLER_PARAMS = ("user_name", "locale")


class SimulatorApp:
    """Everything a request needs, shared by the server's threads."""

    def __init__(self, config: SimulatorConfig) -> None:
        self.config = config
        self.world = World(config)
        self.limits = Limits(config.enforce_limits, config.quota_timezone, ApiClock(config.time_scale))
        self.faults = Faults(config.faults)
        self.list_wrapper = check_list_wrapper(config.list_wrapper)
        self.caller_params: Counter = Counter()  # (path, "name=value") -> requests that carried it
        self._lock = threading.Lock()

    def answer(self, method: str, target: str, headers, raw_body: bytes) -> tuple[int, bytes, str | None]:
        """(HTTP status, body, fault) of one API request; fault is a transport fault for the server to apply."""
        url = urlsplit(target)
        route = ROUTES.get((method, url.path))
        if route is None:
            return _json(not_found(url.path))
        self.limits.count(url.path)
        query = dict(parse_qsl(url.query))
        self._count_caller_params(url.path, query)
        fault = self.faults.draw()
        if fault:
            self.limits.faults[fault] += 1
        if fault == "throttle_burst":
            self.limits.injected_throttles[url.path] += 1
            return _json(too_frequent())
        try:
            key = headers.get("apikey")
            if key in self.config.revoked_keys:
                raise disabled_key()
            if key != self.config.api_key:
                raise invalid_key()
            self.limits.check(key, url.path)
            call = Call(self.world, self.faults, method, url.path, query, _body(raw_body), fault=fault)
            data = route(call)
        except ApiError as error:
            return (*_json(error)[:2], fault)
        if fault in ("schema_drift", "bad_values"):
            data = spoil(data, fault, random.Random(self.faults.rng_value()))
        if self.list_wrapper == "rowcount":
            data = wrapped(url.path, data)
        body = json.dumps({"code": 0, "message": "success", "data": data}, ensure_ascii=False).encode()
        return 200, body, fault

    def _count_caller_params(self, path: str, query: dict) -> None:
        with self._lock:
            self.caller_params.update((path, f"{name}={query[name]}") for name in CALLER_PARAMS if name in query)

    def stats(self) -> dict:
        """The counters of GET /__sim/stats."""
        with self._lock:
            seen: dict[str, dict[str, int]] = {}
            for (path, pair), n in self.caller_params.items():
                seen.setdefault(path, {})[pair] = n
        return {**self.limits.snapshot(), "caller_params": seen, "fault_config": self.faults.config.to_dict()}

    def reset(self) -> None:
        """Forget counters, rate-limit and quota state, and the late-record reads."""
        self.limits.reset()
        with self._lock:
            self.caller_params.clear()
        self.faults.configure(self.faults.config)

    def admin(self, method: str, path: str, raw_body: bytes) -> tuple[int, bytes]:
        """GET /__sim/stats, POST /__sim/faults, POST /__sim/reset: no key, never faulted."""
        if (method, path) == ("GET", "/__sim/stats"):
            return 200, json.dumps(self.stats()).encode()
        if (method, path) == ("POST", "/__sim/faults"):
            try:
                self.faults.configure(FaultConfig.from_dict(json.loads(raw_body or b"{}")))
            except (ValueError, TypeError) as error:
                return 400, json.dumps({"error": str(error)}).encode()
            return 200, json.dumps(self.faults.config.to_dict()).encode()
        if (method, path) == ("POST", "/__sim/reset"):
            self.reset()
            return 200, b'{"reset": true}'
        return _json(not_found(path))[:2]


def _json(error: ApiError) -> tuple[int, bytes, None]:
    return error.status, json.dumps(error.envelope()).encode(), None


def _body(raw: bytes) -> dict:
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise bad_parameter("body", "not JSON") from None
    if not isinstance(body, dict):
        raise bad_parameter("body", "not a JSON object")
    return body


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: clients reuse connections across 40-page reads
    disable_nagle_algorithm = True  # headers and body go out in two writes: Nagle would add ~40 ms per answer
    app: SimulatorApp

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._serve("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._serve("POST")

    def _serve(self, method: str) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        path = urlsplit(self.path).path
        if path.startswith(ADMIN_PREFIX):
            status, body = self.app.admin(method, path, raw)
            return self._send(status, body)
        status, body, fault = self.app.answer(method, self.path, self.headers, raw)
        if fault == "latency":
            time.sleep(random.uniform(0.2, 1.0))
        elif fault == "drop":
            self.close_connection = True  # the socket closes without a status line
            return
        elif fault == "http_5xx":
            code = random.choice((502, 503))
            html = f"<html><body><h1>{code} Bad Gateway</h1>nginx</body></html>".encode()
            return self._send(code, html, "text/html")
        elif fault == "malformed_json":
            body = body.replace(b'"code"', b"code", 1)
        elif fault == "truncated_json":
            body = body[: max(len(body) // 2, 1)]
        self._send(status, body)

    def _send(self, status: int, body: bytes, content_type: str = "application/json;charset=UTF-8") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:  # quiet: tests and benchmarks make thousands of calls
        pass


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True

    def finish_request(self, request, client_address) -> None:
        if handshake(request):  # https: a client that does not trust the certificate hangs up, quietly
            super().finish_request(request, client_address)


class SimulatorServer:
    """The simulator on 127.0.0.1 in a background thread; a context manager.

    >>> with SimulatorServer(SimulatorConfig(seed=1)) as sim:
    ...     requests.get(sim.base_url + "/user/shop", headers={"apikey": sim.api_key})
    """

    def __init__(
        self, config: SimulatorConfig | None = None, port: int = 0, host: str = "127.0.0.1", tls: TlsFiles | None = None
    ) -> None:
        self.config = config or SimulatorConfig()
        self.app = SimulatorApp(self.config)
        self.tls = tls  # https with this certificate and key; plain http when None
        context = server_context(tls) if tls else None  # before binding: a bad file fails without holding the port
        handler = type("SimHandler", (_Handler,), {"app": self.app})
        self._httpd = _HttpServer((host, port), handler)
        if context is not None:
            # The handshake is each connection's own thread's (tls.handshake), not the accepting loop's.
            self._httpd.socket = context.wrap_socket(self._httpd.socket, server_side=True,
                                                     do_handshake_on_connect=False)  # fmt: skip
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"{'https' if self.tls else 'http'}://{host}:{port}"

    @property
    def api_key(self) -> str:
        return self.config.api_key

    @property
    def world(self) -> World:
        return self.app.world

    def start(self) -> SimulatorServer:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="inc-simulator", daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> SimulatorServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def stats(self) -> dict:
        """The counters of GET /__sim/stats."""
        return self.app.stats()

    def set_faults(self, faults: FaultConfig | dict | None = None, **fields) -> None:
        """Replace the fault configuration (a FaultConfig, its dict, or keyword fields); None turns faults off."""
        if isinstance(faults, dict):
            faults = FaultConfig.from_dict(faults)
        self.app.faults.configure(faults or FaultConfig(**fields))

    def reset(self) -> None:
        """Forget counters, rate-limit and quota state, and the late-record reads."""
        self.app.reset()


def serve(config: SimulatorConfig, port: int = 8000, host: str = "127.0.0.1", tls: TlsFiles | None = None) -> None:
    """Run the simulator in the foreground until interrupted."""
    server = SimulatorServer(config, port=port, host=host, tls=tls)
    print(f"INC Cloud simulator at {server.base_url}  apikey: {config.api_key}  user: {config.user}", flush=True)
    if tls is not None and tls.ca is not None:
        print(f"its certificate is signed by a throwaway CA: INC_CA_BUNDLE={tls.ca}", flush=True)
    print(f"sites {list(server.world.sites)}  days {config.start_date}..{config.end_date}", flush=True)
    try:
        server._httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server._httpd.server_close()


# Upper bounds that keep start-up and each site-day's generation to seconds and megabytes.
MAX_SITES = 10_000
MAX_AUTH_PER_SITE_DAY = 100_000


def _bind_error(error: OSError, host: str, port: int) -> str | None:
    """The one line for an error binding host:port, or None if the error is not about that."""
    free = "choose another --port (0 picks a free one)"
    if isinstance(error, socket.gaierror):
        return f"cannot listen on host {host!r}: {error.strerror}: use an IPv4 address of this machine, e.g. 127.0.0.1"
    if error.errno == errno.EADDRINUSE:
        return f"port {port} on {host} is in use: {free}"
    if error.errno == errno.EADDRNOTAVAIL:
        return f"cannot listen on {host}: it is not an address of this machine: use e.g. 127.0.0.1"
    if error.errno == errno.EACCES:
        return f"port {port} on {host} needs privileges this user lacks: {free}, e.g. above 1023"
    return None


def run_simulator_cli(argv: list[str] | None = None) -> None:
    """`inc-pipeline simulator --port 8000 [--profile small|large] [--seed N] [--sites N] [--days N] [--end-date D]
    [--no-limits] [--time-scale K] [--list-wrapper rowcount] [--tls | --tls-cert FILE --tls-key FILE]`."""
    parser = OneLineParser(prog="inc-pipeline simulator", description=__doc__)
    parser.add_argument("--port", type=whole_number(0, 65535, "; 0 picks a free one"), default=8000)
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on: 127.0.0.1 (loopback only) or, e.g., 0.0.0.0 (all)"
    )
    parser.add_argument("--seed", type=whole_number(0), default=7)
    parser.add_argument("--sites", type=whole_number(0, MAX_SITES), default=None, help="default: the profile's")
    parser.add_argument("--days", type=whole_number(1), default=None, help="default: the profile's (30)")
    parser.add_argument("--end-date", type=parse_day, default=None, help="last simulated day, YYYY-MM-DD")
    parser.add_argument("--auth-per-site-day", type=whole_number(0, MAX_AUTH_PER_SITE_DAY), default=60)
    parser.add_argument("--api-key", default="sim-key")
    parser.add_argument("--no-limits", action="store_true", help="turn off rate limits and quotas")
    parser.add_argument("--profile", choices=("small", "large"), default="small",
                        help="small: 3 sites, a controller each; large: 1,500 sites in a region tree, about 6,000 "
                             "devices of four types (docs/simulator.md)")  # fmt: skip
    parser.add_argument("--list-wrapper", choices=LIST_WRAPPERS, default="none",
                        help="rowcount: every list answer as data: {rowCount, data: [...]}")  # fmt: skip
    parser.add_argument("--time-scale", type=_time_scale, default=1.0,
                        help="simulated seconds per real second for rate limits and quota days (give the pipeline "
                             "the same INC_API_TIME_SCALE); 1 = real time")  # fmt: skip
    add_tls_arguments(parser)
    args = parser.parse_args(argv)
    shape = {name: value for name, value in (("sites", args.sites), ("days", args.days)) if value is not None}
    config = SimulatorConfig.profile(
        args.profile, seed=args.seed, api_key=args.api_key, **shape,
        auth_per_site_day=args.auth_per_site_day, enforce_limits=not args.no_limits, list_wrapper=args.list_wrapper,
        time_scale=args.time_scale,
    )  # fmt: skip
    if args.end_date:
        config = replace(config, end_date=args.end_date)
    # API times are ms since 1970-01-01 and must not be negative: the simulated days cannot start earlier.
    room = (config.end_date - EPOCH).days + 1
    if room < 1:
        parser.error(f"--end-date {config.end_date} is before 1970-01-01: use a later date")
    if config.days > room:
        parser.error(f"--days {config.days} ending {config.end_date} would start before 1970-01-01: "
                     f"use --days {room} or fewer, or a later --end-date")  # fmt: skip
    with tls_of(args, parser) as tls:
        try:
            serve(config, port=args.port, host=args.host, tls=tls)
        except OSError as error:
            message = _bind_error(error, args.host, args.port)
            if message is None:
                raise
            parser.exit(2, f"{parser.prog}: {message}\n")


def _time_scale(text: str) -> float:
    try:
        ApiClock(float(text))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a time scale: give simulated seconds per real second, above 0 and at most "
            f"{MAX_TIME_SCALE:g} (e.g. 100)"
        ) from None
    return float(text)
