"""Sites, devices, APs and SSIDs to ask about, read from the latest landed snapshots.

Sites come from `/user/shop` (100 calls a day: read once a day, landed, and reused from the lake) unless an
allow-list is configured; devices from `/shop/device`; APs and SSIDs from the device endpoints.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from inc_pipeline.errors import UserError
from inc_pipeline.landing.lake import Lake

from .plan import Target, Targets


class NoSitesError(UserError):
    """No site to extract: neither landed from /user/shop nor configured."""


class UnknownSitesError(UserError):
    """INC_SITES names a site the account's site list does not have."""


def _latest(lake: Lake, table: str) -> pd.DataFrame:
    days = lake.partitions(table)
    return lake.read(table, dates=[max(days)]) if days else pd.DataFrame()


def load_targets(lake: Lake, *, user: str, site_allow_list: Sequence[str] = ()) -> Targets:
    """Targets from the newest snapshot of each inventory table, narrowed to the allow-list if one is set."""
    shops = _latest(lake, "user_shops")
    sites = [str(s) for s in shops["site_id"].dropna().unique()] if len(shops) else []
    if site_allow_list:
        unknown = [s for s in site_allow_list if sites and s not in sites]
        if unknown:  # asked anyway, each would fail as "shop not found", with advice that does not name INC_SITES
            examples = ", ".join(sorted(sites)[:3])
            raise UnknownSitesError(
                f"INC_SITES names {', '.join(map(repr, unknown))}, not among the account's {len(sites)} sites "
                f"(/user/shop): set INC_SITES to comma-separated site ids (e.g. {examples}), or unset it for all"
            )
        sites = list(site_allow_list)
    allowed = set(sites)
    devices = _targets(_latest(lake, "shop_devices"), allowed, dev_col="devSN", type_col="devType")
    dev_site = {t.dev_sn: t.site_id for t in devices}
    aps = [
        Target(dev_site[row.dev_sn], row.dev_sn, ap_sn=row.apSN)
        for row in _latest(lake, "device_ap_info").itertuples()
        if row.dev_sn in dev_site
    ]
    ssids = [
        Target(dev_site[row.dev_sn], row.dev_sn, ssid=row.SSIDName)
        for row in _latest(lake, "device_ssid_info").itertuples()
        if row.dev_sn in dev_site
    ]
    return Targets(sites=tuple(sorted(sites)), devices=tuple(devices), aps=tuple(aps), ssids=tuple(ssids), user=user)


def _targets(frame: pd.DataFrame, allowed: set[str], *, dev_col: str, type_col: str) -> list[Target]:
    if not len(frame):
        return []
    rows = frame[frame["site_id"].isin(allowed)] if allowed else frame
    rows = rows[["site_id", dev_col, type_col]].drop_duplicates(["site_id", dev_col])
    return [Target(str(site), str(dev), dev_type="" if pd.isna(kind) else str(kind)) for site, dev, kind in rows.values]


def require_sites(targets: Targets) -> Targets:
    """Refuse to extract site-scoped endpoints with no site, saying how to get one."""
    if not targets.sites:
        raise NoSitesError(
            "no site to extract: materialize `user_shops` first (inc-pipeline run does) or set INC_SITES=id1,id2"
        )
    return targets
