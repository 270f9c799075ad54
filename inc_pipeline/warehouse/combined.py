"""The deployment's warehouse when it holds several accounts: every account's tables side by side.

Each account builds and publishes its own warehouse (`<data>/accounts/<name>/warehouse.duckdb`, from its own lake).
After each publish, `<data>/warehouse.duckdb` is rebuilt from the published warehouses of every account: each table
and view of each schema, as a table with `account` as its first column and the account's rows under its name
(`union all by name`, so an account whose build is a model behind still reads). The two staging views over the
lake (`stg_history_clients`, `stg_ssid_client_macs`: every snapshot repeats the days before) are left out: query
them in the account's own warehouse, where they read its lake. It is written privately and renamed into place
like an account's, so readers (BI tools) open one file and never see half of it. An account that failed keeps
its last published warehouse in it: one account's failure never empties another's rows.
"""

from __future__ import annotations

import logging
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from filelock import FileLock

from inc_pipeline.accounts import ACCOUNTS_DIR

from .build import PUBLISHED_NAME, SCHEMAS, STORAGE_VERSION, _fsync

log = logging.getLogger(__name__)


@dataclass
class Combined:
    path: Path
    accounts: list[str] = field(default_factory=list)  # the accounts whose warehouse it holds
    left_out: list[str] = field(default_factory=list)  # one line per account that has none, or an unreadable one


def account_warehouse(top: Path, name: str) -> Path:
    return Path(top) / ACCOUNTS_DIR / name / PUBLISHED_NAME


def combine_accounts(top: str | Path, names: list[str]) -> Combined:
    """Rebuild `<top>/warehouse.duckdb` from the published warehouse of each account of `names`."""
    top = Path(top)
    build_dir = top / ".build"
    build_dir.mkdir(parents=True, exist_ok=True)
    combined = Combined(top / PUBLISHED_NAME)
    private = build_dir / f"combined-{uuid.uuid4().hex}.duckdb"
    with FileLock(str(build_dir / "combined.lock")):
        try:
            with duckdb.connect(str(private), config={"storage_compatibility_version": STORAGE_VERSION}) as con:
                attached = _attach(con, top, names, combined)
                _copy_tables(con, attached)
            os.replace(private, combined.path)
            _fsync(top)
        finally:
            for leftover in (private, Path(f"{private}.wal")):
                leftover.unlink(missing_ok=True)
    return combined


def _attach(con: duckdb.DuckDBPyConnection, top: Path, names: list[str], combined: Combined) -> list[str]:
    attached = []
    for name in names:
        path = account_warehouse(top, name)
        if not path.exists():
            combined.left_out.append(f"account {name}: no warehouse published yet")
            continue
        try:
            con.execute(f"attach '{_quoted(path)}' as \"acct_{name}\" (read_only)")
        except duckdb.Error as error:
            first = str(error).strip().splitlines()[0]
            combined.left_out.append(f"account {name}: {path} cannot be read ({first}); its rows are left out")
            continue
        attached.append(name)
        combined.accounts.append(name)
    return attached


def _copy_tables(con: duckdb.DuckDBPyConnection, names: list[str]) -> None:
    """Every (schema, table) any account has, as one table of every account's rows."""
    holders: dict[tuple[str, str], list[str]] = {}
    for name in names:
        for schema, table in con.execute(
            "select schema_name, table_name from duckdb_tables() where database_name = $db "
            "union select schema_name, view_name from duckdb_views() where database_name = $db and not internal "
            "and sql not like '%read_parquet(%'",  # the two lake views: a year of repeated snapshots, left out
            {"db": f"acct_{name}"},
        ).fetchall():
            if schema in SCHEMAS:
                holders.setdefault((schema, table), []).append(name)
    for schema in sorted({schema for schema, _ in holders}):
        con.execute(f'create schema if not exists "{schema}"')
    for (schema, table), accounts in sorted(holders.items()):
        parts = [f"select '{name}' as account, * from \"acct_{name}\".\"{schema}\".\"{table}\"" for name in accounts]
        con.execute(f'create table "{schema}"."{table}" as ' + " union all by name ".join(parts))


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")
