"""The house's layers (docs/architecture.md, "Layers"): each module imports only its own layer and those below, and
no import cycle joins modules. Imports inside functions count: they are where cycles hide."""

from __future__ import annotations

import ast
from pathlib import Path

import inc_pipeline

PACKAGE = Path(inc_pipeline.__file__).parent

# Lowest first. A module is in the first layer whose prefix names it. The leaves are small rules every layer uses.
LAYERS = (
    ("leaf", ("inc_pipeline.errors", "inc_pipeline.clock", "inc_pipeline.days", "inc_pipeline.args",
              "inc_pipeline.crash", "inc_pipeline.accounts", "inc_pipeline")),
    ("catalog", ("inc_pipeline.catalog",)),
    ("client", ("inc_pipeline.client",)),
    ("landing", ("inc_pipeline.landing",)),
    ("extract", ("inc_pipeline.extract",)),
    ("warehouse", ("inc_pipeline.warehouse",)),
    ("report", ("inc_pipeline.report",)),  # reads the published warehouse; knows nothing of Dagster
    ("simulator", ("inc_pipeline.simulator",)),  # a twin of the API: the library below never sees it
    ("definitions", ("inc_pipeline.defs", "inc_pipeline.definitions")),
    ("operations", ("inc_pipeline.ops",)),
    ("cli", ("inc_pipeline.cli",)),
)  # fmt: skip
RANK = {name: rank for rank, (name, _) in enumerate(LAYERS)}


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = ["inc_pipeline", *path.relative_to(PACKAGE).with_suffix("").parts]
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def layer_of(module: str) -> str:
    return next(name for name, prefixes in LAYERS for prefix in prefixes
                if module == prefix or (prefix != "inc_pipeline" and module.startswith(prefix + ".")))  # fmt: skip


def imports_of(module: str, path: Path, known: dict[str, Path]) -> set[str]:
    """Project modules `module` imports, anywhere in its body. `from pkg import name` depends on `pkg.name` when
    that is a module, else on `pkg`."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*parent, *([node.module] if node.module else [])])
            names = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        else:
            continue
        for name in names:
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name and name != module:
                found.add(name)
    return found


def import_graph() -> dict[str, set[str]]:
    known = modules()
    return {module: imports_of(module, path, known) for module, path in known.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's, iteratively)."""
    index, low, on_stack, stack, found, counter = {}, {}, set(), [], [], [0]
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_cycle():
    assert cycles(import_graph()) == []


def upward(graph: dict[str, set[str]]) -> list[str]:
    return sorted(
        f"{module} ({layer_of(module)}) imports {target} ({layer_of(target)})"
        for module, targets in graph.items()
        for target in targets
        if RANK[layer_of(target)] > RANK[layer_of(module)]
    )


def test_each_layer_imports_only_itself_and_the_layers_below():
    assert upward(import_graph()) == []


def test_the_checks_catch_what_they_are_for():
    """The two rules fail on a graph that breaks them: a cycle is found, an upward import is named."""
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    # what the simulator's command line did before its argument helpers moved to args.py
    assert upward({"inc_pipeline.simulator.server": {"inc_pipeline.cli"}}) == [
        "inc_pipeline.simulator.server (simulator) imports inc_pipeline.cli (cli)"
    ]
    assert RANK[layer_of("inc_pipeline.client.http")] < RANK[layer_of("inc_pipeline.simulator.server")]
    assert RANK[layer_of("inc_pipeline.simulator.server")] < RANK[layer_of("inc_pipeline.cli")]
    assert layer_of("inc_pipeline") == "leaf" and layer_of("inc_pipeline.defs.resources") == "definitions"
