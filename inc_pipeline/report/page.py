"""The report as one HTML page: styles inline, charts as inline SVG, no script and no link to anything outside."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape

from inc_pipeline.days import runs_text

from .charts import CHARTS, to_svg
from .figures import Build, Figures

STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1180px; color: #222; padding: 0 16px; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 18px; margin: 32px 0 8px; border-top: 1px solid #ccc;
padding-top: 16px; } .meta { color: #555; } .banner { padding: 8px 12px; border-radius: 4px; margin: 8px 0; }
.banner.complete { background: #e6f4ea; border: 1px solid #a8d5b5; } .banner.gaps { background: #fff4e0;
border: 1px solid #f0c36d; } .banner ul { margin: 4px 0 0; padding-left: 20px; }
.figures { display: flex; flex-wrap: wrap; gap: 12px; margin: 8px 0; padding: 0; list-style: none; }
.figures li { background: #f5f5f5; border-radius: 4px; padding: 6px 12px; } .figures .value { font-size: 20px;
font-weight: 600; display: block; } .charts { display: flex; flex-wrap: wrap; gap: 16px; }
figure.chart { margin: 0; } figure.chart figcaption { font-weight: 600; margin-bottom: 4px; }
.empty { color: #777; font-style: italic; }
"""


@dataclass(frozen=True)
class Section:
    """One part of the page: the account (its sites together) or one site."""

    key: str  # "account" or "site-<id>": prefixes the ids inside its charts
    title: str
    figures: Figures


def render(sections: list[Section], *, build: Build, start: date, end: date) -> str:
    """The whole page."""
    body = "\n".join(_section(s) for s in sections)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>INC report {start}..{end}</title><style>{STYLE}</style></head>
<body>
<h1>INC Cloud report, {start}..{end} (UTC days)</h1>
<p class="meta">From warehouse version {build.version}, built {build.built_at:%Y-%m-%d %H:%M:%S %Z}; source
{escape(build.source_label)}. Figures over several days or sites are sums of the marts' values, except where a
mean is named.</p>
{body}
</body></html>
"""


def _section(section: Section) -> str:
    figures = section.figures
    charts = "\n".join(_chart(section.key, chart_id, title, draw, figures) for chart_id, title, draw in CHARTS)
    return f"""<section id="{section.key}" data-section="{section.key}">
<h2>{escape(section.title)}</h2>
{_banner(figures)}
{_figures(figures)}
<div class="charts">
{charts}
</div>
</section>"""


def _banner(figures: Figures) -> str:
    gaps = [c for c in figures.coverage if c.missing]
    lines = "".join(
        f"<li>{c.mart}: {c.covered} of {c.days} days"
        + (f", missing {runs_text(c.missing)}" if c.missing else "") + "</li>"
        for c in figures.coverage
    )  # fmt: skip
    days = figures.coverage[0].days
    headline = (f"Complete: every mart has all {days} days of the range." if not gaps
                else f"Incomplete: {len(gaps)} of {len(figures.coverage)} marts miss days of the range.")  # fmt: skip
    return f'<div class="banner {"gaps" if gaps else "complete"}" data-banner>{headline}<ul>{lines}</ul></div>'


def _figures(figures: Figures) -> str:
    totals = figures.totals
    dwell = "-" if totals.mean_avg_dwell_s is None else f"{totals.mean_avg_dwell_s:,.0f} s"
    items = (
        ("total_guests", "guests (sum of guest_daily.total_guests)", f"{totals.total_guests:,}"),
        ("new_guests", "new guests", f"{totals.new_guests:,}"),
        ("regular_guests", "regular guests", f"{totals.regular_guests:,}"),
        ("mean_avg_dwell_s", "mean of daily avg_dwell_s", dwell),
        ("authentications", "portal authentications", f"{totals.authentications:,}"),
        ("top_vendor", "top vendor by clients", escape(totals.top_vendor or "-")),
    )
    cells = "".join(f'<li data-figure="{key}"><span class="value">{value}</span>{label}</li>'
                    for key, label, value in items)  # fmt: skip
    return f'<ul class="figures">{cells}</ul>'


def _chart(section_key: str, chart_id: str, title: str, draw, figures: Figures) -> str:
    chart = draw(figures)
    if not chart.data.values:
        content = '<p class="empty">no rows in this range</p>'
    else:
        content = to_svg(chart, f"{section_key}-{chart_id}")
    return f'<figure class="chart" data-chart="{chart_id}"><figcaption>{escape(title)}</figcaption>{content}</figure>'
