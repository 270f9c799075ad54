"""The deployment's definitions: every account's endpoint assets, warehouse, jobs, schedules and sensor.

With one account (no INC_ACCOUNTS) they are named as they always were. With several, each account's are named
after it (asset keys `north/history_day_report`, groups `north_guests`, jobs `north__daily_extraction`, pools
`inc_api/north/...`), built from the same catalog and SQL, and each account's step asks the API and lands as that
account (its key, its data directory: `accounts.py`). An INC_ACCOUNTS the pipeline cannot use does not stop the
definitions from loading: the resources carry its line and every run fails with it (`resources_from_env`).
"""

from dagster import Definitions

from inc_pipeline.accounts import SINGLE, AccountsError, accounts_from_env

from .request_groups import extraction_definitions
from .schedules import cli_job, schedule_definitions
from .warehouse import warehouse_definitions


def deployment_definitions() -> list[Definitions]:
    """Each account's definitions, then the CLI's job over all of them."""
    try:
        accounts = accounts_from_env()
    except AccountsError:
        accounts = (SINGLE,)
    per_account = [
        part
        for account in accounts
        for part in (extraction_definitions(account), warehouse_definitions(account), schedule_definitions(account))
    ]
    return [*per_account, Definitions(jobs=[cli_job])]
