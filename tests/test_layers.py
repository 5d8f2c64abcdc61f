"""The package tree shows the architecture, and the imports keep to it.

Each layer imports only from layers below it (lazy imports inside functions included), and no module imports
itself back through a chain of top-level imports. Both checks read the source, so they hold for every module
whether or not a test happens to import it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import tether

ROOT = Path(tether.__file__).parent

# Lower layers never import higher ones. Modules not listed belong to the layer of their package.
LAYERS: dict[str, int] = {
    "tether.errors": 0,
    "tether.model": 0,
    "tether.clock": 0,
    "tether.audit": 0,
    "tether._json": 0,
    "tether._display": 0,
    "tether._names": 0,
    "tether._secrets": 0,
    "tether._outcomes": 0,
    "tether._tracing": 0,
    "tether.policy": 1,
    "tether.autonomy": 1,
    "tether.store": 2,
    "tether.plane": 3,
    "tether.wire": 4,
    "tether._views": 4,
    "tether.notify": 5,
    "tether.agent": 5,
    "tether": 6,  # the public face re-exports the layers below it
    "tether.server": 7,
    "tether.integrations": 7,
    "tether.demo": 8,
    "tether.cli": 9,
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(module: str) -> int:
    name = module
    while name not in LAYERS:
        name = name.rpartition(".")[0]
    return LAYERS[name]


def is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports(tree: ast.AST, *, top_level_only: bool) -> Iterator[str]:
    """The tether modules a module imports at run time (``from pkg import mod`` counts as ``pkg.mod``)."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and is_type_checking(child):
                stack.extend(child.orelse)
                continue
            if top_level_only and isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                continue
            if isinstance(child, ast.Import):
                yield from (alias.name for alias in child.names if alias.name.split(".")[0] == "tether")
            elif isinstance(child, ast.ImportFrom) and child.module and child.module.split(".")[0] == "tether":
                for alias in child.names:
                    candidate = f"{child.module}.{alias.name}"
                    yield candidate if candidate in MODULES else child.module
            stack.append(child)


SOURCES = {module_name(path): path for path in ROOT.rglob("*.py")}
MODULES = set(SOURCES)
TREES = {name: ast.parse(path.read_text(encoding="utf-8")) for name, path in SOURCES.items()}


def test_every_package_has_a_layer() -> None:
    for module in MODULES:
        assert layer_of(module) >= 0


def test_no_layer_imports_a_layer_above_it() -> None:
    wrong = []
    for module, tree in TREES.items():
        for target in imports(tree, top_level_only=False):
            if layer_of(target) > layer_of(module):
                wrong.append(f"{module} (layer {layer_of(module)}) imports {target} (layer {layer_of(target)})")
    assert wrong == []


def test_no_import_cycles() -> None:
    graph = {module: set(imports(tree, top_level_only=True)) & MODULES for module, tree in TREES.items()}
    cycles = [scc for scc in strongly_connected(graph) if len(scc) > 1]
    assert cycles == []


def test_the_layers_catch_an_upward_import() -> None:
    tree = ast.parse("from tether.server import create_app\n\ndef later():\n    from tether.cli import app\n")
    found = list(imports(tree, top_level_only=False))
    assert found == ["tether.server", "tether.cli"] or sorted(found) == ["tether.cli", "tether.server"]
    assert all(layer_of(target) > layer_of("tether.plane._core") for target in found)


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative (the graph is a few hundred modules)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
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
                found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert [sorted(c) for c in strongly_connected(graph) if len(c) > 1] == [["a", "b", "c"]]
