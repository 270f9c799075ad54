"""The published warehouse reads without the lake: the file copied alone to another folder opens read-only from
anywhere, and every table and view of every schema reads the same rows there (staging models are tables; the
views above them read only the file), but for the staging views the YAML keeps over the lake, named here."""

from __future__ import annotations

import shutil

import duckdb

from inc_pipeline.warehouse import build_warehouse, load_models

from .conftest import DAYS, land_day

LABEL = "http://127.0.0.1:8000"
LAKE_VIEWS = {'"staging"."stg_history_clients"', '"staging"."stg_ssid_client_macs"'}  # repeated daily snapshots


def _relations(con) -> list[str]:
    rows = con.execute(
        "select table_schema, table_name from information_schema.tables where table_catalog = current_database() "
        "order by all"
    ).fetchall()
    return [f'"{schema}"."{name}"' for schema, name in rows]


def _contents(con, relation: str) -> list[tuple]:
    return sorted(con.execute(f"select * from {relation}").fetchall(), key=repr)


def test_the_warehouse_file_alone_reads_every_relation_elsewhere(data_dir, tmp_path_factory, monkeypatch):
    build_warehouse(data_dir, source_label=LABEL)
    land_day(data_dir / "lake", DAYS[2])
    build_warehouse(data_dir, source_label=LABEL, changed_dates=[DAYS[2]])  # an incremental build on top
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        relations = _relations(con)
        expected = {relation: _contents(con, relation) for relation in relations if relation not in LAKE_VIEWS}
    graph = load_models()
    assert {f'"{m.layer}"."{m.name}"' for m in graph.models.values() if m.layer == "staging"
            and m.materialization == "view"} == LAKE_VIEWS  # fmt: skip
    assert {r.split(".")[0] for r in relations} >= {'"staging"', '"intermediate"', '"marts"', '"meta"'}
    assert sum(len(rows) for relation, rows in expected.items() if relation.startswith('"staging"')) > 0

    elsewhere = tmp_path_factory.mktemp("laptop")
    shutil.copyfile(data_dir / "warehouse.duckdb", elsewhere / "copied.duckdb")
    shutil.rmtree(data_dir)  # the lake is gone: nothing may still point at it
    monkeypatch.chdir(elsewhere)
    with duckdb.connect(str(elsewhere / "copied.duckdb"), read_only=True) as con:
        assert _relations(con) == relations
        for relation in expected:
            assert _contents(con, relation) == expected[relation], relation
