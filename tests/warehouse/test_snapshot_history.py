"""Snapshots as time series: an AP per snapshot day with its clients, and radio and SSID configurations as runs of
days (valid_from / valid_to), from several days of landed snapshots; incremental builds give the full build's."""

from __future__ import annotations

import shutil
from datetime import date, timedelta

import duckdb

from inc_pipeline.warehouse import build_warehouse

from .conftest import land

LABEL = "http://127.0.0.1:8000"
D = [date(2025, 3, 3) + timedelta(days=i) for i in range(4)]
CHANNELS = {("ap-1", 1): [6, 6, 11, 6], ("ap-1", 2): [36, 36, 36, 36]}  # radio 1 changes, then goes back


def land_snapshot_day(lake, i: int, *, with_clients: bool = True) -> None:
    day = D[i]
    land(lake, "shop_devices", day, [{"devSN": "dev-1", "shopId": "101", "devModel": "AC", "devType": "AC",
                                      "aliasName": "gw", "site_id": "101"}])  # fmt: skip
    land(lake, "device_ap_info", day, [
        {"dev_sn": "dev-1", "apSN": ap, "apName": name, "apStatus": 1, "apOnlineTime": 100 * (i + 1)}
        for ap, name in (("ap-1", "hall"), ("ap-2", "bar"))
    ])  # fmt: skip
    land(lake, "device_radio_info", day, [
        {"devSN": "dev-1", "apSN": ap, "apName": "hall", "radioId": radio, "radioMode": "ax",
         "radioChannel": str(channels[i]), "radioPower": "20"}
        for (ap, radio), channels in CHANNELS.items()
    ])  # fmt: skip
    land(lake, "device_ssid_info", day, [{"devSN": "dev-1", "SSIDName": "guest", "spName": "portal", "status": 1,
                                          "hide": 0, "maxClient": 64 if i < 2 else 128}])  # fmt: skip
    if with_clients:  # two clients on the hall AP on the first day, none on either AP later
        land(lake, "online_clients", day, [
            {"dev_sn": "dev-1", "clientMAC": f"m{n}", "apName": "hall" if i == 0 else "elsewhere"} for n in range(2)
        ])  # fmt: skip


def read(data_dir, sql: str) -> list[tuple]:
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_configuration_histories_are_runs_of_days(tmp_path):
    for i in range(4):
        land_snapshot_day(tmp_path / "lake", i)
    build_warehouse(tmp_path, source_label=LABEL)
    radio = read(tmp_path, "select radio_channel, valid_from, valid_to, last_seen, snapshots, is_current "
                           "from marts.radio_config_history where ap_sn = 'ap-1' and radio_id = 1 order by valid_from")
    assert radio == [(6, D[0], D[1], D[1], 2, False), (11, D[2], D[2], D[2], 1, False), (6, D[3], None, D[3], 1, True)]
    steady = read(tmp_path, "select valid_from, valid_to, snapshots from marts.radio_config_history "
                            "where radio_id = 2")  # fmt: skip
    assert steady == [(D[0], None, 4)]
    ssid = read(tmp_path, "select max_clients, valid_from, valid_to, is_current from marts.ssid_config_history "
                          "order by valid_from")  # fmt: skip
    assert ssid == [(64, D[0], D[1], False), (128, D[2], None, True)]


def test_ap_daily_is_a_row_per_ap_and_day_with_its_clients(tmp_path):
    for i in range(3):
        land_snapshot_day(tmp_path / "lake", i, with_clients=i < 2)
    build_warehouse(tmp_path, source_label=LABEL)
    hall = read(tmp_path, "select snapshot_date, site_id, ap_online_time, radios, online_clients from marts.ap_daily "
                          "where ap_sn = 'ap-1' order by snapshot_date")  # fmt: skip
    # day 0: two clients; day 1: the client list landed without the AP (0); day 2: no client list landed (unknown)
    assert hall == [(D[0], "101", 100, 2, 2), (D[1], "101", 200, 2, 0), (D[2], "101", 300, 2, None)]
    assert read(tmp_path, "select count(*) from marts.ap_daily") == [(6,)]


def test_an_incremental_build_of_a_new_day_equals_a_full_build(tmp_path):
    daily, full = tmp_path / "daily", tmp_path / "full"
    for i in range(3):
        land_snapshot_day(daily / "lake", i)
    build_warehouse(daily, source_label=LABEL)
    land_snapshot_day(daily / "lake", 3)
    build_warehouse(daily, source_label=LABEL, changed_dates=[D[3]])
    shutil.copytree(daily / "lake", full / "lake")
    build_warehouse(full, source_label=LABEL)
    for mart in ("ap_daily", "radio_config_history", "ssid_config_history"):
        sql = f"select * from marts.{mart} order by all"
        assert read(daily, sql) == read(full, sql), mart
    assert len(read(daily, "select * from marts.radio_config_history")) == 4
