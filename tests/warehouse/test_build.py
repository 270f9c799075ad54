"""Marts from known input, de-duplication, privacy, and the publish-or-leave-untouched rule."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime

import duckdb
import pytest

from inc_pipeline.catalog import ENDPOINTS_BY_ID
from inc_pipeline.landing.lake import Lake
from inc_pipeline.warehouse import (
    DEFAULT_SQL_DIR,
    BuildFailed,
    GraphError,
    build_warehouse,
    load_models,
    published_version,
)

from .conftest import DAYS, SITES, guests, land, land_day

LABEL = "http://127.0.0.1:8000"


def query(data_dir, sql):
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_guest_daily_equals_the_landed_counts(data_dir):
    build_warehouse(data_dir, source_label=LABEL)
    rows = query(data_dir, "select site_id, date, new_guests, regular_guests, total_guests from marts.guest_daily")
    expected = {
        (g["site_id"], day, g["new"], g["old"], g["total"]) for day in DAYS[:2] for g in map(guests, SITES, [day] * 2)
    }
    assert set(rows) == expected


def test_vendor_share_sums_to_one_per_site_day(data_dir):
    build_warehouse(data_dir, source_label=LABEL)
    sums = query(data_dir, "select site_id, date, sum(share) from marts.vendor_daily group by all")
    assert len(sums) == len(SITES) * 2
    assert all(total == pytest.approx(1.0) for *_, total in sums)


def test_reconciliations_agree_on_consistent_input(data_dir):
    result = build_warehouse(data_dir, source_label=LABEL)
    assert {r.name for r in result.reconciliations} >= {"report_daily_vs_guest_daily", "vendor_clients_vs_guests"}
    assert all(r.passed for r in result.reconciliations)
    # every reconciliation of what this lake holds compares its 4 site-days (it lands no ranges: nothing to compare)
    ranges = {"peaks_by_range_vs_daily_peaks"}
    assert all(r.rows_compared == (0 if r.name in ranges else 4) for r in result.reconciliations)


def test_latest_extraction_wins_on_the_natural_key(data_dir):
    day = DAYS[2]
    early, late = datetime(2025, 3, 6, 1, tzinfo=UTC), datetime(2025, 3, 6, 2, tzinfo=UTC)
    hour = "2025-03-05 10:00:00"
    land(
        data_dir / "lake",
        "history_hour_client_count_detail",
        DAYS[1],
        [{"site_id": "101", "time": hour, "clientCount": 1}],
        early,
    )
    land(
        data_dir / "lake",
        "history_hour_client_count_detail",
        day,
        [{"site_id": "101", "time": hour, "clientCount": 7}],
        late,
    )
    build_warehouse(data_dir, source_label=LABEL)
    assert query(data_dir, "select site_id, hour, clients from marts.guest_hourly") == [
        ("101", datetime(2025, 3, 5, 10, tzinfo=UTC), 7)
    ]


def test_auth_sessions_carry_no_personal_columns(data_dir):
    build_warehouse(data_dir, source_label=LABEL)
    columns = {
        row[0] for row in query(data_dir, "select column_name from duckdb_columns() where table_name = 'auth_sessions'")
    }
    assert columns == {
        "site_id", "session_start", "timezone", "local_date", "local_hour", "duration_s", "auth_type", "client_key",
        "vendor", "terminal_model", "ap_mac", "upstream", "downstream",
    }  # fmt: skip
    assert query(data_dir, "select distinct auth_type from marts.auth_sessions") == [("SMS",)]


def test_tables_without_partitions_build_as_empty_marts(data_dir):
    result = build_warehouse(data_dir, source_label=LABEL)
    assert result.models["device_inventory"] == 0
    assert query(data_dir, "select count(*) from marts.ap_inventory") == [(0,)]


def test_build_info_counts_versions_and_keeps_no_secret(data_dir):
    build_warehouse(data_dir, source_label="https://user:s3cret@api.example:8000/v1?apikey=abc#x")
    second = build_warehouse(data_dir, source_label=LABEL)
    assert second.version == 2 == published_version(data_dir / "warehouse.duckdb")
    labels = query(data_dir, "select version, source_label from meta.build_info order by version")
    assert labels == [(2, LABEL)]
    assert list((data_dir / ".build").glob("*.duckdb*")) == []


def test_failing_blocking_test_leaves_the_published_warehouse_untouched(data_dir, tmp_path):
    build_warehouse(data_dir, source_label=LABEL)
    before = (data_dir / "warehouse.duckdb").read_bytes()
    sql_dir = tmp_path / "sql"
    shutil.copytree(DEFAULT_SQL_DIR, sql_dir)
    spec = sql_dir / "marts" / "guest_daily.yml"
    spec.write_text(spec.read_text() + "  - expression: total_guests > 1000\n    name: impossible\n")
    with pytest.raises(BuildFailed, match="guest_daily: impossible"):
        build_warehouse(data_dir, sql_dir, source_label=LABEL)
    assert (data_dir / "warehouse.duckdb").read_bytes() == before
    assert list((data_dir / ".build").glob("*.duckdb*")) == []


def test_warn_severity_is_reported_without_blocking(data_dir, tmp_path):
    sql_dir = tmp_path / "sql"
    shutil.copytree(DEFAULT_SQL_DIR, sql_dir)
    spec = sql_dir / "marts" / "guest_daily.yml"
    spec.write_text(spec.read_text() + "  - expression: total_guests > 1000\n    name: odd\n    severity: warn\n")
    result = build_warehouse(data_dir, sql_dir, source_label=LABEL)
    odd = next(t for t in result.tests if t.name == "odd")
    assert (odd.failures, odd.blocking, result.published) == (4, False, data_dir / "warehouse.duckdb")


def test_a_type_duckdb_1_cannot_read_is_never_published(data_dir, tmp_path):
    sql_dir = tmp_path / "sql"
    shutil.copytree(DEFAULT_SQL_DIR, sql_dir)
    (sql_dir / "marts" / "nanos.sql").write_text(
        "select cast(extracted_at as timestamptz_ns) as t from {{ ref('stg_history_day_client_count') }}"
    )
    with pytest.raises(TypeError, match="marts.nanos.t TIMESTAMPTZ_NS"):
        build_warehouse(data_dir, sql_dir, source_label=LABEL)
    assert not (data_dir / "warehouse.duckdb").exists()


def test_select_rebuilds_one_mart_on_top_of_the_published_warehouse(data_dir):
    build_warehouse(data_dir, source_label=LABEL)
    land(data_dir / "lake", "history_day_client_count", DAYS[2], [guests(site, DAYS[2]) for site in SITES])
    result = build_warehouse(data_dir, source_label=LABEL, select=["guest_daily"])
    assert set(result.models) == {"stg_history_day_client_count", "guest_daily"}
    assert query(data_dir, "select count(*) from marts.guest_daily") == [(6,)]
    assert query(data_dir, "select count(*) from marts.vendor_daily") == [(8,)]  # kept from the first build
    assert query(data_dir, "select max(version) from meta.build_info") == [(2,)]


def test_a_blocking_reconciliation_stops_publication(data_dir):
    day = DAYS[2]
    land_day(data_dir / "lake", day)
    land(data_dir / "lake", "history_day_report", day, [
        {"site_id": site, "statTime": f"{day} 00:00:00", "clientCount": 999} for site in SITES
    ])  # fmt: skip
    with pytest.raises(BuildFailed, match="report_daily_vs_guest_daily: 2 rows disagree"):
        build_warehouse(data_dir, source_label=LABEL)
    assert not (data_dir / "warehouse.duckdb").exists()


def test_lake_coverage_says_how_far_each_landed_table_reaches(data_dir):
    """A build over stale data is as fresh as any: meta.lake_coverage says which days the marts could see."""
    lake = Lake(data_dir)
    build_warehouse(data_dir, source_label=LABEL)
    coverage = query(data_dir, "select table_name, first_day, last_day, days from meta.lake_coverage order by 1")
    landed = {t: lake.partitions(t) for t in ENDPOINTS_BY_ID if lake.partitions(t)}
    assert coverage == [(t, days[0], days[-1], len(days)) for t, days in sorted(landed.items())] and coverage
    land_day(data_dir / "lake", DAYS[2])  # a later day lands: the next build reaches it
    build_warehouse(data_dir, source_label=LABEL, changed_dates=[DAYS[2]])
    last_days = {day for (day,) in query(data_dir, "select distinct last_day from meta.lake_coverage")}
    assert DAYS[2] in last_days


def test_every_mart_carries_its_yaml_description_as_its_table_comment(data_dir):
    """BI tools show a table's comment beside its name; the marts had none."""
    build_warehouse(data_dir, source_label=LABEL)
    comments = dict(query(data_dir, "select table_name, comment from duckdb_tables() where schema_name = 'marts' "
                                    "union all select view_name, comment from duckdb_views() "
                                    "where schema_name = 'marts'"))  # a mart may be a view over its staging
    graph = load_models()
    marts = {name: model.description for name, model in graph.models.items() if model.layer == "marts"}
    assert comments == marts and all(marts.values())


def test_every_mart_column_carries_its_yaml_description_as_its_comment(data_dir):
    """BI tools show column comments; each mart's YAML describes every column it produces."""
    build_warehouse(data_dir, source_label=LABEL)
    found = query(
        data_dir,
        "select table_name, column_name, comment from duckdb_columns() "
        "where schema_name = 'marts' order by table_name, column_index",
    )
    graph = load_models()
    described = {(m.name, c): text for m in graph.models.values() if m.layer == "marts" for c, text in m.columns}
    undescribed = [(table, column) for table, column, _ in found if (table, column) not in described]
    assert found and not undescribed, f"undescribed mart columns: {undescribed}"
    assert all(comment == described[(table, column)] for table, column, comment in found)


def test_a_description_of_a_column_the_mart_lacks_fails_the_build_in_one_line(data_dir, tmp_path):
    sql_dir = tmp_path / "sql"
    shutil.copytree(DEFAULT_SQL_DIR, sql_dir)
    yml = sql_dir / "marts" / "sites.yml"
    yml.write_text(yml.read_text().replace("columns:\n", "columns:\n  cidade: A column the mart does not have.\n", 1))
    with pytest.raises(GraphError, match=r"^sites.yml describes column 'cidade', which the mart does not have"):
        build_warehouse(data_dir, sql_dir, source_label=LABEL)
    assert not (data_dir / "warehouse.duckdb").exists()


def test_a_failed_copy_of_the_published_warehouse_stops_the_build_and_leaves_nothing(data_dir, monkeypatch):
    """The copy runs in a thread, beside reading the models: its error (a full disk, say) is the build's, and
    neither a private file nor a new version is left behind."""
    build_warehouse(data_dir, source_label=LABEL)
    before = (data_dir / "warehouse.duckdb").read_bytes()

    def disk_full(source, target):
        open(target, "wb").write(b"half a warehouse")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(shutil, "copyfile", disk_full)
    with pytest.raises(OSError, match="No space left on device"):
        build_warehouse(data_dir, source_label=LABEL, select=["guest_daily"])
    assert (data_dir / "warehouse.duckdb").read_bytes() == before
    assert list((data_dir / ".build").glob("*.duckdb*")) == []


def test_a_broken_model_directory_during_an_incremental_build_leaves_nothing(data_dir, tmp_path):
    """The models are read while the published warehouse is copied: a bad one stops the build after the copy
    has started, and the copy is removed once it is whole."""
    build_warehouse(data_dir, source_label=LABEL)
    before = (data_dir / "warehouse.duckdb").read_bytes()
    sql_dir = tmp_path / "sql"
    shutil.copytree(DEFAULT_SQL_DIR, sql_dir)
    (sql_dir / "marts" / "loop.sql").write_text("select * from {{ ref('loop') }}")
    with pytest.raises(GraphError):
        build_warehouse(data_dir, sql_dir, source_label=LABEL, changed_dates=[DAYS[0]])
    assert (data_dir / "warehouse.duckdb").read_bytes() == before
    assert list((data_dir / ".build").glob("*.duckdb*")) == []
