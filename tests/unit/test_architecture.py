"""The shape of the house, read from the source with `ast`: every import counts,
lazy ones inside functions too. Arrows point inward (ledger ← projections ←
services ← web, bench), the domain does no I/O, only web speaks Flask, no module
imports itself round a cycle, and no module grows past 300 lines.

A cycle is one that runs: imports under `if TYPE_CHECKING:` never execute, so they
count for the layer rules but not for cycles (the Ledger's parts name the Ledger
that way, in annotations only)."""

from __future__ import annotations

import ast
import graphlib
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("ledger", "projections", "services", "web", "bench", "deploy")
MAX_LINES = 300

# a part -> what it must never import (docs/ARCHITECTURE.md; the domain has its own test)
INWARD_ONLY = {
    "ledger": ("projections", "services", "web", "bench"),
    "ledger.infra": ("ledger.app",),
    "projections": ("services", "web", "bench"),
    "services": ("web", "bench"),
    "bench": ("web",),
}
DOMAIN = "ledger.domain"
NOT_FOR_THE_DOMAIN = ("ledger.app", "ledger.infra", "flask", "flask_smorest", "werkzeug",
                      "marshmallow", "psycopg", "sqlite3", "requests")
FLASK = ("flask", "flask_smorest", "flask_wtf", "werkzeug")
FLASK_OUTSIDE_WEB = {
    "bench/baseline_app.py": "the HTTP benchmarks' baseline is a bare Flask app, on purpose",
}
# Modules over MAX_LINES today, each to be split; remove an entry once it is under.
OVERSIZED: dict[str, str] = {}


@dataclass(frozen=True)
class Import:
    importer: str  # the importing module
    source: str  # its path, from the root
    line: int
    name: str  # the dotted name imported, `from a import b` giving `a.b`
    module: str | None  # which of our modules that name lives in, if any
    lazy: bool  # inside a function: run when it is called, not when the module loads
    typing_only: bool  # under `if TYPE_CHECKING:`: read by mypy, never run


@cache
def modules() -> dict[str, Path]:
    """Our modules by dotted name (a package by its `__init__.py`)."""
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def ours(name: str) -> str | None:
    """The module of ours a dotted name lives in: the longest prefix that is one."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        if ".".join(parts[:end]) in modules():
            return ".".join(parts[:end])
    return None


def _relative_base(node: ast.ImportFrom, module: str, path: Path) -> str:
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    anchor = package[: len(package) - node.level + 1]
    return ".".join([*anchor, *([node.module] if node.module else [])])


def _statements(node: ast.AST, lazy: bool = False, typing_only: bool = False
                ) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool, bool]]:
    """Every import statement at any depth, whether it is inside a function, and
    whether only type checkers see it."""
    if isinstance(node, ast.Import | ast.ImportFrom):
        yield node, lazy, typing_only
        return
    if isinstance(node, ast.If) and _is_type_checking(node.test):
        for child in node.body:
            yield from _statements(child, lazy, True)
        for child in node.orelse:
            yield from _statements(child, lazy, typing_only)
        return
    lazy = lazy or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
    for child in ast.iter_child_nodes(node):
        yield from _statements(child, lazy, typing_only)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
        (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


@cache
def imports_of(module: str) -> tuple[Import, ...]:
    path = modules()[module]
    source = str(path.relative_to(ROOT))
    found = []
    for node, lazy, typing_only in _statements(ast.parse(path.read_text(), source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            base = _relative_base(node, module, path) if node.level else node.module or ""
            names = [f"{base}.{alias.name}" for alias in node.names]
        found += [Import(module, source, node.lineno, name, ours(name), lazy, typing_only)
                  for name in names]
    return tuple(found)


def all_imports() -> list[Import]:
    return [found for module in modules() for found in imports_of(module)]


def runtime_graph() -> dict[str, set[str]]:
    return {module: {i.module for i in imports_of(module)
                     if i.module and i.module != module and not i.typing_only}
            for module in modules()}


def find_cycle(edges: dict[str, set[str]]) -> list[str]:
    """One cycle as [a, b, …, a], each importing the next, or [] if there is none."""
    try:
        graphlib.TopologicalSorter(edges).prepare()
    except graphlib.CycleError as error:
        return list(reversed(error.args[1]))  # graphlib lists each node before its importer
    return []


def within(name: str, prefixes: tuple[str, ...] | set[str]) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


def shown(found: Import) -> str:
    return f"{found.source}:{found.line} imports {found.name}"


def test_the_reader_sees_every_package_and_tells_lazy_and_type_only_imports_apart() -> None:
    assert {name.split(".")[0] for name in modules()} == set(PACKAGES)
    tree = ast.parse("import a\nif TYPE_CHECKING:\n    import b\nelse:\n    import c\n"
                     "def f():\n    from d import e\n")
    assert [(node.names[0].name, lazy, typing_only)
            for node, lazy, typing_only in _statements(tree)] == \
        [("a", False, False), ("b", False, True), ("c", False, False), ("e", True, False)]


def test_the_cycle_finder_names_a_cycle_and_passes_a_tree() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    cycle = find_cycle(edges)
    assert cycle[0] == cycle[-1] and sorted(cycle[1:]) == ["a", "b", "c"]
    assert all(after in edges[before] for before, after in itertools.pairwise(cycle))
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) == []


def test_no_module_of_ours_imports_itself_round_a_cycle() -> None:
    cycle = find_cycle(runtime_graph())
    assert cycle == [], "import cycle: " + " → ".join(cycle)


def test_arrows_point_inward_between_the_parts() -> None:
    wrong = [shown(i) for i in all_imports() for part, never in INWARD_ONLY.items()
             if within(i.importer, {part}) and within(i.module or "", never)]
    assert wrong == [], "\n".join(wrong)


def test_web_imports_bench_only_inside_the_command_that_runs_it() -> None:
    eager = [shown(i) for i in all_imports() if within(i.importer, {"web"})
             and within(i.module or "", {"bench"}) and not i.lazy]
    assert eager == [], "\n".join(eager)
    assert any(i.importer == "web.cli.benchmarks" and i.module == "bench.runner"
               for i in all_imports())


def test_the_domain_imports_neither_the_application_nor_infrastructure_nor_io() -> None:
    wrong = [shown(i) for i in all_imports()
             if within(i.importer, {DOMAIN}) and within(i.name, NOT_FOR_THE_DOMAIN)]
    assert wrong == [], "\n".join(wrong)


def test_only_web_speaks_flask() -> None:
    wrong = [shown(i) for i in all_imports()
             if not within(i.importer, {"web"}) and i.source not in FLASK_OUTSIDE_WEB
             and within(i.name, FLASK)]
    assert wrong == [], "\n".join(wrong)


def test_no_module_is_over_300_lines_but_the_listed_ones_which_still_are() -> None:
    lines = {str(path.relative_to(ROOT)): len(path.read_text().splitlines())
             for path in modules().values()}
    over = {path: count for path, count in lines.items() if count > MAX_LINES}
    assert sorted(set(over) - set(OVERSIZED)) == [], f"over {MAX_LINES} lines: {over}"
    shrunk = {path: lines.get(path) for path in OVERSIZED if path not in over}
    assert shrunk == {}, "now small enough (or gone): take them off OVERSIZED"
