"""A small lake written straight with pyarrow, following the lake contract (docs/architecture.md)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

SITES = ("101", "202")
DAYS = (date(2025, 3, 3), date(2025, 3, 4), date(2025, 3, 5))  # Monday to Wednesday


def land(lake: Path, endpoint_id: str, day: date, rows: list[dict], extracted_at: datetime | None = None) -> Path:
    """Write one partition as the landing library does: context columns added, zstd, ns UTC extraction stamp."""
    extracted_at = extracted_at or datetime.combine(day + timedelta(days=1), datetime.min.time(), UTC)
    table = pa.Table.from_pylist(rows)
    table = table.append_column("partition_date", pa.array([day] * len(rows), pa.date32()))
    stamp = pa.array([extracted_at] * len(rows), pa.timestamp("ns", tz="UTC"))
    table = table.append_column("extracted_at", stamp)
    path = lake / endpoint_id / f"date={day.isoformat()}" / "part-0.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, compression="zstd")
    return path


def guests(site: str, day: date) -> dict:
    """Deterministic guest numbers for a site-day, so tests can predict every mart."""
    new = int(site) % 7 + day.day
    old = int(site) % 5 + 2 * day.day
    return {"site_id": site, "new": new, "old": old, "total": new + old}


def land_day(lake: Path, day: date) -> None:
    """Land one consistent day for every site across the endpoints the core marts read."""
    counts = [guests(site, day) for site in SITES]
    land(lake, "history_day_client_count", day, counts)
    midnight = datetime.combine(day, datetime.min.time(), UTC)
    land(lake, "history_day_report", day, [
        {"site_id": g["site_id"], "_id": f"r{g['site_id']}{day}", "scenarioid": g["site_id"],
         "statTime": midnight.strftime("%Y-%m-%d %H:%M:%S"), "clientCount": g["total"], "avgTime": 600,
         "newCount": g["new"], "oldCount": g["old"], "totalRxBytes": 100, "totalTxBytes": 50,
         "avgRxBytes": 10, "avgTxBytes": 5}
        for g in counts
    ])  # fmt: skip
    land(lake, "history_vendor_data", day, [
        {"site_id": g["site_id"], "clientVendorEn": vendor, "clientVendor": zh, "count": n}
        for g in counts
        for vendor, zh, n in (("Apple", "苹果", g["new"]), ("Samsung", "三星", g["old"]))
    ])  # fmt: skip
    land(lake, "history_client_stay_avg_duration", day, [{"site_id": g["site_id"], "time": 600} for g in counts])
    land(lake, "history_client_stay_duration_ratio", day, [
        {"site_id": g["site_id"], "lt5Minutes": g["new"], "lt30Minutes": g["old"], "lt120Minutes": 0,
         "gte120Minutes": 0}
        for g in counts
    ])  # fmt: skip
    start_ms = int(midnight.timestamp() * 1000) + 9 * 3600 * 1000
    land(lake, "auth_history", day, [
        {"shop_id": int(g["site_id"]), "user_mac": f"hash-{i}", "access_start_time": start_ms + i * 60_000,
         "access_duration": 300, "user_type": 2, "vendor": "Apple", "terminal_model": "iPhone",
         "ap_mac": "aa:bb", "upstream": "1.5", "downstream": "3", "site_id": g["site_id"]}
        for g in counts
        for i in range(2)
    ])  # fmt: skip


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A data directory whose lake holds the first two fixture days."""
    for day in DAYS[:2]:
        land_day(tmp_path / "lake", day)
    return tmp_path
