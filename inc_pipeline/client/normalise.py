"""Normalising values whose type the real API does not keep (see shared/spec/field-notes.md)."""

from __future__ import annotations

import math
from typing import Any

# Values the API uses for "no number" in integer fields (memoryTotalSize can be "N/A").
_NO_NUMBER = {"", "n/a", "na", "null", "none", "-"}


def to_int(value: Any) -> int | None:
    """An integer from an int, an integral float, or a numeric string; None for missing markers such as "N/A".

    A non-integral number is refused with ValueError rather than silently truncated.
    """
    if value is None or isinstance(value, bool):
        return None if value is None else int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        text = value.strip()
        if text.lower() in _NO_NUMBER:
            return None
        try:
            return int(text)
        except ValueError:
            value = float(text)  # "12.0", "1e3"; anything else raises ValueError with the text
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if not value.is_integer():
            raise ValueError(f"not an integer: {value!r}")
        return int(value)
    raise ValueError(f"not an integer: {value!r}")


def shop_id_str(value: Any) -> str | None:
    """A shop (site) id as text: INC Cloud sends integers, older H3C clients strings; one type downstream."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None
