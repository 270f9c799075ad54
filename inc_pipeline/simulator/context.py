"""One parsed request, and the parameter readers every handler shares."""

from __future__ import annotations

from dataclasses import dataclass, field

from .entities import Site, answers
from .errors import bad_parameter, shop_not_found, unsupported_operation
from .faults import Faults
from .paging import as_int
from .world import DAY_MS, World


@dataclass
class Call:
    """What a handler sees: the world, the request's parameters and the fault drawn for it."""

    world: World
    faults: Faults
    method: str
    path: str
    query: dict[str, str]
    body: dict
    fault: str | None = None
    notes: dict = field(default_factory=dict)

    def param(self, name: str, default=None):
        """A parameter from the JSON body, else the query string (GET, and POST paging fields)."""
        if name in self.body:
            return self.body[name]
        return self.query.get(name, default)

    @property
    def overlap(self) -> bool:
        return self.fault == "repeat_records"

    def text(self, name: str) -> str:
        value = self.param(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise bad_parameter(name, "required")
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise bad_parameter(name, "must be a string")
        return str(value)

    def sites(self, name: str, *, limit: int | None = None) -> list[int]:
        """Site ids: an array (or one value) of ints or numeric strings; unknown ids -> 1005."""
        value = self.param(name)
        values = value if isinstance(value, list) else [value] if value not in (None, "") else []
        if not values:
            raise bad_parameter(name, "required")
        if limit and len(values) > limit:
            raise bad_parameter(name, f"at most {limit} ids")
        ids = []
        for raw in values:
            site_id = as_int(raw, name)
            if site_id not in self.world.sites:
                raise shop_not_found(raw)
            ids.append(site_id)
        return list(dict.fromkeys(ids))

    def site(self, name: str) -> Site:
        return self.world.sites[self.sites(name, limit=1)[0]]

    def device_site(self, name: str) -> Site:
        """The site owning the device serial in `name`; unknown serial -> 1002 naming the field."""
        sn = self.text(name)
        site = self.world.devices.get(sn)
        if site is None:
            raise bad_parameter(name, f"unknown device {sn}")
        if (self.path, sn) in self.world.config.refusals or not answers(self.world.device_by_sn[sn], self.path):
            raise unsupported_operation(sn)
        return site

    def window(self, start_name: str = "startTime", end_name: str = "endTime", max_hours: int | None = None):
        """(start, end) ms, inclusive; end before start or longer than max_hours -> 1002."""
        start = as_int(self.param(start_name), start_name, low=0)
        end = as_int(self.param(end_name), end_name, low=0)
        if end < start:
            raise bad_parameter(end_name, f"before {start_name}")
        if max_hours is not None and end - start > max_hours * 3_600_000:
            raise bad_parameter(end_name, f"window longer than {max_hours} h")
        return start, end

    def today_window(self) -> tuple[int, int]:
        """The requested window clipped to today (UTC) from 00:00 up to now: what 'current*' endpoints cover."""
        start, end = self.window()
        now = self.world.config.now_ms()
        today = now // DAY_MS * DAY_MS
        return max(start, today), min(end, now)
