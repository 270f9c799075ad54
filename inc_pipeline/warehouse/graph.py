"""The SQL model graph: models, their tests and dependencies, read from `dbt_like_sql/` itself.

A model is one `<layer>/<name>.sql` file; its dependencies are the `{{ ref('...') }}` and `{{ source('...') }}`
calls in its text, never listed a second time. Its tests live in `<layer>/<name>.yml` beside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import jinja2
import yaml

LAYERS = ("staging", "intermediate", "marts")  # build order of the layers, and the schema each one lands in
# Staging models are tables, so the published warehouse reads without the lake (a copy of the file alone opens
# anywhere); each is replaced by landed day like an incremental mart (its rows' `partition_date`). Intermediate
# models stay views over them.
MATERIALIZATION = {"staging": "table", "intermediate": "view", "marts": "table"}
STAGING_PARTITION_DATE = "partition_date"  # every staging model keeps its landed day under this name
DEFAULT_SQL_DIR = Path(__file__).resolve().parents[2] / "dbt_like_sql"

_CALL = re.compile(r"\{\{\s*(ref|source)\(\s*['\"]([A-Za-z_][A-Za-z0-9_]*)['\"]\s*\)\s*\}\}")
_ANY_TEMPLATE = re.compile(r"\{\{|\{%|\{#")
_MACRO_CALL = re.compile(r"\{\{\s*(?!ref\(|source\()[A-Za-z_]\w*\(")  # {{ name(...) }} but ref and source


class GraphError(ValueError):
    """A model graph that cannot be built: unknown ref, cycle, bad template or test spec (one line)."""


@dataclass(frozen=True)
class Model:
    """One SQL model: `layer.name`, its text, what it reads, and its test specs from the YAML beside it."""

    name: str
    layer: str
    sql: str
    path: Path
    refs: tuple[str, ...]
    sources: tuple[str, ...]
    tests: tuple[dict, ...] = ()
    partition_date: str | None = None  # incremental marts: SQL over the mart's columns giving a row's landed day
    description: str = ""  # the YAML's, shown by BI tools as the table's comment
    columns: tuple[tuple[str, str], ...] = ()  # the YAML's `columns:` (name: description), as column comments
    primary_key: bool = True  # marts: declare the unique key as PRIMARY KEY (YAML `primary_key: false` opts out)
    materialized: str = ""  # YAML `materialized: view`: a mart over staging, or a staging model over the lake

    @property
    def relation(self) -> str:
        """The schema-qualified relation the model materialises as."""
        return f"{self.layer}.{self.name}"

    @property
    def materialization(self) -> str:
        return self.materialized or MATERIALIZATION[self.layer]

    @property
    def declared_not_null(self) -> tuple[str, ...]:
        """Columns of the model's blocking `not_null` tests, declared NOT NULL on its table."""
        return tuple(dict.fromkeys(c for spec in self.tests if "not_null" in spec and spec.get("severity", "error")
                                   == "error" for c in spec["not_null"]))  # fmt: skip

    @property
    def declared_primary_key(self) -> tuple[str, ...]:
        """A mart's PRIMARY KEY: its blocking `unique` test's columns, when all of them are declared NOT NULL."""
        spec = next((spec for spec in self.tests if "unique" in spec), None)
        if self.layer != "marts" or not self.primary_key or spec is None or spec.get("severity", "error") != "error":
            return ()
        key = tuple(spec["unique"])
        return key if set(key) <= set(self.declared_not_null) else ()

    @property
    def unique_key(self) -> tuple[str, ...]:
        """The columns of the model's first `unique` test: the key an incremental build replaces rows on."""
        return next((tuple(spec["unique"]) for spec in self.tests if "unique" in spec), ())


@dataclass(frozen=True)
class Reconciliation:
    """A cross-endpoint comparison: SQL yielding `expected`/`actual` per key row, and how bad a gap is."""

    name: str
    sql: str
    refs: tuple[str, ...]
    description: str
    severity: str = "warn"
    tolerance: float = 0.0


@dataclass(frozen=True)
class ModelGraph:
    """All models in dependency order, plus the reconciliations and SQL functions the build installs."""

    models: dict[str, Model]
    order: tuple[str, ...]
    reconciliations: tuple[Reconciliation, ...] = ()
    functions: tuple[str, ...] = ()  # `create macro` statements installed before any model
    sql_dir: Path = field(default=DEFAULT_SQL_DIR)

    def upstream(self, names: list[str] | tuple[str, ...]) -> list[str]:
        """The named models and everything they read from, in build order."""
        wanted: set[str] = set()
        stack = list(names)
        while stack:
            name = stack.pop()
            if name not in self.models:
                raise GraphError(f"unknown model {name!r} in select")
            if name not in wanted:
                wanted.add(name)
                stack.extend(self.models[name].refs)
        return [name for name in self.order if name in wanted]

    def lineage(self) -> dict[str, tuple[str, ...]]:
        """Model -> every landed table (endpoint id) it reads, directly or through other models."""
        return {name: self._sources_of(name) for name in self.order}

    def _sources_of(self, name: str) -> tuple[str, ...]:
        found = {src for dep in self.upstream([name]) for src in self.models[dep].sources}
        return tuple(sorted(found))


def dependencies(sql: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(refs, sources) named in a SQL text, in order of first use; anything else templated is an error."""
    refs: list[str] = []
    sources: list[str] = []
    for kind, name in _CALL.findall(sql):
        target = refs if kind == "ref" else sources
        if name not in target:
            target.append(name)
    if _ANY_TEMPLATE.search(_CALL.sub("", sql)):
        raise GraphError("only {{ ref('name') }} and {{ source('name') }} may be templated")
    return tuple(refs), tuple(sources)


def load_models(sql_dir: str | Path = DEFAULT_SQL_DIR) -> ModelGraph:
    """Read every model, test spec and reconciliation under `sql_dir`; order models by their refs."""
    sql_dir = Path(sql_dir)
    models: dict[str, Model] = {}
    macros = macro_library(sql_dir / "macros")
    for layer in LAYERS:
        for path in sorted((sql_dir / layer).glob("*.sql")):
            if path.stem in models:
                raise GraphError(f"model {path.stem!r} defined twice ({models[path.stem].path}, {path})")
            models[path.stem] = _read_model(path, layer, macros)
    reconciliations = tuple(_read_reconciliation(p) for p in sorted((sql_dir / "reconciliations").glob("*.sql")))
    for item in (*models.values(), *reconciliations):
        unknown = [ref for ref in item.refs if ref not in models]
        if unknown:
            raise GraphError(f"{item.name} refers to unknown model(s): {', '.join(unknown)}")
    functions = tuple(p.read_text() for p in sorted((sql_dir / "functions").glob("*.sql")))
    return ModelGraph(models, _order(models), reconciliations, functions, sql_dir)


def _order(models: dict[str, Model]) -> tuple[str, ...]:
    sorter = TopologicalSorter({name: model.refs for name, model in models.items()})
    try:
        return tuple(sorter.static_order())
    except CycleError as exc:
        raise GraphError(f"dependency cycle: {' -> '.join(exc.args[1])}") from None


def macro_library(macros_dir: Path) -> str:
    """The project's SQL macros (`macros/*.sql`, Jinja `{% macro %}`s), read once for every model of a graph."""
    return "".join(path.read_text() for path in sorted(Path(macros_dir).glob("*.sql")))


def expand_macros(sql: str, library: str) -> str:
    """The text with the macros of `library` expanded (SQL written once for models that differ only in a name or a
    period); `ref` and `source` calls stay as they are written, for `dependencies` and `compile_sql`. A text
    without a macro call comes back as it is."""
    if not library or not _MACRO_CALL.search(sql):
        return sql
    try:
        return _JINJA.from_string(library + sql).render(
            ref=lambda name: f"{{{{ ref('{name}') }}}}", source=lambda name: f"{{{{ source('{name}') }}}}"
        ).lstrip("\n")
    except jinja2.TemplateError as error:
        raise GraphError(f"a macro call does not expand: {error}") from None


_JINJA = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def _read_model(path: Path, layer: str, macros: str) -> Model:
    sql = expand_macros(path.read_text(), macros)
    try:
        refs, sources = dependencies(sql)
    except GraphError as exc:
        raise GraphError(f"{path.name}: {exc}") from None
    spec = _read_yaml(path.with_suffix(".yml"))
    columns = spec.get("columns") or {}
    if not isinstance(columns, dict):
        raise GraphError(f"{path.stem}: `columns:` maps each column name to its description")
    model = Model(path.stem, layer, sql, path, refs, sources, tuple(spec.get("tests", ())),
                  description=str(spec.get("description") or ""),
                  primary_key=spec.get("primary_key", True) is not False,
                  materialized=str(spec.get("materialized") or ""),
                  columns=tuple((str(name), str(text)) for name, text in columns.items()))  # fmt: skip
    if model.materialized and (layer == "intermediate" or model.materialized not in ("view", "table")):
        raise GraphError(f"{path.stem}: `materialized:` is `view` or `table`, for marts and staging")
    incremental = spec.get("incremental")
    if incremental is not None and model.materialized == "view":
        raise GraphError(f"{path.stem}: a model materialized as a view is not `incremental:`: it reads its sources")
    if layer == "staging" and incremental is None and model.materialization == "table":
        incremental = {"partition_date": STAGING_PARTITION_DATE}
    if incremental is None:
        return model
    if layer == "intermediate" or not isinstance(incremental, dict) or set(incremental) != {"partition_date"}:
        raise GraphError(f"{path.stem}: `incremental: {{partition_date: <sql>}}` is for marts only (staging models "
                         "are replaced by their partition_date)")  # fmt: skip
    model = replace(model, partition_date=str(incremental["partition_date"]))
    if not model.unique_key:
        raise GraphError(f"{path.stem}: an incremental model needs a `unique` test (the key rows are replaced on)")
    return model


def _read_reconciliation(path: Path) -> Reconciliation:
    sql = path.read_text()
    refs, _ = dependencies(sql)
    spec = _read_yaml(path.with_suffix(".yml"))
    severity = spec.get("severity", "warn")
    if severity not in ("warn", "error"):
        raise GraphError(f"{path.stem}: severity must be warn or error, not {severity!r}")
    return Reconciliation(path.stem, sql, refs, spec.get("description", ""), severity, float(spec.get("tolerance", 0)))


def _read_yaml(path: Path) -> dict:
    if not path.exists():
        return {}
    return yaml.safe_load(path.read_text()) or {}
