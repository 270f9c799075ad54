"""Personal data never lands in clear: a keyed hash (keyed BLAKE2b with INC_PII_KEY) replaces it, or it is dropped.

`user_mac` is always pseudonymised, never dropped: the marts count distinct clients by it. The same value under
the same key always gives the same pseudonym, so counts and joins still work; without the key it cannot be
reversed or recomputed from a guessed phone number.
"""

from __future__ import annotations

import hashlib
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from inc_pipeline.catalog.model import Endpoint

from .rules import Kind, rules_of
from .schemas import TEXT, column_kind
from .validate import RENAMED_PREFIX

# What lands of personal data unless INC_PII_POLICY says otherwise. Dropping is the default because nothing
# downstream reads the other personal columns: no staging model or mart selects a phone, name, WeChat id or IP,
# and a pseudonym is still personal data (LGPD art. 6 III: keep only what the purpose needs). It also halves the
# CPU a page of authentications costs (hashing ~39,000 values and writing 12 incompressible columns).
# `pseudonymise` keeps them as keyed hashes for whoever needs to count people rather than devices.
DEFAULT_POLICY = "drop"
POLICIES = ("pseudonymise", "drop")
ALWAYS_PSEUDONYMISED = ("user_mac",)  # auth history's client MAC, personal even where the catalog omits it
PSEUDONYM_BYTES = 16  # 32 hex characters


def personal_columns(endpoint: Endpoint) -> tuple[str, ...]:
    """The columns `protect` touches for this endpoint (none when the catalog lists no personal fields)."""
    if not endpoint.personal_fields:
        return ()
    present = [c for c in ALWAYS_PSEUDONYMISED if c in endpoint.fields]
    return tuple(dict.fromkeys((*endpoint.personal_fields, *present)))


def client_identifiers(endpoint: Endpoint) -> tuple[str, ...]:
    """Personal columns that identify a client device (its MAC): pseudonymised under either policy, never
    dropped, because the marts count distinct clients by them and join them across endpoints."""
    return tuple(
        column
        for column in personal_columns(endpoint)
        if column in ALWAYS_PSEUDONYMISED
        or column_kind(endpoint, column) is Kind.MAC
        or any(rule.check == "mac" for rule in rules_of(endpoint, column))
    )


def pseudonym(value: str, key: bytes) -> str:
    """32 hex characters: BLAKE2b in its keyed (MAC) mode, 128-bit digest.

    Keyed BLAKE2b is a MAC by design (RFC 7693) and needs no HMAC construction around it, so one C call hashes a
    value: half the cost of HMAC-SHA256, which was most of the work of landing a page of authentications."""
    return hashlib.blake2b(value.encode("utf-8"), key=mac_key(key), digest_size=PSEUDONYM_BYTES).hexdigest()


def mac_key(key: bytes) -> bytes:
    """BLAKE2b takes keys of up to 64 bytes; a longer secret is hashed down to 64 (as HMAC does with long keys)."""
    return key if len(key) <= hashlib.blake2b.MAX_KEY_SIZE else hashlib.blake2b(key).digest()


def protect(
    endpoint: Endpoint,
    frame: pd.DataFrame,
    *,
    policy: Literal["pseudonymise", "drop"] = DEFAULT_POLICY,
    key: bytes | str,
) -> pd.DataFrame:
    """A copy of `frame` with the endpoint's personal columns pseudonymised or dropped.

    Works on landed frames and on quarantine frames alike (a quarantined personal `value` is protected too).
    """
    columns = personal_columns(endpoint)
    if not columns:
        return frame
    if policy not in POLICIES:
        raise ValueError(f"unknown personal data policy {policy!r}: use 'pseudonymise' or 'drop'")
    secret = key.encode("utf-8") if isinstance(key, str) else key
    if not secret:
        raise ValueError("INC_PII_KEY is empty: set INC_PII_KEY to a secret to land personal data pseudonymised")
    # In a quarantine frame a record field named like a quarantine column (`value`) carries a prefix.
    present = [c if c in frame.columns else RENAMED_PREFIX + c for c in columns]
    present = [c for c in present if c in frame.columns]
    identifiers = client_identifiers(endpoint)
    kept = {*identifiers, *(RENAMED_PREFIX + c for c in identifiers)}
    dropped = [c for c in present if policy == "drop" and c not in kept]
    protected = frame.drop(columns=dropped)
    hashed = [column for column in present if column not in dropped]
    if hashed:
        protected[hashed] = _pseudonymise_columns(protected[hashed], secret)
    if {"column", "value"} <= set(protected.columns):
        protected["value"] = _protect_quarantine_values(protected, endpoint, policy, secret)
    return protected


def _pseudonymise(values: pd.Series, key: bytes) -> pd.Series:
    return _pseudonymise_columns(values.to_frame(), key).iloc[:, 0]


def _pseudonymise_columns(frame: pd.DataFrame, key: bytes) -> pd.DataFrame:
    """Each distinct value of all the columns hashed once, then mapped back by pyarrow; nulls stay null.

    Hashing is most of the cost of landing a page; a page repeats values within a column (vendors, cities,
    empty strings) and across columns (mobile_no and mobile_decode), and the text dtype is pyarrow-backed, so
    only the distinct values ever become Python objects."""
    arrays = [pa.array(_as_text(frame[column]), type=pa.string()) for column in frame.columns]
    encoded = pc.dictionary_encode(pa.chunked_array(arrays, type=pa.string())).combine_chunks()
    pseudonyms = pc.take(pseudonym_array(encoded.dictionary, key), encoded.indices)
    rows = len(frame)
    return pd.DataFrame(
        {column: pd.arrays.ArrowStringArray(pseudonyms.slice(i * rows, rows)) for i, column in enumerate(frame)},
        index=frame.index,
    )


def pseudonym_array(values: pa.StringArray, key: bytes) -> pa.StringArray:
    """`pseudonym` of every (non-null) value, as one Arrow array: the same 32 hex characters, at half the cost.

    The per-value cost is Python's, not BLAKE2b's, so the loop keeps it small: the keyed state is set up once
    and copied (a copy skips re-reading the key block, and the keyword parsing of the constructor), the values
    arrive as UTF-8 bytes straight from Arrow (no str objects to encode), and the digests are hex-encoded in one
    call into one buffer that becomes the string array, with no Python str per pseudonym."""
    keyed = hashlib.blake2b(key=mac_key(key), digest_size=PSEUDONYM_BYTES).copy
    digests = []
    for value in pc.cast(values, pa.binary()).fill_null(b"").to_pylist():
        state = keyed()
        state.update(value)
        digests.append(state.digest())
    width = 2 * PSEUDONYM_BYTES
    offsets = np.arange(0, width * (len(digests) + 1), width, dtype=np.int64)  # 64-bit: no size limit
    text = b"".join(digests).hex().encode("ascii")
    hashed = pa.LargeStringArray.from_buffers(len(digests), pa.py_buffer(offsets), pa.py_buffer(text))
    hashed = hashed.cast(pa.string())
    return pc.if_else(pc.is_null(values), None, hashed) if values.null_count else hashed


def _as_text(values: pd.Series) -> pd.Series:
    return values if values.dtype == TEXT else values.astype(TEXT)


def _protect_quarantine_values(frame: pd.DataFrame, endpoint: Endpoint, policy: str, key: bytes) -> pd.Series:
    personal = frame["column"].isin(personal_columns(endpoint))
    if policy == "drop":
        personal_dropped = personal & ~frame["column"].isin(client_identifiers(endpoint))
        values = frame["value"].mask(personal_dropped)
        personal = personal & ~personal_dropped
    else:
        values = frame["value"]
    hashed = _pseudonymise(values, key)
    return values.where(~personal, hashed).astype(TEXT)
