"""Bad values go to quarantine with their reasons while good rows land; unknown fields are reported as drift."""

from __future__ import annotations

from inc_pipeline.extract.plan import day_start_ms
from inc_pipeline.simulator import FaultConfig

from .helpers import PARTITION, day, lake, metadata, run

QUARANTINE_REASONS = {"failed_check", "column", "value"}
SPOILED = {"access_duration", "upstream_sum", "user_type", "sex"}  # what bad_values can touch in auth records


def _sessions(sim) -> int:
    """Auth records the simulator holds for the partition's day, every site."""
    start = day_start_ms(day())
    return sum(len(sim.world.window(site, start, start + 86_400_000 - 1)) for site in sim.world.sites)


def test_bad_values_are_quarantined_with_reasons_and_good_rows_land(fast_sim, tmp_path):
    run(["user_shops"], fast_sim, tmp_path)
    fast_sim.set_faults(FaultConfig(rate=1.0, kinds=("bad_values",)))
    result = run(["auth_history"], fast_sim, tmp_path, partition=PARTITION)

    the_lake = lake(tmp_path)
    quarantined = the_lake.read_quarantine("auth_history", day())
    assert (tmp_path / "quarantine" / "auth_history" / f"date={PARTITION}" / "part-0.parquet").exists()
    assert QUARANTINE_REASONS <= set(quarantined.columns)
    assert set(quarantined["column"]) <= SPOILED
    assert set(quarantined["value"]) <= {"N/A", "abc", "99", "5"}
    assert quarantined["failed_check"].notna().all()
    bad_rows = quarantined.drop_duplicates(["site_id", "user_mac", "access_start_time"])
    landed = the_lake.read("auth_history", dates=[day()])
    assert len(landed) > 0 and len(bad_rows) > 0
    assert len(landed) + len(bad_rows) == _sessions(fast_sim)  # nothing silently dropped
    assert set(landed["user_type"].dropna()) <= {1, 2, 6, 7, 8, 9, 10}

    described = metadata(result, "auth_history")
    assert described["rows_quarantined"] == len(bad_rows)  # rows, not quarantine lines
    (check,) = [c for c in result.get_asset_check_evaluations() if c.check_name == "quarantined_rows"]
    assert not check.passed  # far above the 5 % threshold
    assert check.metadata["rows_quarantined"].value == len(bad_rows)


def test_relanding_a_clean_partition_clears_its_quarantine(fast_sim, tmp_path):
    run(["user_shops"], fast_sim, tmp_path)
    fast_sim.set_faults(FaultConfig(rate=1.0, kinds=("bad_values",)))
    run(["auth_history"], fast_sim, tmp_path, partition=PARTITION)
    assert len(lake(tmp_path).read_quarantine("auth_history", day())) > 0

    fast_sim.set_faults(FaultConfig())
    result = run(["auth_history"], fast_sim, tmp_path, partition=PARTITION)
    assert lake(tmp_path).read_quarantine("auth_history", day()).empty
    assert len(lake(tmp_path).read("auth_history", dates=[day()])) == _sessions(fast_sim)
    (check,) = [c for c in result.get_asset_check_evaluations() if c.check_name == "quarantined_rows"]
    assert check.passed


def test_unknown_fields_are_reported_by_the_schema_drift_check(fast_sim, tmp_path):
    run(["user_shops"], fast_sim, tmp_path)
    fast_sim.set_faults(FaultConfig(rate=1.0, kinds=("schema_drift",)))
    result = run(["history_day_client_count"], fast_sim, tmp_path, partition=PARTITION)

    (check,) = [c for c in result.get_asset_check_evaluations() if c.check_name == "schema_drift"]
    assert not check.passed
    assert check.metadata["unknown_fields"].value == "extraField"
    landed = lake(tmp_path).read("history_day_client_count", dates=[day()])
    assert len(landed) == len(fast_sim.world.sites)  # drift is reported, the known fields still land
    assert "extraField" not in landed.columns
