"""Endpoints of one request group, each on its own thread, each started as soon as the endpoint it needs has landed.

An endpoint's run is mostly waiting: on the path's pacing turn, then on the API's answer. So the endpoints of a
group share one process and its CPU, each on a thread, and the client's pacing and quota ledger (file locks, held
across threads as across processes) keep them within the API's limits. An endpoint whose targets come from another
in the group (a device's SSIDs before their clients' MACs) starts when that one has finished, not when the whole
group has: no step boundary sits on the chain of discovery.
"""

from __future__ import annotations

import queue
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

# How often the waiting thread wakes while nothing finishes, so an interrupt (Ctrl-C) reaches it promptly.
WAKE_SECONDS = 0.2


class UpstreamFailed(Exception):
    """An endpoint not asked because the one it takes its targets from failed."""

    def __init__(self, upstream: str) -> None:
        super().__init__(f"not asked: {upstream} failed, and its targets come from {upstream}")
        self.upstream = upstream


@dataclass(frozen=True)
class Finished:
    """One task's outcome: its result, or the error it raised."""

    name: str
    result: Any = None
    error: BaseException | None = None


def run_after_upstream(
    tasks: Mapping[str, Callable[[], Any]], upstream: Mapping[str, str | None], stop: threading.Event
) -> Iterator[Finished]:
    """Run each task on its own thread once its upstream (when that is among `tasks`) has finished without error,
    and yield each outcome as it comes, in the caller's thread. A task whose upstream failed is not run: it
    finishes with `UpstreamFailed`.

    If the caller's thread is interrupted while waiting (or stops iterating), `stop` is set for the tasks to see
    and every running task is waited for before the interrupt goes on: no thread outlives the group."""
    done: queue.Queue[Finished] = queue.Queue()
    after: dict[str | None, list[str]] = defaultdict(list)  # upstream -> the tasks waiting for it
    for name in tasks:
        needs = upstream.get(name)
        after[needs if needs in tasks else None].append(name)

    def run(name: str) -> None:
        try:
            done.put(Finished(name, result=tasks[name]()))
        except BaseException as error:  # noqa: BLE001 - handed to the caller's thread, which decides
            done.put(Finished(name, error=error))

    pool = ThreadPoolExecutor(max_workers=max(len(tasks), 1), thread_name_prefix="endpoint")
    try:
        for name in after[None]:
            pool.submit(run, name)
        for _ in range(len(tasks)):
            finished = _next(done)
            for name in after[finished.name]:
                if finished.error is None:
                    pool.submit(run, name)
                else:
                    done.put(Finished(name, error=UpstreamFailed(finished.name)))
            yield finished
    except BaseException:
        stop.set()
        raise
    finally:
        pool.shutdown(wait=True)


def _next(done: queue.Queue) -> Finished:
    """The next outcome, waking every WAKE_SECONDS so that an interrupt is raised here without delay."""
    while True:
        try:
            return done.get(timeout=WAKE_SECONDS)
        except queue.Empty:
            continue
