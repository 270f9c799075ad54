"""POST /api/o2oportal/getAuthUserInfo: portal authentication history, one record per session."""

from __future__ import annotations

import numpy as np

from .clients import mix
from .context import Call
from .faults import LATE_SHARE
from .paging import MAX_PAGE_SIZE, as_int, page_index_bounds
from .world import DaySessions, take

MAX_WINDOW_HOURS = 168
MAX_SITES = 50
DEFAULT_PAGE_SIZE = 100  # the manual states no default (assumption)


def auth_history(call: Call) -> dict:
    """Records of sessions starting in [begin_time, end_time] for up to 50 sites, ordered by site then start.

    Answer: {total_count, auth_list: [...]} (public clients read data.auth_list)."""
    shops = call.sites("shop_id", limit=MAX_SITES)
    start, end = call.window("begin_time", "end_time", max_hours=MAX_WINDOW_HOURS)
    size = as_int(call.param("page_size"), "page_size", default=DEFAULT_PAGE_SIZE, low=1, high=MAX_PAGE_SIZE)
    index = as_int(call.param("page_index"), "page_index", default=1, low=1)
    hide = call.faults.hide_late((tuple(shops), start, end), index)
    chunks = [_visible(call, call.world.window(site, start, end), hide) for site in shops]
    total = sum(len(c) for c in chunks)
    lo, hi = page_index_bounds(total, index, size, overlap=call.overlap)
    records: list[dict] = []
    offset = 0
    for chunk in chunks:
        a, b = max(lo - offset, 0), min(hi - offset, len(chunk))
        if b > a:
            records.extend(_records(call, take(chunk, slice(a, b))))
        offset += len(chunk)
    return {"total_count": total, "auth_list": records}


def _visible(call: Call, d: DaySessions, hide: bool) -> DaySessions:
    """Drop the late records (a fixed few % chosen by hash) while the window is read for the first time."""
    if not hide or not len(d):
        return d
    h = mix(call.world.config.seed, d.site_id, d.start + d.client, 3)
    return take(d, np.nonzero(h % np.uint64(10_000) >= np.uint64(int(LATE_SHARE * 10_000)))[0])


def _records(call: Call, d: DaySessions) -> list[dict]:
    site = call.world.sites[d.site_id]
    book = call.world.book(d.site_id)
    ac_ip = (192 << 24) | (168 << 16) | ((d.site_id % 250) << 8) | 1
    aps = [(site.radio_name_mac(n)[1], f"apgroup-{d.site_id}-{n % 2}") for n in range(site.radio_slots)]
    out = []
    book.prepare(d.client.tolist())
    site_id = d.site_id
    out = []
    starts, durations, rxs, txs = d.start.tolist(), d.duration.tolist(), d.rx_mb.tolist(), d.tx_mb.tolist()
    for i, (client, ap, user_type) in enumerate(zip(d.client.tolist(), d.ap.tolist(), d.user_type.tolist(),
                                                    strict=True)):  # fmt: skip
        ap_mac, group = aps[ap]
        start, duration, rx, tx = starts[i], durations[i], rxs[i], txs[i]
        out.append({
            "ap_group_id": group, "ap_mac": ap_mac, "upstream": f"{tx:.2f}", "downstream": f"{rx:.2f}",
            "shop_id": site_id, "user_type": user_type, "access_start_time": start, "access_duration": duration,
            "access_ac_ip": ac_ip, "access_duration_sum": duration, "login_freq_sum": 1,
            "upstream_sum": int(tx * 1024), "downstream_sum": int(rx * 1024), "offline_type": client % 4,
            "tid": f"t{start:x}", **book.get(client)["auth"],
        })  # fmt: skip
    return out
