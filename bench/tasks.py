"""What the benchmarks run in a child process (so each gets its own peak memory and CPU time).

`python -m bench.tasks <task> '<json kwargs>'` prints one JSON line of results.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path


def inc_auth(
    base_url: str, api_key: str, data_dir: str, sites: list[str], days: list[str], pace: bool = False, pii_policy=None
):
    """inc-pipeline: plan auth_history for `days`, fetch + validate + protect personal data + land Parquet, stage
    in DuckDB (the warehouse's staging model over the lake). `pii_policy` None: the pipeline's default.

    `pace=False` turns the client's 1/second pacing off (the simulator runs with limits off): the benchmark
    measures the pipeline's own cost, as dlt's is measured without pacing."""
    import duckdb

    from inc_pipeline.catalog import ENDPOINTS_BY_ID
    from inc_pipeline.client import IncClient
    from inc_pipeline.extract.plan import Targets, plan_requests
    from inc_pipeline.extract.run import LandingOptions, land_requests
    from inc_pipeline.landing.lake import Lake
    from inc_pipeline.landing.privacy import DEFAULT_POLICY
    from inc_pipeline.warehouse import build_warehouse

    auth, wanted = ENDPOINTS_BY_ID["auth_history"], [date.fromisoformat(d) for d in days]
    requests = plan_requests(auth, Targets(sites=tuple(sites), user="demo"), days=wanted)
    lake = Lake(data_dir)
    with IncClient(base_url, api_key, state_dir=Path(data_dir) / "state", paced=pace) as client:
        options = LandingOptions(pii_key=b"bench", pii_policy=pii_policy or DEFAULT_POLICY)
        report = land_requests(client, auth, requests, lake, options, partition_dates=wanted)
    # Stage as the pipeline does: the warehouse's staging model (a view over the landed Parquet, its tests run),
    # built and published atomically; then read every staged row back through DuckDB.
    build_warehouse(data_dir, source_label="http://bench", select=["stg_auth_history"])
    with duckdb.connect(str(Path(data_dir) / "warehouse.duckdb"), read_only=True) as con:
        rows = con.execute("select count(*) from staging.stg_auth_history").fetchone()[0]
    return {"records": rows, "pages": report.pages, "requests": report.requests}


def dlt_auth(base_url: str, api_key: str, data_dir: str, site: int, begin_ms: int, end_ms: int):
    """dlt's rest_api source: page-number paginator with the page in the JSON body, duckdb destination."""
    import os

    os.environ["DLT_DATA_DIR"] = str(Path(data_dir) / "dlt_data")
    os.environ["RUNTIME__LOG_LEVEL"] = "WARNING"
    import dlt
    from dlt.sources.rest_api import rest_api_source

    source = rest_api_source({
        "client": {"base_url": base_url, "headers": {"apikey": api_key}},
        "resources": [{
            "name": "auth_history",
            "endpoint": {
                "path": "/api/o2oportal/getAuthUserInfo", "method": "POST",
                "json": {"shop_id": [site], "begin_time": begin_ms, "end_time": end_ms, "page_size": 5000},
                "data_selector": "data.auth_list",
                "paginator": {"type": "page_number", "base_page": 1, "page_body_path": "page_index",
                              "total_path": None, "stop_after_empty_page": True},
            },
        }],
    })  # fmt: skip
    pipeline = dlt.pipeline(
        pipeline_name="bench_auth", destination=dlt.destinations.duckdb(str(Path(data_dir) / "dlt.duckdb")),
        dataset_name="inc", pipelines_dir=str(Path(data_dir) / "dlt_pipelines"),
    )
    pipeline.run(source)
    with pipeline.sql_client() as client:
        rows = client.execute_sql("select count(*) from auth_history")[0][0]
    return {"records": rows}


def warehouse(data_dir: str, select: list[str] | None = None):
    """Build (and publish) the warehouse over a prepared lake."""
    from inc_pipeline.warehouse import build_warehouse

    result = build_warehouse(data_dir, source_label="http://bench", select=select)
    return {"models": len(result.models), "seconds": result.seconds}


def resolve(task: str):
    """`name` is a function here; `module:name` one in another bench module (each benchmark keeps its own)."""
    import importlib

    if ":" in task:
        module, name = task.split(":", 1)
        return getattr(importlib.import_module(module), name)
    return globals()[task]


def peak_rss_mib() -> float:
    """This process's own peak RSS (VmHWM of its address space), and its children's.

    Not wait4's ru_maxrss: Linux carries the parent's high-water mark into a child across fork and exec, so a
    child of the benchmark (whose parent holds the simulator's world) would report the parent's size."""
    import resource

    own = 0.0
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                own = int(line.split()[1]) / 1024
    return max(own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)


if __name__ == "__main__":
    task, kwargs = sys.argv[1], json.loads(sys.argv[2])
    result = resolve(task)(**kwargs)
    print(json.dumps({**result, "_peak_mib": peak_rss_mib()}, default=str))
