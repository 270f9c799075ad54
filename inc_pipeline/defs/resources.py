"""The external systems the assets touch, as Dagster resources built from the environment (`EnvVar`).

`IncApiResource` is the INC Cloud API; its simulated twin is the same resource pointed at the embedded
simulator (`INC_API_BASE_URL=simulator`, or a simulator's loopback URL), so tests and the demo run the very
code production runs. `PipelineSettings` holds where data lands and how personal data is protected.
"""

from __future__ import annotations

import logging
import math
import os
from pathlib import Path

from dagster import ConfigurableResource, EnvVar

from inc_pipeline import clock
from inc_pipeline.accounts import Account, accounts_from_env
from inc_pipeline.catalog import StatRange
from inc_pipeline.catalog.ranges import parse_stat_ranges
from inc_pipeline.client import DEFAULT_RATE_PER_SECOND, IncClient
from inc_pipeline.client.caller_params import parse_query_params
from inc_pipeline.errors import UserError
from inc_pipeline.extract.budget import DEFAULT_WALL_HOURS
from inc_pipeline.landing.lake import Lake
from inc_pipeline.landing.object_store import LakeUrlError, ObjectStore
from inc_pipeline.landing.privacy import DEFAULT_POLICY, POLICIES
from inc_pipeline.warehouse.limits import DEFAULT_MEMORY_LIMIT, BuildLimitError, BuildLimits
from inc_pipeline.warehouse.timezones import SiteTimezones, TimezoneError, parse_site_timezones

VENDOR_BASE_URL = "http://inccloud-api.intelbras.com.br:8000"  # the manual's host; it states no scheme
SIMULATOR = "simulator"
DEFAULT_LOOKBACK_DAYS = 2


def is_loopback(url: str) -> bool:
    """True for a URL on this machine (where only the simulator serves the INC API); 0.0.0.0 is what a simulator
    listening on every interface prints, and it reaches this machine too."""
    from urllib.parse import urlsplit

    return (urlsplit(url).hostname or "") in ("127.0.0.1", "localhost", "::1", "0.0.0.0")


class SettingError(UserError):
    """An environment variable holds a value the pipeline cannot use."""


class MissingSettingError(SettingError):
    """A required environment variable is not set."""


class IncApiResource(ConfigurableResource):
    """The INC Cloud open API: where it is, the key, and the account name the statistics endpoints need."""

    base_url: str = VENDOR_BASE_URL
    api_key: str = ""
    user: str = ""
    header_name: str = "apikey"
    default_rate_per_second: float = DEFAULT_RATE_PER_SECOND
    quota_timezone: str = "UTC"
    max_retries: int = 5  # the client's own retries of a transient error, before the asset's RetryPolicy
    backoff_base: float = 0.5  # seconds, doubled per client retry
    ca_bundle: str = ""  # INC_CA_BUNDLE: PEM file of the private CA an https API's certificate is signed by
    query_params: str = ""  # INC_API_QUERY_PARAMS: name=value pairs sent on every call (user_name, locale)
    time_scale: float = 1.0  # INC_API_TIME_SCALE: an accelerated simulator's seconds per real second
    key_setting: str = "INC_API_KEY"  # the variable the key came from, for the error when it is missing
    user_setting: str = "INC_API_USER"

    def client(self, state_dir: Path) -> IncClient:
        """A paced client; pacing and quota state live in `state_dir`, shared by every run on this machine."""
        return self._client_of(self.base_url, self.api_key, state_dir)

    def for_account(self, account: Account) -> IncApiResource:
        """This resource as `account` asks the API: its own key, user and base URL (`INC_API_KEY__NORTH`, ...),
        read from the environment when the step runs; the single account is this resource itself."""
        if account.name is None:
            return self
        base_url = account.value("INC_API_BASE_URL", VENDOR_BASE_URL)
        kind = SimulatedIncApiResource if base_url == SIMULATOR else IncApiResource
        return kind(**{**_fields_of(self), "base_url": base_url, "api_key": account.value("INC_API_KEY"),
                       "user": account.value("INC_API_USER"), "key_setting": account.setting("INC_API_KEY"),
                       "user_setting": account.setting("INC_API_USER")})  # fmt: skip

    def _client_of(self, base_url: str, api_key: str, state_dir: Path) -> IncClient:
        if not api_key:
            raise MissingSettingError(
                f"{self.key_setting} is not set: export your INC Cloud key (see .env.example), or try "
                "`inc-pipeline demo`"
            )
        return IncClient(
            base_url,
            api_key,
            header_name=self.header_name,
            state_dir=state_dir,
            default_rate_per_second=self.default_rate_per_second,
            quota_timezone=self.quota_timezone,
            time_scale=self.time_scale,
            max_retries=self.max_retries,
            backoff_base=self.backoff_base,
            ca_bundle=self.ca_bundle,
            query=parse_query_params(self.query_params),
        )

    def account_user(self) -> str:
        """The account name the statistics endpoints send (`user`)."""
        if self.user:
            return self.user
        raise MissingSettingError(
            f"{self.user_setting} is not set: export the INC Cloud account name the statistics endpoints require "
            "(see .env.example), or try `inc-pipeline demo`"
        )

    @property
    def source_label(self) -> str:
        """Where the data came from, for the warehouse's build info: the base URL, never the key.

        Simulated data is labelled as such (`simulator+http://127.0.0.1:N`), whether it is the embedded
        simulator or one on loopback (INC Cloud never is), so demo data cannot pass for an account's.
        """
        if is_loopback(self.base_url):
            return f"{SIMULATOR}+{self.base_url}"
        return self.base_url


class SimulatedIncApiResource(IncApiResource):
    """The twin of `IncApiResource`: the embedded simulator (`INC_API_BASE_URL=simulator`, the demo) behind the same
    interface, its own URL, key and account; its limits on the client's clock (`time_scale`). The one place the
    definitions reach the simulator (tests/test_layers.py keeps the library below it)."""

    base_url: str = SIMULATOR

    def client(self, state_dir: Path) -> IncClient:
        simulator = self._embedded()
        return self._client_of(simulator.base_url, simulator.config.api_key, state_dir)

    def account_user(self) -> str:
        return self.user or self._embedded().config.user

    @property
    def source_label(self) -> str:
        return f"{SIMULATOR}+{self._embedded().base_url}"

    def _embedded(self):
        """The process's embedded simulator, started on first use."""
        from inc_pipeline.simulator.config import SimulatorConfig
        from inc_pipeline.simulator.embedded import embedded_simulator

        return embedded_simulator(SimulatorConfig(time_scale=self.time_scale))


class PipelineSettings(ConfigurableResource):
    """Where data lands and how: data directory, sites, lookback, personal-data policy, raw archive."""

    data_dir: str = "data"
    sites: str = ""  # comma-separated allow-list; empty = every site /user/shop returns
    lookback_days: int = DEFAULT_LOOKBACK_DAYS
    pii_key: str = ""
    pii_policy: str = DEFAULT_POLICY  # or "pseudonymise"
    archive_raw: bool = False
    warehouse_memory_limit: str = DEFAULT_MEMORY_LIMIT  # INC_WAREHOUSE_MEMORY_LIMIT: DuckDB's, for a build
    warehouse_spill_dir: str = ""  # INC_WAREHOUSE_SPILL_DIR: where a build spills past it (default: its own dir)
    unusable: str = ""  # a setting's one-line error, when the environment held one the pipeline cannot use
    site_timezones: str = ""  # INC_SITE_TIMEZONES: siteId=Zone pairs; other sites take INC_TIMEZONE's
    stat_ranges: str = ""  # INC_STAT_RANGES: which ranges the per-day aggregates are also asked over ("": all)
    lake_url: str = ""  # INC_LAKE_URL: s3://bucket/prefix for the lake and quarantine ("": under data_dir)
    s3_endpoint_url: str = ""  # INC_S3_ENDPOINT_URL: an S3-compatible server's http(s)://host:port ("": AWS)

    def ensure_usable(self) -> None:
        """Refuse to run on settings the environment got wrong, with the setting's own line."""
        if self.unusable:
            raise SettingError(self.unusable)
        self.object_store()  # INC_LAKE_URL / INC_S3_ENDPOINT_URL checked before anything lands

    @property
    def root(self) -> Path:
        return Path(self.data_dir)

    def for_account(self, account: Account) -> PipelineSettings:
        """These settings for `account`: its own data directory (`<INC_DATA_DIR>/accounts/<name>`) and site
        allow-list (`INC_SITES__NORTH`); the single account's are these."""
        if account.name is None:
            return self
        return PipelineSettings(**{**_fields_of(self), "data_dir": str(account.data_dir(self.root)),
                                   "lake_url": account_lake_url(self.lake_url, account),
                                   "sites": account.value("INC_SITES")})  # fmt: skip

    def object_store(self) -> ObjectStore | None:
        """The lake on object storage (INC_LAKE_URL), or None for the lake under the data directory."""
        if not self.lake_url:
            return None
        try:
            return ObjectStore.from_url(self.lake_url, self.s3_endpoint_url)
        except LakeUrlError as error:
            raise SettingError(str(error)) from None

    def lake(self) -> Lake:
        """The lake these settings land in: under the data directory, or on object storage staged there."""
        return Lake(self.root, self.object_store())

    @property
    def state_dir(self) -> Path:
        return self.root / "state"

    @property
    def site_allow_list(self) -> tuple[str, ...]:
        return tuple(s.strip() for s in self.sites.split(",") if s.strip())

    def checked_pii_policy(self) -> str:
        """The personal-data policy, refused up front when it is neither of the two the landing knows."""
        if self.pii_policy not in POLICIES:
            raise SettingError(
                f"INC_PII_POLICY={self.pii_policy!r} is not a policy: use one of {', '.join(POLICIES)}"
            )
        return self.pii_policy

    def build_limits(self) -> BuildLimits:
        """The warehouse build's memory limit and spill directory; a value it cannot use is one line."""
        return build_limits(self.warehouse_memory_limit, self.warehouse_spill_dir)

    def stat_range_kinds(self) -> tuple[StatRange, ...]:
        """The ranges (INC_STAT_RANGES) peaks, top/bottom and the report summary are also asked over."""
        return stat_range_kinds(self.stat_ranges)

    def timezones(self, account: str) -> SiteTimezones:
        """The zones the marts' local dates and hours are read in: `account` (INC_TIMEZONE) and the sites' own."""
        return site_timezones(account, self.site_timezones)

    def pii_key_bytes(self) -> bytes:
        """The pseudonymisation key; refuses to run without one rather than hashing with a guessable key."""
        if not self.pii_key:
            raise MissingSettingError("INC_PII_KEY is not set: export a long random secret (see .env.example)")
        return self.pii_key.encode()


def _fields_of(resource: ConfigurableResource) -> dict:
    """A resource's configured values, to build its copy for one account (`for_account`)."""
    return {name: getattr(resource, name) for name in type(resource).model_fields}


def _env(name: str, default):
    """`EnvVar(name)` when the variable is set (its value is read when Dagster builds the resource), else the
    default: optional settings stay optional, and a missing key reaches our own one-line error."""
    return EnvVar(name) if name in os.environ else default


SLOWEST_DEFAULT_RATE = 0.01  # one request every 100 s: slower than that is a typo (0.001 for 0.1, say)


def default_rate_from_env() -> float:
    """INC_DEFAULT_RATE_PER_SECOND: the pace of paths whose limit the manual does not state (the one reader of it:
    the client's resource and `inc-pipeline plan` must agree)."""
    text = os.environ.get("INC_DEFAULT_RATE_PER_SECOND", "").strip()
    if not text:
        return DEFAULT_RATE_PER_SECOND
    try:
        rate = float(text)
    except ValueError:
        rate = math.nan
    if not rate > 0 or math.isinf(rate):
        raise UserError(
            f"INC_DEFAULT_RATE_PER_SECOND={text!r} is not a positive number of requests per second: "
            f"set it to e.g. {DEFAULT_RATE_PER_SECOND:g}, or unset it"
        )
    if rate < SLOWEST_DEFAULT_RATE:
        raise UserError(
            f"INC_DEFAULT_RATE_PER_SECOND={text!r} is below {SLOWEST_DEFAULT_RATE:g} requests per second (one every "
            f"{1 / SLOWEST_DEFAULT_RATE:g} s), at which a month of per-day statistics for one site takes days: "
            f"set it to e.g. {DEFAULT_RATE_PER_SECOND:g}, or unset it"
        )
    return rate


def lookback_days_from_env() -> int:
    """INC_LOOKBACK_DAYS: days the daily run re-pulls before yesterday (read when the definitions load)."""
    text = os.environ.get("INC_LOOKBACK_DAYS", "").strip()
    if not text:
        return DEFAULT_LOOKBACK_DAYS
    if not text.isdigit():
        raise SettingError(f"INC_LOOKBACK_DAYS={text!r} is not a whole number of days: set it to e.g. "
                           f"{DEFAULT_LOOKBACK_DAYS} (0 for yesterday only), or unset it")  # fmt: skip
    return int(text)


def stat_ranges_from_env() -> str:
    """INC_STAT_RANGES, checked when the definitions load (a kind it does not know is one line)."""
    text = os.environ.get("INC_STAT_RANGES", "").strip()
    stat_range_kinds(text)
    return text


def stat_range_kinds(text: str) -> tuple[StatRange, ...]:
    """The ranges INC_STAT_RANGES's `text` names; one it does not know is a one-line SettingError."""
    try:
        return parse_stat_ranges(text)
    except ValueError as error:
        raise SettingError(str(error)) from None


def stat_range_kinds_from_env() -> tuple[StatRange, ...]:
    """The ranges INC_STAT_RANGES names (`plan`'s reading of the setting the resources read)."""
    return stat_range_kinds(os.environ.get("INC_STAT_RANGES", ""))


def wall_hours_from_env() -> float:
    """INC_DAILY_WALL_HOURS: the wall time a daily run may take, for `plan`'s budget (default 6)."""
    text = os.environ.get("INC_DAILY_WALL_HOURS", "").strip()
    try:
        hours = float(text) if text else DEFAULT_WALL_HOURS
    except ValueError:
        hours = -1.0
    if not 0 < hours <= 24 or math.isnan(hours):
        raise SettingError(f"INC_DAILY_WALL_HOURS={text!r} is not a number of hours: set it to e.g. 6 (at most "
                           "24), or unset it")  # fmt: skip
    return hours


def quota_timezone_from_env() -> str:
    """INC_QUOTA_TIMEZONE: where the 100/day quotas' day ends (default UTC; the manual does not say)."""
    name = os.environ.get("INC_QUOTA_TIMEZONE", "").strip() or "UTC"
    if not clock.is_zone(name):
        raise SettingError(f"INC_QUOTA_TIMEZONE={name!r} is not a time zone: use an IANA name such as UTC "
                           "(the default) or America/Sao_Paulo, or unset it")  # fmt: skip
    return name


def build_limits(memory_limit: str, spill_dir: str) -> BuildLimits:
    try:
        return BuildLimits(memory_limit or DEFAULT_MEMORY_LIMIT, Path(spill_dir) if spill_dir else None)
    except BuildLimitError as error:
        name = {"spill_dir": "INC_WAREHOUSE_SPILL_DIR", "memory_limit": "INC_WAREHOUSE_MEMORY_LIMIT"}[error.limit]
        raise SettingError(f"{name}: {error}, or unset it") from None


def site_timezones(account: str, text: str) -> SiteTimezones:
    """INC_TIMEZONE's zone and INC_SITE_TIMEZONES's pairs, checked; a bad name is one line naming its setting."""
    try:
        return SiteTimezones(account, parse_site_timezones(text))
    except TimezoneError as error:
        name = {"account": "INC_TIMEZONE", "sites": "INC_SITE_TIMEZONES"}[error.setting]
        raise SettingError(f"{name}: {error}, or unset it") from None


def site_timezones_from_env() -> SiteTimezones:
    """INC_TIMEZONE and INC_SITE_TIMEZONES, checked (the run's preflight)."""
    account = os.environ.get("INC_TIMEZONE", "").strip() or "UTC"
    return site_timezones(account, os.environ.get("INC_SITE_TIMEZONES", ""))


def build_limits_from_env() -> BuildLimits:
    """INC_WAREHOUSE_MEMORY_LIMIT and INC_WAREHOUSE_SPILL_DIR, checked (the run's preflight)."""
    return build_limits(os.environ.get("INC_WAREHOUSE_MEMORY_LIMIT", "").strip(),
                        os.environ.get("INC_WAREHOUSE_SPILL_DIR", "").strip())  # fmt: skip


def account_lake_url(lake_url: str, account: Account) -> str:
    """An account's lake on object storage: `<INC_LAKE_URL>/accounts/<name>`, as its directory is under INC_DATA_DIR."""
    if not lake_url or account.name is None:
        return lake_url
    return f"{lake_url.rstrip('/')}/accounts/{account.name}"


def lake_from_env(account_root: Path, account: Account) -> Lake:
    """The account's lake where the environment puts it: under `account_root` (its data directory), or on object
    storage (INC_LAKE_URL, INC_S3_ENDPOINT_URL) staged there; a bad URL is a one-line SettingError."""
    lake_url = account_lake_url(os.environ.get("INC_LAKE_URL", ""), account)
    settings = PipelineSettings(data_dir=str(account_root), lake_url=lake_url,
                                s3_endpoint_url=os.environ.get("INC_S3_ENDPOINT_URL", ""))  # fmt: skip
    return settings.lake()


def data_dir_from_env() -> Path:
    """INC_DATA_DIR (default ./data): where the lake, the warehouse and the state live."""
    return Path(os.environ.get("INC_DATA_DIR") or "data")


def time_scale_from_env() -> float:
    """INC_API_TIME_SCALE: the API's seconds per real second, for a simulator started with --time-scale (default 1:
    the real service keeps real time)."""
    text = os.environ.get("INC_API_TIME_SCALE", "").strip()
    try:
        return clock.ApiClock(float(text) if text else 1.0).scale
    except ValueError:
        raise SettingError(f"INC_API_TIME_SCALE={text!r} is not a time scale: set it to the simulator's --time-scale "
                           f"(above 0, at most {clock.MAX_TIME_SCALE:g}), or unset it for the real API") from None


def archive_raw_from_env() -> bool:
    """INC_ARCHIVE_RAW: true/false (1/0, yes/no, any case); anything else is refused rather than read as false."""
    text = os.environ.get("INC_ARCHIVE_RAW", "").strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("", "0", "false", "no", "off"):
        return False
    raise SettingError(f"INC_ARCHIVE_RAW={os.environ['INC_ARCHIVE_RAW']!r} is not true or false: set it to true "
                       "to keep raw answers for `inc-pipeline replay`, or false")  # fmt: skip


def resources_from_env() -> dict:
    """The resources, configured from the INC_* environment variables documented in .env.example.

    A setting the pipeline cannot use does not stop the definitions from loading (`dagster dev` shows them, and
    the warehouse stays there to query): its one line is logged once, and every run fails at its first step with
    that line (`PipelineSettings.ensure_usable`). The CLI refuses it before launching anything."""
    try:
        return _resources_from_env()
    except UserError as error:
        logging.getLogger("inc_pipeline").error("%s", error)
        return {"inc_api": IncApiResource(), "settings": PipelineSettings(unusable=str(error))}


def _resources_from_env() -> dict:
    accounts_from_env()  # INC_ACCOUNTS's names, checked: a bad one makes every run fail with its line
    return {
        "inc_api": (SimulatedIncApiResource if os.environ.get("INC_API_BASE_URL") == SIMULATOR else IncApiResource)(
            base_url=_env("INC_API_BASE_URL", VENDOR_BASE_URL),
            api_key=_env("INC_API_KEY", ""),
            user=_env("INC_API_USER", ""),
            header_name=_env("INC_API_HEADER", "apikey"),
            default_rate_per_second=default_rate_from_env(),
            quota_timezone=quota_timezone_from_env(),
            time_scale=time_scale_from_env(),
            ca_bundle=_env("INC_CA_BUNDLE", ""),
            query_params=_env("INC_API_QUERY_PARAMS", ""),
        ),
        "settings": PipelineSettings(
            data_dir=_env("INC_DATA_DIR", "data"),
            sites=_env("INC_SITES", ""),
            lookback_days=lookback_days_from_env(),
            pii_key=_env("INC_PII_KEY", ""),
            pii_policy=_env("INC_PII_POLICY", DEFAULT_POLICY),
            archive_raw=archive_raw_from_env(),
            warehouse_memory_limit=_env("INC_WAREHOUSE_MEMORY_LIMIT", DEFAULT_MEMORY_LIMIT),
            warehouse_spill_dir=_env("INC_WAREHOUSE_SPILL_DIR", ""),
            site_timezones=_env("INC_SITE_TIMEZONES", ""),
            stat_ranges=stat_ranges_from_env(),
            lake_url=_env("INC_LAKE_URL", ""),
            s3_endpoint_url=_env("INC_S3_ENDPOINT_URL", ""),
        ),
    }
