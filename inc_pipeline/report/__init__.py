"""A static HTML report of the published warehouse: per account and per site, guests, dwell, vendors, hours of the
week, authentications and how complete the range is. Offline: charts are inline SVG, the page loads nothing.
No Dagster here: the CLI and the demo call `write_report`."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from inc_pipeline.errors import UserError

from .figures import current_build, default_range, figures, open_warehouse, sites
from .page import Section, render

__all__ = ["Report", "write_report"]


@dataclass(frozen=True)
class Report:
    """What was written: the file, the range and the sites it covers."""

    path: Path
    start: date
    end: date
    site_ids: list[str]


def write_report(warehouse: Path, out: Path, *, site: str | None = None, start: date | None = None,
                 end: date | None = None) -> Report:  # fmt: skip
    """Write the report of `warehouse` (opened read-only) to `out`: the account's sites together, then each site
    (only `site` when given), from `start` to `end` (default: the first and last day of guest_daily)."""
    with open_warehouse(warehouse) as con:
        known = sites(con)
        chosen = [s for s in known if site is None or s.site_id == site]
        if not chosen:
            ids = ", ".join(s.site_id for s in known) or "none yet"
            raise UserError(f"--site {site} is not in the warehouse: give one of its sites ({ids}) or leave --site out")
        site_ids = [s.site_id for s in chosen]
        first, last = default_range(con, site_ids)
        start, end = start or first, end or last
        if start is None or end is None:
            raise UserError("the warehouse has no guest_daily rows for these sites: give --start and --end, or "
                            "land some days first (inc-pipeline run --start ... --end ...)")  # fmt: skip
        if end < start:
            raise UserError(f"--end {end} is before --start {start}")
        sections = [Section(f"site-{s.site_id}", f"Site {s.name} ({s.site_id})", figures(con, [s.site_id], start, end))
                    for s in chosen]  # fmt: skip
        if site is None:
            account = Section("account", f"Account: all {len(site_ids)} sites", figures(con, site_ids, start, end))
            sections.insert(0, account)
        page = render(sections, build=current_build(con), start=start, end=end)
    _write_atomically(out, page)
    return Report(out, start, end, site_ids)


def _write_atomically(out: Path, page: str) -> None:
    """A reader (a browser reloading it) sees the old report or the new one, never half of one."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = out.with_name(f".{out.name}.partial")
        partial.write_text(page, encoding="utf-8")
        os.replace(partial, out)
    except OSError as exc:
        raise UserError(f"{out} cannot be written ({exc.strerror}): choose another --out") from None
