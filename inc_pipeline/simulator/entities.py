"""The static part of the synthetic world: sites, their gateway device, APs, radios and SSIDs."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

FIRST_SITE_ID = 1001

# (city, state, area, latitude, longitude, phone area code)
CITIES = (
    ("São Paulo", "SP", "Pinheiros", -23.561, -46.656, "11"),
    ("Rio de Janeiro", "RJ", "Copacabana", -22.971, -43.182, "21"),
    ("Belo Horizonte", "MG", "Savassi", -19.937, -43.934, "31"),
    ("Curitiba", "PR", "Batel", -25.443, -49.287, "41"),
    ("Porto Alegre", "RS", "Moinhos de Vento", -30.027, -51.201, "51"),
    ("Salvador", "BA", "Barra", -13.005, -38.526, "71"),
    ("Recife", "PE", "Boa Viagem", -8.119, -34.901, "81"),
    ("Florianópolis", "SC", "Centro", -27.595, -48.548, "48"),
)
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
    dev_type: str  # AC or XIAOBEIROUTER (manual's options)
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
    city: str
    province: str
    area: str
    address: str
    phone: str
    area_code: str
    scenario: str
    labels: tuple[tuple[str, str], ...]
    device: Device
    aps: tuple[AccessPoint, ...]
    ssids: tuple[Ssid, ...]
    others: tuple[Device, ...] = ()  # switches and cloud APs beside the controller (`extra_devices`)

    @property
    def all_devices(self) -> tuple[Device, ...]:
        return (self.device, *self.others)


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


def build_sites(seed: int, count: int, extra_devices: tuple[str, ...] = ()) -> tuple[Site, ...]:
    """Deterministic sites for an account: same seed and count, same sites; each with one device of every type in
    `extra_devices` (SWITCH, CLOUDAP) beside its controller, drawn from a stream of their own."""
    sites = (_build_site(seed, FIRST_SITE_ID + i, i) for i in range(count))
    return tuple(replace(s, others=_others(seed, s.id, extra_devices)) if extra_devices else s for s in sites)


def _others(seed: int, site_id: int, kinds: tuple[str, ...]) -> tuple[Device, ...]:
    rng = random.Random(f"{seed}/others/{site_id}")
    return tuple(
        Device(
            sn=_serial(rng, "219801A2"), model="S1130" if kind == "SWITCH" else "AP 360 Cloud", dev_type=kind,
            alias=f"{kind.lower()}-{site_id}-{n + 1}", hard_version=f"Ver.{rng.choice('ABC')}",
            soft_version=f"V{rng.randrange(1, 4)}.{rng.randrange(10)}", status="online",
            online_time=rng.randrange(3600, 90 * 86400), mac=_mac(rng), memory_total=rng.choice((128, 256)),
            disk_total=rng.choice((64, 128)), egress_ip=_public_ip(rng), latitude=0.0, longitude=0.0,
        )
        for n, kind in enumerate(kinds)
    )  # fmt: skip


def _build_site(seed: int, site_id: int, position: int) -> Site:
    rng = random.Random(f"{seed}/site/{site_id}")
    city, state, area, lat, lon, code = CITIES[position % len(CITIES)]
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
        id=site_id, name=name, city=city, province=state, area=area, address=address,
        phone=f"+55 {code} 3{rng.randrange(100, 999)}-{rng.randrange(1000, 9999)}", area_code=code,
        scenario=rng.choice(SCENARIOS), labels=(("segment", rng.choice(("premium", "standard"))), ("region", state)),
        device=device, aps=aps, ssids=ssids,
    )  # fmt: skip


def _ssid_names(site_name: str) -> tuple[str, ...]:
    brand = site_name.split()[0]
    return (f"{brand}-Guest", f"{brand}-Staff", "IoT")
