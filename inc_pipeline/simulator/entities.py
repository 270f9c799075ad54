"""The static part of the synthetic world: sites, their controller and the devices beside it, APs and SSIDs."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from .places import Place, place_of

if TYPE_CHECKING:
    from .config import SimulatorConfig

FIRST_SITE_ID = 1001

SHOP_KINDS = ("Café", "Loja", "Academia", "Padaria", "Livraria", "Farmácia")
SCENARIOS = ("Retail", "Restaurant", "Fitness", "Office")
AP_MODELS = ("AP 360", "AP 1250 AC MAX", "AP 3000 AX", "AP 1350 AC-S")
RADIO_MODES = {1: "802.11gn", 2: "802.11ac"}


@dataclass(frozen=True)
class AccessPoint:
    sn: str
    name: str
    mac: str
    ip: str
    model: str
    soft_version: str
    status: int  # 1 online, 2 offline, 3 unknown (manual's options)
    online_time: int  # seconds since it came online
    latitude: float
    longitude: float
    elevation: float


@dataclass(frozen=True)
class Device:
    sn: str
    model: str
    dev_type: str  # AC or XIAOBEIROUTER (manual's options: the controllers), SWITCH or CLOUDAP
    alias: str
    hard_version: str
    soft_version: str
    status: str  # online / offline
    online_time: int
    mac: str  # empty for AC controllers (field-notes)
    memory_total: int | str  # sometimes "N/A" (field-notes)
    disk_total: int | str
    egress_ip: str  # devAddress: "the IP address of the device's egress interface" (manual)
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Ssid:
    name: str
    sp_name: str
    status: int  # 1 enabled, 2 disabled
    hide: int
    max_client: int
    max_send: int
    max_receive: int


@dataclass(frozen=True)
class Site:
    id: int
    name: str
    region: str  # the region tree of /user/shop?nesting=true: region -> state -> city
    state: str  # two-letter UF
    city: str
    area: str
    address: str
    phone: str
    area_code: str
    scenario: str
    labels: tuple[tuple[str, str], ...]
    device: Device
    aps: tuple[AccessPoint, ...]
    ssids: tuple[Ssid, ...]
    others: tuple[Device, ...] = ()  # switches and cloud APs beside the controller

    @property
    def province(self) -> str:
        """The flat /user/shop's word for the state."""
        return self.state

    @property
    def all_devices(self) -> tuple[Device, ...]:
        return (self.device, *self.others)

    @property
    def cloud_aps(self) -> tuple[Device, ...]:
        return tuple(d for d in self.others if d.dev_type == "CLOUDAP")

    # A session's `ap` is a radio slot: 0 .. len(aps)-1 are the controller's APs, then one slot per cloud AP. The
    # controller's client lists show its APs' sessions, a cloud AP's its own; the site's figures count them all.
    @property
    def radio_slots(self) -> int:
        return len(self.aps) + len(self.cloud_aps)

    def slots_of(self, sn: str) -> range:
        """The radio slots whose sessions are `sn`'s clients (none for a switch)."""
        if sn == self.device.sn:
            return range(len(self.aps))
        for k, cloud_ap in enumerate(self.cloud_aps):
            if cloud_ap.sn == sn:
                return range(len(self.aps) + k, len(self.aps) + k + 1)
        return range(0)

    def radio_name_mac(self, slot: int) -> tuple[str, str]:
        """(name, MAC) of the AP or cloud AP in `slot`, as client records name it."""
        if slot < len(self.aps):
            return self.aps[slot].name, self.aps[slot].mac
        cloud_ap = self.cloud_aps[slot - len(self.aps)]
        return cloud_ap.alias, cloud_ap.mac


# Which device types answer which device paths: the manual's two (AC, XIAOBEIROUTER) answer every one; a switch
# only its operation and interface flow; a cloud AP those and its client lists. Any other path asked of a device
# answers the failure envelope "Device <SN> does not support this operation" (errors.unsupported_operation).
CONTROLLER_TYPES = frozenset({"AC", "XIAOBEIROUTER"})
ANSWERED_BY_TYPE = {
    "SWITCH": frozenset({"/device/operation", "/device/interfaceflow"}),
    "CLOUDAP": frozenset({"/device/operation", "/device/interfaceflow", "/device/historyclients",
                          "/device/onlineclients"}),
}  # fmt: skip


def answers(device: Device, path: str) -> bool:
    """Whether `device` answers `path` (see ANSWERED_BY_TYPE)."""
    return device.dev_type in CONTROLLER_TYPES or path in ANSWERED_BY_TYPE.get(device.dev_type, frozenset())


def _mac(rng: random.Random) -> str:
    return ":".join(f"{rng.randrange(256):02x}" for _ in range(6))


def _public_ip(rng: random.Random) -> str:
    first = rng.choice((177, 179, 187, 189, 191, 200, 201))  # blocks Brazilian ISPs hand out
    return f"{first}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"


def _serial(rng: random.Random, prefix: str) -> str:
    return prefix + "".join(rng.choice("0123456789ABCDEF") for _ in range(12))


def build_sites(config: SimulatorConfig) -> tuple[Site, ...]:
    """Deterministic sites for an account: same config, same sites. Beside each controller: one device of every
    type in `extra_devices`, and of each (type, fewest, most) in `device_mix` a number drawn from the site's own
    stream (so the controller, its APs and SSIDs are those of the same site without them)."""
    sites = []
    for position in range(config.sites):
        site_id = FIRST_SITE_ID + position
        place = place_of(position, config.nationwide)
        kinds = _device_kinds(config, site_id)
        site = _build_site(config.seed, site_id, position, place)
        sites.append(replace(site, others=_others(config.seed, site_id, kinds, place)) if kinds else site)
    return tuple(sites)


def _device_kinds(config: SimulatorConfig, site_id: int) -> tuple[str, ...]:
    rng = random.Random(f"{config.seed}/mix/{site_id}")
    drawn = tuple(kind for kind, fewest, most in config.device_mix for _ in range(rng.randint(fewest, most)))
    return (*config.extra_devices, *drawn)


def _others(seed: int, site_id: int, kinds: tuple[str, ...], place: Place) -> tuple[Device, ...]:
    rng = random.Random(f"{seed}/others/{site_id}")
    return tuple(
        Device(
            sn=_serial(rng, "219801A2"), model="S1130" if kind == "SWITCH" else "AP 360 Cloud", dev_type=kind,
            alias=f"{kind.lower()}-{site_id}-{n + 1}", hard_version=f"Ver.{rng.choice('ABC')}",
            soft_version=f"V{rng.randrange(1, 4)}.{rng.randrange(10)}", status="online",
            online_time=rng.randrange(3600, 90 * 86400), mac=_mac(rng), memory_total=rng.choice((128, 256)),
            disk_total=rng.choice((64, 128)), egress_ip=_public_ip(rng), latitude=place.latitude,
            longitude=place.longitude,
        )
        for n, kind in enumerate(kinds)
    )  # fmt: skip


def _build_site(seed: int, site_id: int, position: int, place: Place) -> Site:
    rng = random.Random(f"{seed}/site/{site_id}")
    area, state, lat, lon, code = place.area, place.state, place.latitude, place.longitude, place.area_code
    name = f"{rng.choice(SHOP_KINDS)} {area} {position + 1}"
    address = f"Rua {rng.choice(('das Flores', 'Augusta', 'XV de Novembro', 'do Comércio'))}, {rng.randrange(10, 2000)}"
    is_ac = position % 3 == 2
    device = Device(
        sn=_serial(rng, "219801A0"),
        model="AC 3000" if is_ac else "GR 1200",
        dev_type="AC" if is_ac else "XIAOBEIROUTER",
        alias=f"gw-{site_id}",
        hard_version=f"Ver.{rng.choice('ABC')}",
        soft_version=f"V{rng.randrange(1, 4)}.{rng.randrange(10)}.{rng.randrange(100)}",
        status="offline" if position % 5 == 4 else "online",
        online_time=rng.randrange(3600, 90 * 86400),
        mac="" if is_ac else _mac(rng),
        memory_total="N/A" if is_ac else rng.choice((256, 512, 1024)),
        disk_total="N/A" if position % 4 == 3 else rng.choice((128, 256, 4096)),
        egress_ip=_public_ip(random.Random(f"{seed}/egress/{site_id}")),  # its own stream: the world stays as it was
        latitude=lat,
        longitude=lon,
    )
    aps = tuple(
        AccessPoint(
            sn=_serial(rng, "219801A1"),
            name=f"AP-{site_id}-{n + 1}",
            mac=_mac(rng),
            ip=f"192.168.{position % 250}.{10 + n}",
            model=rng.choice(AP_MODELS),
            soft_version=f"V{rng.randrange(1, 3)}.{rng.randrange(10)}",
            status=1 if rng.random() < 0.9 else rng.choice((2, 3)),
            online_time=rng.randrange(600, 30 * 86400),
            latitude=round(lat + rng.uniform(-0.002, 0.002), 6),
            longitude=round(lon + rng.uniform(-0.002, 0.002), 6),
            elevation=round(rng.uniform(2, 900), 1),
        )
        for n in range(rng.randint(3, 6))
    )
    ssids = tuple(
        Ssid(
            name=ssid_name,
            sp_name=f"sp-{site_id}-{n}",
            status=1 if n < 2 else 2,
            hide=1 if ssid_name.endswith("Staff") else 0,
            max_client=rng.choice((64, 128, 256)),
            max_send=rng.choice((0, 10240, 20480)),
            max_receive=rng.choice((0, 10240, 20480)),
        )
        for n, ssid_name in enumerate(_ssid_names(name)[: rng.randint(2, 3)])
    )
    return Site(
        id=site_id, name=name, region=place.region, state=state, city=place.city, area=area, address=address,
        phone=f"+55 {code} 3{rng.randrange(100, 999)}-{rng.randrange(1000, 9999)}", area_code=code,
        scenario=rng.choice(SCENARIOS), labels=(("segment", rng.choice(("premium", "standard"))), ("region", state)),
        device=device, aps=aps, ssids=ssids,
    )  # fmt: skip


def _ssid_names(site_name: str) -> tuple[str, ...]:
    brand = site_name.split()[0]
    return (f"{brand}-Guest", f"{brand}-Staff", "IoT")
