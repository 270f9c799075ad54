"""The shape of one catalog entry: everything the client, simulator and assets need to know about an endpoint.

An endpoint is data. Adding one of the vendor's endpoints means adding an `Endpoint(...)` to its module in `entries/`;
nothing else in the code loops over endpoints by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Pagination(StrEnum):
    """How an endpoint splits a long answer (manual: three styles, plus none)."""

    NONE = "none"
    PAGE_INDEX = "page_index"  # body page_index (1-based) / page_size (1..5000): auth history
    SKIP_LIMIT = "skip_limit"  # query string skipnum (offset) / limitnum (page size): device client lists
    CURSOR = "cursor"  # body active=firstPage|nextPage|prePage|lastPage, local=<last record>, totalPage: reports


class Scope(StrEnum):
    """What one request is about, which decides how the extractor fans requests out."""

    ACCOUNT = "account"  # no site parameter: /user/shop
    SITE_BATCH = "site_batch"  # many site ids in one call (shopIds array, up to `batch_size`)
    SITE = "site"  # one site per call; stamonitor aggregates the sites it is given, so per-site numbers need one each
    DEVICE = "device"  # one device serial number per call (devsn / devSN)
    DEVICE_BATCH = "device_batch"  # devSN array, up to `batch_size` serial numbers per call
    AP = "ap"  # one device serial and one AP serial per call
    SSID = "ssid"  # one (site, device, SSID) triple per call


class Span(StrEnum):
    """How many days one request of a window endpoint asks for."""

    DAY = "day"  # one request per day: per-day aggregates (distinct clients do not add up over days)
    RUN = "run"  # one request per contiguous run of days (cut at `Window.max_hours` when set): rows carry their time


class Period(StrEnum):
    """What a row's `series_time_field` names, so which daily partition the row of a multi-day answer lands in."""

    DAY = "day"  # a moment, an hour or a day: the day it falls on (UTC)
    WEEK = "week"  # a week by its Monday: the partition of its Sunday (a week is reported once complete)
    MONTH = "month"  # a month by 'YYYY-MM' (or its first day): the partition of its last day


class StatRange(StrEnum):
    """A range of days a per-day aggregate is also asked over, ending on a partition day (catalog/ranges.py).

    Peaks, top/bottom rankings, averages and distinct clients do not add up over days: a range is asked of the
    API over the range itself, never summed from the daily rows."""

    LAST_7 = "last_7"  # the 7 days ending on the day
    LAST_30 = "last_30"  # the 30 days ending on the day
    MONTH = "month"  # the calendar month of the day, from its first day up to the day (partial until its last)


class Cadence(StrEnum):
    """Whether an endpoint is read per daily partition window or as a stamped snapshot."""

    WINDOW = "window"  # daily partitions; each asks only for its own [day start, next day start) window
    SNAPSHOT = "snapshot"  # current state; landed under the extraction day, stamped with the extraction time


class Shape(StrEnum):
    """Where the records sit in `data`, after `records_path` is followed."""

    OBJECT = "object"  # one object -> one row
    LIST = "list"  # list of records -> one row each
    SERIES = "series"  # list of points in time -> one row per point
    STRINGS = "strings"  # list of bare strings (client MACs) -> one row each, column `value`
    TOP_BOTTOM = "top_bottom"  # {top5: [...], bottom5: [...]} -> one row per entry with column `rank_group`
    # the region tree (children -> states -> cities -> shopsInfo) -> one row per site, with region, state and city
    # (client/site_tree.py); a flat list of sites -> one row each, as LIST
    SITE_TREE = "site_tree"


@dataclass(frozen=True)
class RateLimit:
    """The limit the manual states; `None` fields mean the manual states none."""

    per_second: float | None = None
    per_day: int | None = None

    @property
    def stated(self) -> str:
        """The limit as the manual words it, for metadata and `plan`."""
        if self.per_day:
            return f"{self.per_day}/day"
        if self.per_second:
            return f"{self.per_second:g}/second"
        return "none stated"


@dataclass(frozen=True)
class Window:
    """How a time window travels: ms-epoch field names, how many days a request covers, the longest window the API
    accepts (`max_hours`, cutting a `Span.RUN`)."""

    start_field: str = "startTime"
    end_field: str = "endTime"
    max_hours: int | None = None
    span: Span = Span.DAY


@dataclass(frozen=True)
class Endpoint:
    """One vendor endpoint, described as data."""

    id: str  # also the landed table name
    domain: str  # owner domain: the Dagster asset group
    title: str  # the manual's title, in English
    method: str  # GET or POST
    path: str
    rate: RateLimit
    scope: Scope
    cadence: Cadence
    shape: Shape
    fields: tuple[str, ...]  # record fields the manual lists, for schemas and drift
    natural_key: tuple[str, ...]  # unique within a landed partition (after site_id / snapshot stamp are added)
    window: Window | None = None
    pagination: Pagination = Pagination.NONE
    page_size: int = 0  # requested page size for paginated endpoints
    records_path: tuple[str, ...] = ()  # keys to follow inside `data` to reach the records
    site_field: str | None = None  # request field carrying site id(s): shops, shopIds, shop_id, Shops
    device_field: str | None = None  # request field carrying the device serial: devsn or devSN
    record_site_field: str | None = None  # SITE_BATCH / ACCOUNT: the record field naming its site (shopId, shop_id)
    page_fields: tuple[str, ...] = ()  # wire names of the paging fields when they differ from the style's defaults
    batch_size: int = 1  # ids per call for *_BATCH scopes
    fixed_params: dict = field(default_factory=dict)  # constant request fields (method discriminators, report type)
    query_params: tuple[str, ...] = ()  # request fields that travel in the query string even on POST
    needs_user: bool = False  # stamonitor: `user` (the account name) is required
    series_time_field: str | None = None  # the field holding each row's time (routes rows of multi-day answers)
    series_period: Period = Period.DAY  # what that time names: a day (or moment), a week, a month
    # Each row is the API's own figure for a whole UTC day, ISO week or calendar month (a report's statTime): it
    # cannot be re-cut to another zone's days, so it is asked on UTC boundaries whatever INC_TIMEZONE says.
    api_periods: bool = False
    personal_fields: tuple[str, ...] = ()  # personal data: pseudonymised or dropped before landing
    device_types: frozenset[str] | None = None  # DEVICE scope: the devTypes that answer it (None: every type)
    notes: tuple[str, ...] = ()  # assumptions this entry makes where the manual is silent
    # Ranges of days this per-day aggregate is also asked over (INC_STAT_RANGES chooses among them); their rows
    # land in the table `<id>_by_range` (catalog/ranges.py), never in the daily one.
    ranges: tuple[StatRange, ...] = ()
    # Fixed fields replaced for a whole calendar month (the report summary's reportType=month): a partial month
    # keeps `fixed_params`, whose window the manual reads as asked.
    month_params: dict = field(default_factory=dict)
    range_of: str | None = None  # a range table: the id of the daily endpoint whose ranges it holds

    @property
    def paging_field_names(self) -> tuple[str, ...]:
        """Wire names of the paging fields: (index, size) / (skip, limit) / (active, limit, local, totalPage)."""
        return self.page_fields or _DEFAULT_PAGE_FIELDS[self.pagination]

    @property
    def is_windowed(self) -> bool:
        return self.cadence is Cadence.WINDOW

    @property
    def quota_per_day(self) -> int | None:
        return self.rate.per_day

    def answers(self, dev_type: str) -> bool:
        """Whether a device of `dev_type` answers this endpoint (an unknown type is asked: it may)."""
        return self.device_types is None or not dev_type or dev_type in self.device_types


# Device types (`devType`): the manual names AC and XIAOBEIROUTER; the platform also manages switches and cloud APs,
# and public clients ask controller-only endpoints only of controllers (field-notes.md).
CONTROLLERS = frozenset({"AC", "XIAOBEIROUTER"})
WITH_CLIENTS = CONTROLLERS | {"CLOUDAP"}  # devices Wi-Fi clients connect to


_DEFAULT_PAGE_FIELDS = {
    Pagination.NONE: (),
    Pagination.PAGE_INDEX: ("page_index", "page_size"),
    Pagination.SKIP_LIMIT: ("skipnum", "limitnum"),
    Pagination.CURSOR: ("active", "limit", "local", "totalPage"),
}
