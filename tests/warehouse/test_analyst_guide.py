"""docs/analyst-guide.md: every query in it answers on the demo's warehouse (`inc-pipeline demo`, run here in its
own process as a user would), and a few answers are checked against the marts they summarise."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.slow

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "analyst-guide.md"
QUERY = re.compile(r"^### (\d+)\. (.+?)\n.*?```sql\n(.*?)```", re.S | re.M)


def questions() -> list[tuple[str, str, str]]:
    return QUERY.findall(GUIDE.read_text())


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    data = tmp_path_factory.mktemp("demo") / "data"
    done = subprocess.run([sys.executable, "-m", "inc_pipeline.cli", "demo", "--data-dir", str(data)],
                          capture_output=True, text=True, timeout=900)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as con:
        yield con


def test_the_guide_asks_twenty_questions_in_order():
    numbers = [int(number) for number, _, _ in questions()]
    assert len(numbers) >= 20 and numbers == list(range(1, len(numbers) + 1))


@pytest.mark.parametrize(("number", "question", "sql"), questions(), ids=lambda v: v if v.isdigit() else None)
def test_every_query_answers_on_the_demo_warehouse(demo, number, question, sql):
    rows = demo.execute(sql).fetchall()
    assert rows, f"question {number} ({question}) has no answer on the demo"


def test_answers_equal_the_marts_they_summarise(demo):
    guide = {int(number): sql for number, _, sql in questions()}
    top = demo.execute(guide[1]).fetchall()[0]
    assert top[3] == demo.execute("select max(total_guests) from marts.guest_daily "
                                  "where date = (select max(date) from marts.guest_daily)").fetchone()[0]  # fmt: skip
    returning = {row[0]: (row[1], row[2]) for row in demo.execute(guide[3]).fetchall()}
    for site, guests, regular in demo.execute(
        "select site_id, sum(total_guests), sum(regular_guests) from marts.guest_daily "
        "where date > (select max(date) - 14 from marts.guest_daily) group by site_id"
    ).fetchall():
        assert returning[site] == (regular, guests)
    authentications = sum(row[2] for row in demo.execute(guide[11]).fetchall())
    assert authentications == demo.execute("select count(*) from marts.auth_sessions").fetchone()[0] > 0
