"""Personal data never lands in clear: a keyed hash (HMAC-SHA256 with INC_PII_KEY) replaces it, or it is dropped.

`user_mac` is always pseudonymised, never dropped: the marts count distinct clients by it. The same value under
the same key always gives the same pseudonym, so counts and joins still work; without the key it cannot be
reversed or recomputed from a guessed phone number.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Literal

import pandas as pd

from inc_pipeline.catalog.model import Endpoint

from .schemas import TEXT

ALWAYS_PSEUDONYMISED = ("user_mac",)
PSEUDONYM_HEX_CHARS = 32


def personal_columns(endpoint: Endpoint) -> tuple[str, ...]:
    """The columns `protect` touches for this endpoint (none when the catalog lists no personal fields)."""
    if not endpoint.personal_fields:
        return ()
    return tuple(dict.fromkeys((*endpoint.personal_fields, *ALWAYS_PSEUDONYMISED)))


def pseudonym(value: str, key: bytes) -> str:
    """The first 32 hex characters of HMAC-SHA256(key, value)."""
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()[:PSEUDONYM_HEX_CHARS]


def protect(
    endpoint: Endpoint,
    frame: pd.DataFrame,
    *,
    policy: Literal["pseudonymise", "drop"] = "pseudonymise",
    key: bytes | str,
) -> pd.DataFrame:
    """A copy of `frame` with the endpoint's personal columns pseudonymised or dropped.

    Works on landed frames and on quarantine frames alike (a quarantined personal `value` is protected too).
    """
    columns = personal_columns(endpoint)
    if not columns:
        return frame
    if policy not in ("pseudonymise", "drop"):
        raise ValueError(f"unknown personal data policy {policy!r}: use 'pseudonymise' or 'drop'")
    secret = key.encode("utf-8") if isinstance(key, str) else key
    if not secret:
        raise ValueError("INC_PII_KEY is empty: set INC_PII_KEY to a secret to land personal data pseudonymised")
    protected = frame.copy()
    for column in columns:
        if column not in protected.columns:
            continue
        if policy == "drop" and column not in ALWAYS_PSEUDONYMISED:
            protected = protected.drop(columns=column)
        else:
            protected[column] = _pseudonymise(protected[column], secret)
    if {"column", "value"} <= set(protected.columns):
        protected["value"] = _protect_quarantine_values(protected, columns, policy, secret)
    return protected


def _pseudonymise(values: pd.Series, key: bytes) -> pd.Series:
    hashed = [None if pd.isna(value) else pseudonym(str(value), key) for value in values]
    return pd.Series(hashed, index=values.index, dtype=TEXT)


def _protect_quarantine_values(frame: pd.DataFrame, columns: tuple[str, ...], policy: str, key: bytes) -> pd.Series:
    personal = frame["column"].isin(columns)
    if policy == "drop":
        personal_dropped = personal & ~frame["column"].isin(ALWAYS_PSEUDONYMISED)
        values = frame["value"].mask(personal_dropped)
        personal = personal & ~personal_dropped
    else:
        values = frame["value"]
    hashed = _pseudonymise(values, key)
    return values.where(~personal, hashed).astype(TEXT)
