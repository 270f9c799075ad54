"""Model tests (from the YAML beside each model) and cross-endpoint reconciliations, as plain SQL.

Each test compiles to a query counting offending rows; `severity: error` (the default) blocks publication,
`severity: warn` is reported only. Reconciliations report how far two endpoints that describe the same thing
drift apart: rows compared, rows disagreeing beyond the tolerance, and the largest absolute gap.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from .graph import DEFAULT_SQL_DIR, GraphError, Model, ModelGraph, load_models
from .sources import compile_sql

SEVERITIES = ("error", "warn")


@dataclass(frozen=True)
class TestResult:
    """One model test: offending row count, and whether it blocks publication."""

    __test__ = False  # not a pytest class

    model: str
    name: str
    severity: str
    failures: int
    sql: str

    @property
    def passed(self) -> bool:
        return self.failures == 0

    @property
    def blocking(self) -> bool:
        return not self.passed and self.severity == "error"


@dataclass(frozen=True)
class ReconciliationResult:
    """How far two endpoints' numbers for the same thing drift apart."""

    name: str
    description: str
    severity: str
    tolerance: float
    rows_compared: int
    rows_disagreeing: int
    max_abs_diff: float

    @property
    def passed(self) -> bool:
        return self.rows_disagreeing == 0

    @property
    def blocking(self) -> bool:
        return not self.passed and self.severity == "error"


def test_sql(model: Model, spec: dict, relation: str | None = None) -> tuple[str, str, str]:
    """(name, severity, SQL counting offending rows) for one YAML test entry of a model (or of `relation`)."""
    spec = dict(spec)
    severity = spec.pop("severity", "error")
    custom_name = spec.pop("name", None)
    if severity not in SEVERITIES or len(spec) != 1:
        raise GraphError(f"{model.name}: bad test {spec!r} (one test kind, severity error|warn)")
    kind, arg = next(iter(spec.items()))
    relation = relation or model.relation
    if kind == "unique":
        cols = ", ".join(arg)
        sql = f"select count(*) from (select {cols} from {relation} group by all having count(*) > 1)"
        name = f"unique({cols})"
    elif kind == "not_null":
        cond = " or ".join(f"{c} is null" for c in arg)
        sql = f"select count(*) from {relation} where {cond}"
        name = f"not_null({', '.join(arg)})"
    elif kind == "accepted_values":
        values = ", ".join(_literal(v) for v in arg["values"])
        sql = f"select count(*) from {relation} where {arg['column']} not in ({values})"
        name = f"accepted_values({arg['column']})"
    elif kind == "expression":
        sql = f"select count(*) from {relation} where not coalesce(({arg}), false)"
        name = f"expression({arg})"
    else:
        raise GraphError(f"{model.name}: unknown test kind {kind!r}")
    return custom_name or name, severity, sql


def run_tests(
    con: duckdb.DuckDBPyConnection,
    graph: ModelGraph,
    models: list[str] | None = None,
    relation_of: dict[str, str] | None = None,
) -> list[TestResult]:
    """Run the YAML tests of the given models (all by default) against a built warehouse connection.

    `relation_of` points a model's tests at another relation (an incremental build tests only the rows it wrote).
    """
    results = []
    for name in models or graph.order:
        model = graph.models[name]
        for spec in model.tests:
            test_name, severity, sql = test_sql(model, spec, (relation_of or {}).get(name))
            failures = con.execute(sql).fetchone()[0]
            results.append(TestResult(name, test_name, severity, int(failures), sql))
    return results


def reconcile(
    con: duckdb.DuckDBPyConnection, graph: ModelGraph | None = None, relation_of: dict[str, str] | None = None
) -> list[ReconciliationResult]:
    """Run every reconciliation of the graph (the repository's by default) against a built warehouse.

    `relation_of` replaces some models' relations (an incremental build compares only the rows it wrote).
    """
    graph = graph or load_models(DEFAULT_SQL_DIR)
    relation_of = {name: model.relation for name, model in graph.models.items()} | (relation_of or {})
    results = []
    for rec in graph.reconciliations:
        body = compile_sql(rec.sql, graph.sql_dir, relation_of)
        gap = "abs(coalesce(actual, 0) - coalesce(expected, 0))"
        compared, disagreeing, worst = con.execute(
            f"select count(*), count(*) filter (where {gap} > {rec.tolerance}), coalesce(max({gap}), 0) from ({body})"
        ).fetchone()
        results.append(
            ReconciliationResult(
                rec.name, rec.description, rec.severity, rec.tolerance, compared, disagreeing, float(worst)
            )
        )
    return results


def _literal(value) -> str:
    if isinstance(value, bool) or value is None:
        return str(value).lower() if value is not None else "null"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"
