"""One BI driver reading the published warehouse, run in that driver's own venv (tests/warehouse/test_drivers.py).

Usage: bi_reader.py duckdb|cli|sqlalchemy <warehouse> [--cli <duckdb CLI>] [--gate <file>]. Imports only the driver
it is asked for (no inc_pipeline), opens the file read-only once and reads the build it opened
(`meta.current_build`); then says `opened` on stderr and, given a gate, waits until that file exists (so the test
can publish a new build meanwhile); then, through the same connection, every mart's columns (`information_schema`
for DuckDB itself, SQLAlchemy reflection otherwise), a digest of every mart read whole, and the build again. Prints
one JSON object. A failure is a finding, printed under `errors` by the step that failed, never a crash.
"""

from __future__ import annotations

import json
import math
import numbers
import subprocess
import sys
import time
from pathlib import Path

BUILD = "select version, to_json(mart_rows) from meta.current_build"
COLUMNS = (
    "select table_name, column_name, data_type from information_schema.columns"
    " where table_schema = 'marts' order by table_name, ordinal_position"
)
MARTS = "select table_name from information_schema.tables where table_schema = 'marts' order by table_name"


def opened(gate: str | None) -> None:
    """Tell the test the file is open; wait at the gate, if any, before reading on."""
    print("opened", file=sys.stderr, flush=True)
    while gate and not Path(gate).exists():
        time.sleep(0.02)


def _plain(value):
    """Numpy and pandas scalars as Python values; NaN, NaT and NA (pandas' nulls) as None."""
    if type(value).__name__ in ("NAType", "NaTType"):
        return None
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def digest(columns: list[str], rows: list) -> dict:
    """Rows, and per column: values present, the exact sum of its numbers, the total length of its text."""
    per_column = {name: {"non_null": 0, "sum": 0.0, "chars": 0} for name in columns}
    numbers_by_column: dict[str, list] = {name: [] for name in columns}
    for row in rows:
        for name, raw in zip(columns, row, strict=True):
            value = _plain(raw)
            if value is None:
                continue
            per_column[name]["non_null"] += 1
            if isinstance(value, numbers.Number) and not isinstance(value, bool):
                numbers_by_column[name].append(value)
            elif isinstance(value, str):
                per_column[name]["chars"] += len(value)
    for name, values in numbers_by_column.items():
        per_column[name]["sum"] = math.fsum(values)
    return {"rows": len(rows), "columns": per_column}


def _attempt(errors: dict, step: str, action):
    try:
        return action()
    except Exception as exc:  # every failure is a finding for the test
        errors[step] = f"{type(exc).__name__}: {exc}".strip()[:2000]
        return None


def _build(row) -> dict:
    version, mart_rows = row
    return {"version": version, "mart_rows": json.loads(mart_rows) if isinstance(mart_rows, str) else mart_rows}


def read_with_duckdb(warehouse: str, gate: str | None = None) -> dict:
    """Python duckdb: its own information_schema and every mart through one read-only connection."""
    import duckdb

    out: dict = {"versions": {"duckdb": duckdb.__version__}, "errors": {}}
    with duckdb.connect(warehouse, read_only=True) as con:
        out["build"] = _build(con.execute(BUILD).fetchone())
        opened(gate)
        out["columns"] = _columns_from(con.execute(COLUMNS).fetchall())
        out["digests"] = {}
        for (mart,) in con.execute(MARTS).fetchall():
            cursor = con.execute(f'select * from marts."{mart}"')
            out["digests"][mart] = digest([d[0] for d in cursor.description], cursor.fetchall())
        out["build_at_end"] = _build(con.execute(BUILD).fetchone())
    return out


def _columns_from(rows) -> dict[str, list[list[str]]]:
    columns: dict[str, list[list[str]]] = {}
    for table, column, data_type in rows:
        columns.setdefault(table, []).append([column, data_type])
    return columns


def read_with_cli(warehouse: str, gate: str | None = None, cli: str = "duckdb") -> dict:
    """The DuckDB CLI (`-readonly`, JSON lines): one process lists the marts; a second, held open, is fed the
    queries on stdin, each query's rows marked by its first column."""
    listing = subprocess.run([*_cli_command(cli, warehouse), "-c", MARTS], capture_output=True, text=True, timeout=120)
    marts = [json.loads(line)["table_name"] for line in _cli_output(listing.returncode, listing.stdout, listing.stderr)]
    held = subprocess.Popen(
        _cli_command(cli, warehouse), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    held.stdin.write(f"select 'build' as __step, * from ({BUILD});\n")
    held.stdin.flush()
    first = held.stdout.readline()  # the CLI answers each statement as it comes: the file is open
    opened(gate)
    queries = [f"select 'columns' as __step, * from ({COLUMNS})"]
    queries += [f"select '{mart}' as __step, * from marts.\"{mart}\"" for mart in marts]
    queries += [f"select 'build_at_end' as __step, * from ({BUILD})"]
    stdout, stderr = held.communicate(";\n".join(queries) + ";\n", timeout=120)
    answers: dict[str, list[dict]] = {}
    for line in _cli_output(held.returncode, first + stdout, stderr):
        row = json.loads(line)
        answers.setdefault(row.pop("__step"), []).append(row)
    columns = _columns_from([tuple(row.values()) for row in answers.pop("columns")])
    version = subprocess.run([cli, "-version"], capture_output=True, text=True, check=True).stdout.split()[0]
    return {
        "versions": {"duckdb CLI": version}, "errors": {}, "columns": columns,
        "build": _build(tuple(answers["build"][0].values())),
        "build_at_end": _build(tuple(answers["build_at_end"][0].values())),
        "digests": {mart: _digest_dicts(columns[mart], answers.get(mart, [])) for mart in marts},
    }  # fmt: skip


def _cli_command(cli: str, warehouse: str) -> list[str]:
    return [cli, "-no-init", "-bail", "-readonly", "-jsonlines", warehouse]


def _cli_output(returncode: int, stdout: str, stderr: str) -> list[str]:
    if returncode != 0 or stderr.strip():
        raise RuntimeError(stderr.strip() or f"exit {returncode}")
    return [line for line in stdout.splitlines() if line.strip()]


def _digest_dicts(columns: list[list[str]], rows: list[dict]) -> dict:
    names = [name for name, _ in columns]
    return digest(names, [[row[name] for name in names] for row in rows])


def read_with_sqlalchemy(warehouse: str, gate: str | None = None) -> dict:
    """SQLAlchemy (whichever DuckDB dialect the venv has): reflection, then every mart as rows and via pandas."""
    import duckdb
    import pandas
    import sqlalchemy

    engine = sqlalchemy.create_engine(f"duckdb:///{warehouse}", connect_args={"read_only": True})
    out: dict = {"errors": {}, "versions": {
        "duckdb": duckdb.__version__, "sqlalchemy": sqlalchemy.__version__, "pandas": pandas.__version__,
        "dialect": f"{type(engine.dialect).__module__.split('.')[0]} {_dialect_version(engine)}",
    }}  # fmt: skip
    with engine.connect() as conn:  # one connection: one DuckDB instance, one published file
        out["build"] = _build(tuple(conn.execute(sqlalchemy.text(BUILD)).one()))
        opened(gate)
        inspector = sqlalchemy.inspect(conn)

        def step(name: str, action):
            answer = _attempt(out["errors"], name, action)
            if name in out["errors"]:
                conn.rollback()  # a failed statement leaves the transaction unusable for the next step
            return answer

        marts = step("list", lambda: _mart_names(inspector)) or []
        out["columns"] = step("reflect", lambda: {m: _reflected(inspector, m) for m in marts})
        out["digests"] = step("read", lambda: {m: _rows_digest(conn, m) for m in marts})
        out["pandas_digests"] = step("read_sql", lambda: {m: _pandas_digest(conn, m) for m in marts})
        out["build_at_end"] = _build(tuple(conn.execute(sqlalchemy.text(BUILD)).one()))
    engine.dispose()
    return out


def _dialect_version(engine) -> str:
    from importlib.metadata import PackageNotFoundError, version

    for package in ("duckdb-sqlalchemy", "duckdb_engine"):
        if type(engine.dialect).__module__.split(".")[0] == package.replace("-", "_"):
            try:
                return version(package)
            except PackageNotFoundError:
                return "?"
    return "?"


def _mart_names(inspector) -> list[str]:
    return sorted(inspector.get_table_names(schema="marts") + inspector.get_view_names(schema="marts"))


def _reflected(inspector, mart: str) -> list[list[str]]:
    """Each column's name and type as SQLAlchemy reflects it, `WITH TIME ZONE` when the type carries one."""
    return [
        [c["name"], str(c["type"]) + (" WITH TIME ZONE" if getattr(c["type"], "timezone", False) else "")]
        for c in inspector.get_columns(mart, schema="marts")
    ]


def _rows_digest(conn, mart: str) -> dict:
    import sqlalchemy

    result = conn.execute(sqlalchemy.text(f'select * from marts."{mart}"'))
    return digest(list(result.keys()), result.fetchall())


def _pandas_digest(conn, mart: str) -> dict:
    import pandas
    import sqlalchemy

    frame = pandas.read_sql(sqlalchemy.text(f'select * from marts."{mart}"'), conn)
    return digest(list(frame.columns), frame.astype(object).values.tolist())


def main(mode: str, warehouse: str, *options: str) -> None:
    readers = {"duckdb": read_with_duckdb, "cli": read_with_cli, "sqlalchemy": read_with_sqlalchemy}
    given = dict(zip(options[::2], options[1::2], strict=True))
    extra = {"cli": given["--cli"]} if "--cli" in given else {}
    errors: dict = {}
    answer = _attempt(errors, "connect", lambda: readers[mode](warehouse, given.get("--gate"), **extra))
    print(json.dumps(answer if answer is not None else {"errors": errors}, default=str))


if __name__ == "__main__":
    main(*sys.argv[1:])
