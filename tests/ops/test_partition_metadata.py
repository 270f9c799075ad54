"""Each partition a ranged run lands reports its own row count (`dagster/row_count`), equal to its Parquet file's,
and the run's figures under `run_` names; a snapshot reports its own partition's rows."""

from __future__ import annotations

from dataclasses import replace

import pyarrow.parquet as pq
import pytest
from dagster import AssetKey, AssetRecordsFilter, DagsterInstance

from inc_pipeline.cli import main
from inc_pipeline.ops.instance import dagster_home
from inc_pipeline.simulator import SimulatorServer

from .conftest import FIRST, LAST, point_at

pytestmark = pytest.mark.slow

WINDOWED = ("auth_history", "history_day_client_count", "history_hour_client_count_detail")


def test_every_partition_reports_its_own_row_count(sim_config, tmp_path, monkeypatch):
    data = tmp_path / "data"
    with SimulatorServer(replace(sim_config, enforce_limits=False)) as sim:
        point_at(sim, data, monkeypatch)
        select = ",".join(("user_shops", "shop_devices", *WINDOWED))
        assert main(["run", "--start", FIRST.isoformat(), "--end", LAST.isoformat(), "--select", select]) == 0
    instance = DagsterInstance.from_config(str(dagster_home()))
    for endpoint_id in WINDOWED:
        counts, totals = {}, set()
        for day in (FIRST, LAST):
            records = instance.fetch_materializations(
                AssetRecordsFilter(asset_key=AssetKey(endpoint_id), asset_partitions=[day.isoformat()]), limit=1
            ).records
            metadata = records[0].asset_materialization.metadata
            counts[day] = metadata["dagster/row_count"].value
            totals.add(metadata["run_rows_landed"].value)
            parquet = data / "lake" / endpoint_id / f"date={day.isoformat()}" / "part-0.parquet"
            assert counts[day] == pq.ParquetFile(parquet).metadata.num_rows, (endpoint_id, day)
        [total] = totals  # the run's figure, the same on each day, and the days' own counts add up to it
        assert sum(counts.values()) == total and all(counts.values()), (endpoint_id, counts, total)
    snapshot = instance.get_latest_materialization_event(AssetKey("shop_devices")).asset_materialization
    landed = sorted((data / "lake" / "shop_devices").glob("date=*/part-0.parquet"))[-1]
    assert snapshot.metadata["dagster/row_count"].value == pq.ParquetFile(landed).metadata.num_rows > 0


def test_each_endpoint_asset_declares_the_columns_it_lands(first_run, ops_env):
    """`dagster/column_schema`, from the landing schema: every landed file's columns are among it, with the same
    Parquet types; personal columns say how they land."""
    from inc_pipeline.catalog import ENDPOINTS
    from inc_pipeline.definitions import defs

    graph = defs.resolve_asset_graph()
    checked = 0
    for endpoint in ENDPOINTS:
        schema = graph.get(AssetKey(endpoint.id)).metadata["dagster/column_schema"]
        declared = {column.name: column.type for column in schema.columns}
        for file in sorted((ops_env["data"] / "lake" / endpoint.id).glob("date=*/part-0.parquet"))[-1:]:
            landed = pq.read_schema(file)
            assert {f.name: str(f.type) for f in landed}.items() <= declared.items(), endpoint.id
            checked += 1
    assert checked >= 30
    auth = graph.get(AssetKey("auth_history")).metadata["dagster/column_schema"]
    notes = {column.name: column.description for column in auth.columns}
    assert "either INC_PII_POLICY" in notes["user_mac"] and "not landed under" in notes["mobile_no"]
    assert notes["vendor"] is None
