"""`inc-pipeline backfill`: history newest first, one run of days at a time, each within the daily wall budget.

A year of a large account's history takes days of runs at the API's limits (`inc-pipeline plan`). The days whose
window partitions have not all landed are cut into runs of at most `plan`'s days per run, newest first, so
analysts have the latest weeks after the first night; each invocation runs the newest missing run (or all of
them with `--all`) and says what is left. The lake is the progress record: run it again, or nightly, and it
carries on where the last one stopped (a failed or interrupted run leaves its days missing, to be asked again).
"""

from __future__ import annotations

import sys
from datetime import date

from inc_pipeline.accounts import SINGLE, Account, chosen_accounts
from inc_pipeline.catalog import ENDPOINTS_BY_ID
from inc_pipeline.days import day_range, newest_first_chunks, runs_text
from inc_pipeline.defs.resources import default_rate_from_env, lake_from_env, wall_hours_from_env
from inc_pipeline.errors import UserError
from inc_pipeline.extract.budget import backfill_days_per_run
from inc_pipeline.landing.lake import Lake

from .instance import data_dir
from .plan import targets_for
from .run import EXIT_FAILED_UNITS, check_range, run_range, selection_of


def windowed_endpoints(select: str | None, account: Account = SINGLE) -> list[str]:
    """The window endpoints the selection materializes (all of them without --select)."""
    from inc_pipeline.definitions import defs

    keys = selection_of(select, account).resolve(defs.resolve_asset_graph())
    chosen = {key.path[-1] for key in keys}
    return [e for e, endpoint in ENDPOINTS_BY_ID.items() if endpoint.is_windowed and e in chosen]


def missing_days(lake: Lake, start: date, end: date, endpoints: list[str]) -> list[date]:
    """Days of start..end whose partition has not landed for every one of `endpoints`."""
    landed = [set(lake.partitions(endpoint)) for endpoint in endpoints]
    return [day for day in day_range(start, end) if not all(day in days for days in landed)]


def backfill(start: date, end: date, *, select: str | None = None, days_per_run: int | None = None,
             every_run: bool = False, parallel: bool = False, log_level: str = "CRITICAL",
             account: str | None = None) -> int:  # fmt: skip
    """Run the newest run of missing days (every run with `every_run`); 0 when all ran (or none was missing).
    With several accounts, each account's (or `account`'s) missing days, account after account: each lake is its
    own progress record."""
    check_range(start, end)
    worst, failed = 0, []
    for each in chosen_accounts(account):
        try:
            worst = max(worst, _backfill_account(start, end, select, days_per_run, every_run, parallel, log_level,
                                                 each))  # fmt: skip
        except UserError as error:
            if each.name is None:
                raise
            print(f"inc-pipeline backfill: {error}", file=sys.stderr)  # it names the account
            failed.append(each.name)
    if failed:
        raise UserError(f"account {', '.join(failed)} failed (above); the other accounts ran: fix it and run again "
                        "with --account")  # fmt: skip
    return worst


def _backfill_account(start, end, select, days_per_run, every_run, parallel, log_level, account: Account) -> int:
    endpoints = windowed_endpoints(select, account)
    if not endpoints:
        raise UserError(f"--select {select!r} has no window endpoint: a backfill fills days; use `inc-pipeline "
                        "run` for snapshots")  # fmt: skip
    said = account.said
    lake = lake_from_env(account.data_dir(data_dir()), account)
    size = days_per_run or backfill_days_per_run(
        [ENDPOINTS_BY_ID[e] for e in endpoints], targets_for(None, account=account), end,
        default_rate=default_rate_from_env(), wall_hours=wall_hours_from_env(),
    )  # fmt: skip
    chunks = newest_first_chunks(missing_days(lake, start, end, endpoints), size)
    if not chunks:
        print(f"inc-pipeline backfill: {said}{start}..{end} has landed; nothing to backfill", file=sys.stderr)
        return 0
    worst = 0
    for first, last in chunks if every_run else chunks[:1]:
        code = run_range(first, last, select=select, parallel=parallel, log_level=log_level, account=account.name)
        worst = max(worst, code)
        if code not in (0, EXIT_FAILED_UNITS):
            break  # an outage: the next run would meet it too; the lake keeps what landed
    left = missing_days(lake, start, end, endpoints)
    if left:
        rest = newest_first_chunks(left, size)
        print(f"inc-pipeline backfill: {said}{start}..{end}: {len(left)} days left ({len(rest)} more run(s) of up to "
              f"{size} days: {runs_text(rest[:3])}{', ...' if len(rest) > 3 else ''}); run it again, or nightly",
              file=sys.stderr)  # fmt: skip
    else:
        print(f"inc-pipeline backfill: {said}{start}..{end} has landed", file=sys.stderr)
    return worst
