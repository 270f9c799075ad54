"""Shared by the benchmarks: the machine, child processes measured with wait4, the docs section writer."""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance.md"


def machine() -> str:
    """CPU count and model, RAM, Python and DuckDB versions, on one line."""
    import duckdb

    model = "unknown CPU"
    try:
        model = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{os.cpu_count()} CPUs ({model}), {ram:.0f} GiB RAM, Python {platform.python_version()}, "
            f"DuckDB {duckdb.__version__}, {platform.system()} {platform.release()}")  # fmt: skip


@dataclass
class Measured:
    """One child process: wall time, CPU time (user + sys), peak RSS, and the JSON it printed last."""

    wall_s: float
    cpu_s: float
    peak_mib: float
    result: dict

    def row(self) -> str:
        return f"{self.wall_s:8.2f} s wall {self.cpu_s:8.2f} s CPU {self.peak_mib:8.0f} MiB peak"


def measure(task: str, **kwargs) -> Measured:
    """Run `bench.tasks.<task>(**kwargs)` in a fresh Python process; its rusage comes from wait4."""
    args = [sys.executable, "-m", "bench.tasks", task, json.dumps(kwargs, default=str)]
    started = time.monotonic()
    child = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.monotonic() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise RuntimeError(f"bench task {task} failed ({child.returncode})")
    lines = [line for line in out.splitlines() if line.startswith("{")]
    result = json.loads(lines[-1])
    # The child measures its own peak (see bench.tasks.peak_rss_mib): wait4's ru_maxrss includes ours.
    peak = result.pop("_peak_mib", None) or usage.ru_maxrss / 1024
    return Measured(wall, usage.ru_utime + usage.ru_stime, peak, result)


def write_section(name: str, body: str) -> None:
    """Replace (or append) the `<!-- bench:name -->` ... `<!-- /bench:name -->` section of docs/performance.md."""
    text = DOC.read_text() if DOC.exists() else "# Performance\n"
    block = f"<!-- bench:{name} -->\n{body.rstrip()}\n<!-- /bench:{name} -->"
    pattern = re.compile(rf"<!-- bench:{name} -->.*?<!-- /bench:{name} -->", re.S)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block + "\n"
    DOC.write_text(text)


def record(name: str, lines: list[str]) -> str:
    """A benchmark's figures, stamped with when and where they were measured, written to its doc section."""
    body = "\n".join([*lines, "", stamp()])
    write_section(name, body)
    return body


def stamp() -> str:
    return f"Recorded {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {machine()}."
