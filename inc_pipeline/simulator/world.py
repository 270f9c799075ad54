"""The dynamic part of the synthetic world: clients and their sessions, generated lazily per (site, day).

A session is one client's stay at a site; every session is also one portal authentication record. Clients are
numbered per site in order of first visit: day k's new clients are [first_client[k], first_client[k] + new[k]),
and each of them is guaranteed a session on day k, so "new on day k" needs no scan of earlier days.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

import numpy as np

from .clients import ClientBook
from .config import SimulatorConfig
from .entities import Site, build_sites

DAY_MS = 86_400_000
EPOCH = dt.date(1970, 1, 1)
# Share of each hour of the day in the day's sessions: quiet nights, busy lunch and evening.
HOUR_WEIGHTS = np.array([1, 1, 1, 1, 1, 2, 4, 8, 12, 14, 16, 20, 24, 22, 16, 14, 14, 18, 22, 20, 14, 8, 4, 2], float)
HOUR_WEIGHTS /= HOUR_WEIGHTS.sum()
USER_TYPES = np.array([1, 2, 6, 7, 8, 9, 10])
NEW_SHARE_FIRST_DAY = 0.7  # on day 0 everyone is new; 70 % of sessions are distinct clients
NEW_SHARE = 0.3
CACHE_DAYS = 4096
# Client books kept (about 2 KB a client, some hundreds of clients a site and month): a large account's every site
# read for a week would otherwise hold 0.9 GB of them.
CACHE_BOOKS = 64


def day_index(date: dt.date) -> int:
    """Days since 1970-01-01: the same number for a date everywhere in the simulator."""
    return (date - EPOCH).days


def day_start_ms(day: int) -> int:
    return day * DAY_MS


@dataclass(frozen=True)
class DaySessions:
    """Columnar sessions of one site-day, sorted by start (ms epoch UTC)."""

    site_id: int
    day: int
    start: np.ndarray  # int64 ms
    duration: np.ndarray  # int64 s
    rx_mb: np.ndarray  # float64
    tx_mb: np.ndarray
    client: np.ndarray  # int64, per-site client number in order of first visit
    ap: np.ndarray  # radio slot: index into site.aps, then the cloud APs (Site.slots_of)
    ssid: np.ndarray  # index into site.ssids
    user_type: np.ndarray

    def __len__(self) -> int:
        return len(self.start)


class World:
    """Sites and sessions of one SimulatorConfig; same config, same world."""

    def __init__(self, config: SimulatorConfig) -> None:
        self.config = config
        # Sites and devices are built up front (a large account's in well under a second: docs/simulator.md); the
        # per-site plans and client books when a site is first asked about, the sessions per (site, day).
        self.sites: dict[int, Site] = {s.id: s for s in build_sites(config)}
        self.devices = {d.sn: s for s in self.sites.values() for d in s.all_devices}
        self.device_by_sn = {d.sn: d for s in self.sites.values() for d in s.all_devices}
        self.first_day = day_index(config.start_date)
        self.last_day = day_index(config.end_date)
        self._plans: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._books: dict[int, ClientBook] = {}
        self._cache: dict[tuple[int, int], DaySessions] = {}
        self._lock = threading.Lock()

    def book(self, site_id: int) -> ClientBook:
        """Text attributes (MAC, vendor, phone, WeChat...) of the site's clients."""
        book = self._books.get(site_id)
        if book is None:
            s = self.sites[site_id]
            book = ClientBook(self.config.seed, s.id, s.area_code, s.city, s.state)
            with self._lock:
                if len(self._books) >= CACHE_BOOKS:  # a book is rebuilt the same from the seed when asked again
                    self._books.pop(next(iter(self._books)))
                book = self._books.setdefault(site_id, book)
        return book

    def plan(self, site_id: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per day of the world: session count, new-client count, number of the day's first new client."""
        plan = self._plans.get(site_id)
        if plan is None:
            plan = self._plans.setdefault(site_id, self._make_plan(site_id))
        return plan

    def _make_plan(self, site_id: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        rng = np.random.default_rng([self.config.seed, site_id, 0xA11])
        days = np.arange(self.first_day, self.last_day + 1)
        weekday = (days + 3) % 7  # 1970-01-01 was a Thursday; 0 = Monday
        factor = np.where(weekday >= 5, 1.3, 1.0) * rng.uniform(0.8, 1.2)
        sessions = rng.poisson(self.config.auth_per_site_day * factor).astype(np.int64)
        share = np.full(len(days), NEW_SHARE)
        share[0] = NEW_SHARE_FIRST_DAY
        new = np.minimum(np.maximum(rng.binomial(sessions, share), (sessions > 0).astype(np.int64)), sessions)
        first_client = np.concatenate([[0], np.cumsum(new)[:-1]])
        return sessions, new, first_client

    def client_first_day(self, site_id: int, clients: np.ndarray) -> np.ndarray:
        """Day index of each client's first visit."""
        _, new, first_client = self.plan(site_id)
        ends = first_client + new
        return self.first_day + np.searchsorted(ends, clients, side="right")

    def day(self, site_id: int, day: int) -> DaySessions:
        """Sessions of one site-day (empty outside the world), generated once and cached."""
        key = (site_id, day)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        sessions = self._generate(site_id, day)
        with self._lock:
            if len(self._cache) >= CACHE_DAYS:
                self._cache.pop(next(iter(self._cache)))
            self._cache[key] = sessions
        return sessions

    def _generate(self, site_id: int, day: int) -> DaySessions:
        site = self.sites[site_id]
        k = day - self.first_day
        if not 0 <= k <= self.last_day - self.first_day:
            empty = np.zeros(0, np.int64)
            return DaySessions(site_id, day, empty, empty, empty.astype(float), empty.astype(float),
                               empty, empty, empty, empty)  # fmt: skip
        total_counts, new_counts, first_clients = self.plan(site_id)
        n, new, base = int(total_counts[k]), int(new_counts[k]), int(first_clients[k])
        rng = np.random.default_rng([self.config.seed, site_id, day])
        repeat = n - new
        returning = rng.random(repeat) < (0.8 if base else 0.0)
        # u**2 favours low numbers: the oldest clients are the regulars.
        old_pick = np.floor(max(base, 1) * rng.random(repeat) ** 2).astype(np.int64)
        same_day_pick = base + rng.integers(0, max(new, 1), repeat)
        client = np.concatenate([base + np.arange(new), np.where(returning, old_pick, same_day_pick)])
        hour = rng.choice(24, size=n, p=HOUR_WEIGHTS)
        start = day * DAY_MS + hour * 3_600_000 + rng.integers(0, 3_600_000, n)
        if self.config.boundary_records and n >= 2:
            start[np.argmin(start)], start[np.argmax(start)] = day * DAY_MS, (day + 1) * DAY_MS - 1
        duration = np.clip(rng.lognormal(np.log(1200), 1.1, n), 30, 10 * 3600).astype(np.int64)
        rx = np.round(duration / 60 * rng.lognormal(0.3, 0.8, n), 2)
        tx = np.round(rx * rng.uniform(0.05, 0.4, n), 2)
        ssid_p = np.array([0.75, 0.2, 0.05][: len(site.ssids)])
        order = np.argsort(start, kind="stable")
        controller_ap = rng.integers(0, len(site.aps), n)
        return DaySessions(
            site_id=site_id, day=day, start=start[order], duration=duration[order], rx_mb=rx[order],
            tx_mb=tx[order], client=client[order], ap=_radios(site, day, self.config.seed, controller_ap)[order],
            ssid=rng.choice(len(site.ssids), size=n, p=ssid_p / ssid_p.sum())[order],
            user_type=rng.choice(USER_TYPES, size=n)[order],
        )  # fmt: skip

    def days_between(self, start_ms: int, end_ms: int) -> range:
        """Day indexes overlapping [start_ms, end_ms], clipped to the world."""
        first = max(start_ms // DAY_MS, self.first_day)
        last = min(end_ms // DAY_MS, self.last_day)
        return range(first, last + 1)

    def window(self, site_id: int, start_ms: int, end_ms: int) -> DaySessions:
        """Sessions starting in [start_ms, end_ms] (inclusive), never after the simulated now."""
        end_ms = min(end_ms, self.config.now_ms())
        parts = []
        for day in self.days_between(start_ms, end_ms):
            d = self.day(site_id, day)
            lo = np.searchsorted(d.start, start_ms, side="left")
            hi = np.searchsorted(d.start, end_ms, side="right")
            if hi > lo:
                parts.append(_slice(d, lo, hi))
        if not parts:
            return _slice(self.day(site_id, -1), 0, 0)
        if len(parts) == 1:
            return parts[0]
        columns = zip(*(_columns(p) for p in parts), strict=True)
        return DaySessions(site_id, parts[0].day, *(np.concatenate(c) for c in columns))


def _radios(site: Site, day: int, seed: int, controller_aps: np.ndarray) -> np.ndarray:
    """Each session's radio slot (Site.slots_of): a cloud AP takes its share of the sessions (one slot among all the
    site's radios), drawn from a stream of its own so the sessions themselves are those of the site without it."""
    cloud_aps = len(site.cloud_aps)
    if not cloud_aps:
        return controller_aps
    rng = np.random.default_rng([seed, site.id, day, 0xC10D])
    slot = rng.integers(0, site.radio_slots, len(controller_aps))
    return np.where(slot >= len(site.aps), slot, controller_aps)


def _columns(d: DaySessions) -> tuple[np.ndarray, ...]:
    return d.start, d.duration, d.rx_mb, d.tx_mb, d.client, d.ap, d.ssid, d.user_type


def _slice(d: DaySessions, lo: int, hi: int) -> DaySessions:
    return DaySessions(d.site_id, d.day, *(c[lo:hi] for c in _columns(d)))


def take(d: DaySessions, index) -> DaySessions:
    """The sessions at `index` (an index array or slice)."""
    return DaySessions(d.site_id, d.day, *(c[index] for c in _columns(d)))


def of_device(site: Site, sn: str, d: DaySessions) -> DaySessions:
    """The sessions of `d` whose clients are device `sn`'s (its radio slots: Site.slots_of)."""
    slots = site.slots_of(sn)
    return take(d, np.nonzero((d.ap >= slots.start) & (d.ap < slots.stop))[0])
