"""`inc-pipeline report` without a browser: what it prints, what it refuses, and the completeness banner."""

from __future__ import annotations

import re

import pytest

from inc_pipeline.cli import main

from .conftest import FIRST, LAST


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["report", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_without_a_warehouse_it_is_one_line_saying_how_to_build_one(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("INC_DATA_DIR", str(tmp_path))
    code, out, err = run(capsys)
    assert (code, out) == (2, "")
    assert err == (f"inc-pipeline report: no warehouse at {tmp_path / 'warehouse.duckdb'} yet: build one with "
                   "inc-pipeline run --start ... --end ... (or try inc-pipeline demo)\n")  # fmt: skip
    assert not (tmp_path / "report.html").exists()


@pytest.mark.slow  # the package's warehouse (about 23 s) unless the browser test built it already
def test_an_unknown_site_is_one_line_naming_the_sites(report_data, capsys):
    code, out, err = run(capsys, "--site", "999")
    assert (code, out) == (2, "")
    assert err == ("inc-pipeline report: --site 999 is not in the warehouse: give one of its sites "
                   "(1001, 1002, 1003) or leave --site out\n")  # fmt: skip


@pytest.mark.slow
def test_one_site_over_a_range_with_a_missing_day(report_data, tmp_path, capsys):
    out_file = tmp_path / "one.html"
    code, out, err = run(capsys, "--site", "1002", "--start", "2026-11-12", "--end", str(LAST), "--out", str(out_file))
    assert (code, err) == (0, "")
    assert out == f"inc-pipeline report: 2026-11-12..{LAST}, 1 site(s): {out_file.as_uri()}\n"
    page = out_file.read_text()
    assert re.findall(r'data-section="([^"]+)"', page) == ["site-1002"]
    assert 'class="banner gaps"' in page and "Incomplete: 4 of 4 marts miss days of the range." in page
    assert "<li>guest_daily: 7 of 8 days, missing 2026-11-12</li>" in page


@pytest.mark.slow
def test_the_default_range_is_guest_dailys_and_the_default_file_is_in_the_data_dir(report_data, capsys):
    code, out, _ = run(capsys)
    assert code == 0
    assert out == f"inc-pipeline report: {FIRST}..{LAST}, 3 site(s): {(report_data / 'report.html').as_uri()}\n"
