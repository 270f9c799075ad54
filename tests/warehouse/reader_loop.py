"""A warehouse reader for the concurrency test, run in its own process.

Usage: reader_loop.py <warehouse> <out.jsonl> <stop-file> hold|reconnect. Each line written is
{"version": v, "rows": n} or {"error": "..."}; `hold` keeps one connection open for the whole loop.
"""

import json
import sys
import time
from pathlib import Path

import duckdb

QUERY = "select (select max(version) from meta.build_info), (select count(*) from marts.guest_daily)"


def main(warehouse: str, out: str, stop: str, mode: str) -> None:
    held = duckdb.connect(warehouse, read_only=True) if mode == "hold" else None
    with open(out, "a") as sink:
        while not Path(stop).exists():
            try:
                con = held or duckdb.connect(warehouse, read_only=True)
                version, rows = con.execute(QUERY).fetchone()
                if held is None:
                    con.close()
                sink.write(json.dumps({"version": version, "rows": rows}) + "\n")
            except Exception as exc:  # every failure is a finding for the test, not a crash
                sink.write(json.dumps({"error": f"{type(exc).__name__}: {exc}"}) + "\n")
            sink.flush()
            time.sleep(0.005)


if __name__ == "__main__":
    main(*sys.argv[1:5])
