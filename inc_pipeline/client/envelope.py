"""Reading one HTTP answer: the `{code, message, data}` envelope to `data`, or a typed error.

Which codes, statuses and messages mean what is assumed in protocol.py; this module only applies it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, NamedTuple

import orjson

from . import protocol
from .columnar import parse_columnar
from .errors import (
    ApiError,
    AuthError,
    BadRequestError,
    QuotaExhaustedError,
    ResponseFormatError,
    ServerError,
    ShopNotFoundError,
    ThrottledError,
)


class Answer(NamedTuple):
    """One HTTP answer, read whole: status, headers and body."""

    status: int
    headers: Mapping[str, str]
    content: bytes

    @property
    def text(self) -> str:
        """The body as text, for error messages (the API answers UTF-8 JSON; anything else is described)."""
        return self.content.decode("utf-8", errors="replace")


def redact(text: str, secret: str) -> str:
    """`text` with every occurrence of `secret` masked (servers sometimes echo the key they reject), as written
    or as Python quotes it (escaped), the form a library's error message shows."""
    for form in dict.fromkeys((secret, repr(secret)[1:-1])) if secret else ():
        text = text.replace(form, "***")
    return text


def unwrap(
    endpoint_id: str,
    response: Answer,
    *,
    secret: str,
    quota_resets_at: Callable[[], datetime],
    records_paths: tuple[tuple[str, ...], ...] = (),
) -> Any:
    """The `data` of a successful answer; any failure raises the matching ApiError subclass.

    `records_paths` (from the top of the body) say where the records may be: a large answer's records there are
    read straight into columns (`columnar.py`), when that gives exactly what orjson would."""
    status = response.status
    try:
        content = redact_bytes(response.content, secret)
        # orjson parses a 5,000-record page five times faster than json; what it refuses (NaN, integers
        # beyond 64 bits, broken JSON) goes through json, which accepts the first two and words the last.
        body = parse_columnar(content, *records_paths)
        if body is None:
            body = orjson.loads(content)
    except orjson.JSONDecodeError:
        text = redact(response.text, secret)
        try:
            body = json.loads(text)
        except ValueError:
            detail = describe_unreadable(text)
            if 400 <= status < 500 or (status >= 500 and not _looks_like_html(text)):
                _raise_for_status(endpoint_id, status, detail, response.headers)
            raise ResponseFormatError(endpoint_id, None, f"HTTP {status}: {detail}") from None
    if isinstance(body, dict) and "code" in body:
        return _envelope(endpoint_id, status, body, quota_resets_at)
    _raise_for_status(endpoint_id, status, redact(response.text, secret), response.headers)
    if isinstance(body, dict):
        return body  # no envelope at all: the manual documents online_clients this way (bare clientList)
    raise ResponseFormatError(endpoint_id, None, f"JSON {type(body).__name__} without the code/message envelope")


def redact_bytes(content: bytes, secret: str) -> bytes:
    """`redact` on the raw body, so a key echoed inside a successful answer never reaches the records."""
    return content.replace(secret.encode("utf-8"), b"***") if secret else content


def describe_unreadable(text: str) -> str:
    """One phrase saying what came back instead of JSON."""
    stripped = text.lstrip()
    if not stripped:
        return "empty body instead of JSON"
    if _looks_like_html(stripped):
        return f"HTML error page instead of JSON ({_title(stripped)})"
    if stripped[0] in "{[":
        return f"truncated JSON ({len(text)} characters, cut at ...{stripped[-20:]!r})"
    return f"non-JSON answer starting {stripped[:40]!r}"


def _envelope(endpoint_id: str, status: int, body: dict, quota_resets_at: Callable[[], datetime]) -> Any:
    code = body.get("code")
    if code in protocol.SUCCESS_CODES:
        if "data" in body:
            return body["data"]
        return {k: v for k, v in body.items() if k not in ("code", "message")}  # data fields at the top level
    message = str(body.get("message") or "")
    raise classify(endpoint_id, code, message, status, quota_resets_at)


def classify(
    endpoint_id: str, code: Any, message: str, status: int, quota_resets_at: Callable[[], datetime]
) -> ApiError:
    """The typed error for a failure envelope (code + message), by the assumptions of protocol.py."""
    lower = message.lower()
    number = _as_int(code)
    if number == protocol.BAD_KEY or any(hint in lower for hint in protocol.AUTH_MESSAGE_HINTS):
        return AuthError(endpoint_id, code, message)
    if number == protocol.THROTTLED or status == 429 or any(h in lower for h in protocol.THROTTLE_MESSAGE_HINTS):
        return ThrottledError(endpoint_id, code, message)
    if number == protocol.QUOTA_EXCEEDED or any(hint in lower for hint in protocol.QUOTA_MESSAGE_HINTS):
        return QuotaExhaustedError(endpoint_id, quota_resets_at())
    if number == protocol.SHOP_NOT_FOUND:
        return ShopNotFoundError(endpoint_id, code, message)
    if number == protocol.BAD_REQUEST:
        return BadRequestError(endpoint_id, code, message)
    if status >= 500:
        return ServerError(endpoint_id, code, f"HTTP {status}: {message}")
    return ApiError(endpoint_id, code, message or "failure without a message")


def _raise_for_status(endpoint_id: str, status: int, detail: str, headers) -> None:
    """Errors carried only by the HTTP status (no envelope to read); `detail` describes the body."""
    snippet = " ".join(detail.split())[:120]
    if status == 429:
        error = ThrottledError(endpoint_id, None, f"HTTP 429 {snippet}".strip())
        error.retry_after = _as_int(headers.get("Retry-After"))
        raise error
    if status >= 500:
        raise ServerError(endpoint_id, None, f"HTTP {status} {snippet}".strip())
    if status in (401, 403):
        raise AuthError(endpoint_id, None, f"HTTP {status} {snippet}".strip())
    if status >= 400:
        raise BadRequestError(endpoint_id, None, f"HTTP {status} {snippet}".strip())


def _looks_like_html(text: str) -> bool:
    head = text.lstrip()[:200].lower()
    return head.startswith("<!doctype html") or head.startswith("<html") or "<body" in head or "<head" in head


def _title(html: str) -> str:
    lower = html.lower()
    start, end = lower.find("<title>"), lower.find("</title>")
    if 0 <= start < end:
        return " ".join(html[start + 7 : end].split())[:80] or "untitled"
    return "untitled"


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
