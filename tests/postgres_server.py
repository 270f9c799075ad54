"""A throwaway PostgreSQL server for the tests: the machine's own binaries (Debian's `postgresql` package), a
temporary data directory, loopback only, a free port, a password; stopped and removed after.

Run as root (CI is), initdb and postgres refuse to start, so they run as an unprivileged user that owns the data
directory: `postgres` when the Debian package made it, else `nobody`.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
from psycopg2 import sql

SUPERUSER = "inc_test"
# A test server is thrown away: durability only costs time (each Dagster run commits hundreds of events).
FAST_SETTINGS = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"


def find_binaries() -> Path | None:
    """The directory holding initdb, pg_ctl and postgres: PATH first, then Debian's /usr/lib/postgresql/<v>/bin
    (newest version first), which is not on PATH unless something links it there."""
    on_path = shutil.which("pg_ctl")
    candidates = [Path(on_path).resolve().parent] if on_path else []
    versions = glob.glob("/usr/lib/postgresql/*/bin")
    candidates += [Path(p) for p in sorted(versions, key=lambda p: _version(p), reverse=True)]
    return next((c for c in candidates if all((c / name).is_file() for name in ("initdb", "pg_ctl", "postgres"))),
                None)  # fmt: skip


def _version(path: str) -> tuple[int, ...]:
    digits = Path(path).parent.name
    return tuple(int(part) for part in digits.split(".") if part.isdigit())


def _server_user() -> str | None:
    """The user to run the server as: None (ourselves) unless we are root."""
    if os.geteuid() != 0:
        return None
    try:
        import pwd

        pwd.getpwnam("postgres")
        return "postgres"
    except KeyError:
        return "nobody"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class PostgresServer:
    """`start()` runs initdb and pg_ctl start; `url(db)` is a connection URL with the password; `stop()` removes
    everything. The password is random per server, so a test can check it is never printed."""

    bin_dir: Path
    password: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    port: int = 0
    root: Path | None = None
    user: str | None = field(default_factory=_server_user)

    def start(self) -> PostgresServer:
        self.root = Path(tempfile.mkdtemp(prefix="inc-postgres-"))
        pwfile = self.root / "pwfile"
        pwfile.write_text(self.password + "\n")
        if self.user:
            shutil.chown(self.root, self.user)
            shutil.chown(pwfile, self.user)
        self._as_server_user("initdb", "-D", str(self.data), "-U", SUPERUSER, f"--pwfile={pwfile}",
                             "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C")  # fmt: skip
        pwfile.unlink()
        self.port = _free_port()
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} {FAST_SETTINGS}"
        self._as_server_user("pg_ctl", "start", "-w", "-t", "60", "-D", str(self.data), "-l", str(self.log),
                             "-o", options)  # fmt: skip
        return self

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    def url(self, database: str = "postgres") -> str:
        """The SQLAlchemy URL Dagster is given (INC_DAGSTER_PG_URL)."""
        return f"postgresql+psycopg2://{SUPERUSER}:{self.password}@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres"):
        """A psycopg2 connection (libpq's URL has no driver name)."""
        return psycopg2.connect(f"postgresql://{SUPERUSER}:{self.password}@127.0.0.1:{self.port}/{database}")

    def create_database(self, name: str) -> str:
        """A new empty database; its URL."""
        con = self.connect()
        try:
            con.autocommit = True  # CREATE DATABASE refuses to run inside a transaction
            with con.cursor() as cur:
                cur.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
        finally:
            con.close()
        return self.url(name)

    def stop(self) -> None:
        if self.root is None:
            return
        if (self.data / "postmaster.pid").exists():
            self._as_server_user("pg_ctl", "stop", "-w", "-m", "fast", "-D", str(self.data))
        shutil.rmtree(self.root, ignore_errors=True)
        self.root = None

    def _as_server_user(self, program: str, *args: str) -> None:
        command = [str(self.bin_dir / program), *args]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=self.root)
        if done.returncode != 0:
            log = self.log.read_text()[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{program} failed ({done.returncode}): {done.stderr[-2000:]}\n{log}")

    def __enter__(self) -> PostgresServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
