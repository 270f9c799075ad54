"""Typed errors of the INC Cloud client: each says, in one line, which endpoint failed and what to do.

None of them ever holds the API key: the client scrubs server messages before building them.
"""

from __future__ import annotations

from datetime import datetime

from inc_pipeline.errors import UserError


class InvalidKeyError(UserError):
    """The key, or the header it travels in, cannot be sent at all (a line break or a space in it): no request
    is made."""


def _one_line(text: object) -> str:
    """Collapse whitespace so that a server message (or an HTML page) cannot break the one-line rule."""
    return " ".join(str(text).split())[:300]


class ApiError(Exception):
    """The API (or the way to it) failed for `endpoint_id`; `code` is the envelope code or HTTP status, if any."""

    advice = "check the message and the request"
    transient = False  # whether the client retries it

    def __init__(self, endpoint_id: str, code: object = None, message: str = "") -> None:
        self.endpoint_id = endpoint_id
        self.code = code
        self.message = _one_line(message)
        super().__init__(self._line())

    def _line(self) -> str:
        code = f" (code {self.code})" if self.code is not None else ""
        return f"{self.endpoint_id}: {self.kind()}{code}: {self.message}; {self.advice}"

    def kind(self) -> str:
        return "API error"


class AuthError(ApiError):
    """The key is wrong, was changed or was disabled."""

    advice = "the API key is invalid, changed or disabled: set a valid key (Settings > Open platforms) and rerun"

    def kind(self) -> str:
        return "authentication failed"


class BadRequestError(ApiError):
    """The API rejected the request as malformed (code 1002 or an unexplained 4xx); retrying will not help."""

    advice = "the request is wrong for this endpoint: fix the parameters or the catalog entry"

    def kind(self) -> str:
        return "bad request"


class ShopNotFoundError(BadRequestError):
    """The site id is unknown to this key."""

    advice = "the site id is unknown to this key: refresh the site list (user_shops) and rerun"

    def kind(self) -> str:
        return "site not found"


class WindowTooLongError(BadRequestError):
    """A time window longer than the endpoint accepts was asked for directly."""

    advice = "split the window with split_window() first"

    def kind(self) -> str:
        return "window too long"


class ThrottledError(ApiError):
    """The API said we call too often (HTTP 429, code 1003 or 'too frequent'), even after backing off."""

    advice = "the per-second limit was hit despite pacing: lower the rate or check for other clients of this key"
    transient = True
    retry_after: int | None = None  # seconds, when the server sent Retry-After

    def kind(self) -> str:
        return "throttled"


class QuotaExhaustedError(ApiError):
    """The daily quota of the endpoint is spent until `until`; nothing was sent, so deferring is safe."""

    def __init__(self, endpoint_id: str, until: datetime) -> None:
        self.until = until
        super().__init__(endpoint_id, None, "")

    def _line(self) -> str:
        return f"quota exhausted for {self.endpoint_id} until {self.until.isoformat()}; deferring is safe"


class ServerError(ApiError):
    """The API answered HTTP 5xx, even after retries."""

    advice = "the API is failing on its side: retry later"
    transient = True

    def kind(self) -> str:
        return "server error"


class ResponseFormatError(ApiError):
    """The answer is not the JSON envelope: HTML error page, truncated JSON, other non-JSON, unexpected layout."""

    advice = "the API answered something that is not its JSON envelope: retry later, or report it if it persists"
    transient = True

    def kind(self) -> str:
        return "unreadable answer"


class TransportError(ApiError):
    """The host could not be reached or did not answer in time, even after retries."""

    advice = "the API host is unreachable or too slow: check the base URL and the network, then retry"
    transient = True

    def kind(self) -> str:
        return "transport failure"


class TlsError(TransportError):
    """The https API's certificate is not trusted (or the host does not speak TLS): retrying cannot help."""

    transient = False

    def _line(self) -> str:
        return f"{self.endpoint_id}: {self.message}"  # the message (tls.describe_failure) says what to do
