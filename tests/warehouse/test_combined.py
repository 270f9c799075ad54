"""The deployment's warehouse of several accounts: every account's tables side by side, an unreadable or missing
account's warehouse left out with a line, never failing the others."""

from __future__ import annotations

import duckdb

from inc_pipeline.warehouse.combined import account_warehouse, combine_accounts


def _account(top, name: str, sql: str) -> None:
    path = account_warehouse(top, name)
    path.parent.mkdir(parents=True)
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts; create schema staging")
        con.execute(sql)


def test_every_account_side_by_side_and_a_broken_one_left_out(tmp_path):
    lake = tmp_path / "part.parquet"
    duckdb.sql("copy (select 1 as snapshot) to '" + str(lake) + "' (format parquet)")
    _account(tmp_path, "north", "create table marts.guest_daily as select '1001' as site_id, 5 as total_guests; "
                                "create view marts.recent as select * from marts.guest_daily; "
                                f"create view staging.stg_history_clients as select * from read_parquet('{lake}')")
    _account(tmp_path, "south", "create table marts.guest_daily as select '1001' as site_id, 7 as total_guests, "
                                "'x' as added_later")  # fmt: skip
    broken = account_warehouse(tmp_path, "east")
    broken.parent.mkdir(parents=True)
    broken.write_bytes(b"not a database")

    combined = combine_accounts(tmp_path, ["north", "south", "east", "west"])

    assert combined.accounts == ["north", "south"]
    assert any(line.startswith("account east:") and "cannot be read" in line for line in combined.left_out)
    assert "account west: no warehouse published yet" in combined.left_out
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        rows = con.execute("select * from marts.guest_daily order by account").fetchall()
        columns = [c[0] for c in con.execute("select * from marts.guest_daily limit 0").description]
        recent = con.execute("select account, total_guests from marts.recent").fetchall()
    assert columns == ["account", "site_id", "total_guests", "added_later"]
    assert rows == [("north", "1001", 5, None), ("south", "1001", 7, "x")]  # the same site id, told apart
    assert recent == [("north", 5)]  # a view of an account's reads as a table of its rows
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:  # a view over the lake: not copied
        assert not con.execute("select * from duckdb_tables() where table_name = 'stg_history_clients'").fetchall()

    combine_accounts(tmp_path, ["south"])  # rebuilt whole: north's rows are gone, not appended again
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select account, count(*) from marts.guest_daily group by 1").fetchall() == [("south", 1)]
    assert not list((tmp_path / ".build").glob("combined-*"))  # no private file left behind
