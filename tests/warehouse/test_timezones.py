"""Site time zones: the settings, the local columns over the fixture lake, and a zone change rebuilding in full."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from inc_pipeline.defs.resources import SettingError, site_timezones
from inc_pipeline.warehouse import SiteTimezones, TimezoneError, build_warehouse, parse_site_timezones

from .conftest import DAYS

LABEL = "http://127.0.0.1:8000"


def query(data_dir, sql):
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_site_zones_are_read_from_pairs():
    assert parse_site_timezones(" 101=America/Manaus, 202=UTC ,") == {"101": "America/Manaus", "202": "UTC"}
    zones = SiteTimezones("America/Sao_Paulo", {"101": "America/Manaus"})
    assert (zones.zone_of("101"), zones.zone_of("202"), zones.zone_of(None)) == (
        "America/Manaus", "America/Sao_Paulo", "America/Sao_Paulo")  # fmt: skip


@pytest.mark.parametrize(
    ("account", "sites", "named"),
    [
        ("Mars/Olympus", "", "INC_TIMEZONE"),
        ("UTC", "101=Mars/Olympus", "INC_SITE_TIMEZONES"),
        ("UTC", "101", "INC_SITE_TIMEZONES"),
        ("UTC", "=America/Manaus", "INC_SITE_TIMEZONES"),
    ],
)
def test_a_bad_zone_is_one_line_naming_its_setting(account, sites, named):
    with pytest.raises(SettingError) as error:
        site_timezones(account, sites)
    message = str(error.value)
    assert message.startswith(f"{named}: ") and "\n" not in message


def test_the_library_refuses_a_bad_zone_too():
    with pytest.raises(TimezoneError):
        SiteTimezones("UTC", {"101": "Nowhere/Else"})


def test_sessions_get_their_sites_local_date_and_hour(data_dir):
    # the fixture's sessions start at 09:00 and 09:01 UTC: 06:00 in São Paulo, 05:00 in Manaus
    zones = SiteTimezones("America/Manaus", {"101": "America/Sao_Paulo"})
    build_warehouse(data_dir, source_label=LABEL, timezones=zones)
    found = query(data_dir, "select distinct site_id, timezone, local_date, local_hour from marts.auth_sessions "
                            "where cast(timezone('UTC', session_start) as date) = '2025-03-03' order by 1")  # fmt: skip
    assert found == [("101", "America/Sao_Paulo", DAYS[0], 6), ("202", "America/Manaus", DAYS[0], 5)]
    assert query(data_dir, "select * from meta.site_timezones") == [
        ("account", None, "America/Manaus"), ("site", "101", "America/Sao_Paulo")]  # fmt: skip


def test_report_reconciliation_compares_nothing_when_the_days_are_not_utc(data_dir):
    result = build_warehouse(data_dir, source_label=LABEL, timezones=SiteTimezones("America/Sao_Paulo"))
    (rec,) = [r for r in result.reconciliations if r.name == "report_daily_vs_guest_daily"]
    assert rec.passed and rec.rows_compared == 0
    assert query(data_dir, "select distinct day_timezone from marts.site_daily_overview") == [("America/Sao_Paulo",)]
    utc = build_warehouse(data_dir, source_label=LABEL)
    (rec,) = [r for r in utc.reconciliations if r.name == "report_daily_vs_guest_daily"]
    assert rec.passed and rec.rows_compared == 4  # 2 sites x 2 days


def test_changing_a_zone_rebuilds_every_day(data_dir):
    build_warehouse(data_dir, source_label=LABEL)
    same = build_warehouse(data_dir, source_label=LABEL, changed_dates=[DAYS[1]])
    assert query(data_dir, "select rebuilt_days from meta.current_build") == [(DAYS[1].isoformat(),)]
    assert same.version == 2
    build_warehouse(data_dir, source_label=LABEL, changed_dates=[DAYS[1]],
                    timezones=SiteTimezones("UTC", {"101": "Asia/Tokyo"}))  # fmt: skip
    assert query(data_dir, "select rebuilt_days from meta.current_build") == [("full",)]
    hours = query(data_dir, "select distinct local_date, local_hour from marts.auth_sessions where site_id = '101'")
    assert sorted(hours) == [(date(2025, 3, 3), 18), (date(2025, 3, 4), 18)]  # 09:00 UTC is 18:00 in Tokyo
