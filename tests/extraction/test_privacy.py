"""Personal data from auth history never lands in clear: absent by default (policy "drop", the client MAC kept as a
pseudonym), keyed hashes with policy "pseudonymise"."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest

from inc_pipeline.catalog import ENDPOINTS_BY_ID
from inc_pipeline.extract.plan import plan_requests
from inc_pipeline.extract.targets import load_targets
from inc_pipeline.landing.privacy import ALWAYS_PSEUDONYMISED, pseudonym
from inc_pipeline.simulator import FaultConfig

from .helpers import PARTITION, PII_KEY, day, lake, run, sim_client

AUTH = ENDPOINTS_BY_ID["auth_history"]
IN_CLEAR = ("mobile_no", "user_name", "open_id", "nickname", "unionid", "mobile_decode", "user_mac")


def _raw_answer(sim, data_dir, state_dir) -> list[dict]:
    """The simulator's own answer for the partition, read through the client (not through the asset)."""
    targets = load_targets(lake(data_dir), user="demo")
    with sim_client(sim, state_dir) as client:
        return [r for q in plan_requests(AUTH, targets, days=[day()]) for r in client.records(AUTH, q.params)]


def _clear_values(records: list[dict]) -> set[str]:
    values = {str(r[f]) for r in records for f in IN_CLEAR if r.get(f) not in (None, "")}
    return values | {v.lower() for v in values}  # MACs land lower-cased: look for that spelling too


def _cells(frame: pd.DataFrame) -> set[str]:
    return {str(v) for column in frame.columns for v in frame[column].dropna()}


def test_pseudonymise_policy_lands_each_personal_value_as_its_keyed_hash(fast_sim, tmp_path):
    run(["user_shops"], fast_sim, tmp_path)
    run(["auth_history"], fast_sim, tmp_path, partition=PARTITION, pii_policy="pseudonymise")
    answer = _raw_answer(fast_sim, tmp_path, tmp_path / "probe")
    clear = _clear_values(answer)
    assert any(r.get("mobile_no") for r in answer) and any(r.get("open_id") for r in answer)

    landed = lake(tmp_path).read("auth_history", dates=[day()])
    assert len(landed) == len(answer)
    assert not clear & _cells(landed)
    key = PII_KEY.encode()
    by_time = landed.set_index(["site_id", "access_start_time"])
    for record in answer[:50]:
        row = by_time.loc[(str(record["shop_id"]), record["access_start_time"])]
        assert row["mobile_no"] == pseudonym(record["mobile_no"], key)
        assert row["user_name"] == pseudonym(record["user_name"], key)
        assert row["open_id"] == pseudonym(record["open_id"], key)
        assert row["user_mac"] == pseudonym(record["user_mac"].lower().replace("-", ":"), key)


@pytest.mark.parametrize("policy", ["drop", "pseudonymise"])
def test_quarantined_auth_rows_hold_no_personal_value_in_clear(fast_sim, tmp_path, policy):
    run(["user_shops"], fast_sim, tmp_path)
    fast_sim.set_faults(FaultConfig(rate=1.0, kinds=("bad_values",)))
    run(["auth_history"], fast_sim, tmp_path, partition=PARTITION, pii_policy=policy)
    fast_sim.set_faults(FaultConfig())
    clear = _clear_values(_raw_answer(fast_sim, tmp_path, tmp_path / "probe"))
    quarantined = lake(tmp_path).read_quarantine("auth_history", day())
    assert len(quarantined) > 0
    assert not clear & _cells(quarantined)


def test_by_default_no_personal_column_lands_but_the_pseudonymised_mac(fast_sim, tmp_path):
    run(["user_shops"], fast_sim, tmp_path)
    run(["auth_history"], fast_sim, tmp_path, partition=PARTITION)  # no INC_PII_POLICY: the default, drop
    path = tmp_path / "lake" / "auth_history" / f"date={PARTITION}" / "part-0.parquet"
    landed = pd.read_parquet(path)
    assert len(landed) > 0
    dropped = set(AUTH.personal_fields) - set(ALWAYS_PSEUDONYMISED)
    assert {"mobile_no", "user_name", "open_id"} <= dropped
    assert not dropped & set(landed.columns)
    assert landed["user_mac"].str.fullmatch(r"[0-9a-f]{32}").all()
    assert not _clear_values(_raw_answer(fast_sim, tmp_path, tmp_path / "probe")) & _cells(landed)


def test_days_landed_under_either_policy_build_one_warehouse(fast_sim, tmp_path):
    """A change of policy leaves earlier partitions as they were landed; the warehouse reads both layouts."""
    import duckdb

    from inc_pipeline.warehouse import build_warehouse

    before = (day() - timedelta(days=1)).isoformat()
    run(["user_shops"], fast_sim, tmp_path)
    run(["auth_history"], fast_sim, tmp_path, partition=before, pii_policy="pseudonymise")
    run(["auth_history"], fast_sim, tmp_path, partition=PARTITION)  # the default: drop
    landed = {d: lake(tmp_path).read("auth_history", dates=[day(d)]) for d in (before, PARTITION)}
    assert "mobile_no" in landed[before].columns and "mobile_no" not in landed[PARTITION].columns
    build_warehouse(tmp_path, source_label=fast_sim.base_url)
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        utc_day = "strftime(timezone('UTC', session_start), '%Y-%m-%d')"
        sessions = dict(con.execute(f"select {utc_day}, count(*) from marts.auth_sessions group by 1").fetchall())
    assert sessions == {d: len(frame) for d, frame in landed.items()}
