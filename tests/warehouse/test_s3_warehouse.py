"""The warehouse built from a lake on S3-compatible object storage (moto's server on loopback, real HTTP) equals the
one built from the same lake on local disk, model by model, full and incremental, with no DuckDB extension."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from inc_pipeline.landing.object_store import ObjectStore
from inc_pipeline.warehouse import build_warehouse

from .conftest import DAYS, land, land_day
from .test_incremental import relanded_day_one

LABEL = "http://127.0.0.1:8000"


def models(data_dir) -> dict[str, list[tuple]]:
    """Every staging, intermediate and mart relation's rows, sorted."""
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        names = con.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_schema in ('staging', 'intermediate', 'marts') order by 1"
        ).fetchall()
        return {name: sorted(con.execute(f"select * from {name}").fetchall(), key=repr) for (name,) in names}


def upload_lake(store: ObjectStore, lake_dir) -> int:
    """Publish every partition of a local lake to the store, as landing on it would."""
    files = sorted(lake_dir.glob("*/date=*/part-0.parquet"))
    for path in files:
        store.publish(path, store.key("lake", path.relative_to(lake_dir).as_posix()))
    return len(files)


@pytest.mark.slow
def test_a_warehouse_built_from_s3_equals_one_built_from_local_disk(data_dir, tmp_path, s3_server, s3_bucket):
    store = ObjectStore.from_url(f"s3://{s3_bucket}/acme", s3_server.endpoint_url)
    land(data_dir / "lake", "history_clients", DAYS[0], [  # read by a staging view
        {"dev_sn": "sn-1", "clientMAC": "hash-1", "onLineDate": f"{DAYS[0]} 09:00:00",
         "offLineDate": f"{DAYS[0]} 10:00:00", "onlineTime": 3600, "macAddr": "aa:bb"},
    ])  # fmt: skip
    uploaded = upload_lake(store, data_dir / "lake")
    remote_dir = tmp_path / "remote"  # another machine: nothing of the lake on its disk
    result = build_warehouse(remote_dir, source_label=LABEL, store=store)
    build_warehouse(data_dir, source_label=LABEL)
    assert result.blocking_failures == []
    local, remote = models(data_dir), models(remote_dir)
    assert remote == local and len(remote["marts.auth_sessions"]) == 2 * 2 * 2
    assert len(remote["staging.stg_history_clients"]) == 1
    assert sorted(p.relative_to(remote_dir / "lake") for p in (remote_dir / "lake").rglob("*.parquet")) == sorted(
        p.relative_to(data_dir / "lake") for p in (data_dir / "lake").rglob("*.parquet")
    )
    assert uploaded == len(list((remote_dir / "lake").rglob("*.parquet")))
    with duckdb.connect(str(remote_dir / "warehouse.duckdb"), read_only=True) as con:  # views read the local copy
        lake_views = con.execute("select sql from duckdb_views() where sql like '%read_parquet%'").fetchall()
        assert lake_views and all(str(remote_dir / "lake") in sql and "s3://" not in sql for (sql,) in lake_views)


@pytest.mark.slow
def test_an_incremental_build_from_s3_downloads_and_reads_only_what_changed(data_dir, tmp_path, s3_server, s3_bucket):
    store = ObjectStore.from_url(f"s3://{s3_bucket}/acme", s3_server.endpoint_url)
    upload_lake(store, data_dir / "lake")
    remote_dir = tmp_path / "remote"
    build_warehouse(remote_dir, source_label=LABEL, store=store)
    full = tmp_path / "full"
    shutil.copytree(data_dir / "lake", full / "lake")
    relanded_day_one(full / "lake")
    land_day(full / "lake", DAYS[2])
    changed = [p for p in sorted((full / "lake").glob("*/date=*/part-0.parquet"))
               if p.parent.name in (f"date={DAYS[1]}", f"date={DAYS[2]}")]  # fmt: skip
    for path in changed:
        store.publish(path, store.key("lake", path.relative_to(full / "lake").as_posix()))
    mirrored = remote_dir / "lake" / "history_day_client_count" / f"date={DAYS[0]}" / "part-0.parquet"
    untouched = mirrored.stat().st_mtime_ns, mirrored.stat().st_ino
    result = build_warehouse(remote_dir, source_label=LABEL, store=store, changed_dates=DAYS[1:])
    build_warehouse(full, source_label=LABEL)
    assert result.version == 2 and result.blocking_failures == []
    assert models(remote_dir) == models(full)
    assert (mirrored.stat().st_mtime_ns, mirrored.stat().st_ino) == untouched  # an unchanged day is not downloaded
    assert store.mirror("lake", remote_dir / "lake") == 0  # nothing changed since the build
