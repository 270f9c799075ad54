"""Site time zones: which clock each site's local dates and hours are read on, and which the API's days follow.

The account's zone (`INC_TIMEZONE`, default UTC) is where the partitions' days end: the per-day aggregates are
asked for those days, so it is the day boundary of every figure the API computes per day (docs/warehouse.md,
"Day boundaries"). A site may have a zone of its own (`INC_SITE_TIMEZONES=1001=America/Manaus,...`); the others
take the account's. The build installs both as SQL macros, `site_timezone(site_id)` and `day_timezone()`, which
the marts call to give local dates and hours beside the UTC instants, and keeps them in `meta.site_timezones`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import duckdb

from inc_pipeline import clock


class TimezoneError(ValueError):
    """A time zone name (or a `site=zone` entry) that cannot be used; `setting` names which one was wrong:
    "account" (the day boundary and every site's default) or "sites" (the per-site list)."""

    def __init__(self, message: str, setting: str):
        super().__init__(message)
        self.setting = setting


@dataclass(frozen=True)
class SiteTimezones:
    """The account's zone (the API's day boundary, every site's default) and the sites that have their own."""

    account: str = "UTC"
    sites: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not clock.is_zone(self.account):
            raise TimezoneError(f"{self.account!r} is not a time zone: use an IANA name such as UTC", "account")
        bad = [f"{site}={zone}" for site, zone in self.sites.items() if not clock.is_zone(zone)]
        if bad:
            raise TimezoneError(f"{', '.join(bad)}: not a time zone; use IANA names such as America/Manaus",
                                "sites")  # fmt: skip

    def zone_of(self, site_id: str | None) -> str:
        """The zone a site's local dates and hours are read in."""
        return self.sites.get(site_id or "", self.account)

    def rows(self) -> list[tuple[str, str | None, str]]:
        """(scope, site_id, zone) as `meta.site_timezones` holds them: the account's first, then each site's."""
        return [("account", None, self.account), *(("site", s, z) for s, z in sorted(self.sites.items()))]

    def macros(self) -> list[str]:
        """The SQL macros the marts call: `site_timezone(site_id)` and `day_timezone()`."""
        cases = " ".join(f"when {_text(site)} then {_text(zone)}" for site, zone in sorted(self.sites.items()))
        site_case = f"case site_id {cases} else {_text(self.account)} end" if cases else _text(self.account)
        return [
            f"create or replace macro site_timezone(site_id) as ({site_case})",
            f"create or replace macro day_timezone() as ({_text(self.account)})",
        ]


def parse_site_timezones(text: str) -> dict[str, str]:
    """`1001=America/Manaus, 1002=America/Sao_Paulo` -> {site: zone}; a malformed entry or zone is refused."""
    zones: dict[str, str] = {}
    for entry in (part.strip() for part in text.split(",")):
        if not entry:
            continue
        site, sep, zone = (piece.strip() for piece in entry.partition("="))
        if not (sep and site and zone):
            raise TimezoneError(f"{entry!r} is not siteId=Zone (e.g. 1001=America/Manaus)", "sites")
        if not clock.is_zone(zone):
            raise TimezoneError(f"{entry!r}: {zone!r} is not a time zone; use an IANA name such as America/Manaus",
                                "sites")  # fmt: skip
        zones[site] = zone
    return zones


def install_timezones(con: duckdb.DuckDBPyConnection, zones: SiteTimezones) -> bool:
    """Create the macros and `meta.site_timezones`; True when the zones differ from the ones already there
    (a build on a copy must then recompute every local date, not only the changed days')."""
    before = _stored(con)
    for macro in zones.macros():
        con.execute(macro)
    con.execute("create or replace table meta.site_timezones (scope varchar, site_id varchar, timezone varchar)")
    con.executemany("insert into meta.site_timezones values (?, ?, ?)", zones.rows())
    return before != zones.rows()


def _stored(con: duckdb.DuckDBPyConnection) -> list[tuple] | None:
    try:
        found = con.execute("select scope, site_id, timezone from meta.site_timezones "
                            "order by scope, site_id nulls first").fetchall()  # fmt: skip
    except duckdb.CatalogException:
        return None
    return [tuple(row) for row in found]


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
