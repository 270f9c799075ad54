"""Which failures an asset's RetryPolicy may retry: only those a later attempt can fix.

A wrong, missing or revoked key, a site the account does not have, a request the API refuses as malformed, an
unreadable lake file, no site to extract, a bad setting: each fails the same way on every attempt, so retrying
only waits (30 s a time) and repeats the same line. They fail at once, their one line kept as the message.
Transient API errors (5xx, timeouts, dropped connections, throttling after the client's own retries) and anything
unforeseen stay retried.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from dagster import Failure

from inc_pipeline.client import ApiError
from inc_pipeline.errors import UserError
from inc_pipeline.landing import LakeError


def is_permanent(error: BaseException) -> bool:
    """True when retrying cannot help: the same input fails the same way every time."""
    if isinstance(error, ApiError):
        return not error.transient
    return isinstance(error, (UserError, LakeError))


@contextmanager
def fail_at_once() -> Iterator[None]:
    """Turn a permanent error into `Failure(allow_retries=False)`, which Dagster fails without its RetryPolicy."""
    try:
        yield
    except Failure:
        raise
    except Exception as error:
        if not is_permanent(error):
            raise
        # `from None`: the message is the whole story (one line, never the key); a traceback adds nothing.
        raise Failure(str(error), allow_retries=False) from None
