"""All 40 endpoints of the INC Cloud open API manual, as data, in the manual's order.

Source: inc-cloud-api-manual.pt.txt (the only specification) and its English transcription endpoints.yaml.
Where the manual is silent, the assumption is made here once, in the entry's `notes`.
"""

from __future__ import annotations

from ..model import Endpoint
from .auth import AUTH_ENDPOINTS
from .devices import DEVICE_ENDPOINTS
from .statistics import STATISTICS_ENDPOINTS

ENDPOINTS: tuple[Endpoint, ...] = (*DEVICE_ENDPOINTS, *AUTH_ENDPOINTS, *STATISTICS_ENDPOINTS)
