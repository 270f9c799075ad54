"""Where Dagster keeps its runs, event log and schedules: SQLite files under its home (the default), or
PostgreSQL (`INC_DAGSTER_STORAGE=postgres`, dagster-postgres), so a deployment's webserver, daemon and CLI runs
on several machines share one history, and it survives the data directory's disk.

The connection URL is never written to dagster.yaml: the file names the variable (`env: INC_DAGSTER_PG_URL`) and
every Dagster process reads it from its own environment, so the password stays in the environment (or .env).
"""

from __future__ import annotations

import os
from urllib.parse import unquote, urlsplit

from inc_pipeline.errors import UserError

STORAGE_SETTING = "INC_DAGSTER_STORAGE"
URL_SETTING = "INC_DAGSTER_PG_URL"
KINDS = ("sqlite", "postgres")
# SQLAlchemy 2.1 opens a bare postgresql:// URL with psycopg 3; dagster-postgres installs psycopg2, so the URL
# names it (the check below refuses a bare one with the corrected URL).
SCHEME = "postgresql+psycopg2"
URL_EXAMPLE = f"{SCHEME}://dagster:PASSWORD@db.example.com:5432/dagster"

# dagster-postgres's one block for all three storages (docs.dagster.io/api/libraries/dagster-postgres).
POSTGRES_YAML = f"""\
storage:
  postgres:
    postgres_url:
      env: {URL_SETTING}
"""


class StorageUnreachable(UserError):
    """Dagster's PostgreSQL cannot be connected to: `status` reports it and goes on with the lake's part."""


def storage_kind() -> str:
    """`sqlite` (unset or empty) or `postgres`; anything else is a one-line error."""
    kind = (os.environ.get(STORAGE_SETTING) or "sqlite").strip().lower()
    if kind not in KINDS:
        raise UserError(f"{STORAGE_SETTING}={os.environ[STORAGE_SETTING]!r} is not a storage: use sqlite (the "
                        f"default, files under Dagster's home) or postgres (with {URL_SETTING})")  # fmt: skip
    if kind == "postgres":
        check_postgres_url(os.environ.get(URL_SETTING, ""))
    return kind


def storage_yaml(kind: str) -> str:
    """The dagster.yaml lines for `kind`: none for SQLite (Dagster's default under its home)."""
    return POSTGRES_YAML if kind == "postgres" else ""


def check_postgres_url(url: str) -> None:
    """Refuse a URL Dagster could not connect with, naming it without its password."""
    if not url.strip():
        raise UserError(f"{STORAGE_SETTING}=postgres needs {URL_SETTING}, e.g. {URL_EXAMPLE} (see .env.example), "
                        f"or unset {STORAGE_SETTING} to keep Dagster's state in SQLite under the data dir")  # fmt: skip
    problem = _url_problem(url)
    if problem:
        advice = "" if "write" in problem else f": use the form {URL_EXAMPLE}"
        raise UserError(f"{URL_SETTING} {redacted(url)} {problem}{advice}")


def _url_problem(url: str) -> str:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises on a port that is not a number or out of range)
    except ValueError:
        return "is not a URL"
    if parts.scheme in ("postgresql", "postgres"):
        fixed = redacted(parts._replace(scheme=SCHEME).geturl())
        return f"names no driver (SQLAlchemy would use psycopg 3, which is not installed): write {fixed}"
    if parts.scheme != SCHEME:
        return f"has the scheme {parts.scheme or 'none'!r}, not {SCHEME}"
    if not parts.hostname:
        return "names no host"
    if not parts.path.strip("/"):
        return "names no database"
    return ""


def check_connection(url: str, timeout: int = 5) -> None:
    """Connect once, as Dagster will (SQLAlchemy, psycopg2), so an unreachable server, a wrong password or a
    missing database is one line now rather than Dagster's retries and "too many retries for DB connection"."""
    import sqlalchemy

    engine = sqlalchemy.create_engine(url, connect_args={"connect_timeout": timeout}, poolclass=sqlalchemy.NullPool)
    try:
        with engine.connect():
            pass
    except sqlalchemy.exc.SQLAlchemyError as exc:
        reason = " ".join(str(getattr(exc, "orig", None) or exc).splitlines()[0].split())
        raise StorageUnreachable(
            f"Dagster's PostgreSQL at {redacted(url)} cannot be used ({without_password(reason)}): check "
            f"{URL_SETTING} and that the server accepts connections from here"
        ) from None
    finally:
        engine.dispose()


def redacted(url: str) -> str:
    """The URL with its password as ***, for messages: the password is never printed."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return "(unreadable URL, not shown)"
    if not password:
        return url
    userinfo, _, host = parts.netloc.rpartition("@")
    user = userinfo.split(":", 1)[0]
    return parts._replace(netloc=f"{user}:***@{host}").geturl()


def without_password(message: str) -> str:
    """`message` with the configured password taken out, wherever a driver might have echoed it."""
    try:
        password = urlsplit(os.environ.get(URL_SETTING, "")).password
    except ValueError:
        return message
    for form in {password, unquote(password or "")} - {None, ""}:
        message = message.replace(form, "***")
    return message
