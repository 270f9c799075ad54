"""Memory is bounded by the landing's row budget (about one full page): pages reach the Parquet writer once that many
rows wait (with a budget of one page, before the next page is asked for), and the writer keeps no rows (they go to
disk as a row group per write). Structure, not timing."""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd
import pyarrow.parquet as pq
import pytest

from inc_pipeline.catalog import ENDPOINTS_BY_ID
from inc_pipeline.catalog.model import RateLimit
from inc_pipeline.extract import run
from inc_pipeline.extract.plan import Targets, day_start_ms, plan_requests
from inc_pipeline.extract.run import LandingOptions, land_requests
from inc_pipeline.landing import Lake, PartitionWriter
from inc_pipeline.simulator import FaultConfig

from .helpers import PII_KEY, day, sim_client

PAGE = 40
# The real auth entry with small pages (so one day is several pages) and no pacing (not what is tested here).
AUTH = replace(ENDPOINTS_BY_ID["auth_history"], page_size=PAGE, rate=RateLimit())


class RecordingLake(Lake):
    """A lake whose partition writer records what it is given, and what it holds, at every page."""

    def __init__(self, root):
        super().__init__(root)
        self.added: list[int] = []  # rows per writer.add call
        self.held_frames: list[int] = []  # DataFrames the writer holds after each add

    def partition_writer(self, table, schema_columns=None, **kwargs) -> PartitionWriter:
        writer = super().partition_writer(table, schema_columns, **kwargs)
        add = writer.add

        def recording_add(frame: pd.DataFrame, requests=None) -> int:
            written = add(frame, requests)
            self.added.append(len(frame))
            self.held_frames.append(sum(isinstance(v, pd.DataFrame) for v in _values(writer)))
            return written

        writer.add = recording_add
        return writer


def _values(writer: PartitionWriter):
    yield from vars(writer).values()
    for part in writer._open.values():
        yield from vars(part).values()


class PagingClient:
    """The real client, with a note of what the writer had received when each next page was asked."""

    def __init__(self, client, lake: RecordingLake):
        self.client, self.lake = client, lake
        self.adds_before_page, self.rows_before_page = [], []

    def iter_pages(self, endpoint, params):
        for page in self.client.iter_pages(endpoint, params):
            self.adds_before_page.append(len(self.lake.added))
            self.rows_before_page.append(sum(self.lake.added))
            yield page


def test_with_a_budget_of_one_page_each_page_is_written_before_the_next_is_fetched(fast_sim, tmp_path, monkeypatch):
    monkeypatch.setattr(run, "BATCH_ROWS", PAGE)
    sites = tuple(str(s) for s in sorted(fast_sim.world.sites))
    requests = plan_requests(AUTH, Targets(sites=sites), days=[day()])
    start = day_start_ms(day())
    records = sum(len(fast_sim.world.window(int(s), start, start + 86_400_000 - 1)) for s in sites)
    pages = math.ceil(records / PAGE)
    assert pages >= 4

    lake = RecordingLake(tmp_path)
    with sim_client(fast_sim, tmp_path / "state") as client:
        paging = PagingClient(client, lake)
        report = land_requests(paging, AUTH, requests, lake, LandingOptions(pii_key=PII_KEY.encode()))

    assert report.pages == len(lake.added) == pages
    assert paging.adds_before_page == list(range(pages))  # page n is asked only once pages 0..n-1 were written
    assert max(lake.added) <= PAGE
    assert set(lake.held_frames) == {0}  # the writer keeps no page in memory
    part = pq.ParquetFile(lake.partition_path("auth_history", day()))
    assert part.metadata.num_rows == records == report.rows_landed
    assert part.num_row_groups == pages  # each page went to disk as it came


def test_small_pages_are_written_together_and_never_more_than_the_budget_waits(fast_sim, tmp_path, monkeypatch):
    budget = 3 * PAGE
    monkeypatch.setattr(run, "BATCH_ROWS", budget)
    sites = tuple(str(s) for s in sorted(fast_sim.world.sites))
    requests = plan_requests(AUTH, Targets(sites=sites), days=[day()])
    start = day_start_ms(day())
    records = sum(len(fast_sim.world.window(int(s), start, start + 86_400_000 - 1)) for s in sites)

    lake = RecordingLake(tmp_path)
    with sim_client(fast_sim, tmp_path / "state") as client:
        paging = PagingClient(client, lake)
        report = land_requests(paging, AUTH, requests, lake, LandingOptions(pii_key=PII_KEY.encode()))

    pages = report.pages
    assert pages >= 4 and len(lake.added) < pages  # pages went to the writer together
    assert max(lake.added) <= budget
    fetched_before = [n * PAGE for n in range(pages)]  # every page but the last is full
    waiting = [f - w for f, w in zip(fetched_before, paging.rows_before_page, strict=True)]
    assert max(waiting) <= budget - PAGE  # asking for a page never leaves more than the budget unwritten
    assert set(lake.held_frames) == {0}
    assert sum(lake.added) == records == report.rows_landed == len(lake.read("auth_history"))


@pytest.mark.parametrize("budget", [1, 2 * PAGE + PAGE // 2, run.BATCH_ROWS])
def test_a_record_repeated_on_the_next_page_lands_once_and_the_report_says_so(fast_sim, tmp_path, monkeypatch, budget):
    # 2.5 pages: a request's pages straddle two writes; the default: a repeated key itself starts a new write.
    monkeypatch.setattr(run, "BATCH_ROWS", budget)
    fast_sim.set_faults(FaultConfig(rate=1.0, kinds=("repeat_records",)))  # each page starts with the last one's end
    sites = tuple(str(s) for s in sorted(fast_sim.world.sites))
    start = day_start_ms(day())
    records = sum(len(fast_sim.world.window(int(s), start, start + 86_400_000 - 1)) for s in sites)
    lake = Lake(tmp_path)
    with sim_client(fast_sim, tmp_path / "state") as client:
        requests = plan_requests(AUTH, Targets(sites=sites), days=[day()])
        report = land_requests(client, AUTH, requests, lake, LandingOptions(pii_key=PII_KEY.encode()))

    landed = lake.read("auth_history")
    assert len(landed) == records
    assert not landed.duplicated(["site_id", "user_mac", "access_start_time"]).any()
    assert report.rows_landed == len(landed)  # what the metadata says landed is what is on disk
    assert report.duplicates_dropped == report.pages - 1 > 0
