"""IncClient: one request with pacing, quota, timeouts and retries; pages on top of it."""

from __future__ import annotations

import logging
import random
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

from inc_pipeline.catalog.model import Endpoint
from inc_pipeline.clock import ApiClock

from .caller_params import merged_query
from .envelope import Answer, redact, unwrap
from .errors import ApiError, InvalidKeyError, QuotaExhaustedError, ThrottledError, TlsError, TransportError
from .pacing import NoPacing, RateLimiter
from .pagination import Page, iter_pages
from .quota import QuotaLedger
from .records import wire_records_paths
from .stats import ClientStats
from .tls import describe_failure, trust_store

log = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 30.0
READ_CHUNK_BYTES = 1 << 20
# The pace of a path whose limit the manual does not state (INC_DEFAULT_RATE_PER_SECOND overrides it): a guess,
# ten times the 1/second the manual states for its paced paths, so an unknown limit is unlikely to be hit while a
# backfill's per-day statistics (a call per site and day) do not wait on our own pace more than on the stated ones.
DEFAULT_RATE_PER_SECOND = 10.0


class IncClient:
    """Client of the INC Cloud open API. Holds the key; never shows it (repr, errors and logs mask it)."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        header_name: str = "apikey",
        state_dir: Path,
        timeout: float | tuple[float, float] = (5, 30),
        max_retries: int = 5,
        backoff_base: float = 0.5,
        default_rate_per_second: float = DEFAULT_RATE_PER_SECOND,
        rate_margin: float = 0.02,  # 20 ms of a 1/s slot, for clocks: scheduling delays are covered by the turn
        paced: bool = True,
        quota_timezone: str = "UTC",
        time_scale: float = 1.0,
        ca_bundle: str = "",  # INC_CA_BUNDLE: the PEM file of a private CA the https API's certificate is signed by
        query: dict[str, str] | None = None,  # INC_API_QUERY_PARAMS: sent in the query string of every call
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.header_name = usable_header_name(header_name)
        self._api_key = usable_key(api_key)
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.default_rate_per_second = default_rate_per_second
        # `paced=False` only for a simulator with its limits off, to measure the pipeline's own cost.
        # The API's clock: ours, or an accelerated simulator's (`time_scale`), whose seconds and days are shorter.
        api_clock = ApiClock(time_scale)
        self.limiter = (
            RateLimiter(Path(state_dir), margin=rate_margin, clock=api_clock.timestamp, sleep=api_clock.sleep)
            if paced else NoPacing()
        )  # fmt: skip
        self.quota = QuotaLedger(Path(state_dir), timezone=quota_timezone, api_clock=api_clock)
        self.stats = ClientStats()
        self.ca_bundle = ca_bundle
        self.caller_query = dict(query or {})
        self._session = session or _session_for(self.base_url, ca_bundle)
        self._owns_session = session is None

    def __repr__(self) -> str:
        return f"IncClient(base_url={self.base_url!r}, header_name={self.header_name!r}, api_key='***')"

    def __enter__(self) -> IncClient:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP session if the client created it."""
        if self._owns_session:
            self._session.close()

    def quota_left(self, endpoint: Endpoint) -> int | None:
        """Calls left today on a quota endpoint (shared by all runs on this machine); None if it has no quota."""
        if not endpoint.rate.per_day:
            return None
        return self.quota.left(endpoint.id, endpoint.rate.per_day)

    def iter_pages(self, endpoint: Endpoint, params: dict | None = None) -> Iterator[Page]:
        """Every page of `endpoint` for `params` (request fields), streamed one at a time."""
        for page in iter_pages(lambda body, query: self.call(endpoint, body, query=query), endpoint, params):
            self.stats.add(endpoint.id, pages=1, records=len(page.records))
            yield page

    def records(self, endpoint: Endpoint, params: dict | None = None) -> Iterator[dict]:
        """Every record of `endpoint` for `params`, across pages."""
        for page in self.iter_pages(endpoint, params):
            yield from page.records

    def call(self, endpoint: Endpoint, params: dict | None = None, *, query: dict | None = None) -> Any:
        """One logical request: the answer's `data`, after retrying transient failures.

        `params` are the request fields (merged over `endpoint.fixed_params`): the query string for GET, the JSON
        body for POST except `endpoint.query_params`; `query` forces fields into the query string.
        """
        body, query_fields = self._split(endpoint, params, query)
        for attempt in range(self.max_retries + 1):
            try:
                return self._attempt(endpoint, body, query_fields)
            except ApiError as error:
                if isinstance(error, ThrottledError):
                    self.stats.add(endpoint.id, throttled=1)
                if not error.transient or attempt == self.max_retries:
                    raise
                delay = self._backoff(attempt, error)
                log.warning("%s; retry %d of %d in %.2f s", error, attempt + 1, self.max_retries, delay)
                self.stats.add(endpoint.id, retries=1)
                time.sleep(delay)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _split(self, endpoint: Endpoint, params: dict | None, query: dict | None) -> tuple[dict | None, dict]:
        """(JSON body or None, query string) of a request; the caller parameters (INC_API_QUERY_PARAMS) join the
        query string, never over a field the request carries itself."""
        fields = {**endpoint.fixed_params, **(params or {})}
        if endpoint.method.upper() == "GET":
            return None, merged_query({**fields, **(query or {})}, None, self.caller_query)
        in_query = {name: fields.pop(name) for name in endpoint.query_params if name in fields}
        return fields, merged_query({**in_query, **(query or {})}, fields, self.caller_query)

    def _attempt(self, endpoint: Endpoint, body: dict | None, query: dict) -> Any:
        """Send once: reserve a quota slot (if any), take the path's pacing turn, then read the answer."""
        per_day = endpoint.rate.per_day
        if per_day:
            self.quota.reserve(endpoint.id, per_day)  # before sending: concurrent runs can never overshoot
        # Paced per path, as the API limits it: two catalog entries may share one (/device/apgps).
        stated = endpoint.rate.per_second
        with self.limiter.turn(endpoint.path, stated or self.default_rate_per_second, enforced=bool(stated)):
            self.stats.add(endpoint.id, calls=1)
            response = self._send(endpoint, body, query)
        try:
            return unwrap(
                endpoint.id, response, secret=self._api_key, quota_resets_at=self.quota.resets_at,
                records_paths=wire_records_paths(endpoint),
            )  # fmt: skip
        except QuotaExhaustedError:
            if per_day:
                self.quota.mark_spent(endpoint.id, per_day)  # the server knows better than our count
            raise

    def _send(self, endpoint: Endpoint, body: dict | None, query: dict) -> Answer:
        """One request, its answer read whole (before the pacing turn is let go: the answer is in)."""
        headers = {self.header_name: self._api_key, "Accept": "application/json"}
        try:
            response = self._session.request(
                endpoint.method.upper(),
                self.base_url + endpoint.path,
                params=query or None,
                json=body if endpoint.method.upper() != "GET" else None,
                headers=headers,
                timeout=self.timeout,
                stream=True,
            )
            with response:  # back to the connection pool once read
                # In large reads: requests' own (10 KiB at a time) took ~7 ms of a 4 MB page of authentications.
                content = b"".join(response.iter_content(READ_CHUNK_BYTES))
            return Answer(response.status_code, response.headers, content)
        except requests.exceptions.SSLError as exc:
            where = urlsplit(self.base_url)
            origin = f"{where.scheme}://{where.hostname}:{where.port or 443}"
            raise TlsError(endpoint.id, None, describe_failure(exc, origin, self.ca_bundle)) from None
        except requests.Timeout as exc:
            raise TransportError(endpoint.id, None, f"no answer within {self.timeout} s") from exc
        except requests.RequestException as exc:
            reason = redact(f"{type(exc).__name__}: {exc}", self._api_key)
            raise TransportError(endpoint.id, None, reason) from exc

    def _backoff(self, attempt: int, error: ApiError) -> float:
        """Exponential backoff with jitter (half fixed, half random, so concurrent runs spread out)."""
        ceiling = min(MAX_BACKOFF_SECONDS, self.backoff_base * 2**attempt)
        delay = ceiling / 2 + random.uniform(0, ceiling / 2)
        retry_after = getattr(error, "retry_after", None)
        return max(delay, min(float(retry_after), MAX_BACKOFF_SECONDS)) if retry_after else delay


def usable_key(api_key: str) -> str:
    """The key as it can travel in a header: the ends of a pasted line (a Windows file's \\r) trimmed.

    A key with a control character or a space inside cannot be sent, and requests' error would quote it whole
    (escaped, so that masking the key itself missed it): refused here, in a line that does not show it."""
    key = api_key.strip()
    if key and not (key.isascii() and key.isprintable() and " " not in key):
        raise InvalidKeyError(
            "INC_API_KEY holds a space, a line break or another character no API key has: copy the key again "
            "from INC Cloud (Settings > Open platforms) and set it alone"
        )
    return key


def usable_header_name(name: str) -> str:
    """The header the key travels in: an HTTP token (letters, digits, -_.!#$%&'*+^`|~), or a one-line error;
    requests would refuse any other name on every attempt, as if the host were unreachable."""
    if not _HEADER_TOKEN.fullmatch(name):
        raise InvalidKeyError(f"INC_API_HEADER={name!r} is not a header name: use apikey (what public clients send)")
    return name


_HEADER_TOKEN = re.compile(r"[A-Za-z0-9!#$%&'*+\-.^_`|~]+")


def _session_for(base_url: str, ca_bundle: str = "") -> requests.Session:
    """A session that reads the environment's proxy and CA-bundle settings once, not on every request, and
    verifies https against `tls.trust_store` (INC_CA_BUNDLE, else the environment's bundle, else requests').

    requests re-reads them (and ~/.netrc) per call unless told not to: two scans of os.environ per request,
    about a fifth of a small request's CPU. Our auth is the key header, so .netrc has nothing to add."""
    session = requests.Session()
    session.trust_env = False
    session.proxies.update(requests.utils.get_environ_proxies(base_url))
    session.verify = trust_store(ca_bundle)
    return session
