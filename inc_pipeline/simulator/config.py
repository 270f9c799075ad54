"""Configuration of the simulated world, its limits and its faults."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field, fields

from inc_pipeline import clock

FAULT_KINDS = (
    "latency", "http_5xx", "drop", "malformed_json", "truncated_json", "throttle_burst",
    "repeat_records", "late_records", "schema_drift", "bad_values",
)  # fmt: skip


@dataclass(frozen=True)
class FaultConfig:
    """Seeded fault injection: each API request is hit with probability `rate` by one of `kinds`.

    `late_records` is not drawn per request: while enabled (rate > 0), a few % of auth records are hidden the first
    time a window is read and appear on later reads.
    """

    rate: float = 0.0
    kinds: tuple[str, ...] = FAULT_KINDS
    seed: int = 0

    def __post_init__(self) -> None:
        unknown = set(self.kinds) - set(FAULT_KINDS)
        if unknown:
            raise ValueError(f"unknown fault kinds: {sorted(unknown)}")
        object.__setattr__(self, "kinds", tuple(self.kinds))

    @classmethod
    def from_dict(cls, payload: dict) -> FaultConfig:
        """Build from the JSON body of POST /__sim/faults (unknown keys rejected)."""
        names = {f.name for f in fields(cls)}
        extra = set(payload) - names
        if extra:
            raise ValueError(f"unknown FaultConfig fields: {sorted(extra)}")
        return cls(**payload)

    def to_dict(self) -> dict:
        return {**asdict(self), "kinds": list(self.kinds)}

    def active(self, kind: str) -> bool:
        return self.rate > 0 and kind in self.kinds


def _today_utc() -> dt.date:
    return clock.today()


# Beside each site's controller of a large account: 0-2 switches and 1-3 cloud APs, 4 devices a site on average.
LARGE_ACCOUNT_MIX = (("SWITCH", 0, 2), ("CLOUDAP", 1, 3))


@dataclass(frozen=True)
class SimulatorConfig:
    """The simulated account: `days` of history ending at `end_date` (the current, partially live day)."""

    seed: int = 7
    sites: int = 3
    days: int = 30
    end_date: dt.date = field(default_factory=_today_utc)
    api_key: str = "sim-key"
    user: str = "demo"
    enforce_limits: bool = True
    faults: FaultConfig = field(default_factory=FaultConfig)
    auth_per_site_day: int = 60  # mean sessions (= portal authentications) per site and day
    revoked_keys: tuple[str, ...] = ()
    # Each site-day's first session starts at exactly 00:00:00.000 UTC and its last at 23:59:59.999, so window
    # splitting can be tested on records that sit on a boundary (off by default: it changes the world).
    boundary_records: bool = False
    # The manual's other possible reading of a several-site report: the bare list holds at most `limit` records,
    # cut with nothing to say so (it has no totalPage). Off by default: the manual's tables show the whole list.
    several_site_reports_cut: bool = False
    # (path, device serial) pairs answered with the failure envelope "Device <SN> does not support this
    # operation", as a switch answers a controller-only endpoint.
    refusals: tuple[tuple[str, str], ...] = ()
    # Which weeks and months the reports answer: "whole" (those ending in the window, whole-period figures) or
    # "overlapping" (every one overlapping the window, figures for the part inside it); both readings fit the
    # manual. See stats.report_periods.
    report_periods: str = "whole"
    # What getReportStaticData's reportType means; both readings fit the manual, which says only "day / week /
    # month report" and that one..four are "supported only in weekly reports". "as_asked" (default): the summary of
    # [startTime, endTime] as given, every field filled whatever the type. "whole_periods": week and month widen
    # the window to the whole ISO weeks / calendar months it touches, and one..four are null but for week.
    # See handlers_stats.report_static.
    report_summary: str = "as_asked"
    quota_timezone: str = "UTC"  # where the simulated 100/day quotas' day ends
    time_scale: float = 1.0  # simulated seconds per real second for the limits (clock.ApiClock); 1 = real time
    # Device types beside each site's controller, one device each (e.g. ("SWITCH", "CLOUDAP")): they answer only
    # the paths their type does (entities.ANSWERED_BY_TYPE); a cloud AP takes a share of the site's clients.
    extra_devices: tuple[str, ...] = ()
    # More of them, a number per site drawn from its own stream: (type, fewest, most), e.g. (("CLOUDAP", 1, 3),).
    device_mix: tuple[tuple[str, int, int], ...] = ()
    # Sites spread over 46 cities of every Brazilian state and region (bigger cities more) instead of going round
    # the small world's eight (places.py).
    nationwide: bool = False
    # "rowcount": every list answer in the platform's other layout, data: {rowCount, data: [...]} (list_wrapper.py).
    list_wrapper: str = "none"

    @classmethod
    def profile(cls, name: str, **overrides) -> SimulatorConfig:
        """A named account: "small" (3 sites, one controller each: the demo's and the tests') or "large" (as public
        clients of the real service show: 1,500 sites in every Brazilian region, state and city tree, each with a
        controller beside 0-2 switches and 1-3 cloud APs: about 6,000 devices)."""
        shapes = {"small": {}, "large": {"sites": 1500, "nationwide": True, "device_mix": LARGE_ACCOUNT_MIX}}
        if name not in shapes:
            raise ValueError(f"unknown simulator profile {name!r}: use {' or '.join(shapes)}")
        return cls(**{**shapes[name], **overrides})

    @property
    def start_date(self) -> dt.date:
        return self.end_date - dt.timedelta(days=self.days - 1)

    def now_ms(self) -> int:
        """The simulated "now": the real clock when end_date is today, else 12:00 UTC of end_date (frozen).

        Freezing keeps tests with a fixed end_date deterministic, including the "current*" endpoints.
        """
        real = clock.now()
        if real.date() == self.end_date:
            return int(real.timestamp() * 1000)
        noon = dt.datetime.combine(self.end_date, dt.time(12), tzinfo=dt.UTC)
        return int(noon.timestamp() * 1000)
