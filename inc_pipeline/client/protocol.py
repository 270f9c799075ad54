"""Assumptions about the wire protocol that the manual leaves out, kept in one place.

The manual has no error-code catalogue, no throttling answer and no HTTP status semantics, and no public client
documents them either (see shared/spec/field-notes.md). Everything the client assumes about them lives here, so that
it is one edit when the real service says otherwise. The simulator emits the same codes.
"""

from __future__ import annotations

# The envelope's `code`: 0 on success. Most public clients compare with the number, one with the string "0".
SUCCESS_CODES: tuple[object, ...] = (0, "0")

# Failure codes. UNDOCUMENTED: the real codes are unknown; these are our assumption, shared with the simulator.
BAD_KEY = 1001  # key wrong, changed ("Alterar chave") or disabled ("Desativar")
BAD_REQUEST = 1002  # missing or invalid parameter
THROTTLED = 1003  # more requests than the stated per-second limit
QUOTA_EXCEEDED = 1004  # daily quota (100/day endpoints) spent
SHOP_NOT_FOUND = 1005  # site id unknown to this key

# Failure messages that identify a kind of error even under another code (lower-case substrings).
AUTH_MESSAGE_HINTS = ("apikey", "api key", "api-key")
THROTTLE_MESSAGE_HINTS = ("too frequent", "too many requests")
QUOTA_MESSAGE_HINTS = ("quota",)

# Where a paged answer states its total (the first key found wins); depends on the pagination style.
TOTAL_COUNT_KEYS = ("total_count", "rowCount", "count_total")
TOTAL_PAGE_KEYS = ("totalPage",)

# Cursor pagination tokens for the `active` field.
CURSOR_FIRST_PAGE = "firstPage"
CURSOR_NEXT_PAGE = "nextPage"

# Time windows: the API's startTime/endTime (begin_time/end_time) ranges are read as INCLUSIVE at both ends
# (the manual does not say). Half-open windows are therefore sent with end - 1 ms so consecutive windows never
# share an instant.
INCLUSIVE_END_OFFSET_MS = 1
