"""Time windows: cut half-open ranges into pieces the API accepts, and turn them into request fields."""

from __future__ import annotations

from inc_pipeline.catalog.model import Endpoint

from .errors import BadRequestError, WindowTooLongError
from .protocol import INCLUSIVE_END_OFFSET_MS

HOUR_MS = 3_600_000


def split_window(start_ms: int, end_ms: int, max_hours: int | float) -> list[tuple[int, int]]:
    """Cut the half-open range [start_ms, end_ms) into consecutive half-open windows of at most `max_hours`.

    The windows cover the range exactly: no gap, no overlap, in order. An empty range gives no windows.
    """
    if end_ms < start_ms:
        raise ValueError(f"window ends before it starts: [{start_ms}, {end_ms})")
    if max_hours <= 0:
        raise ValueError(f"max_hours must be positive, got {max_hours}")
    step = int(max_hours * HOUR_MS)
    return [(lo, min(lo + step, end_ms)) for lo in range(start_ms, end_ms, step)]


def window_params(endpoint: Endpoint, start_ms: int, end_ms: int) -> dict[str, int]:
    """Request fields for the half-open window [start_ms, end_ms) of a windowed endpoint.

    The API's ranges are read as inclusive at both ends (see protocol.py), so the end sent is `end_ms - 1`.
    A window longer than the endpoint's `max_hours` is refused here rather than by the server.
    """
    window = endpoint.window
    if window is None:
        raise BadRequestError(endpoint.id, None, "this endpoint takes no time window")
    if end_ms <= start_ms:
        raise BadRequestError(endpoint.id, None, f"empty or reversed window [{start_ms}, {end_ms})")
    if window.max_hours is not None and end_ms - start_ms > window.max_hours * HOUR_MS:
        hours = (end_ms - start_ms) / HOUR_MS
        raise WindowTooLongError(
            endpoint.id, None, f"window of {hours:g} h exceeds the {window.max_hours} h the API accepts"
        )
    return {window.start_field: start_ms, window.end_field: end_ms - INCLUSIVE_END_OFFSET_MS}
