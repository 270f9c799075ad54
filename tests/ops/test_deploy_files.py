"""deploy/: the systemd units and the compose file run the commands the daemon test runs (tests/ops/test_daemon.py),
and are valid: `systemd-analyze verify` on the units (with this checkout and environment as the install), the
compose file as YAML with its two Dagster services on the Postgres instance."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from .test_daemon import BIN, DAEMON, PREPARE_HOME, ROOT, WEBSERVER

DEPLOY = ROOT / "deploy"
INSTALL = "/opt/inc-pipeline"  # where the units expect the checkout (and its .venv)
UNITS = {"inc-pipeline-daemon.service": DAEMON, "inc-pipeline-webserver.service": WEBSERVER}


def _service_settings(unit: Path) -> dict[str, list[str]]:
    """The [Service] section's settings, each name with its values in order (systemd allows repeats)."""
    settings: dict[str, list[str]] = {}
    section = ""
    for line in unit.read_text().splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            section = line
        elif section == "[Service]" and "=" in line and not line.startswith("#"):
            name, value = line.split("=", 1)
            settings.setdefault(name, []).append(value)
    return settings


def _argv(command: str) -> list[str]:
    """A unit's command line with the install's bin directory taken off the program."""
    program, *args = shlex.split(command)
    return [program.removeprefix(f"{INSTALL}/.venv/bin/"), *args]


@pytest.mark.parametrize("name", list(UNITS))
def test_each_unit_prepares_the_instance_and_runs_the_tested_command(name):
    settings = _service_settings(DEPLOY / "systemd" / name)
    assert settings["WorkingDirectory"] == [INSTALL]  # workspace.yaml's directory, as the tests' cwd
    assert [_argv(c) for c in settings["ExecStartPre"]] == [PREPARE_HOME]
    assert [_argv(c) for c in settings["ExecStart"]] == [UNITS[name]]
    assert any(e.startswith("DAGSTER_HOME=") for e in settings["Environment"])


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze missing")
def test_the_units_verify_with_this_checkout_as_the_install(tmp_path):
    """`systemd-analyze verify` checks the syntax and that each program exists: the units are copied with this
    checkout in place of /opt/inc-pipeline (the settings file made optional: there is none here)."""
    for name in UNITS:
        text = (DEPLOY / "systemd" / name).read_text()
        text = text.replace(f"{INSTALL}/.venv/bin", str(BIN)).replace(INSTALL, str(ROOT))
        text = text.replace("EnvironmentFile=/", "EnvironmentFile=-/")
        (tmp_path / name).write_text(text)
    done = subprocess.run(["systemd-analyze", "verify", *[str(tmp_path / n) for n in UNITS]], capture_output=True,
                          text=True, timeout=60)  # fmt: skip
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr


def test_the_compose_file_runs_the_tested_commands_on_the_postgres_instance():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"postgres", "daemon", "webserver"}
    expected = {"daemon": DAEMON, "webserver": [a if a != "127.0.0.1" else "0.0.0.0" for a in WEBSERVER]}
    for name, command in expected.items():
        service = services[name]
        shell, flag, script = service["command"]
        prepare, _, run = script.partition(" && exec ")
        assert [shell, flag] == ["sh", "-c"] and shlex.split(prepare) == PREPARE_HOME and shlex.split(run) == command
        assert service["environment"]["INC_DAGSTER_STORAGE"] == "postgres"
        assert "@postgres:5432/" in service["environment"]["INC_DAGSTER_PG_URL"]
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "WORKDIR /app" in dockerfile and services["daemon"]["working_dir"] == "/app"
