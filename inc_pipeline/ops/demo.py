"""`inc-pipeline demo`: the whole pipeline against the simulator, end to end, in about 1.5 minutes.

It starts the simulator (rate limits and quotas enforced, as the manual states them), points this process's
environment at it, runs the last `days` complete days through the very `run_range` that `inc-pipeline run` uses,
and prints the marts. The data goes to its own directory (default data/demo), never into a real account's lake,
and the warehouse records its source as the simulator.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import duckdb

from inc_pipeline import clock
from inc_pipeline.report import write_report
from inc_pipeline.simulator import SimulatorConfig

from .run import run_range
from .status import describe_source, warehouse_info

# Endpoints whose limit the manual does not state are paced at this rate in the demo (10/s by default); the
# simulator still enforces the stated 1/s limits and 100/day quotas, and the client paces those as stated.
DEMO_RATE_PER_SECOND = "20"
DEMO_PII_KEY = "demo-only-pseudonymisation-key"  # simulated people only; a real account needs its own secret


def demo_environment(base_url: str, config: SimulatorConfig, data_dir: Path) -> dict[str, str]:
    """The INC_* settings that point a run at the simulator and at the demo's data directory."""
    return {
        "INC_API_BASE_URL": base_url,
        "INC_API_KEY": config.api_key,
        "INC_API_USER": config.user,
        "INC_PII_KEY": DEMO_PII_KEY,
        "INC_DATA_DIR": str(data_dir),
        "INC_DEFAULT_RATE_PER_SECOND": DEMO_RATE_PER_SECOND,
        "INC_SITES": "",
        "INC_ACCOUNTS": "",  # the demo is one simulated account, whatever the shell says
    }


def run_demo(days: int = 14, *, data_dir: str = "data/demo", log_level: str = "CRITICAL") -> int:
    """Start the simulator, extract `days` complete days, build the warehouse and its HTML report, print a summary
    and where the report is; 0 on success."""
    started = time.monotonic()
    today = clock.today()
    start, end = today - timedelta(days=days), today - timedelta(days=1)
    config = SimulatorConfig(days=days + 7, end_date=today)
    root = Path(data_dir).resolve()
    with simulator_process(config) as base_url:
        os.environ.pop("DAGSTER_HOME", None)  # the demo's Dagster state lives beside its data
        os.environ.update(demo_environment(base_url, config, root))
        print(f"inc-pipeline demo: simulator at {base_url} ({config.sites} sites, limits enforced); "
              f"extracting {start}..{end} into {root}", flush=True)  # fmt: skip
        run_range(start, end, log_level=log_level)
    report = write_report(root / "warehouse.duckdb", root / "report.html")
    print_summary(root, time.monotonic() - started)
    print(f"\nreport: {report.path.as_uri()} (static HTML, opens offline; inc-pipeline report writes it again)")
    return 0


@contextmanager
def simulator_process(config: SimulatorConfig):
    """The simulator (the same SimulatorServer) in a child process on a free loopback port; yields its URL.

    A child process rather than a thread: on a 2-core machine the server then has a core of its own instead
    of sharing this process's GIL with the endpoints' threads.
    """
    command = [sys.executable, "-m", "inc_pipeline.simulator", "--port", "0", "--seed", str(config.seed),
               "--sites", str(config.sites), "--days", str(config.days), "--end-date", config.end_date.isoformat(),
               "--api-key", config.api_key]  # fmt: skip
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        first = child.stdout.readline()  # "INC Cloud simulator at http://127.0.0.1:PORT  apikey: ..."
        if " at http" not in first:
            raise RuntimeError(f"the simulator did not start: {first.strip() or 'no output'}")
        yield first.split(" at ", 1)[1].split()[0]
    finally:
        child.terminate()
        child.wait(timeout=10)


def print_summary(root: Path, seconds: float) -> None:
    """Row counts of the marts, a few figures, and what to try next."""
    info = warehouse_info(root) or {}
    path = root / "warehouse.duckdb"
    with duckdb.connect(str(path), read_only=True) as con:
        marts = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1").fetchall()]
        counts = {m: con.execute(f"select count(*) from marts.{m}").fetchone()[0] for m in marts}
        guests = con.execute("select count(distinct site_id), sum(total_guests), sum(new_guests), min(date), "
                             "max(date) from marts.guest_daily").fetchone()  # fmt: skip
        dwell = con.execute("select round(avg(avg_dwell_s) / 60, 1) from marts.dwell_daily").fetchone()[0]
        vendor = con.execute("select vendor, sum(clients) c from marts.vendor_daily group by 1 order by c desc "
                             "limit 1").fetchone()  # fmt: skip
    print(f"\nsource: {describe_source(info.get('source_label', '?'))}")
    print(f"warehouse: {path} (version {info.get('version')}); demo took {seconds:.0f} s")
    print("marts (rows): " + ", ".join(f"{m} {n}" for m, n in counts.items()))
    print(f"{guests[0]} sites, {guests[3]}..{guests[4]}: {guests[1]} guests over the site-days ({guests[2]} new); "
          f"average dwell {dwell} min; top vendor {vendor[0] if vendor else '-'}")  # fmt: skip
    print(f"""
next:
  INC_DATA_DIR={root} .venv/bin/inc-pipeline status
  .venv/bin/duckdb -readonly {path} "select * from marts.guest_daily order by date desc limit 10"
  INC_DATA_DIR={root} DAGSTER_HOME={root}/dagster_home INC_API_BASE_URL=simulator INC_PII_KEY={DEMO_PII_KEY} \\
    .venv/bin/dagster dev -w workspace.yaml     # the same assets, schedules and checks in the UI
  real account: copy .env.example to .env, uncomment and fill INC_API_KEY, INC_API_USER, INC_PII_KEY (README.md)""")
