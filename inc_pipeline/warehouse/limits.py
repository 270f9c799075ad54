"""How much memory a warehouse build may hold, and where DuckDB spills what does not fit.

DuckDB's own default is 80 % of the machine's memory: a full build over a large lake took what it found (4.4 GiB
for 10 million authentication rows) and would take more with more rows. The project sets a limit instead, and a
spill directory beside the build, so a build's peak stays near the limit whatever the lake's size, and the sorts,
joins, aggregates and windows over the biggest table go to disk past it. The limit counts DuckDB's buffers only:
the Python process around them (pyarrow, pandas, the models) adds a few hundred MiB.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

DEFAULT_MEMORY_LIMIT = "2GiB"
SPILL_DIR_NAME = "spill"  # under <data_dir>/.build
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*", re.IGNORECASE)
_SMALLEST_MIB = 256  # below it DuckDB cannot hold even one model's working set of a demo lake


class BuildLimitError(ValueError):
    """A memory limit or spill directory the build cannot use; `limit` names which ("memory_limit", "spill_dir")."""

    def __init__(self, message: str, limit: str):
        super().__init__(message)
        self.limit = limit


@dataclass(frozen=True)
class BuildLimits:
    """DuckDB's memory limit for a build (e.g. "2GiB", "1500MB") and where it spills (default: the build's own
    directory, `<data_dir>/.build/spill`, emptied after each build)."""

    memory_limit: str = DEFAULT_MEMORY_LIMIT
    spill_dir: Path | None = None

    def __post_init__(self) -> None:
        match = _SIZE.fullmatch(self.memory_limit)
        if not match or _mib(float(match.group(1)), match.group(2)) < _SMALLEST_MIB:
            raise BuildLimitError(
                f"warehouse memory limit {self.memory_limit!r} is not a size of at least {_SMALLEST_MIB} MiB: "
                f"give e.g. 2GiB or 1500MB",
                "memory_limit",
            )
        if self.spill_dir is not None and Path(self.spill_dir).exists() and not Path(self.spill_dir).is_dir():
            raise BuildLimitError(f"warehouse spill directory {self.spill_dir} is a file: give a directory",
                                  "spill_dir")  # fmt: skip

    def spill_path(self, build_dir: Path) -> Path:
        return Path(self.spill_dir) if self.spill_dir is not None else build_dir / SPILL_DIR_NAME

    def apply(self, con, build_dir: Path) -> None:
        """Set the limit and the spill directory on a DuckDB connection (before it reads anything)."""
        spill = self.spill_path(build_dir)
        spill.mkdir(parents=True, exist_ok=True)
        con.execute(f"set memory_limit = '{self.memory_limit.strip()}'")
        con.execute(f"set temp_directory = '{_quoted(spill.as_posix())}'")


def _mib(value: float, unit: str) -> float:
    """`value` of `unit` in MiB: KB, MB, ... are powers of 1000 bytes, KiB, MiB, ... of 1024 (as DuckDB reads them)."""
    power = "kmgt".index(unit[0].lower()) + 1
    base = 1024 if "i" in unit.lower() else 1000
    return value * base**power / 2**20


def _quoted(text: str) -> str:
    return text.replace("'", "''")
