"""The DuckDB warehouse: SQL model graph read from `dbt_like_sql/`, build, tests, atomic publish. No Dagster."""

from .build import STORAGE_VERSION, BuildFailed, BuildResult, build_warehouse, published_version
from .checks import ReconciliationResult, TestResult, reconcile, run_tests
from .graph import DEFAULT_SQL_DIR, GraphError, Model, ModelGraph, Reconciliation, load_models
from .limits import BuildLimitError, BuildLimits
from .timezones import SiteTimezones, TimezoneError, parse_site_timezones

__all__ = [
    "DEFAULT_SQL_DIR", "STORAGE_VERSION", "BuildFailed", "BuildLimitError", "BuildLimits", "BuildResult",
    "GraphError", "Model", "ModelGraph",
    "Reconciliation", "ReconciliationResult", "SiteTimezones", "TestResult", "TimezoneError", "build_warehouse",
    "load_models", "parse_site_timezones", "published_version", "reconcile", "run_tests",
]  # fmt: skip
