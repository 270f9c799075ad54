"""meta.current_build: one row, the published build's, with each mart's row count and the lake's span."""

from __future__ import annotations

from datetime import date

import duckdb

from inc_pipeline.warehouse import build_warehouse


def _current(data_dir) -> tuple[list[tuple], dict[str, int], list[tuple]]:
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        current = con.execute("select version, rebuilt_days, lake_first_day, lake_last_day from meta.current_build"
                              ).fetchall()  # fmt: skip
        rows = dict(con.execute("select unnest(map_keys(mart_rows)), unnest(map_values(mart_rows)) "
                                "from meta.current_build").fetchall())  # fmt: skip
        marts = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'").fetchall()]  # fmt: skip
        counted = {name: con.execute(f"select count(*) from marts.{name}").fetchone()[0] for name in marts}
        span = con.execute("select min(first_day), max(last_day) from meta.lake_coverage").fetchall()
    assert rows == counted and rows
    return current, rows, span


def test_the_current_build_is_one_row_that_follows_each_publish(data_dir):
    build_warehouse(data_dir, source_label="http://test")
    [(version, rebuilt, first, last)], _, [span] = _current(data_dir)
    assert version == 1 and rebuilt == "full" and (first, last) == span

    changed = sorted(date.fromisoformat(p.name.removeprefix("date=")) for p in
                     (data_dir / "lake" / "history_day_client_count").iterdir())[-1:]  # fmt: skip
    build_warehouse(data_dir, source_label="http://test", changed_dates=changed)
    [(version, rebuilt, _, _)], _, _ = _current(data_dir)
    assert version == 2 and rebuilt == changed[0].isoformat()
