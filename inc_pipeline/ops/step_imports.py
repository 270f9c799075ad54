"""What every step of a parallel run imports, imported once by the forkserver its step processes fork from.

Dagster opens its instance storage (SQLAlchemy, Alembic), the compute-log manager and the daemon modules lazily,
and pandera imports its pandas backend (and hypothesis) on the first validation. In a step process
forked from a server that has not done so, each of ~40 steps paid that again: about 1.5 s of CPU per step, the
bulk of a 2-core machine's time in a short backfill. Importing them here (no instance is opened: connections
must not cross a fork), resolving the run's job once (`parallel_job`, which each step calls twice), and reading
Dagster's migration scripts once (`step_processes`) leaves each step its own work. Steps off the dependency
chain start a little later than those on it and yield them the CPU (`step_processes.put_the_chain_first`).
"""

from __future__ import annotations

import dagster._core.instance.factory  # noqa: F401
import dagster._core.storage.local_compute_log_manager  # noqa: F401
import dagster._core.storage.sqlite_storage  # noqa: F401
import dagster._core.workspace.context  # noqa: F401
import dagster._daemon.controller  # noqa: F401
import pandera.api.geopandas.container  # noqa: F401
import pandera.backends.pandas.builtin_checks  # noqa: F401
import pandera.backends.pandas.builtin_hypotheses  # noqa: F401
import pandera.backends.pandas.components  # noqa: F401
import pandera.backends.pandas.container  # noqa: F401
import pyarrow.dataset  # noqa: F401
import pyarrow.parquet  # noqa: F401

import inc_pipeline.extract.run  # noqa: F401
import inc_pipeline.warehouse  # noqa: F401
from inc_pipeline.ops.run import parallel_job
from inc_pipeline.ops.step_processes import put_the_chain_first, read_migrations_once

parallel_job()
read_migrations_once()
put_the_chain_first()
