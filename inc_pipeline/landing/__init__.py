"""Landing: records -> validated, protected, typed rows in the atomic Parquet lake. Knows nothing of Dagster."""

from .archive import Archive, ArchiveError
from .lake import Lake, LakeError, PartitionWriter
from .normalise import Failure, to_frame, unknown_fields
from .privacy import protect, pseudonym
from .rules import landing_key
from .schemas import arrow_schema, expected_columns, schema_for
from .validate import QUARANTINE_COLUMNS, DriftReport, ValidationResult, validate

__all__ = [
    "Archive", "ArchiveError", "DriftReport", "Failure", "Lake", "LakeError", "PartitionWriter",
    "QUARANTINE_COLUMNS", "ValidationResult", "arrow_schema", "expected_columns", "landing_key", "protect",
    "pseudonym", "schema_for", "to_frame", "unknown_fields", "validate",
]  # fmt: skip
