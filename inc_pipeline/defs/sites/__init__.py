"""The sites domain: its endpoint assets, generated from the catalog, with their checks."""

from inc_pipeline.defs.extraction import domain_definitions

defs = domain_definitions("sites")
