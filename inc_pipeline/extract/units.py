"""Request units: what one planned request is about (its targets and days), and which of its failures are its own.

A unit is one planned `Request`: a site, a device, an AP or an SSID (or a batch of sites or devices) over one
window or one day. A landing replaces, in each partition, exactly the units that landed there; the rows of a
unit that failed (or was not asked this time) stay as they were. So one device that refuses an endpoint costs
that device's rows, never another's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from inc_pipeline.catalog import Endpoint, Scope
from inc_pipeline.client import ApiError, AuthError, QuotaExhaustedError, TransportError
from inc_pipeline.days import day_range
from inc_pipeline.landing.rules import context_columns

from .plan import Request

UnitKey = tuple[str, ...]


@dataclass(frozen=True)
class UnitFailure:
    """A request that still failed after the client's retries: its error code and one-line message."""

    request: Request
    code: object
    message: str


def unit_columns(endpoint: Endpoint) -> tuple[str, ...]:
    """The landed columns that say which unit a row belongs to: none for an account-wide answer (one unit). A range
    table's unit is a site and a range: re-asking a day's last 7 days leaves its month as it was."""
    return () if endpoint.scope is Scope.ACCOUNT else context_columns(endpoint)


def unit_keys(request: Request) -> frozenset[UnitKey]:
    """The unit keys (values of `unit_columns`, as text) whose rows this request answers for."""
    endpoint = request.endpoint
    columns = unit_columns(endpoint)
    if not columns:
        return frozenset({()})
    if endpoint.scope is Scope.SITE_BATCH and "site_id" not in request.context:
        return frozenset((str(site),) for site in request.params.get(endpoint.site_field, ()))
    if endpoint.scope is Scope.DEVICE_BATCH and "dev_sn" not in request.context:
        return frozenset((str(sn),) for sn in request.params.get(endpoint.device_field, ()))
    return frozenset({tuple(str(request.context.get(column, "")) for column in columns)})


def target_text(endpoint: Endpoint, context: dict, params: dict) -> str:
    """What a request was about, for people: `site_id=1002, dev_sn=ABC`, `shopIds=[100 sites]`, `account`."""
    if context:
        return ", ".join(f"{k}={v}" for k, v in context.items())
    for name in (endpoint.site_field, endpoint.device_field):
        if name and isinstance(params.get(name), list):
            return f"{name}=[{len(params[name])}]"
    return "account"


def request_days(request: Request) -> list[date]:
    """The partition days a request answers for: its partition, or every UTC day its window touches."""
    if request.partition_date is not None or request.window is None:
        return [request.partition_date] if request.partition_date is not None else []
    first, last = day_of_ms(request.window[0]), day_of_ms(request.window[1] - 1)
    return day_range(first, last)


def is_unit_failure(error: BaseException) -> bool:
    """Whether an error concerns this request alone (a device that refuses, a site gone, an answer still broken
    after retries), rather than the whole account (a bad key, the quota spent, the API unreachable), which stops
    the endpoint as before."""
    if not isinstance(error, ApiError):
        return False
    return not isinstance(error, (AuthError, QuotaExhaustedError, TransportError))


def day_of_ms(ms: int) -> date:
    """The UTC day of a ms epoch (the API's times)."""
    return datetime.fromtimestamp(ms / 1000, UTC).date()
