"""The warehouse domain: every SQL model as an asset, built by one multi-asset over `inc_pipeline.warehouse`.

Asset keys are `[<layer>, <model>]` (e.g. `marts/guest_daily`); their deps come from the SQL's own refs and
sources, the latter being the endpoint assets `[<endpoint_id>]`. Materialising a subset rebuilds those models
(and what they read) on top of a copy of the published warehouse, then publishes atomically. Model tests and
reconciliations are reported as asset checks on the model they guard.

A run over a partition range (the CLI's `run`, a backfill) rebuilds incrementally: only the range's days and
today's snapshots are recomputed on a copy of the published warehouse. Incremental marts name a row's landed day
in UTC, so with INC_TIMEZONE other than UTC every build is a full one.

Every mart carries a freshness policy (fails when not rebuilt for 26 hours: the daily run plus two hours of
slack), which Dagster's own freshness daemon evaluates: no check or sensor to schedule.
"""

from datetime import date, timedelta
from pathlib import Path

import duckdb
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    Definitions,
    FreshnessPolicy,
    MaterializeResult,
    TableColumn,
    TableColumnConstraints,
    TableConstraints,
    TableSchema,
    multi_asset,
)

from inc_pipeline import clock
from inc_pipeline.accounts import SINGLE, Account, accounts_from_env
from inc_pipeline.catalog import RANGE_TABLES_BY_ID
from inc_pipeline.days import day_range
from inc_pipeline.defs.extraction import endpoint_key
from inc_pipeline.defs.partitions import TIMEZONE
from inc_pipeline.defs.resources import IncApiResource, PipelineSettings
from inc_pipeline.defs.run_clock import run_started_at
from inc_pipeline.extract.cleanup import remove_build_leftovers
from inc_pipeline.warehouse import BuildFailed, ModelGraph, build_warehouse, load_models
from inc_pipeline.warehouse.combined import combine_accounts

GROUP = "warehouse"
RANGE_TAGS = ("dagster/asset_partition_range_start", "dagster/asset_partition_range_end")
PARTITION_TAG = "dagster/partition"
MART_FRESHNESS = FreshnessPolicy.time_window(fail_window=timedelta(hours=26))  # the daily run plus 2 h of slack


def model_key(graph: ModelGraph, name: str, account: Account = SINGLE) -> AssetKey:
    return AssetKey([*account.key_prefix, graph.models[name].layer, name])


def model_keys(graph: ModelGraph | None = None, account: Account = SINGLE) -> list[AssetKey]:
    """Every model's asset key (the repository's `dbt_like_sql/` by default)."""
    graph = graph or load_models()
    return [model_key(graph, name, account) for name in graph.models]


def _landed_by(table: str) -> str:
    """The endpoint asset that lands a table: a range table (`<id>_by_range`) is landed by its daily endpoint's."""
    return RANGE_TABLES_BY_ID[table].range_of if table in RANGE_TABLES_BY_ID else table


def _specs(graph: ModelGraph, account: Account) -> list[AssetSpec]:
    return [
        AssetSpec(
            model_key(graph, name, account),
            deps=[model_key(graph, ref, account) for ref in model.refs]
            + [endpoint_key(_landed_by(src), account) for src in model.sources],
            group_name=account.prefixed(GROUP, "_"),
            kinds={"duckdb", "sql"},
            description=(model.sql.splitlines() or [""])[0].removeprefix("-- "),
            metadata={"relation": model.relation, "materialization": model.materialization},
            freshness_policy=MART_FRESHNESS if model.layer == "marts" else None,
        )
        for name, model in graph.models.items()
    ]


def _check_specs(graph: ModelGraph, account: Account) -> list[AssetCheckSpec]:
    tests = [
        AssetCheckSpec("model_tests", asset=model_key(graph, name, account),
                       description="The YAML tests beside the model")  # fmt: skip
        for name, model in graph.models.items()
        if model.tests
    ]
    recs = [
        AssetCheckSpec(rec.name, asset=model_key(graph, rec.refs[-1], account), description=rec.description)
        for rec in graph.reconciliations
    ]
    return tests + recs


def warehouse_assets(graph: ModelGraph | None = None, account: Account = SINGLE):
    """The multi-asset building the models of `graph` (the repository's `dbt_like_sql/` by default) into
    `account`'s warehouse; with several accounts, the deployment's warehouse of every account follows."""
    graph = graph or load_models()
    name_of = {model_key(graph, name, account): name for name in graph.models}

    @multi_asset(specs=_specs(graph, account), check_specs=_check_specs(graph, account), can_subset=True,
                 name=account.prefixed("warehouse_build"))  # fmt: skip
    def _build(context: AssetExecutionContext, settings: PipelineSettings, inc_api: IncApiResource):
        settings.ensure_usable()
        top = settings.root
        settings, inc_api = settings.for_account(account), inc_api.for_account(account)
        chosen = {name_of[key] for key in context.selected_asset_keys}
        selected = [name for name in graph.order if name in chosen]  # Dagster wants outputs in dependency order
        everything = len(selected) == len(graph.models)
        for leftover in remove_build_leftovers(settings.root):  # private files of builds killed mid-way
            context.log.info(f"removed {leftover.name}, left by a killed build")
        try:
            result = build_warehouse(
                settings.root,
                graph.sql_dir,
                source_label=inc_api.source_label,
                select=None if everything else selected,
                changed_dates=changed_dates(context.run.tags, today=run_started_at(context).date()),
                limits=settings.build_limits(),
                timezones=settings.timezones(TIMEZONE),
                store=settings.object_store(),
            )
        except BuildFailed as failed:
            context.log.error(str(failed))
            raise
        if account.name:
            _combine(context, top)
        schemas = column_schemas(result.published, graph)
        for name in selected:
            yield MaterializeResult(
                asset_key=model_key(graph, name, account),
                metadata={"rows": result.models.get(name, 0), "warehouse_version": result.version,
                          **({"rows_recomputed": result.recomputed[name]} if name in result.recomputed else {}),
                          **({"dagster/column_schema": schemas[name]} if name in schemas else {})},
            )
        yield from _check_results(graph, result, set(selected), context, account)

    return _build


def _combine(context: AssetExecutionContext, top: Path) -> None:
    """Every account's published warehouse into the deployment's, side by side: an account whose warehouse cannot
    be read is left out with a warning, never failing this account's build."""
    combined = combine_accounts(top, [a.name for a in accounts_from_env() if a.name])
    for line in combined.left_out:
        context.log.warning(line)
    context.log.info(f"{combined.path}: accounts {', '.join(combined.accounts) or 'none'}")


def column_schemas(published: Path, graph: ModelGraph) -> dict[str, TableSchema]:
    """Each model's columns and DuckDB types as the published warehouse holds them, with the YAML's descriptions
    and the declared constraints (NOT NULL; a mart's primary key): the marts' contract, read from the build."""
    with duckdb.connect(str(published), read_only=True) as con:
        rows = con.execute(
            "select schema_name, table_name, column_name, data_type, is_nullable from duckdb_columns() "
            "where database_name = current_database() order by schema_name, table_name, column_index"
        ).fetchall()
    described = {name: dict(model.columns) for name, model in graph.models.items()}
    found: dict[str, list[TableColumn]] = {}
    for schema, table, column, data_type, nullable in rows:
        model = graph.models.get(table)
        if model is None or model.layer != schema:
            continue
        constraints = TableColumnConstraints(nullable=nullable, unique=model.declared_primary_key == (column,))
        found.setdefault(table, []).append(TableColumn(column, data_type, described[table].get(column),
                                                       constraints=constraints))  # fmt: skip
    return {name: TableSchema(columns=columns, constraints=_key_constraint(graph.models[name]))
            for name, columns in found.items()}  # fmt: skip


def _key_constraint(model) -> TableConstraints | None:
    key = model.declared_primary_key
    return TableConstraints(other=[f"PRIMARY KEY ({', '.join(key)})"]) if key else None


def changed_dates(tags: dict[str, str], timezone: str = TIMEZONE, today: date | None = None) -> list[date] | None:
    """The landed days a run touched (its partition range, plus the snapshots of `today`, the run's day);
    None: build in full."""
    start, end = (tags.get(tag) for tag in RANGE_TAGS)
    if not (start and end):
        start = end = tags.get(PARTITION_TAG)
    if not (start and end) or timezone != "UTC":
        return None
    first, last = date.fromisoformat(start[:10]), date.fromisoformat(end[:10])
    days = day_range(first, last)
    return [*days, today or clock.today()]


def _check_results(graph: ModelGraph, result, selected: set[str], context: AssetExecutionContext, account: Account):
    wanted = context.selected_asset_check_keys
    for name in selected:
        tests = [t for t in result.tests if t.model == name]
        key = model_key(graph, name, account)
        if not tests or not any(k.asset_key == key and k.name == "model_tests" for k in wanted):
            continue
        failed = [t for t in tests if not t.passed]
        yield AssetCheckResult(
            asset_key=key,
            check_name="model_tests",
            passed=not failed,
            severity=AssetCheckSeverity.ERROR if any(t.blocking for t in failed) else AssetCheckSeverity.WARN,
            metadata={"failed": ", ".join(f"{t.name} ({t.failures})" for t in failed) or "none"},
        )
    for rec in result.reconciliations:
        spec = next(r for r in graph.reconciliations if r.name == rec.name)
        key = model_key(graph, spec.refs[-1], account)
        if not any(k.asset_key == key and k.name == rec.name for k in wanted):
            continue
        yield AssetCheckResult(
            asset_key=key,
            check_name=rec.name,
            passed=rec.passed,
            severity=AssetCheckSeverity.ERROR if rec.severity == "error" else AssetCheckSeverity.WARN,
            metadata={
                "rows_compared": rec.rows_compared,
                "rows_disagreeing": rec.rows_disagreeing,
                "max_abs_diff": rec.max_abs_diff,
            },
        )


def warehouse_definitions(account: Account = SINGLE) -> Definitions:
    return Definitions(assets=[warehouse_assets(account=account)])


defs = warehouse_definitions()
