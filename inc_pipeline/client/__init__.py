"""Client library for the Intelbras INC Cloud open API (plain Python, no Dagster).

`IncClient` sends requests with pacing, daily quotas, timeouts and retries, and pages through answers;
`records_of`, `split_window` and `window_params` are pure helpers for extraction; values are normalised by
landing (`landing/normalise.py`), once.
"""

from .errors import (
    ApiError,
    AuthError,
    BadRequestError,
    InvalidKeyError,
    QuotaExhaustedError,
    ResponseFormatError,
    ServerError,
    ShopNotFoundError,
    ThrottledError,
    TransportError,
    WindowTooLongError,
)
from .http import DEFAULT_RATE_PER_SECOND, IncClient
from .pacing import NoPacing, RateLimiter
from .pagination import Page
from .quota import QuotaLedger
from .records import records_of
from .stats import ClientStats, EndpointStats
from .windows import split_window, window_params

__all__ = [
    "ApiError",
    "AuthError",
    "BadRequestError",
    "DEFAULT_RATE_PER_SECOND",
    "ClientStats",
    "EndpointStats",
    "IncClient",
    "InvalidKeyError",
    "NoPacing",
    "Page",
    "QuotaExhaustedError",
    "QuotaLedger",
    "RateLimiter",
    "ResponseFormatError",
    "ServerError",
    "ShopNotFoundError",
    "ThrottledError",
    "TransportError",
    "WindowTooLongError",
    "records_of",
    "split_window",
    "window_params",
]
