"""`inc-pipeline simulator ...`: each bad argument ends in one line on stderr and exit code 2, no traceback."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest
import requests

from inc_pipeline.simulator import server as sim_server
from inc_pipeline.simulator.server import SimulatorServer, run_simulator_cli


@pytest.fixture(autouse=True)
def bound(monkeypatch) -> list[tuple[str, int]]:
    """`serve` only binds and lets go (a test never hangs serving); yields the (host, port) pairs it bound."""
    addresses = []

    def bind_only(config, port, host, tls=None):
        sim = SimulatorServer(config, port=port, host=host, tls=tls)
        addresses.append(sim._httpd.server_address[:2])
        sim.stop()

    monkeypatch.setattr(sim_server, "serve", bind_only)
    return addresses


@pytest.fixture
def busy_port():
    """A loopback port some other program listens on."""
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        yield other.getsockname()[1]


def _refused(capsys, *args: str) -> str:
    """The one stderr line of a run that must stop with exit code 2."""
    with pytest.raises(SystemExit) as stop:
        run_simulator_cli(list(args))
    assert stop.value.code == 2
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("inc-pipeline simulator: "), captured.err
    return lines[0]


BAD_ARGUMENTS = [
    (["--port", "99999"], ["--port", "'99999'", "0..65535", "0 picks a free one"]),
    (["--port", "-1"], ["--port", "0..65535"]),
    (["--port", "abc"], ["--port", "'abc' is not a whole number"]),
    (["--prot", "8000"], ["unrecognized arguments: --prot 8000", "--help"]),
    (["--end-date", "2026/11/01"], ["'2026/11/01' is not a date: use YYYY-MM-DD, e.g. 2026-11-01"]),
    (["--days", "0"], ["--days", "1 or more"]),
    (["--days", "-5"], ["--days", "1 or more"]),
    (["--days", "100000000"], ["--days 100000000", "before 1970-01-01", "or fewer"]),
    (["--end-date", "1969-12-31"], ["--end-date 1969-12-31", "before 1970-01-01"]),
    (["--end-date", "1970-01-05", "--days", "6"], ["--days 6", "before 1970-01-01", "--days 5 or fewer"]),
    (["--auth-per-site-day", "-1"], ["--auth-per-site-day", "0..100000"]),
    (["--auth-per-site-day", "10" + "0" * 20], ["--auth-per-site-day", "0..100000"]),
    (["--sites", "-2"], ["--sites", "0..10000"]),
    (["--sites", "10001"], ["--sites", "0..10000"]),
    (["--seed", "-1"], ["--seed", "0 or more"]),
]


@pytest.mark.parametrize("args, words", BAD_ARGUMENTS, ids=[" ".join(args) for args, _ in BAD_ARGUMENTS])
def test_bad_argument_is_one_line(capsys, args, words):
    line = _refused(capsys, "--port", "0", *args)
    assert all(word in line for word in words), line


def test_busy_port_is_one_line_and_port_0_then_picks_a_free_one(capsys, busy_port, bound):
    line = _refused(capsys, "--port", str(busy_port))
    assert f"port {busy_port} on 127.0.0.1 is in use: choose another --port (0 picks a free one)" in line
    run_simulator_cli(["--port", "0"])  # what the line promises
    assert bound[0][0] == "127.0.0.1" and bound[0][1] not in (0, busy_port)


@pytest.mark.parametrize(
    "host, words",
    [
        ("nosuchhost.invalid", ["cannot listen on host 'nosuchhost.invalid'", "127.0.0.1"]),
        ("::1", ["cannot listen on host '::1'", "IPv4"]),
        ("192.0.2.1", ["cannot listen on 192.0.2.1", "not an address of this machine"]),  # TEST-NET-1
    ],
)
def test_host_it_cannot_listen_on_is_one_line(capsys, host, words):
    line = _refused(capsys, "--port", "0", "--host", host)
    assert all(word in line for word in words), line


@pytest.mark.parametrize("entry", ["inc_pipeline.simulator", "inc_pipeline.cli"])
def test_busy_port_through_the_real_entry_points(busy_port, entry):
    args = [sys.executable, "-m", entry] + (["simulator"] if entry == "inc_pipeline.cli" else [])
    done = subprocess.run([*args, "--port", str(busy_port)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr[-1500:]
    assert done.stderr.splitlines() == [
        f"inc-pipeline simulator: port {busy_port} on 127.0.0.1 is in use: choose another --port (0 picks a free one)"
    ]


def test_profile_large_serves_the_large_account_and_sites_still_override(monkeypatch):
    served = []
    monkeypatch.setattr(sim_server, "serve", lambda config, port, host, tls=None: served.append(config))
    run_simulator_cli(["--port", "0", "--profile", "large", "--days", "7"])
    run_simulator_cli(["--port", "0", "--profile", "large", "--sites", "200"])
    run_simulator_cli(["--port", "0"])
    large, smaller, small = served
    assert (large.sites, large.days, large.nationwide, large.device_mix != ()) == (1500, 7, True, True)
    assert (smaller.sites, smaller.days, smaller.nationwide) == (200, 30, True)
    assert (small.sites, small.days, small.nationwide, small.device_mix) == (3, 30, False, ())


def test_tls_serves_https_with_a_throwaway_ca_and_the_list_wrapper_is_passed_on(monkeypatch, capsys):
    served = []

    def serve_once(config, port, host, tls=None):
        with SimulatorServer(config, port=port, host=host, tls=tls) as sim:
            answer = requests.get(sim.base_url + "/user/shop", headers={"apikey": sim.api_key}, verify=str(tls.ca))
            served.append((sim.base_url, config.list_wrapper, answer.json()["data"], tls.ca.read_text()))

    monkeypatch.setattr(sim_server, "serve", serve_once)
    run_simulator_cli(["--port", "0", "--tls", "--list-wrapper", "rowcount"])
    ((url, wrapper, data, ca),) = served
    assert url.startswith("https://127.0.0.1:") and wrapper == "rowcount" and "BEGIN CERTIFICATE" in ca
    assert data["rowCount"] == 3 and len(data["data"]) == 3


def test_tls_flags_that_cannot_serve_are_one_line(capsys, tmp_path):
    (tmp_path / "cert.pem").write_text("not a certificate")
    (tmp_path / "key.pem").write_text("not a key")
    assert "--tls-cert and --tls-key go together" in _refused(capsys, "--tls-cert", str(tmp_path / "cert.pem"))
    line = _refused(capsys, "--tls-cert", str(tmp_path / "cert.pem"), "--tls-key", str(tmp_path / "key.pem"))
    assert "are not a PEM certificate and its key" in line
    line = _refused(capsys, "--tls-cert", str(tmp_path / "none.pem"), "--tls-key", str(tmp_path / "key.pem"))
    assert "cannot read the TLS certificate or key (No such file or directory" in line
