"""The daily report under partitions in another time zone: each landed row is the API's own whole UTC day, the
same as asked under UTC partitions (it was two partial days when asked over local days)."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
from warehouse.oracle import Oracle

from inc_pipeline.catalog import ENDPOINTS_BY_ID
from inc_pipeline.extract.plan import Targets, plan_requests
from inc_pipeline.extract.run import LandingOptions, land_requests
from inc_pipeline.landing import Lake

from .helpers import PII_KEY, day, sim_client

REPORT = ENDPOINTS_BY_ID["history_day_report"]
DAYS = [day() - timedelta(days=1), day()]
FIELDS = ["clientCount", "newCount", "oldCount", "avgTime", "totalRxBytes", "totalTxBytes"]


def _landed(sim, root, tz: str) -> pd.DataFrame:
    sites = tuple(str(s) for s in sorted(sim.world.sites))
    requests = plan_requests(REPORT, Targets(sites=sites, user=sim.config.user), days=DAYS, tz=tz)
    with sim_client(sim, root / "state") as client:
        report = land_requests(client, REPORT, requests, Lake(root), LandingOptions(pii_key=PII_KEY.encode()),
                               partition_dates=DAYS)  # fmt: skip
    assert not report.units_failed
    frame = Lake(root).read(REPORT.id)[["partition_date", "site_id", *FIELDS]]
    return frame.sort_values(["partition_date", "site_id"]).reset_index(drop=True)


def test_sao_paulo_partitions_land_the_apis_utc_days(fast_sim, tmp_path):
    local = _landed(fast_sim, tmp_path / "sao_paulo", "America/Sao_Paulo")
    pd.testing.assert_frame_equal(local, _landed(fast_sim, tmp_path / "utc", "UTC"))
    assert len(local) == 2 * len(fast_sim.world.sites)
    site = str(min(fast_sim.world.sites))
    with sim_client(fast_sim, tmp_path / "oracle") as client:  # the API's own answer for one site's UTC day
        api = Oracle(client, fast_sim.config.user).one(REPORT.id, site, DAYS[0])
    row = local[(local["site_id"] == site) & (local["partition_date"] == DAYS[0])].iloc[0]
    assert [row[f] for f in FIELDS] == [api[f] for f in FIELDS]
