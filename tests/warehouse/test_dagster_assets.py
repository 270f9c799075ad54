"""The warehouse models as Dagster assets: keys, deps from the SQL, and a materialisation over the fixture lake."""

from __future__ import annotations

from dagster import AssetKey, materialize

from inc_pipeline.defs.resources import IncApiResource, PipelineSettings
from inc_pipeline.defs.warehouse import warehouse_assets


def test_every_model_is_an_asset_with_deps_read_from_its_sql():
    assets = warehouse_assets()
    specs = {spec.key: spec for spec in assets.specs}
    guest_daily = specs[AssetKey(["marts", "guest_daily"])]
    assert {dep.asset_key for dep in guest_daily.deps} == {AssetKey(["staging", "stg_history_day_client_count"])}
    staging = specs[AssetKey(["staging", "stg_auth_history"])]
    assert {dep.asset_key for dep in staging.deps} == {AssetKey(["auth_history"])}
    assert len(specs) == 56


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
