"""`inc-pipeline run` against the simulator over https with a private CA: trusted with INC_CA_BUNDLE, refused in
one line without it; user_name and locale reach every call; the sites mart's region, state and city are the
simulator's."""

from __future__ import annotations

from dataclasses import replace

import duckdb
import pytest
import trustme

from inc_pipeline.simulator import SimulatorServer
from inc_pipeline.simulator.tls import TlsFiles

from .conftest import FIRST

KEY = "tls-K3y-do-not-print"
DAY = ["--start", FIRST.isoformat(), "--end", FIRST.isoformat()]


@pytest.fixture
def private_ca(tmp_path):
    """A private CA (ca.pem) and a certificate it signed for 127.0.0.1 (server.pem, server.key)."""
    ca = trustme.CA()
    leaf = ca.issue_cert("127.0.0.1", "localhost")
    files = TlsFiles(tmp_path / "server.pem", tmp_path / "server.key", tmp_path / "ca.pem")
    ca.cert_pem.write_to_path(str(files.ca))
    leaf.private_key_pem.write_to_path(str(files.key))
    leaf.cert_chain_pems[0].write_to_path(str(files.cert))
    return files


@pytest.fixture
def https_env(sim_config, private_ca, tmp_path, monkeypatch):
    """A deployment's environment pointed at a simulator serving https (limits off), without INC_CA_BUNDLE."""
    config = replace(sim_config, sites=4, nationwide=True, enforce_limits=False, api_key=KEY)
    with SimulatorServer(config, tls=private_ca) as sim:
        monkeypatch.delenv("DAGSTER_HOME", raising=False)
        for name in ("INC_CA_BUNDLE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
            monkeypatch.delenv(name, raising=False)
        for name, value in {
            "INC_API_BASE_URL": sim.base_url, "INC_API_KEY": KEY, "INC_API_USER": config.user,
            "INC_PII_KEY": "test-pii-key", "INC_DATA_DIR": str(tmp_path / "data"),
            "INC_DEFAULT_RATE_PER_SECOND": "1000",
            "INC_SITES": "", "INC_API_QUERY_PARAMS": "user_name=ana@example.com,locale=en",
        }.items():  # fmt: skip
            monkeypatch.setenv(name, value)
        yield sim, monkeypatch


def _one_line(outcome) -> str:
    assert outcome.code == 2 and outcome.out == ""
    assert "Traceback" not in outcome.err and KEY not in outcome.err
    (line,) = outcome.err.splitlines()
    return line


def test_https_with_the_private_ca_runs_and_the_sites_mart_has_the_region_tree(https_env, private_ca, cli, tmp_path):
    sim, env = https_env
    env.setenv("INC_CA_BUNDLE", str(private_ca.ca))
    outcome = cli("run", *DAY, "--select", "user_shops,warehouse")
    assert outcome.code == 0, outcome.err
    assert sim.base_url.startswith("https://")
    with duckdb.connect(str(tmp_path / "data" / "warehouse.duckdb"), read_only=True) as con:
        landed = con.execute("select site_id, region, state, city from marts.sites order by site_id").fetchall()
    expected = [(str(s.id), s.region, s.state, s.city) for s in sim.world.sites.values()]
    assert landed == sorted(expected) and len({row[1] for row in landed}) > 1  # more than one region
    stats = sim.stats()
    assert stats["requests"] == {"/user/shop": 1}
    assert stats["caller_params"] == {"/user/shop": {"user_name=ana@example.com": 1, "locale=en": 1}}


def test_https_without_the_ca_bundle_fails_in_one_line_saying_to_set_it(https_env, cli):
    sim, _ = https_env
    line = _one_line(cli("run", *DAY, "--select", "user_shops"))
    assert "does not trust" in line and "set INC_CA_BUNDLE" in line and sim.base_url in line
    assert sim.stats()["total_requests"] == 0  # refused at the handshake: no request reached the API


def test_a_bundle_of_another_ca_fails_in_one_line_naming_it(https_env, cli, tmp_path):
    _, env = https_env
    other = tmp_path / "other-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(other))
    env.setenv("INC_CA_BUNDLE", str(other))
    line = _one_line(cli("run", *DAY, "--select", "user_shops"))
    assert f"INC_CA_BUNDLE='{other}' does not trust" in line


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda path: None, "cannot be read (No such file or directory)"),
        (lambda path: path.write_text("not a certificate\n"), "holds no PEM certificate"),
        (lambda path: path.mkdir(), "cannot be read"),
    ],
    ids=["missing", "not-pem", "a-directory"],
)
def test_an_unusable_bundle_file_is_one_line(https_env, cli, tmp_path, make, fragment):
    _, env = https_env
    bundle = tmp_path / "bundle.pem"
    make(bundle)
    env.setenv("INC_CA_BUNDLE", str(bundle))
    line = _one_line(cli("run", *DAY, "--select", "user_shops"))
    assert line.startswith(f"inc-pipeline run: INC_CA_BUNDLE='{bundle}' ") and fragment in line


def test_query_params_that_collide_with_the_pipelines_own_are_one_line(https_env, cli):
    _, env = https_env
    env.setenv("INC_API_QUERY_PARAMS", "user_name=ana,shopIds=1")
    line = _one_line(cli("run", *DAY, "--select", "user_shops"))
    assert "INC_API_QUERY_PARAMS: shopIds is a field the pipeline sends itself" in line
