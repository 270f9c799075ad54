"""Who a client is: attributes derived from (seed, site, client number) by hashing, so they never change."""

from __future__ import annotations

import datetime as dt

import numpy as np

VENDORS = (  # (English, Chinese) as the real service names them, and a market share
    ("Apple", "苹果", 0.30), ("Samsung", "三星", 0.30), ("Xiaomi", "小米", 0.12), ("Huawei", "华为", 0.06),
    ("Motorola", "摩托罗拉", 0.17), ("Unknown", "未知", 0.05),
)  # fmt: skip
_VENDOR_EDGES = np.cumsum([v[2] for v in VENDORS]) * 10_000
MODELS = {
    "Apple": ("iPhone 13", "iPhone 15", "iPad Air"), "Samsung": ("Galaxy A54", "Galaxy S23"),
    "Xiaomi": ("Redmi Note 12", "Poco X5"), "Huawei": ("P30 Lite",), "Motorola": ("Moto G84", "Edge 40"),
    "Unknown": ("",),
}  # fmt: skip
FIRST_NAMES = ("Ana", "Bruno", "Carla", "Diego", "Elisa", "Felipe", "Gabriela", "Heitor", "Isabela", "João")
LAST_NAMES = ("Silva", "Santos", "Oliveira", "Souza", "Lima", "Pereira", "Costa", "Almeida")
SEXES = (0, -1, 1, 2)
_MASK = np.uint64(0xFFFFFFFFFFFFFFFF)


def mix(seed: int, site_id: int, clients: np.ndarray, salt: int = 0) -> np.ndarray:
    """splitmix64 of (seed, site, client, salt): a well-spread uint64 per client, vectorised."""
    with np.errstate(over="ignore"):
        x = np.asarray(clients, dtype=np.uint64) + np.uint64((seed * 1_000_003 + site_id * 7919 + salt) & 0xFFFFFFFF)
        x = (x + np.uint64(0x9E3779B97F4A7C15)) & _MASK
        x = ((x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)) & _MASK
        x = ((x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)) & _MASK
        return x ^ (x >> np.uint64(31))


def vendor_index(seed: int, site_id: int, clients: np.ndarray) -> np.ndarray:
    """Index into VENDORS for each client."""
    return np.searchsorted(_VENDOR_EDGES, mix(seed, site_id, clients, 1) % np.uint64(10_000), side="right")


def mac_text(h: int) -> str:
    """Lower-case, colon-separated, as the real service writes MACs."""
    x = f"{h & 0xFFFFFFFFFFFF:012x}"
    return f"{x[0:2]}:{x[2:4]}:{x[4:6]}:{x[6:8]}:{x[8:10]}:{x[10:12]}"


def ms_text(ms: int) -> str:
    """A response timestamp "in UTC format": we assume 'YYYY-MM-DD HH:MM:SS' in UTC."""
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


class ClientBook:
    """Per-client text attributes of one site, memoised (pages of 5000 records reuse them)."""

    def __init__(self, seed: int, site_id: int, area_code: str, city: str, province: str) -> None:
        self.seed, self.site_id = seed, site_id
        self.area_code, self.city, self.province = area_code, city, province
        self._memo: dict[int, dict] = {}

    def get(self, client: int) -> dict:
        info = self._memo.get(client)
        if info is None:
            self.prepare([client])
            info = self._memo[client]
        return info

    def prepare(self, clients) -> None:
        """Make the attributes of many clients at once: hashing is vectorised, which matters for 5000-record pages."""
        missing = np.array([c for c in set(clients) if c not in self._memo], dtype=np.int64)
        if not len(missing):
            return
        hashes = mix(self.seed, self.site_id, missing, 2).tolist()
        vendors = vendor_index(self.seed, self.site_id, missing).tolist()
        for client, h, vendor in zip(missing.tolist(), hashes, vendors, strict=True):
            self._memo[client] = self._make(client, h, vendor)

    def _make(self, client: int, h: int, vendor: int) -> dict:
        vendor_en, vendor_cn, _ = VENDORS[vendor]
        models = MODELS[vendor_en]
        name = f"{FIRST_NAMES[h % 10]} {LAST_NAMES[(h >> 8) % 8]}"
        phone = f"+55 {self.area_code} 9{(h >> 16) % 10000:04d}-{(h >> 32) % 10000:04d}"
        wid = f"{h:016x}"
        nickname = name.split()[0].lower() + str(h % 97)
        info = {
            "mac": mac_text(h >> 8),
            "ip": f"10.{(h >> 20) % 256}.{(h >> 28) % 256}.{2 + (h >> 36) % 250}",
            "ip_int": (10 << 24) | (((h >> 20) % 256) << 16) | (((h >> 28) % 256) << 8) | (2 + (h >> 36) % 250),
            "vendor_en": vendor_en, "vendor_cn": vendor_cn, "model": models[(h >> 40) % len(models)],
            "name": name, "phone": phone, "open_id": f"o{wid[:12]}WX{wid[4:]}", "unionid": f"u{wid[::-1]}",
            "nickname": nickname, "sex": SEXES[(h >> 44) % 4],
            "headimgurl": f"https://thirdwx.qlogo.cn/mmopen/{wid}/132",
        }  # fmt: skip
        # The auth-record fields of this client, prebuilt so a 5000-record page is mostly dict merges.
        info["auth"] = {
            "user_mac": info["mac"], "user_ip": info["ip_int"], "vendor": vendor_en, "terminal_model": info["model"],
            "mobile_no": phone, "user_name": name, "app_auth_id": f"auth-{client}", "app_account": nickname,
            "open_id": info["open_id"], "nickname": nickname, "sex": info["sex"], "headimgurl": info["headimgurl"],
            "unionid": info["unionid"], "mobile_decode": phone, "province": self.province, "city": self.city,
            "country": "Brasil", "preliminary": "0", "user_group": "guest", "app_id": "wx5f3a9c0d2e1b7a64",
        }  # fmt: skip
        return info
