"""`python -m bench [name ...]`: run the benchmarks (all by default), print figures, update docs/performance.md."""

from __future__ import annotations

import sys

from .common import machine

BENCHMARKS = ("throughput", "window", "api", "warehouse", "warehouse_scale", "large_day")


def main(names: list[str]) -> None:
    import importlib

    print(machine())
    for name in names or BENCHMARKS:
        if name not in BENCHMARKS:
            raise SystemExit(f"unknown benchmark {name!r}: choose from {', '.join(BENCHMARKS)}")
        module = importlib.import_module(f"bench.{name}")
        print(module.run(), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
