"""`inc-pipeline`: the command line. Thin: each sub-command parses its arguments and calls one function.

Errors the user can fix end the command with one line on stderr and exit code 2; the API key is never printed.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from pathlib import Path

from inc_pipeline.args import OneLineParser, parse_day, whole_number
from inc_pipeline.errors import UserError

at_least_one = whole_number(1)  # days, sites


def _add_range(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--start", type=parse_day, required=True, help="first day, YYYY-MM-DD")
    parser.add_argument("--end", type=parse_day, required=True, help="last day (inclusive), YYYY-MM-DD")


def _add_log_level(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--log-level", default="critical", choices=["debug", "info", "warning", "error", "critical"],
                        help="Dagster's console log level (default: only our own one-line messages)")  # fmt: skip


def _add_account(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--account", default=None,
                        help="one of INC_ACCOUNTS's accounts (default: each in turn)")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="inc-pipeline", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    sim = commands.add_parser(
        "simulator", help="serve the INC Cloud simulator (on loopback unless --host says otherwise)", add_help=False
    )
    sim.add_argument("simulator_args", nargs=argparse.REMAINDER, help="--port N --seed N --sites N --days N ...")

    run = commands.add_parser("run", help="extract the days from --start to --end and build the warehouse")
    _add_range(run)
    run.add_argument("--select", default=None, help="comma-separated asset names or groups (default: all)")
    run.add_argument("--parallel", action="store_true",
                     help="the snapshots and the windows each in their own process, side by side (for backfills)")
    _add_account(run)
    _add_log_level(run)

    resume = commands.add_parser(
        "resume", help="re-execute the failed steps of the last run, when it failed, asking only what it did not land"
    )
    resume.add_argument("--run", default=None, help="a failed run's id or its first characters (default: the last run)")
    _add_log_level(resume)

    backfill = commands.add_parser(
        "backfill", help="history newest first: the newest missing days that fit a day's wall budget, one run"
    )
    _add_range(backfill)
    backfill.add_argument("--select", default=None, help="comma-separated asset names or groups (default: all)")
    backfill.add_argument("--days-per-run", type=at_least_one, default=None,
                          help="days a run extracts (default: what INC_DAILY_WALL_HOURS allows, as plan prints)")
    backfill.add_argument("--all", action="store_true", help="every run until the range has landed, not only one")
    backfill.add_argument("--parallel", action="store_true", help="snapshots and windows side by side (see run)")
    _add_account(backfill)
    _add_log_level(backfill)

    plan = commands.add_parser("plan", help="print the requests, time and quota a backfill needs")
    _add_range(plan)
    plan.add_argument("--sites", type=at_least_one, default=None, help="number of sites (default: from the lake)")
    plan.add_argument("--devices", type=at_least_one, default=None,
                      help="number of devices with --sites: a controller a site, the rest switches and cloud APs")
    _add_account(plan)

    status = commands.add_parser("status", help="landed partitions, failing checks, quota used, warehouse version")
    _add_account(status)

    demo = commands.add_parser("demo", help="start the simulator and run the last 14 days end to end")
    demo.add_argument("--days", type=at_least_one, default=14, help="complete days to extract, ending yesterday")
    demo.add_argument("--data-dir", default="data/demo", help="where the demo's lake and warehouse go")
    _add_log_level(demo)

    report = commands.add_parser("report", help="write a static HTML report of the warehouse (offline, no script)")
    report.add_argument("--out", type=Path, default=None, help="the HTML file (default: <INC_DATA_DIR>/report.html)")
    report.add_argument("--site", default=None, help="one site id (default: the account's sites, then each site)")
    report.add_argument("--start", type=parse_day, default=None, help="first day (default: guest_daily's first)")
    report.add_argument("--end", type=parse_day, default=None, help="last day, included (default: guest_daily's last)")
    report.add_argument("--account", default=None, help="with several accounts (INC_ACCOUNTS): whose warehouse")

    replay = commands.add_parser("replay", help="re-land partitions from the raw-answer archive (no API calls)")
    _add_range(replay)
    replay.add_argument("--table", required=True)
    _add_account(replay)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `inc-pipeline` console script."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["simulator"]:
        # The simulator has its own parser; argparse.REMAINDER cannot take options that come first.
        from inc_pipeline.simulator import run_simulator_cli

        run_simulator_cli(argv[1:])
        return 0
    args = build_parser().parse_args(argv)
    if args.command != "demo":
        load_dotenv(Path(".env"))
    # Dagster's beta/preview notices about our own definitions are nothing a user can act on.
    warnings.filterwarnings("ignore", module=r"dagster\.")
    try:
        return _dispatch(args)
    except UserError as exc:
        print(f"inc-pipeline {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"inc-pipeline {args.command}: interrupted; landed partitions are intact, rerun to resume",
              file=sys.stderr)  # fmt: skip
        return 130


def load_dotenv(path: Path, *, over_the_shell: bool = False) -> None:
    """Non-empty KEY=VALUE lines of `path` into the environment, read as `dagster dev` reads them (`export `
    prefixes, quotes and trailing ` # comments` allowed); the shell wins, unless `over_the_shell` (what `dagster
    dev` does with .env: `make dev` works out DAGSTER_HOME as `dagster dev` will see INC_DATA_DIR)."""
    if not path.is_file():
        return
    for line in path.read_text().splitlines():
        name, sep, value = line.strip().removeprefix("export ").partition("=")
        value = value.strip()
        if value[:1] in ("'", '"'):
            value = value[1:].split(value[0], 1)[0]  # quoted: up to the closing quote, a # inside kept
        else:
            value = value.split(" #", 1)[0].strip()  # unquoted: a trailing comment is not part of it
        if sep and name and not name.startswith("#") and value:
            if over_the_shell:
                os.environ[name.strip()] = value
            else:
                os.environ.setdefault(name.strip(), value)


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "run":
        from inc_pipeline.ops.run import run_range

        return run_range(args.start, args.end, select=args.select, log_level=args.log_level, parallel=args.parallel,
                         account=args.account)  # fmt: skip
    if args.command == "resume":
        from inc_pipeline.ops.run import resume_failed

        return resume_failed(args.run, log_level=args.log_level)
    if args.command == "backfill":
        from inc_pipeline.ops.backfill import backfill

        return backfill(args.start, args.end, select=args.select, days_per_run=args.days_per_run,
                        every_run=args.all, parallel=args.parallel, log_level=args.log_level,
                        account=args.account)  # fmt: skip
    if args.command == "plan":
        from inc_pipeline.ops.plan import print_plan

        return print_plan(args.start, args.end, sites=args.sites, devices=args.devices, account=args.account)
    if args.command == "status":
        from inc_pipeline.ops.status import print_status

        return print_status(args.account)
    if args.command == "demo":
        from inc_pipeline.ops.demo import run_demo

        return run_demo(days=args.days, data_dir=args.data_dir, log_level=args.log_level)
    if args.command == "report":
        return _report(args)
    if args.command == "replay":
        from inc_pipeline.ops.replay import replay_range

        return replay_range(args.table, args.start, args.end, account=args.account)
    raise AssertionError(args.command)


def _report(args: argparse.Namespace) -> int:
    from inc_pipeline.accounts import account_named
    from inc_pipeline.ops.instance import data_dir
    from inc_pipeline.report import write_report

    root = account_named(args.account).data_dir(data_dir())  # several accounts: one account's report at a time
    out = (args.out or root / "report.html").resolve()
    report = write_report(root / "warehouse.duckdb", out, site=args.site, start=args.start, end=args.end)
    print(f"inc-pipeline report: {report.start}..{report.end}, {len(report.site_ids)} site(s): {out.as_uri()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
