"""What the benchmarks run in a child process (so each gets its own peak memory and CPU time).

`python -m bench.tasks <task> '<json kwargs>'` prints one JSON line of results.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path


def inc_auth(base_url: str, api_key: str, data_dir: str, sites: list[str], days: list[str], pace: bool = False):
    """inc-pipeline: plan auth_history for `days`, fetch + validate + pseudonymise + land Parquet, stage in DuckDB.

    `pace=False` turns the client's 1/second pacing off (the simulator runs with limits off): the benchmark
    measures the pipeline's own cost, as dlt's is measured without pacing."""
    import duckdb

    from inc_pipeline.catalog import ENDPOINTS_BY_ID
    from inc_pipeline.client import IncClient
    from inc_pipeline.extract.plan import Targets, plan_requests
    from inc_pipeline.extract.run import LandingOptions, land_requests
    from inc_pipeline.landing.lake import Lake

    auth, wanted = ENDPOINTS_BY_ID["auth_history"], [date.fromisoformat(d) for d in days]
    requests = plan_requests(auth, Targets(sites=tuple(sites), user="demo"), days=wanted)
    lake = Lake(data_dir)
    with IncClient(base_url, api_key, state_dir=Path(data_dir) / "state") as client:
        if not pace:
            client.limiter.wait = lambda *args: 0.0
        report = land_requests(client, auth, requests, lake, LandingOptions(pii_key=b"bench"), partition_dates=wanted)
    glob = (Path(data_dir) / "lake" / "auth_history" / "*" / "*.parquet").as_posix()
    with duckdb.connect(str(Path(data_dir) / "bench.duckdb")) as con:
        con.execute(f"create or replace table auth_history as select * from read_parquet('{glob}')")
        rows = con.execute("select count(*) from auth_history").fetchone()[0]
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


if __name__ == "__main__":
    task, kwargs = sys.argv[1], json.loads(sys.argv[2])
    print(json.dumps(resolve(task)(**kwargs), default=str))
