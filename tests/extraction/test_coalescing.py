"""Answers of one small record are landed together: the same rows, quarantine and report as landing them one by
one, with far fewer validations. Real simulator over HTTP; `BATCH_ROWS = 1` is page-by-page landing."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pandas as pd
import pytest

from inc_pipeline.catalog import ENDPOINTS_BY_ID
from inc_pipeline.catalog.model import RateLimit
from inc_pipeline.extract import batch as batching
from inc_pipeline.extract import run
from inc_pipeline.extract.plan import Request, Targets, plan_requests
from inc_pipeline.extract.run import LandingOptions, land_requests
from inc_pipeline.landing import Lake
from inc_pipeline.landing.normalise import to_frame
from inc_pipeline.simulator import FaultConfig

from .helpers import PII_KEY, day, sim_client

DAILY = replace(ENDPOINTS_BY_ID["history_day_client_count"], rate=RateLimit())  # one record per site and day
DAYS = [day() - timedelta(days=n) for n in (2, 1, 0)]
BUDGET = run.BATCH_ROWS


def _land(sim, root, monkeypatch, budget: int, faults: FaultConfig):
    """Land DAILY for DAYS with a row budget; returns the report and how many times pandera validation ran."""
    monkeypatch.setattr(run, "BATCH_ROWS", budget)
    calls = []
    validate = run.validate
    monkeypatch.setattr(run, "validate", lambda *args, **kwargs: calls.append(1) or validate(*args, **kwargs))
    sim.set_faults(faults)  # reseeded: both landings get the same answers
    sites = tuple(str(s) for s in sorted(sim.world.sites))
    requests = plan_requests(DAILY, Targets(sites=sites, user=sim.config.user), days=DAYS)
    with sim_client(sim, root / "state") as client:
        report = land_requests(client, DAILY, requests, Lake(root), LandingOptions(pii_key=PII_KEY.encode()),
                               partition_dates=DAYS)  # fmt: skip
    return report, len(calls), len(requests)


def _landed(root) -> pd.DataFrame:
    rows = Lake(root).read(DAILY.id).drop(columns="extracted_at")
    return rows.sort_values(["partition_date", "site_id"]).reset_index(drop=True)


def _quarantined(root) -> pd.DataFrame:
    frames = [Lake(root).read_quarantine(DAILY.id, d) for d in DAYS]
    lines = pd.concat(frames, ignore_index=True).drop(columns=["extracted_at", "source_row"])
    return lines.sort_values(["partition_date", "site_id", "column"]).reset_index(drop=True)


@pytest.mark.parametrize(
    "faults",
    [FaultConfig(), FaultConfig(rate=1.0, kinds=("bad_values", "schema_drift"))],
    ids=["clean", "bad-values-and-drift"],
)
def test_one_record_answers_land_as_page_by_page_with_fewer_validations(fast_sim, tmp_path, monkeypatch, faults):
    alone, alone_calls, requests = _land(fast_sim, tmp_path / "alone", monkeypatch, 1, faults)
    together, together_calls, _ = _land(fast_sim, tmp_path / "together", monkeypatch, BUDGET, faults)

    assert requests >= 6 and together.requests == alone.requests == requests
    assert alone_calls == together.pages == alone.pages == requests  # one record each: one validation each alone
    assert together_calls <= len(DAYS) < requests  # a site's key repeats only on another day
    pd.testing.assert_frame_equal(_landed(tmp_path / "together"), _landed(tmp_path / "alone"))
    assert together.rows == alone.rows and together.rows_landed > 0
    assert together.quarantined == alone.quarantined
    assert (together.unknown_fields, together.missing_fields) == (alone.unknown_fields, alone.missing_fields)
    assert together.duplicates_dropped == alone.duplicates_dropped
    if faults.rate:
        assert together.rows_quarantined > 0 and together.unknown_fields == {"extraField"}
        # the raw value is quarantined with the row it came from: failures moved with their page's offset
        pd.testing.assert_frame_equal(_quarantined(tmp_path / "together"), _quarantined(tmp_path / "alone"))
        for d in DAYS:
            lines = Lake(tmp_path / "together").read_quarantine(DAILY.id, d)
            rows = lines["source_row"].nunique() if len(lines) else 0
            assert rows == together.quarantined[d]  # a distinct position per quarantined row


def test_pages_join_only_without_a_repeated_key_and_within_one_window_where_a_rule_checks_it():
    auth = ENDPOINTS_BY_ID["auth_history"]
    first, second = (day() - timedelta(days=1), day())
    window = (0, 10**13)
    record = {"shop_id": 7, "user_mac": "aa:bb:cc:dd:ee:01", "access_start_time": 1_000}

    def frame(endpoint, records, site="7", partition_date=first):
        return to_frame(endpoint, records, context={"site_id": site}, partition_date=partition_date,
                        extracted_at=pd.Timestamp.now(tz="UTC"))  # fmt: skip

    batch = batching.Batch(auth)
    page, notes = frame(auth, [record])
    request = Request(auth, {}, {"site_id": "7"}, window, None)
    assert batch.joins(page, request)
    batch.add(frame(auth, [record]), request, 1)
    repeated, _ = frame(auth, [record | {"user_type": 1}])
    assert not batch.joins(repeated, request)  # the same key: landing them apart keeps the writer's choice
    other, _ = frame(auth, [record | {"access_start_time": 2_000}])
    assert not batch.joins(other, Request(auth, {}, {"site_id": "7"}, (0, 5_000), None))  # another window
    assert batch.joins(other, request)

    daily = ENDPOINTS_BY_ID["history_day_client_count"]
    batch = batching.Batch(daily)
    batch.add(frame(daily, [{"new": 1, "old": 2, "total": 3}]), Request(daily, {}, {"site_id": "7"}, (0, 1), first), 1)
    other_site, _ = frame(daily, [{"new": 1}], site="8", partition_date=second)
    assert batch.joins(other_site, Request(daily, {}, {"site_id": "8"}, (1, 2), second))  # no window rule here
    same_site, _ = frame(daily, [{"new": 1}], partition_date=second)
    assert not batch.joins(same_site, Request(daily, {}, {"site_id": "7"}, (1, 2), second))  # a key per day
