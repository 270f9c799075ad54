"""Which failures an asset's RetryPolicy may retry: only those a later attempt can fix.

A wrong, missing or revoked key, a site the account does not have, a request the API refuses as malformed, an
unreadable lake file, no site to extract, a bad setting: each fails the same way on every attempt, so retrying
only waits (30 s a time) and repeats the same line. They fail at once, their one line kept as the message.
Transient API errors (5xx, timeouts, dropped connections, throttling after the client's own retries) and anything
unforeseen stay retried.

An interrupt (Ctrl-C, or a stop request: Dagster maps SIGTERM to it) is not retried either: Dagster retries an
interrupted step under its RetryPolicy, so a Ctrl-C only paused the run for 30 s and it went on to "done".
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from dagster import DagsterExecutionInterruptedError, Failure

from inc_pipeline.client import ApiError
from inc_pipeline.errors import UserError
from inc_pipeline.landing import LakeError


def is_permanent(error: BaseException) -> bool:
    """True when retrying cannot help: the same input fails the same way every time."""
    if isinstance(error, ApiError):
        return not error.transient
    return isinstance(error, (UserError, LakeError))


INTERRUPTED = "interrupted (Ctrl-C, or the run was stopped): landed partitions are intact; rerun to resume"
_interrupted_runs: set[str] = set()


@contextmanager
def fail_at_once(run_id: str = "") -> Iterator[None]:
    """Turn a permanent error into `Failure(allow_retries=False)`, which Dagster fails without its RetryPolicy.

    After an interrupt in one step of run `run_id`, the run's steps that start later (those not waiting on it)
    fail at once too, before asking the API anything, so the run ends in seconds."""
    if run_id and run_id in _interrupted_runs:
        raise Failure(f"not started: {INTERRUPTED}", allow_retries=False)
    try:
        yield
    except Failure:
        raise
    except (DagsterExecutionInterruptedError, KeyboardInterrupt):
        _interrupted_runs.add(run_id)
        raise Failure(INTERRUPTED, allow_retries=False) from None
    except Exception as error:
        if not is_permanent(error):
            raise
        # `from None`: the message is the whole story (one line, never the key); a traceback adds nothing.
        raise Failure(str(error), allow_retries=False) from None
