"""The report in a real browser (Debian's chromium, headless, driven by Playwright): it opens from file:// alone,
asks for nothing else, logs no error, draws every chart, and shows the marts' own numbers.

Set INC_REPORT_SCREENSHOT=docs/report-screenshot.png to refresh the screenshot the docs show (the test writes
only under tmp_path otherwise)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest

from inc_pipeline.cli import main
from inc_pipeline.report.charts import CHARTS

from .conftest import FIRST, LAST

pytestmark = pytest.mark.slow  # the week's run and build take most of it (about 25 s on 2 cores)

CHROMIUM = Path("/usr/bin/chromium")
# No network of any kind: a page that tried would fail here and show in the request log below.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
CHART_IDS = [chart_id for chart_id, _, _ in CHARTS]


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("chromium missing: apt-get install -y chromium (.ci/run installs it)")
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def opened(report_data, browser, tmp_path_factory):
    """The report written by `inc-pipeline report`, open in a page, with every request and message it caused."""
    out = tmp_path_factory.mktemp("report") / "report.html"
    assert main(["report", "--out", str(out)]) == 0
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requests, failed, messages = [], [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on("console", lambda message: messages.append((message.type, message.text)))
    page.on("pageerror", lambda error: messages.append(("error", str(error))))
    page.goto(out.as_uri(), wait_until="load")
    yield {"page": page, "out": out, "requests": requests, "failed": failed, "messages": messages}
    page.close()


def test_the_page_asks_for_nothing_but_itself_and_logs_no_error(opened):
    assert opened["requests"] == [opened["out"].as_uri()]
    assert opened["failed"] == []
    assert [m for m in opened["messages"] if m[0] in ("error", "warning")] == []


def test_every_chart_of_every_section_is_drawn(opened, report_data):
    page = opened["page"]
    sections = page.eval_on_selector_all("section[data-section]", "all => all.map(s => s.dataset.section)")
    assert sections == ["account", "site-1001", "site-1002", "site-1003"]
    for section in sections:
        for chart_id in CHART_IDS:
            svg = page.locator(f'section[data-section="{section}"] figure[data-chart="{chart_id}"] svg')
            assert svg.count() == 1, (section, chart_id)
            box = svg.bounding_box()
            assert box and box["width"] > 100 and box["height"] > 100, (section, chart_id, box)
            # data marks (bars, heat-map cells) the browser laid out with an area, axes and legends aside
            drawn = svg.evaluate("""svg => [...svg.querySelectorAll('g.role-mark > path')]
                .filter(mark => { const b = mark.getBBox(); return b.width > 0 && b.height > 0; }).length""")
            assert drawn > 0, (section, chart_id)
    cells = page.locator('section[data-section="site-1001"] figure[data-chart="hour_of_week"] g.role-mark > path')
    assert cells.count() == 7 * 24  # a week of hours, one cell each


def test_the_numbers_shown_are_the_marts(opened, report_data):
    page = opened["page"]
    with duckdb.connect(str(report_data / "warehouse.duckdb"), read_only=True) as con:
        guests = dict(con.execute("select site_id, sum(total_guests) from marts.guest_daily "
                                  "where date between ? and ? group by site_id", [FIRST, LAST]).fetchall())  # fmt: skip
        sessions = con.execute("select count(*) from marts.auth_sessions").fetchone()[0]

    def shown(section: str, figure: str) -> int:
        text = page.locator(f'section[data-section="{section}"] [data-figure="{figure}"] .value').inner_text()
        return int(text.replace(",", ""))

    assert {site: shown(f"site-{site}", "total_guests") for site in guests} == guests
    assert shown("account", "total_guests") == sum(guests.values())
    assert shown("account", "authentications") == sessions
    banner = page.locator('section[data-section="account"] [data-banner]').inner_text()
    assert banner.startswith("Complete: every mart has all 7 days of the range.")


def test_screenshot(opened, tmp_path):
    """The top of the page as the docs show it."""
    shot = tmp_path / "report-screenshot.png"
    opened["page"].screenshot(path=str(shot), full_page=True, clip={"x": 0, "y": 0, "width": 1280, "height": 1500})
    assert shot.stat().st_size > 10_000
    if target := os.environ.get("INC_REPORT_SCREENSHOT"):
        shutil.copyfile(shot, target)
