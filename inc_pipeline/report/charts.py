"""The report's charts: Vega-Altair specifications rendered to SVG by vl-convert, in this process, with no network.

Each chart's data is inline (`alt.Data(values=...)`), and vl-convert is allowed no base URL, so nothing is fetched
while rendering; the SVG goes into the page as it is, with no script to run.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import altair as alt
import vl_convert

from .figures import DWELL_BUCKETS, Figures

WIDTH, HEIGHT = 430, 170
# Altair's schema version names the Vega-Lite release vl-convert must compile with (e.g. v6.4.1 -> 6.4).
VEGA_LITE_VERSION = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
# Days are ordinal, their ISO text as the mart names them (MM-DD on the axis): a time scale would place them in the
# renderer's time zone and draw bars edge to edge.
DAY = alt.X(
    "date:O", title="day (UTC)", axis=alt.Axis(labelExpr="slice(datum.value, 5)", labelAngle=0, labelOverlap="greedy")
)
BUCKET_LABELS = {"dwell_lt_5m": "< 5 min", "dwell_5_30m": "5-30 min", "dwell_30_120m": "30-120 min",
                 "dwell_gte_120m": ">= 120 min"}  # fmt: skip
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def guests_per_day(figures: Figures) -> alt.Chart:
    rows = [{"date": g["date"], "guests": kind, "count": g[f"{kind}_guests"]}
            for g in figures.guests for kind in ("new", "regular")]  # fmt: skip
    return (
        _chart(rows)
        .mark_bar()
        .encode(
            x=DAY,
            y=alt.Y("count:Q", title="guests (guest_daily)"),
            color=alt.Color("guests:N", title=None, sort=["new", "regular"]),
            order=alt.Order("guests:N"),
        )
    )


def dwell_distribution(figures: Figures) -> alt.Chart:
    rows = [{**d, "dwell": BUCKET_LABELS[d["bucket"]], "rank": DWELL_BUCKETS.index(d["bucket"])}
            for d in figures.dwell]  # fmt: skip
    order = [BUCKET_LABELS[b] for b in DWELL_BUCKETS]
    return (
        _chart(rows)
        .mark_bar()
        .encode(
            x=DAY,
            y=alt.Y("clients:Q", title="clients by dwell (dwell_daily)"),
            color=alt.Color("dwell:N", title=None, sort=order, scale=alt.Scale(domain=order, scheme="blues")),
            order=alt.Order("rank:Q"),
        )
    )


def vendor_share(figures: Figures) -> alt.Chart:
    return (
        _chart(figures.vendors)
        .mark_bar()
        .encode(
            x=DAY,
            y=alt.Y(
                "clients:Q", stack="normalize", title="share of clients (vendor_daily)", axis=alt.Axis(format="%")
            ),  # fmt: skip
            color=alt.Color("vendor:N", title=None, scale=alt.Scale(scheme="tableau20")),
            order=alt.Order("vendor:N"),
        )
    )


def hour_of_week(figures: Figures) -> alt.Chart:
    rows = [{**h, "day": WEEKDAYS[h["weekday"] - 1]} for h in figures.hour_of_week]
    return (
        _chart(rows, height=7 * 20)
        .mark_rect()
        .encode(
            x=alt.X("hour_of_day:O", title="hour of day (UTC)", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("day:O", title=None, sort=list(WEEKDAYS)),
            color=alt.Color("avg_clients:Q", title="mean clients", scale=alt.Scale(scheme="oranges")),
        )
    )


def authentications_per_day(figures: Figures) -> alt.Chart:
    return (
        _chart(figures.authentications)
        .mark_bar()
        .encode(
            x=DAY,
            y=alt.Y("sessions:Q", title="authentications (auth_sessions)"),
            color=alt.Color("auth_type:N", title=None),
            order=alt.Order("auth_type:N"),
        )
    )


# The charts of a section, in page order: (id, title, how to draw it).
CHARTS: tuple[tuple[str, str, Callable[[Figures], alt.Chart]], ...] = (
    ("guests_per_day", "Guests per day: new and regular", guests_per_day),
    ("dwell_distribution", "Dwell distribution per day", dwell_distribution),
    ("vendor_share", "Vendor share of clients per day", vendor_share),
    ("hour_of_week", "Clients by hour of the week (mean over the range's weeks)", hour_of_week),
    ("authentications_per_day", "Portal authentications per day, by method", authentications_per_day),
)


def to_svg(chart: alt.Chart, id_prefix: str) -> str:
    """The chart as an SVG element; its ids (clip paths, gradients) prefixed, as several SVGs share one page."""
    svg = vl_convert.vegalite_to_svg(chart.to_dict(), vl_version=VEGA_LITE_VERSION, allowed_base_urls=[])
    svg = svg[svg.index("<svg") :]  # an XML declaration is not allowed inside HTML
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{id_prefix}-\1"', svg)
    return re.sub(r'(url\(#|href="#)([^")]+)', rf"\g<1>{id_prefix}-\2", svg)


def _chart(rows: list[dict], *, height: int = HEIGHT) -> alt.Chart:
    return alt.Chart(alt.Data(values=rows)).properties(width=WIDTH, height=height)
