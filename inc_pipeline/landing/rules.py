"""What each landed column is, as data: its kind (type and unit) and the value rules the manual states.

Read from the manual (tests/spec/endpoints.yaml). A field's kind is looked up first as (endpoint id, field), then
as the field alone, then falls back to text; so a field that means the same thing everywhere is written once, and
the few that change meaning between endpoints (`time`, `count`) are overridden per endpoint.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from inc_pipeline.catalog.model import Endpoint, Period, Scope
from inc_pipeline.catalog.ranges import RANGE_CONTEXT


class Kind(StrEnum):
    """The landed type of a column, with its unit rule."""

    TEXT = "text"  # string; dicts and lists (columns, devLocation) are kept as JSON text
    SITE_ID = "site_id"  # shop ids: int in INC Cloud, string in older H3C clients -> text
    MAC = "mac"  # text, canonicalised to aa:bb:cc:dd:ee:ff when it parses
    COUNT = "count"  # Int64 >= 0: a number of things (clients, visits, logins)
    MEASURE = "measure"  # float64 >= 0: a physical quantity (seconds, MB, Kb, Kbps, bytes)
    INTEGER = "integer"  # Int64, any sign: identifiers and codes (radioId, channel, enums)
    EPOCH_MS = "epoch_ms"  # Int64 >= 0: milliseconds since 1970-01-01 UTC


FIELD_KINDS: dict[str, Kind] = {
    # site ids
    "shopId": Kind.SITE_ID, "shop_id": Kind.SITE_ID, "scenarioid": Kind.SITE_ID,
    # MAC addresses
    "devMAC": Kind.MAC, "apMAC": Kind.MAC, "macAddr": Kind.MAC, "clientMAC": Kind.MAC, "ap_mac": Kind.MAC,
    "user_mac": Kind.MAC,
    # counts of things
    "new": Kind.COUNT, "old": Kind.COUNT, "total": Kind.COUNT, "onlineCount": Kind.COUNT,
    "clientCount": Kind.COUNT, "newCount": Kind.COUNT, "oldCount": Kind.COUNT, "count": Kind.COUNT,
    "one": Kind.COUNT, "two": Kind.COUNT, "three": Kind.COUNT, "four": Kind.COUNT, "gteFour": Kind.COUNT,
    "oneTime": Kind.COUNT, "twoTimes": Kind.COUNT, "threeTimes": Kind.COUNT, "fourTimes": Kind.COUNT,
    "lt5Minutes": Kind.COUNT, "lt30Minutes": Kind.COUNT, "lt120Minutes": Kind.COUNT, "gte120Minutes": Kind.COUNT,
    "maxClient": Kind.COUNT, "login_freq_sum": Kind.COUNT, "rank": Kind.COUNT,
    # physical quantities: durations (s), traffic (MB / Kb), rates (Kbps), sizes
    "devOnlineTime": Kind.MEASURE, "apOnlineTime": Kind.MEASURE, "onlineTime": Kind.MEASURE,
    "memoryTotalSize": Kind.MEASURE, "diskTotalSize": Kind.MEASURE,
    "maxSendRatio": Kind.MEASURE, "maxReceiveRatio": Kind.MEASURE,
    "speedDown": Kind.MEASURE, "speedUp": Kind.MEASURE, "downFlow": Kind.MEASURE, "upFlow": Kind.MEASURE,
    "avgRxBytes": Kind.MEASURE, "avgTxBytes": Kind.MEASURE, "totalRxBytes": Kind.MEASURE,
    "totalTxBytes": Kind.MEASURE, "avgTime": Kind.MEASURE, "maxavgTime": Kind.MEASURE,
    "minavgTime": Kind.MEASURE, "time": Kind.MEASURE,
    "access_duration": Kind.MEASURE, "access_duration_sum": Kind.MEASURE,
    "upstream_sum": Kind.MEASURE, "downstream_sum": Kind.MEASURE,
    # integers that are codes, not quantities
    "apStatus": Kind.INTEGER, "status": Kind.INTEGER, "hide": Kind.INTEGER, "radioId": Kind.INTEGER,
    "radioChannel": Kind.INTEGER, "user_type": Kind.INTEGER, "sex": Kind.INTEGER, "offline_type": Kind.INTEGER,
    # ms epochs
    "access_start_time": Kind.EPOCH_MS,
}  # fmt: skip

ENDPOINT_FIELD_KINDS: dict[tuple[str, str], Kind] = {
    # `time` is an hour / day label (UTC text) in the trend endpoints, seconds of dwell elsewhere
    ("history_hour_client_count_detail", "time"): Kind.TEXT,
    ("history_day_client_count_detail", "time"): Kind.TEXT,
    # `count` is MB of traffic in the traffic ranking, a number of clients elsewhere
    ("flow_top_bottom", "count"): Kind.MEASURE,
}


@dataclass(frozen=True)
class Rule:
    """One value rule on a column: `isin` (allowed values), `mac` (MAC format) or `in_window` (ms epoch)."""

    check: str
    values: tuple = ()
    allow_empty: bool = False  # mac: "" is a valid value (devMAC of large controllers)
    casefold: bool = False  # isin on text: compare lower-cased (the value is landed lower-cased)


MAC = Rule("mac")

# (endpoint id or "*", column) -> rules. "*" applies to the column in every endpoint that has it.
COLUMN_RULES: dict[tuple[str, str], tuple[Rule, ...]] = {
    ("*", "apMAC"): (MAC,),
    ("*", "macAddr"): (MAC,),
    ("*", "clientMAC"): (MAC,),
    ("*", "ap_mac"): (MAC,),
    ("*", "user_mac"): (MAC,),
    ("*", "devMAC"): (Rule("mac", allow_empty=True),),  # field notes: empty for large controllers (AC)
    ("ssid_client_macs", "value"): (MAC,),
    ("*", "apStatus"): (Rule("isin", (1, 2, 3)),),  # online, offline, downloading image
    ("device_ssid_info", "status"): (Rule("isin", (1, 2)),),  # enabled, disabled
    ("*", "hide"): (Rule("isin", (0, 1)),),
    ("*", "user_type"): (Rule("isin", (1, 2, 6, 7, 8, 9, 10)),),
    ("*", "sex"): (Rule("isin", (0, -1, 1, 2)),),
    ("*", "devStatus"): (Rule("isin", ("online", "offline"), casefold=True),),
    ("*", "rank_group"): (Rule("isin", ("top5", "bottom5")),),
    ("*", "access_start_time"): (Rule("in_window"),),
}


def kind_of(endpoint: Endpoint, column: str) -> Kind:
    """The kind of one record field of this endpoint (text when the manual gives nothing better); a range table's
    fields are its daily endpoint's."""
    return ENDPOINT_FIELD_KINDS.get((_rules_id(endpoint), column)) or FIELD_KINDS.get(column, Kind.TEXT)


def rules_of(endpoint: Endpoint, column: str) -> tuple[Rule, ...]:
    """The value rules on one column of this endpoint."""
    return COLUMN_RULES.get((_rules_id(endpoint), column)) or COLUMN_RULES.get(("*", column), ())


def _rules_id(endpoint: Endpoint) -> str:
    """The id the kinds and rules are written under: a range table answers with its daily endpoint's records."""
    return endpoint.range_of or endpoint.id


# Context columns: what the request named, per scope (the record does not always repeat it).
SCOPE_CONTEXT: dict[Scope, tuple[str, ...]] = {
    Scope.ACCOUNT: ("site_id",),
    Scope.SITE_BATCH: ("site_id",),
    Scope.SITE: ("site_id",),
    Scope.DEVICE: ("dev_sn",),
    Scope.DEVICE_BATCH: ("dev_sn",),
    Scope.AP: ("dev_sn", "ap_sn"),
    Scope.SSID: ("site_id", "dev_sn", "ssid"),
}

# Where a context column comes from when the record carries it (batch scopes: one call, many sites/devices).
RECORD_CONTEXT_FIELDS: dict[str, tuple[str, ...]] = {"dev_sn": ("devSN",), "ap_sn": ("apSN",)}

STAMP_COLUMNS = ("partition_date", "extracted_at")
# Days of a week's or month's row that its request's window covered: the row is the whole period's only when it
# covered them all (a server may answer every period overlapping the window, with figures for the part asked).
COVERAGE_COLUMN = "covered_days"


def context_columns(endpoint: Endpoint) -> tuple[str, ...]:
    """The context columns this endpoint's table carries (site_id, dev_sn, ap_sn, ssid as its scope has; a range
    table also the range its rows answer: range_kind, range_start, range_end)."""
    return (*SCOPE_CONTEXT[endpoint.scope], *(RANGE_CONTEXT if endpoint.range_of else ()))


def coverage_columns(endpoint: Endpoint) -> tuple[str, ...]:
    """`covered_days` for endpoints whose rows are weeks or months, else nothing."""
    return (COVERAGE_COLUMN,) if endpoint.series_period in (Period.WEEK, Period.MONTH) else ()


def landing_key(endpoint: Endpoint) -> tuple[str, ...]:
    """The key rows are unique on within a partition: the request's context columns, then `natural_key`.

    The catalog's natural keys are unique per request (`updateTime` per device, `apSN` per device); one partition
    holds many requests, so the context that told them apart leads the key.

    The de-duplication contract, the same for every table, is written against this key:
    - within one request's answer, the first record of a key is kept and the later ones dropped (and counted):
      `validate` within a page, the partition writer across the pages of one request (a paginated answer may
      repeat a record on the next page);
    - across landings, a partition is replaced by request unit (`unit_merge`), so a key has one row per partition;
    - in the warehouse each staging model keeps, per this key (renamed) and `partition_date` where a row belongs
      to its day, the row of the latest `extracted_at`; `tests/warehouse/test_dedup_contract.py` reads every
      staging model's `partition by` and holds it to this key. Marts that want one row per entity across
      requests (an AP listed by two controllers) choose it themselves, in the open.
    """
    return tuple(dict.fromkeys((*context_columns(endpoint), *endpoint.natural_key)))
