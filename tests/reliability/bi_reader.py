"""A BI-style reader in its own process: connect read-only, run a dashboard query, disconnect, repeat.

Usage: bi_reader.py <warehouse> <out.jsonl> <stop-file>. Each line: {"version", "answer", "seconds"} (connect +
query + close) or {"error", "seconds"}. All figures come from one connection, so they belong to one build.
"""

import json
import sys
import time
from pathlib import Path

import duckdb

QUERY = """
select (select max(version) from meta.build_info) as version,
       (select count(*) from marts.guest_daily) as guest_days,
       (select coalesce(sum(total_guests), 0) from marts.guest_daily) as guests,
       (select count(*) from marts.auth_sessions) as sessions,
       (select count(*) from (select vendor, sum(clients) from marts.vendor_daily group by vendor)) as vendors,
       (select count(*) from (select site_id, hour(hour), avg(clients) from marts.guest_hourly group by all)) as hours
"""


def main(warehouse: str, out: str, stop: str) -> None:
    with open(out, "a") as sink:
        while not Path(stop).exists():
            started = time.monotonic()
            try:
                with duckdb.connect(warehouse, read_only=True) as con:
                    version, *answer = con.execute(QUERY).fetchone()
                line = {"version": version, "answer": [int(a) for a in answer]}
            except Exception as exc:  # a failure is a finding for the test, not a reason to stop
                line = {"error": f"{type(exc).__name__}: {exc}"}
            line["seconds"] = time.monotonic() - started
            sink.write(json.dumps(line) + "\n")
            sink.flush()
            time.sleep(0.01)


if __name__ == "__main__":
    main(*sys.argv[1:4])
