"""The pipeline through the library, without Dagster: every endpoint in dependency order, then the marts.

The same planner, client, landing and build the Dagster assets call (`extract_endpoint` minus Dagster), so a
run takes seconds and can be killed and resumed in a child process. Run as a script for the crash tests:
`python tests/reliability/pipeline.py --data DIR --base-url URL --api-key KEY --user U --start D --end D [--resume]`.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd

from inc_pipeline.catalog import ENDPOINTS, Endpoint, Scope
from inc_pipeline.client import IncClient, QuotaExhaustedError
from inc_pipeline.extract.cleanup import remove_build_leftovers
from inc_pipeline.extract.plan import Targets, plan_requests
from inc_pipeline.extract.run import LandingOptions, LandingReport, land_requests
from inc_pipeline.extract.targets import load_targets
from inc_pipeline.landing.lake import Lake
from inc_pipeline.warehouse import build_warehouse

PII_KEY = b"reliability-pii-key"
SCOPE_DEPTH = {Scope.ACCOUNT: 0, Scope.SITE_BATCH: 1, Scope.SITE: 1, Scope.DEVICE_BATCH: 2, Scope.DEVICE: 2,
               Scope.AP: 3, Scope.SSID: 3}  # fmt: skip
ORDERED = sorted(ENDPOINTS, key=lambda e: SCOPE_DEPTH[e.scope])  # upstream snapshots before what they feed


def days_between(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def landed_already(lake: Lake, endpoint: Endpoint, days: list[date]) -> bool:
    """Whether a resumed run can skip the endpoint: every day of the range (or today's snapshot) is landed."""
    wanted = days if endpoint.is_windowed else [datetime.now(UTC).date()]
    return set(wanted) <= set(lake.partitions(endpoint.id))


def extract_all(
    base_url: str, api_key: str, user: str, data_dir: Path, days: list[date], *,
    rate: float = 1000.0, resume: bool = False, pii_key: bytes = PII_KEY, query: dict | None = None,
) -> dict[str, LandingReport]:  # fmt: skip
    """Land every endpoint for `days` (snapshots for today); `resume` skips endpoints already landed; `query`:
    parameters sent on every call (INC_API_QUERY_PARAMS)."""
    lake, reports = Lake(data_dir), {}
    options = LandingOptions(pii_key=pii_key)
    with IncClient(base_url, api_key, state_dir=Path(data_dir) / "state", default_rate_per_second=rate,
                   backoff_base=0.05, query=query) as client:  # fmt: skip
        for endpoint in ORDERED:
            if resume and landed_already(lake, endpoint, days):
                continue
            targets = Targets(user=user)
            if endpoint.scope is not Scope.ACCOUNT:
                targets = load_targets(lake, user=user)
            requests = plan_requests(endpoint, targets, days=days)
            landed_days = days if endpoint.is_windowed else [datetime.now(UTC).date()]
            try:
                reports[endpoint.id] = land_requests(client, endpoint, requests, lake, options,
                                                     partition_dates=landed_days)  # fmt: skip
            except QuotaExhaustedError:
                reports[endpoint.id] = LandingReport(endpoint.id)
    return reports


def run_pipeline(base_url: str, api_key: str, user: str, data_dir: Path, days: list[date], **kwargs):
    """Extract everything, then build and publish the warehouse; returns the build result."""
    extract_all(base_url, api_key, user, Path(data_dir), days, **kwargs)
    remove_build_leftovers(data_dir)  # as the warehouse asset does before it builds
    return build_warehouse(data_dir, source_label=base_url)


def marts(data_dir: Path) -> dict[str, pd.DataFrame]:
    """Every mart of the published warehouse, rows sorted, for comparing two runs."""
    with duckdb.connect(str(Path(data_dir) / "warehouse.duckdb"), read_only=True) as con:
        query = "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
        names = [r[0] for r in con.execute(query).fetchall()]
        return {n: con.execute(f"select * from marts.{n} order by all").df() for n in names}


def assert_same_marts(actual: dict[str, pd.DataFrame], expected: dict[str, pd.DataFrame]) -> None:
    """Same marts, same rows (floats to 1e-9 relative: sums may add in another order)."""
    assert actual.keys() == expected.keys()
    for name in expected:
        got, want = len(actual[name]), len(expected[name])
        assert got == want, f"{name}: {got} rows, expected {want}"
        pd.testing.assert_frame_equal(actual[name], expected[name], check_exact=False, rtol=1e-9, obj=name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in ("--data", "--base-url", "--api-key", "--user"):
        parser.add_argument(name, required=True)
    parser.add_argument("--start", type=date.fromisoformat, required=True)
    parser.add_argument("--end", type=date.fromisoformat, required=True)
    parser.add_argument("--resume", action="store_true")
    args = parser.parse_args()
    run_pipeline(args.base_url, args.api_key, args.user, Path(args.data), days_between(args.start, args.end),
                 resume=args.resume)  # fmt: skip
    sys.stdout.write("done\n")


if __name__ == "__main__":
    main()
