"""What `dagster dev` (workspace.yaml) loads: the merge of the endpoint assets (built from the catalog), the
warehouse, the schedules and sensors, and the resources. Nothing else lives here."""

from dagster import Definitions

from inc_pipeline.defs import schedules, warehouse
from inc_pipeline.defs.request_groups import extraction_definitions
from inc_pipeline.defs.resources import resources_from_env

defs = Definitions.merge(
    extraction_definitions(), warehouse.defs, schedules.defs, Definitions(resources=resources_from_env())
)
