"""The warehouse models as Dagster assets: keys, deps from the SQL, and a materialisation over the fixture lake."""

from __future__ import annotations

from datetime import UTC, date, datetime

from dagster import AssetKey, materialize

from inc_pipeline.defs.resources import IncApiResource, PipelineSettings
from inc_pipeline.defs.warehouse import changed_dates, warehouse_assets


def test_every_model_is_an_asset_with_deps_read_from_its_sql():
    assets = warehouse_assets()
    specs = {spec.key: spec for spec in assets.specs}
    guest_daily = specs[AssetKey(["marts", "guest_daily"])]
    assert {dep.asset_key for dep in guest_daily.deps} == {AssetKey(["staging", "stg_history_day_client_count"])}
    staging = specs[AssetKey(["staging", "stg_auth_history"])]
    assert {dep.asset_key for dep in staging.deps} == {AssetKey(["auth_history"])}
    assert len(specs) == 60  # 40 staging, 2 intermediate, 18 marts


def test_materialising_all_models_publishes_the_warehouse(data_dir):
    resources = {
        "settings": PipelineSettings(data_dir=str(data_dir)),
        "inc_api": IncApiResource(base_url="http://127.0.0.1:8000", api_key="secret-key"),
    }
    result = materialize([warehouse_assets()], resources=resources)
    assert result.success
    checks = {c.check_name: c.passed for c in result.get_asset_check_evaluations()}
    assert checks["report_daily_vs_guest_daily"] is True
    assert (data_dir / "warehouse.duckdb").exists()
    subset = materialize([warehouse_assets()], resources=resources, selection=[AssetKey(["marts", "guest_daily"])])
    assert subset.success
    assert "secret-key" not in (data_dir / "warehouse.duckdb").read_bytes().decode("latin-1")


def test_a_partition_range_run_rebuilds_only_its_days_and_todays_snapshots():
    tags = {"dagster/asset_partition_range_start": "2025-03-04", "dagster/asset_partition_range_end": "2025-03-05"}
    days = changed_dates(tags)
    assert days[:2] == [date(2025, 3, 4), date(2025, 3, 5)] and days[2] == datetime.now(UTC).date()
    assert changed_dates({"dagster/partition": "2025-03-04"})[0] == date(2025, 3, 4)
    assert changed_dates({}) is None
    assert changed_dates(tags, timezone="America/Sao_Paulo") is None  # marts name UTC days
