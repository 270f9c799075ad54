"""Seeded fault injection. Transport faults are applied by the server, data faults by the handlers."""

from __future__ import annotations

import random
import threading

from .config import FaultConfig

TRANSPORT_KINDS = ("latency", "http_5xx", "drop", "malformed_json", "truncated_json", "throttle_burst")
DATA_KINDS = ("repeat_records", "schema_drift", "bad_values")
LATE_SHARE = 0.03  # share of auth records hidden on a window's first read
# Numeric fields that bad_values may spoil, and enum fields that may get an unknown value.
NUMERIC_FIELDS = ("count", "clientCount", "newCount", "total", "new", "onlineTime", "access_duration", "speedDown",
                  "totalRxBytes", "time", "maxClient", "apStatus", "radioChannel", "upstream_sum", "count_total")
ENUM_FIELDS = {"user_type": 99, "sex": 5, "devStatus": "rebooting", "apStatus": 9, "status": 7, "hide": 3}


class Faults:
    """The fault state of one server: current FaultConfig, its RNG, and which auth windows were read already."""

    def __init__(self, config: FaultConfig) -> None:
        self._lock = threading.Lock()
        self.configure(config)

    def configure(self, config: FaultConfig) -> None:
        with self._lock:
            self.config = config
            self._rng = random.Random(config.seed)
            self._windows_read: set = set()

    def draw(self) -> str | None:
        """The fault hitting this request, if any (late_records is a standing behaviour, never drawn)."""
        kinds = [k for k in self.config.kinds if k != "late_records"]
        with self._lock:
            if not kinds or self.config.rate <= 0 or self._rng.random() >= self.config.rate:
                return None
            return self._rng.choice(kinds)

    def rng_value(self) -> float:
        with self._lock:
            return self._rng.random()

    def hide_late(self, window_key: tuple, page_index: int) -> bool:
        """Whether late records are hidden for this read: only on the first pass over a window.

        A pass ends when page 1 of the same window is asked again."""
        if not self.config.active("late_records"):
            return False
        with self._lock:
            if page_index == 1 and window_key in self._windows_read:
                self._windows_read.discard(window_key)
                self._windows_read.add(("done", window_key))
            if ("done", window_key) in self._windows_read:
                return False
            self._windows_read.add(window_key)
            return True


def spoil(data, kind: str, rng: random.Random):
    """Apply a data fault to an answer's `data`, in place where possible; returns the data."""
    for n, record in enumerate(_records(data)):
        if kind == "schema_drift":
            record["extraField"] = "drift"
        elif kind == "bad_values" and (n == 0 or rng.random() < 0.3):  # the first record always: faults must show
            numeric = [f for f in NUMERIC_FIELDS if f in record]
            enums = [f for f in ENUM_FIELDS if f in record]
            if numeric:
                record[rng.choice(numeric)] = rng.choice(("N/A", "abc"))
            if enums:
                field = rng.choice(enums)
                record[field] = ENUM_FIELDS[field]
    return data


def _records(data):
    """Every record (dict of scalars) inside an answer."""
    if isinstance(data, dict):
        nested = [v for v in data.values() if isinstance(v, list | dict)]
        if not nested or any(not isinstance(v, list | dict) for v in data.values()):
            yield data
        for value in nested:
            yield from _records(value)
    elif isinstance(data, list):
        for item in data:
            yield from _records(item)
