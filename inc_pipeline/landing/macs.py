"""One spelling per MAC address, so one client has one pseudonym however the API wrote its MAC."""

from __future__ import annotations

import re

_MAC_SHAPES = re.compile(
    r"^(?:[0-9a-f]{2}(?:[:-][0-9a-f]{2}){5}|[0-9a-f]{4}([-.])[0-9a-f]{4}\1[0-9a-f]{4}|[0-9a-f]{12})$"
)


def canonical_mac(text: str) -> str:
    """`aa:bb:cc:dd:ee:ff` for any common MAC spelling (so one client has one pseudonym); other text unchanged."""
    lowered = text.strip().lower()
    if not _MAC_SHAPES.match(lowered):
        return text
    digits = re.sub(r"[^0-9a-f]", "", lowered)
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))
