"""The tree's rules, checked on the source: which way imports point, no cycles, no giant
modules without a stated reason (ARCHITECTURE.md).

Every import counts — at module level, inside functions (lazy imports) and under
``TYPE_CHECKING`` — because a lazy import is still a dependency: it only hides the cycle
until the day someone moves it to the top.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("store", "tui")
LONG_MODULE = 600
LONG_REASON = "Over 600 lines because"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            found[_module_name(path)] = path
    return found


MODULES = _modules()


def _imported(name: str, path: Path) -> set[str]:
    """Every module name an import statement in ``path`` mentions (absolute or relative),
    including ``from package import module`` forms."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def _graph() -> dict[str, set[str]]:
    graph = {}
    for name, path in MODULES.items():
        graph[name] = {n for n in _imported(name, path) if n in MODULES and n != name}
    return graph


def _external(name: str) -> set[str]:
    return _imported(name, MODULES[name])


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
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


def test_the_cycle_finder_finds_cycles():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert _cycles(graph) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_the_import_reader_sees_lazy_relative_and_type_checking_imports(tmp_path):
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from tui.app import WarraqApp\n"
        "def f():\n    from . import layout\n    import store.records\n"
    )
    path = tmp_path / "mod.py"
    path.write_text(source)
    seen = _imported("tui.rtl.mod", path)
    assert {"tui.app", "tui.rtl.layout", "store.records"} <= seen


def test_no_import_cycle_anywhere():
    assert _cycles(_graph()) == []


def _breaking(prefix: str, forbidden: tuple[str, ...]) -> list[str]:
    bad = []
    for name in MODULES:
        if name != prefix and not name.startswith(prefix + "."):
            continue
        for imported in sorted(_external(name)):
            if any(imported == f or imported.startswith(f + ".") for f in forbidden):
                bad.append(f"{name} imports {imported}")
    return bad


@pytest.mark.parametrize(
    ("room", "forbidden"),
    [
        # The data layer is used by other tools and by the CLI without a screen.
        ("store", ("tui", "textual")),
        # The layout engine is pure: `warraq render` and the tests use it without the app.
        ("tui.rtl", ("textual", "tui.app", "tui.cli", "tui.commands", "tui.services",
                     "tui.screens", "tui.widgets", "store")),
        # App services are what screens and widgets use; they know nothing of them.
        ("tui.services", ("textual", "tui.app", "tui.cli", "tui.commands", "tui.screens",
                          "tui.widgets")),
        # Screens and widgets read the workspace, never the app module or the CLI.
        ("tui.screens", ("tui.app", "tui.cli", "tui.commands")),
        ("tui.widgets", ("tui.app", "tui.cli", "tui.commands", "tui.screens")),
    ],
)
def test_imports_point_one_way(room, forbidden):
    assert _breaking(room, forbidden) == []


def test_the_rule_checker_catches_a_wrong_arrow():
    # tui.app imports Textual: a rule forbidding that must report it.
    assert _breaking("tui.app", ("textual",))


def test_no_long_module_without_a_reason_at_its_top():
    long = []
    for name, path in MODULES.items():
        text = path.read_text(encoding="utf-8")
        if text.count("\n") <= LONG_MODULE:
            continue
        docstring = ast.get_docstring(ast.parse(text)) or ""
        if LONG_REASON not in docstring:
            long.append(f"{name}: {text.count(chr(10))} lines")
    assert long == []
