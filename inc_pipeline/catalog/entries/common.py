"""What several entries share: the manual's rate limits, recurring notes, personal fields, and the builders
of the /stamonitor statistics and report entries."""

from __future__ import annotations

from ..model import Cadence, Endpoint, Pagination, Period, RateLimit, Scope, Shape, Span, Window

ONE_PER_SECOND = RateLimit(per_second=1)
HUNDRED_PER_DAY = RateLimit(per_day=100)
NONE_STATED = RateLimit()

STAMONITOR_NOTE = (
    "`shops` is 'required' and 'optional' in the same cell; we always send it, one site per call, because "
    "stamonitor aggregates the sites it is given and the marts need per-site numbers"
)
CURRENT_NOTE = "'current' endpoint still requires startTime/endTime: we send today 00:00 UTC up to now"
RANGED_NOTE = (
    "one request per site covers a run of days: the manual gives this trend one row per {unit} of "
    "[startTime, endTime] and states no longest range; each row lands in the partition of its own `{field}`"
)

AUTH_PERSONAL_FIELDS = (
    "mobile_no", "user_name", "app_auth_id", "app_account", "open_id", "nickname", "headimgurl", "unionid",
    "tid", "app_id", "mobile_decode", "user_ip",
)  # fmt: skip
# A client's device MAC and IP are personal data too (they single out a person's phone); the MAC is pseudonymised
# under either policy, since the marts count distinct clients by it.
CLIENT_PERSONAL_FIELDS = ("clientMAC", "clientIP")

REPORT_FIELDS = (
    "_id", "scenarioid", "statTime", "clientCount", "avgTime", "newCount", "oldCount",
    "totalRxBytes", "totalTxBytes", "avgRxBytes", "avgTxBytes",
)  # fmt: skip


def stamonitor(
    id: str,
    domain: str,
    title: str,
    name: str,
    fields: tuple[str, ...],
    *,
    shape: Shape = Shape.OBJECT,
    cadence: Cadence = Cadence.WINDOW,
    key: tuple[str, ...] = ("site_id",),
    series_time_field: str | None = None,
    span: Span = Span.DAY,
    scope: Scope = Scope.SITE,
    fixed_params: dict | None = None,
    notes: tuple[str, ...] = (),
    **extra,
) -> Endpoint:
    """A /stamonitor statistics endpoint: POST, user + shops + startTime/endTime, no stated rate limit.

    `span=Span.RUN` for the trends and reports, whose rows each name their hour, day, week or month: one request
    covers a run of days. The per-day aggregates keep one request per day (distinct clients do not add up)."""
    current = (CURRENT_NOTE,) if cadence is Cadence.SNAPSHOT else ()
    one_site = (STAMONITOR_NOTE,) if scope is Scope.SITE else ()
    return Endpoint(
        id=id,
        domain=domain,
        title=title,
        method="POST",
        path=f"/stamonitor/{name}",
        rate=NONE_STATED,
        scope=scope,
        cadence=cadence,
        shape=shape,
        fields=fields,
        natural_key=key,
        window=Window("startTime", "endTime", span=span),
        site_field=extra.pop("site_field", "shops"),
        needs_user=True,
        series_time_field=series_time_field,
        fixed_params=fixed_params or {},
        notes=(*one_site, *current, *notes),
        **extra,
    )


def trend(
    id: str,
    domain: str,
    title: str,
    name: str,
    fields: tuple[str, ...],
    *,
    time_field: str,
    unit: str,
    notes: tuple[str, ...] = (),
    **extra,
) -> Endpoint:
    """A trend: one row per `unit` of [startTime, endTime], each naming it in `time_field`; one request per site
    covers a run of days, and each row lands in the partition of its own time."""
    return stamonitor(
        id, domain, title, name, fields,
        shape=Shape.SERIES, key=("site_id", time_field), series_time_field=time_field, span=Span.RUN,
        notes=(RANGED_NOTE.format(unit=unit, field=time_field), *notes),
        **extra,
    )  # fmt: skip


def report(id: str, title: str, name: str, fields: tuple[str, ...], period: Period, **extra) -> Endpoint:
    """A report: one request for up to 100 sites and a run of days. One site answers {info, totalPage} (cursor
    paged), several a bare list of records naming their site (`scenarioid`) and period (`statTime`)."""
    return stamonitor(
        id, "reports", title, name, fields,
        shape=Shape.LIST, key=("site_id", "statTime"), pagination=Pagination.CURSOR, page_size=100,
        records_path=("info",), series_time_field="statTime", series_period=period, api_periods=True, span=Span.RUN,
        scope=Scope.SITE_BATCH, batch_size=100, record_site_field="scenarioid",
        notes=(
            "several sites in one call: the manual answers them with records carrying scenarioid (its tables 97, "
            "101, 105); the bare list has no totalPage, so it is read as the whole answer (limit is still sent), "
            "except that one exactly limit long, which may have been cut there, is asked again in halves of its sites; "
            "the manual states no most sites per call: 100, as /shop/device's public clients send",
            "a run of days in one call: one record per whole period (statTime) of [startTime, endTime]; the "
            "manual states no longest range",
            "sortRoule/sortName/authType are left out: their wire tokens were translated away in the manual, so "
            "the reports cover association statistics, not portal authentication ones",
            "report rows cover whole periods: a week (month) is reported by the partition of its last day",
        ),
        **extra,
    )  # fmt: skip
