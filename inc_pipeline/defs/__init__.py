"""Dagster definitions, one sub-package per business domain; `inc_pipeline.definitions` merges them.

One Dagster feature we rely on is marked beta: the single-run backfill policy of every window endpoint (one run
over a range of days, `BackfillPolicy.single_run`). Dagster warns of it at each asset's definition, 21 times a
load, in every `dagster dev` and demo log, and no user can act on it; the warning is silenced here, for
Dagster's beta and preview notices only, and `tests/extraction/test_definitions.py` keeps a load quiet.
"""

import warnings

from dagster import BetaWarning, PreviewWarning

warnings.filterwarnings("ignore", category=BetaWarning)
warnings.filterwarnings("ignore", category=PreviewWarning)
