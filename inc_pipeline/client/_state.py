"""Small JSON state files shared by threads and processes: read and replace them under a file lock."""

from __future__ import annotations

import glob
import json
import os
import re
import tempfile
from pathlib import Path


def safe_name(endpoint_id: str) -> str:
    """A file name for an endpoint id (ids are identifiers already; this only guards against odd characters)."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", endpoint_id)


def read_json(path: Path, default):
    """The file's JSON, or `default` when it is missing or unreadable (a crash mid-write cannot leave it so:
    writes are atomic, but a hand-edited or foreign file should not stop the pipeline)."""
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, ValueError):
        return default


def write_json(path: Path, value) -> None:
    """Replace the file atomically, so a reader never sees half a file. Call it holding the file's lock: the
    temporary files a killed writer left beside it are removed first, which is safe only when no one else writes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for leftover in path.parent.glob(f"{glob.escape(path.name)}*.tmp"):
        leftover.unlink(missing_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(fd, "w") as handle:
        json.dump(value, handle)
    os.replace(tmp, path)
