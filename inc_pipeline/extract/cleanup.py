"""Temporary files a killed writer leaves behind, told apart from a live writer's by a lock.

Partitions, quarantine and archived answers are written to hidden `.<name>.<uuid>.tmp` files beside their final
names, and a warehouse build to `.build/warehouse-<uuid>.duckdb`; a SIGKILL mid-write leaves them there. They are
never read, but they pile up. So every landing of a table holds that table's lock (shared, `flock`) while it
writes, and before writing removes the table's temporary files when it can take the lock exclusively: then no
live writer of the table exists, in this process or another (the kernel drops a killed process's locks), and
every temporary file of the table is a leftover. A build's leftovers are removed the same way, under the lock
`build_warehouse` holds for a whole build. Only files older than the clean-up itself are touched.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

LOCKS_DIR = ("state", "locks")
LAKE_AREAS = ("lake", "quarantine", "archive")  # each holds <table>/date=YYYY-MM-DD/ directories
TEMP_GLOB = "date=*/.*.tmp"
BUILD_DIR = ".build"
BUILD_LOCK = "warehouse.lock"  # the lock inc_pipeline.warehouse.build_warehouse holds while it builds
BUILD_GLOB = "warehouse-*.duckdb*"  # a private build and its .wal


def table_lock_path(root: Path | str, table: str) -> Path:
    return Path(root).joinpath(*LOCKS_DIR, f"{table}.lock")


@contextmanager
def landing_table(root: Path | str, table: str) -> Iterator[list[Path]]:
    """Hold `table`'s writer lock for a landing; first remove its leftovers if no other writer is live.

    Yields the paths removed. Two landings of one table may run at once (each holds the lock shared); neither
    then removes anything, and the next landing that runs alone does.
    """
    started = time.time()
    path = table_lock_path(root, table)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        removed: list[Path] = []
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pass  # another writer of this table is live: its temporary files are not leftovers
        else:
            removed = remove_table_leftovers(root, table, before=started)
        # Exclusive -> shared (or wait for another landing's clean-up): this landing's own files come after.
        fcntl.flock(handle, fcntl.LOCK_SH)
        yield removed
    finally:
        os.close(handle)  # releases the lock


def remove_table_leftovers(root: Path | str, table: str, *, before: float) -> list[Path]:
    """Remove `table`'s temporary files older than `before` (epoch seconds); the caller holds its lock exclusively.

    A day directory left empty goes too: it was created for a partition that never landed, and a missing
    directory is what "never landed" looks like.
    """
    removed = []
    for area in LAKE_AREAS:
        for temporary in sorted((Path(root) / area / table).glob(TEMP_GLOB)):
            if _older_than(temporary, before):
                temporary.unlink(missing_ok=True)
                removed.append(temporary)
                _remove_if_empty(temporary.parent)
    return removed


def remove_build_leftovers(root: Path | str) -> list[Path]:
    """Remove private warehouse files of killed builds, unless a build is running now (it holds the lock)."""
    started = time.time()
    build_dir = Path(root) / BUILD_DIR
    if not build_dir.is_dir():
        return []
    try:
        with FileLock(str(build_dir / BUILD_LOCK), timeout=0):
            leftovers = [p for p in sorted(build_dir.glob(BUILD_GLOB)) if _older_than(p, started)]
            for leftover in leftovers:
                leftover.unlink(missing_ok=True)
            return leftovers
    except Timeout:
        return []  # a build is running: the next run cleans up


def _older_than(path: Path, moment: float) -> bool:
    try:
        return path.stat().st_mtime < moment
    except FileNotFoundError:
        return False


def _remove_if_empty(directory: Path) -> None:
    try:
        directory.rmdir()
    except OSError:
        pass  # not empty (a landed partition, other files): it stays
