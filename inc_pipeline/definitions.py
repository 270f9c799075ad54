"""What `dagster dev` (workspace.yaml) loads: the merge of every account's endpoint assets (built from the catalog),
warehouse, schedules and sensors, and the resources. Nothing else lives here."""

from dagster import Definitions

from inc_pipeline.defs.deployment import deployment_definitions
from inc_pipeline.defs.resources import resources_from_env

defs = Definitions.merge(*deployment_definitions(), Definitions(resources=resources_from_env()))
