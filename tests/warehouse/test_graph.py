"""The model graph is read from the SQL itself: refs, sources, order, lineage, one-line errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from inc_pipeline.catalog import TABLES
from inc_pipeline.warehouse import DEFAULT_SQL_DIR, GraphError, load_models
from inc_pipeline.warehouse.graph import dependencies, expand_macros, macro_library


def test_dependencies_are_read_from_the_sql():
    sql = "select * from {{ ref('a') }} join {{ source('auth_history') }} using (x) join {{ref(\"a\")}} using (y)"
    assert dependencies(sql) == (("a",), ("auth_history",))


def test_other_templating_is_refused():
    with pytest.raises(GraphError, match="only"):
        dependencies("select {{ var('x') }}")


def test_every_landed_table_has_exactly_one_staging_model():
    """Every endpoint's table, and each range table (`<id>_by_range`) beside it."""
    graph = load_models()
    staging = {m.name: m for m in graph.models.values() if m.layer == "staging"}
    assert set(staging) == {f"stg_{e.id}" for e in TABLES}
    for endpoint in TABLES:
        assert staging[f"stg_{endpoint.id}"].sources == (endpoint.id,)


def test_order_puts_every_model_after_what_it_reads():
    graph = load_models()
    position = {name: i for i, name in enumerate(graph.order)}
    for model in graph.models.values():
        assert all(position[ref] < position[model.name] for ref in model.refs)
        assert model.layer != "staging" or not model.refs


def test_lineage_reaches_the_endpoints_through_intermediate_models():
    lineage = load_models().lineage()
    assert lineage["guest_daily"] == ("history_day_client_count",)
    assert lineage["dwell_daily"] == ("history_client_stay_avg_duration", "history_client_stay_duration_ratio")
    assert lineage["ap_inventory"] == (
        "ap_gps_by_ap_sn", "ap_gps_by_device_sn", "device_ap_info", "device_operation_basic_info", "shop_devices",
    )  # fmt: skip


def test_upstream_selects_a_model_with_its_ancestors():
    graph = load_models()
    assert graph.upstream(["vendor_daily"]) == ["stg_history_vendor_data", "vendor_daily"]


def _copy_sql(tmp_path: Path) -> Path:
    target = tmp_path / "sql"
    shutil.copytree(DEFAULT_SQL_DIR, target)
    return target


def test_unknown_ref_is_a_one_line_error(tmp_path):
    sql_dir = _copy_sql(tmp_path)
    (sql_dir / "marts" / "broken.sql").write_text("select * from {{ ref('stg_nowhere') }}")
    with pytest.raises(GraphError, match=r"^broken refers to unknown model\(s\): stg_nowhere$"):
        load_models(sql_dir)


def test_cycle_is_a_one_line_error(tmp_path):
    sql_dir = _copy_sql(tmp_path)
    (sql_dir / "marts" / "one.sql").write_text("select * from {{ ref('two') }}")
    (sql_dir / "marts" / "two.sql").write_text("select * from {{ ref('one') }}")
    with pytest.raises(GraphError, match="^dependency cycle: ") as error:
        load_models(sql_dir)
    assert "\n" not in str(error.value)


def test_a_macro_expands_into_sql_whose_refs_and_sources_are_read_as_written(tmp_path):
    macros = tmp_path / "macros"
    macros.mkdir()
    (macros / "m.sql").write_text("{% macro counted(name, period) -%}\n"
                                  "select date_trunc('{{ period }}', t) as p, count(*) as n "
                                  "from {{ source(name) }} group by p\n{%- endmacro %}\n")  # fmt: skip
    sql = expand_macros("-- weekly\n{{ counted('auth_history', 'week') }}\n", macro_library(macros))
    assert sql == ("-- weekly\nselect date_trunc('week', t) as p, count(*) as n "
                   "from {{ source('auth_history') }} group by p\n")  # fmt: skip
    assert dependencies(sql) == ((), ("auth_history",))
    with pytest.raises(GraphError, match="a macro call does not expand"):
        expand_macros("{{ counted('auth_history') }}", macro_library(macros))  # period missing


def test_the_three_report_periods_are_one_staging_macro_and_one_mart_macro():
    graph = load_models()
    for period, mart in (("day", "report_daily"), ("week", "report_weekly"), ("month", "report_monthly")):
        staging = graph.models[f"stg_history_{period}_report"]
        assert staging.path.read_text().count("{{") == 1 and "report_staging(" in staging.path.read_text()
        assert f"date_trunc('{period}'" in graph.models[mart].sql and graph.models[mart].refs == (staging.name,)
