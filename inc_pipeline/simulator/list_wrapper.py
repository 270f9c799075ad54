"""The platform's other list layout, `data: {rowCount, data: [...]}` (field-notes), as a reading of the manual.

With `SimulatorConfig(list_wrapper="rowcount")` every list answer comes in it:
- a bare list (sites, devices, APs, radios, SSIDs, client MACs, interface flow, trends, SSID and vendor data, a
  several-site report) becomes {rowCount: its length, data: the list};
- the paged containers of the authentication history ({total_count, auth_list}) and of the device client lists
  ({count_total, count_left, histClientList} and {clientList: {count_total, count_left, clientInfo}}) become
  {rowCount: the total they state, data: the page};
- objects (a statistic, the reports' one-site cursor page {info, totalPage}, the region tree) stay as they are.
"""

from __future__ import annotations

from collections.abc import Callable

LIST_WRAPPERS = ("none", "rowcount")

# Each paged container: where its page and its total are, by path.
_PAGED: dict[str, Callable[[dict], tuple[list, int]]] = {
    "/api/o2oportal/getAuthUserInfo": lambda data: (data["auth_list"], data["total_count"]),
    "/device/historyclients": lambda data: (data["histClientList"], data["count_total"]),
    "/device/onlineclients": lambda data: (data["clientList"]["clientInfo"], data["clientList"]["count_total"]),
}


def check_list_wrapper(name: str) -> str:
    """`name` if it is a reading this module knows, else a ValueError saying which there are."""
    if name not in LIST_WRAPPERS:
        raise ValueError(f"unknown list_wrapper {name!r}: use one of {', '.join(LIST_WRAPPERS)}")
    return name


def wrapped(path: str, data):
    """`data` of an answer on `path` in the {rowCount, data} layout, where it is a list (see the module doc)."""
    if isinstance(data, list):
        return {"rowCount": len(data), "data": data}
    paged = _PAGED.get(path)
    if paged is not None and isinstance(data, dict):
        page, total = paged(data)
        return {"rowCount": total, "data": page}
    return data
