"""Landing a partition again replaces it: same answer, same Parquet; late records are added, never doubled."""

from __future__ import annotations

import pandas as pd

from inc_pipeline.extract.plan import day_start_ms
from inc_pipeline.simulator import FaultConfig

from .helpers import PARTITION, day, freeze_clock, lake, run

WINDOWED = ["auth_history", "history_day_client_count", "history_hour_client_count_detail", "history_vendor_data"]
SNAPSHOTS = ["user_shops", "current_client_count"]


def _content(data_dir, table, on_day) -> pd.DataFrame:
    """A partition's rows without `extracted_at` (when it was fetched is the one thing allowed to change)."""
    path = data_dir / "lake" / table / f"date={on_day.isoformat()}" / "part-0.parquet"
    return pd.read_parquet(path).drop(columns="extracted_at")


def test_materializing_a_partition_twice_gives_identical_parquet(fast_sim, tmp_path, monkeypatch):
    snapshot_day = freeze_clock(monkeypatch).date()
    run(SNAPSHOTS, fast_sim, tmp_path)
    run(WINDOWED, fast_sim, tmp_path, partition=PARTITION)
    first = {t: _content(tmp_path, t, day()) for t in WINDOWED} | {
        t: _content(tmp_path, t, snapshot_day) for t in SNAPSHOTS
    }

    run(SNAPSHOTS, fast_sim, tmp_path)
    run(WINDOWED, fast_sim, tmp_path, partition=PARTITION)
    for table, before in first.items():
        assert len(before) > 0, table
        pd.testing.assert_frame_equal(_content(tmp_path, table, before["partition_date"][0]), before)
        assert lake(tmp_path).partitions(table) == [before["partition_date"][0]]


def test_relanding_picks_up_late_records_without_duplicating(make_simulator, tmp_path):
    # late_records: a few % of auth records are missing on the first read of a window and appear on later reads.
    sim = make_simulator(enforce_limits=False, faults=FaultConfig(rate=1.0, kinds=("late_records",)))
    run(["user_shops"], sim, tmp_path)
    start = day_start_ms(day())
    in_world = sum(len(sim.world.window(site, start, start + 86_400_000 - 1)) for site in sim.world.sites)

    counts = []
    for _ in range(3):  # the daily run, then two lookback runs over the same day
        run(["auth_history"], sim, tmp_path, partition=PARTITION)
        landed = lake(tmp_path).read("auth_history")
        assert not landed.duplicated(["site_id", "user_mac", "access_start_time"]).any()
        counts.append(len(landed))
    assert counts[0] < in_world  # the first read missed the late records
    assert counts[1] == counts[2] == in_world  # re-landing added them once, and stays stable
    assert lake(tmp_path).partitions("auth_history") == [day()]
