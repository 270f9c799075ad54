"""Warehouse at scale: the full build over 10 and over 100 million authentication rows, under the project's memory
limit (target: peak under 4 GiB whatever the size; time about linear from 10 to 100 million rows).

The 10-million-row lake is the warehouse benchmark's year of 20 sites (bench/warehouse.py: the real pipeline's
landing of one simulated week, replicated). The 100-million-row lake is the same lake with each day's
authentication partition written ten times over, each copy's sessions starting 1 to 9 ms later: the same clients
on the same days (the marts' reconciliations still hold), a new session key for each copy (a key repeated by
chance is de-duplicated as any repeated key). Every other table is the same files, hard-linked. No API is called.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .common import Measured, measure, record
from .warehouse import PART

FACTOR = 10
TARGET_PEAK_MIB = 4096


def run() -> str:
    with tempfile.TemporaryDirectory(prefix="bench-warehouse-scale-") as tmp:
        root = Path(tmp)
        measure("bench.warehouse:land_sample", data_dir=str(root / "sample"))
        measure("bench.warehouse:synthesise", sample_dir=str(root / "sample"), out_dir=str(root))
        scaled = measure("bench.warehouse_scale:multiply_auth", source=str(root / "year"),
                         target=str(root / "year100"), factor=FACTOR)  # fmt: skip
        small = measure("bench.warehouse:full_build", data_dir=str(root / "year"))
        large = measure("bench.warehouse:full_build", data_dir=str(root / "year100"))
    return _report(scaled, small, large)


def multiply_auth(source: str, target: str, factor: int) -> dict:
    """Measured child: `target`'s lake is `source`'s, with every auth_history partition `factor` times over."""
    import duckdb

    source_lake, target_lake = Path(source) / "lake", Path(target) / "lake"
    rows = 0
    with duckdb.connect() as con:
        con.execute("set preserve_insertion_order = false")
        for file in sorted(source_lake.rglob(f"date=*/{PART}")):
            destination = target_lake / file.relative_to(source_lake)
            destination.parent.mkdir(parents=True, exist_ok=True)
            if file.parent.parent.name != "auth_history":
                os.link(file, destination)
                continue
            copies = (f"select * replace (access_start_time + copy as access_start_time) from read_parquet('{file}'), "
                      f"range({factor}) as copies(copy)")  # fmt: skip
            con.execute(f"copy ({copies}) to '{destination}' (format parquet, compression zstd)")
            rows += con.execute(f"select count(*) from read_parquet('{destination}')").fetchone()[0]
    return {"auth_rows": rows}


def _report(scaled: Measured, small: Measured, large: Measured) -> str:
    rows = {name: run.result["models"]["stg_auth_history"] for name, run in (("10M", small), ("100M", large))}
    time_ratio, row_ratio = large.wall_s / small.wall_s, rows["100M"] / rows["10M"]
    peak = max(small.peak_mib, large.peak_mib)
    lines = [
        "## Warehouse at scale",
        "",
        f"`.venv/bin/python -m bench warehouse_scale`: every model built from scratch (`build_warehouse`, its tests "
        f"and publish included, each in its own process) over the warehouse benchmark's year of 20 sites "
        f"({rows['10M']:,} auth rows) and over the same lake with {FACTOR} times the authentication rows "
        f"({rows['100M']:,}; written in {scaled.wall_s:.0f} s by `multiply_auth`, see the module docstring), under "
        f"the project's default limit (`INC_WAREHOUSE_MEMORY_LIMIT`, 2 GiB, spilling under `<data_dir>/.build`).",
        "",
        "| auth rows | wall s | CPU s | peak MiB |",
        "|---|---|---|---|",
        f"| {rows['10M']:,} | {small.wall_s:.1f} | {small.cpu_s:.1f} | {small.peak_mib:.0f} |",
        f"| {rows['100M']:,} | {large.wall_s:.1f} | {large.cpu_s:.1f} | {large.peak_mib:.0f} |",
        "",
        f"Time, 100M / 10M: **{time_ratio:.1f}x** for {row_ratio:.1f}x the rows (at most linear: "
        f"{'met' if time_ratio <= row_ratio * 1.3 else 'missed'}; the other tables' share does not grow); peak "
        f"memory **{peak:.0f} MiB** against {TARGET_PEAK_MIB} MiB ({'met' if peak < TARGET_PEAK_MIB else 'missed'}).",
    ]
    return record("warehouse_scale", lines)
