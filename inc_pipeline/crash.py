"""Crash points for the reliability suite: `INC_CRASH_AT=<point>[:<n>]` kills the process (SIGKILL) the n-th
time (default the first) execution reaches `crash_point(<point>)`. Unset, a crash point costs one dict lookup.

Points: `page` (a page fetched, not yet landed), `parquet_write` (rows written to a temporary partition file,
not committed), `mart_build` (a model built into the private warehouse file), `publish` (the private file tested
and stamped, not yet renamed onto the published one).
"""

from __future__ import annotations

import os
import signal
from collections import Counter

ENV_VAR = "INC_CRASH_AT"
_reached: Counter = Counter()


def crash_point(name: str) -> None:
    """Die here, like a power cut (no cleanup, no finally blocks), when INC_CRASH_AT names this point."""
    spec = os.environ.get(ENV_VAR)
    if not spec:
        return
    point, _, nth = spec.partition(":")
    if point != name:
        return
    _reached[name] += 1
    if _reached[name] == int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
