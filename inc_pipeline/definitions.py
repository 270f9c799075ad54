"""What `dagster dev` (workspace.yaml) loads: the merge of every domain's definitions. Nothing else lives here."""

from dagster import Definitions

from inc_pipeline.defs import (
    auth,
    clients,
    devices,
    dwell,
    guests,
    reports,
    schedules,
    sites,
    traffic,
    vendors,
    warehouse,
    wireless,
)
from inc_pipeline.defs.resources import resources_from_env

DOMAINS = (sites, devices, wireless, clients, auth, guests, dwell, traffic, vendors, reports, warehouse, schedules)

defs = Definitions.merge(*(domain.defs for domain in DOMAINS), Definitions(resources=resources_from_env()))
