"""INC_DAGSTER_STORAGE: the dagster.yaml written for SQLite (default) or PostgreSQL, and one line for a setting
that cannot work, never with the password."""

from __future__ import annotations

import pytest

from inc_pipeline.ops.instance import DAGSTER_YAML, EARLIER_YAMLS, dagster_home

from .conftest import RANGE

SECRET = "s3cret-Passw0rd"


@pytest.fixture
def fresh_data(tmp_path, monkeypatch):
    """A data dir of the test's own (ops_env's environment points at the package's)."""
    data = tmp_path / "data"
    monkeypatch.setenv("INC_DATA_DIR", str(data))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.delenv("INC_DAGSTER_PG_URL", raising=False)
    return data


@pytest.mark.parametrize(
    ("storage", "url", "says"),
    [
        ("mongo", None, "INC_DAGSTER_STORAGE='mongo' is not a storage: use sqlite"),
        ("postgres", None, "INC_DAGSTER_STORAGE=postgres needs INC_DAGSTER_PG_URL, e.g. postgresql+psycopg2://"),
        ("postgres", f"postgresql://inc:{SECRET}@127.0.0.1/dagster",
         "names no driver (SQLAlchemy would use psycopg 3, which is not installed): write "
         "postgresql+psycopg2://inc:***@127.0.0.1/dagster"),
        ("postgres", f"postgresql+psycopg2://inc:{SECRET}@127.0.0.1:5432", "names no database"),
        ("postgres", f"postgresql+psycopg2://inc:{SECRET}@127.0.0.1:1/dagster",
         "Dagster's PostgreSQL at postgresql+psycopg2://inc:***@127.0.0.1:1/dagster cannot be used (connection to "
         'server at "127.0.0.1", port 1 failed: Connection refused): check INC_DAGSTER_PG_URL'),
    ],
)  # fmt: skip
def test_a_storage_setting_that_cannot_work_is_one_line_without_the_password(ops_env, fresh_data, cli, monkeypatch,
                                                                             storage, url, says):  # fmt: skip
    monkeypatch.setenv("INC_DAGSTER_STORAGE", storage)
    if url:
        monkeypatch.setenv("INC_DAGSTER_PG_URL", url)
    outcome = cli("run", *RANGE, "--select", "user_shops")
    lines = [line for line in outcome.err.splitlines() if line.strip()]
    assert outcome.code == 2 and len(lines) == 1, outcome.err
    assert says in lines[0] and SECRET not in outcome.err + outcome.out
    assert not (fresh_data / "lake").exists(), "something landed before the setting was refused"


def test_a_wrong_password_is_one_line_without_either_password(ops_env, fresh_data, cli, monkeypatch, postgres_server):
    url = postgres_server.url().replace(postgres_server.password, SECRET)
    monkeypatch.setenv("INC_DAGSTER_STORAGE", "postgres")
    monkeypatch.setenv("INC_DAGSTER_PG_URL", url)
    outcome = cli("run", *RANGE, "--select", "user_shops")
    assert outcome.code == 2 and 'password authentication failed for user "inc_test"' in outcome.err
    assert SECRET not in outcome.err and postgres_server.password not in outcome.err


def test_the_dagster_yaml_names_the_url_variable_and_follows_the_setting(fresh_data, monkeypatch, postgres_url):
    monkeypatch.setenv("INC_DAGSTER_STORAGE", "postgres")
    monkeypatch.setenv("INC_DAGSTER_PG_URL", postgres_url)
    config = dagster_home() / "dagster.yaml"
    text = config.read_text()
    assert "storage:\n  postgres:\n    postgres_url:\n      env: INC_DAGSTER_PG_URL\n" in text
    assert "inc_test" not in text and "127.0.0.1" not in text, "the URL (with its password) was written to disk"
    assert text.endswith(DAGSTER_YAML), "the concurrency pools and run retries are kept"

    monkeypatch.delenv("INC_DAGSTER_STORAGE")  # back to the default: our file is rewritten for SQLite
    assert "storage:" not in (dagster_home() / "dagster.yaml").read_text()


def test_a_dagster_yaml_of_the_users_own_is_kept_and_not_silently_used_for_postgres(fresh_data, monkeypatch,
                                                                                    postgres_url):  # fmt: skip
    config = fresh_data / "dagster_home" / "dagster.yaml"
    config.parent.mkdir(parents=True)
    config.write_text("telemetry:\n  enabled: false\n")
    dagster_home()
    assert config.read_text() == "telemetry:\n  enabled: false\n"
    monkeypatch.setenv("INC_DAGSTER_STORAGE", "postgres")
    monkeypatch.setenv("INC_DAGSTER_PG_URL", postgres_url)
    with pytest.raises(Exception, match="is not one inc-pipeline wrote and keeps Dagster's state elsewhere"):
        dagster_home()
    config.write_text(EARLIER_YAMLS[0])  # the file inc-pipeline wrote before it said so on its first line
    assert "env: INC_DAGSTER_PG_URL" in (dagster_home() / "dagster.yaml").read_text()


def test_status_with_dagster_s_postgres_unreachable_says_so_and_reports_the_lake(fresh_data, cli, monkeypatch):
    fresh_data.mkdir()
    monkeypatch.setenv("INC_DAGSTER_STORAGE", "postgres")
    monkeypatch.setenv("INC_DAGSTER_PG_URL", f"postgresql+psycopg2://inc:{SECRET}@127.0.0.1:1/dagster")
    outcome = cli("status")
    assert outcome.code == 0, outcome.err
    assert "dagster instance: Dagster's PostgreSQL at postgresql+psycopg2://inc:***@127.0.0.1:1/dagster cannot" in (
        outcome.out
    )
    assert "landed partitions:" in outcome.out and SECRET not in outcome.out + outcome.err
