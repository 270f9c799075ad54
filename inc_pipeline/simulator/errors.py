"""How the simulator answers failures: every assumption about the real service's error behaviour, in one place.

The manual documents no error codes and no throttling answer (field-notes.md). These are OUR assumptions; change
them here when the real service says otherwise.

| situation                                   | HTTP | code | message                      |
|---------------------------------------------|------|------|------------------------------|
| `apikey` header missing or wrong            | 200  | 1001 | invalid apikey               |
| key listed in `revoked_keys`                | 200  | 1001 | apikey disabled              |
| required field missing / invalid value      | 200  | 1002 | invalid parameter: <field>   |
| window longer than 168 h (auth history)     | 200  | 1002 | invalid parameter: end_time  |
| page_size outside 1..5000                   | 200  | 1002 | invalid parameter: page_size |
| a 1/second endpoint called < 1.0 s apart    | 429  | 1003 | request too frequent         |
| 101st call of a 100/day endpoint (UTC day)  | 200  | 1004 | daily quota exceeded         |
| site id not in the account                  | 200  | 1005 | shop not found               |
| a device asked what its type does not answer| 200  | 1006 | Device <SN> does not support this operation |
| unknown path                                | 404  | 404  | not found                    |

Checks run in that order of concern: path, key, rate limit, quota, parameters, site ids. Every request that
passes the key check counts against the rate limit and the quota, even if it then fails validation.
"""

from __future__ import annotations

INVALID_KEY = 1001
BAD_PARAMETER = 1002
TOO_FREQUENT = 1003
QUOTA_EXCEEDED = 1004
SHOP_NOT_FOUND = 1005
UNSUPPORTED_OPERATION = 1006
NOT_FOUND = 404

RATE_TOLERANCE_S = 0.02  # clock jitter allowed on the 1/second limit


class ApiError(Exception):
    """A failure answered with the envelope `{"code", "message", "data": null}` and an HTTP status."""

    def __init__(self, code: int, message: str, status: int = 200) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status

    def envelope(self) -> dict:
        return {"code": self.code, "message": self.message, "data": None}


def invalid_key() -> ApiError:
    return ApiError(INVALID_KEY, "invalid apikey")


def disabled_key() -> ApiError:
    return ApiError(INVALID_KEY, "apikey disabled")


def bad_parameter(field: str, why: str = "") -> ApiError:
    return ApiError(BAD_PARAMETER, f"invalid parameter: {field}" + (f" ({why})" if why else ""))


def too_frequent() -> ApiError:
    return ApiError(TOO_FREQUENT, "request too frequent", status=429)


def quota_exceeded() -> ApiError:
    return ApiError(QUOTA_EXCEEDED, "daily quota exceeded")


def shop_not_found(shop) -> ApiError:
    return ApiError(SHOP_NOT_FOUND, f"shop not found: {shop}")


def not_found(path: str) -> ApiError:
    return ApiError(NOT_FOUND, f"not found: {path}", status=404)


def unsupported_operation(sn: str) -> ApiError:
    """A device asked an endpoint its type does not answer (a switch asked for AP info): code and message are
    ours (field notes: public clients ask controller-only endpoints only of controllers)."""
    return ApiError(UNSUPPORTED_OPERATION, f"Device {sn} does not support this operation")
