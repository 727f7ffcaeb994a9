"""Imports point one way (CONTRIBUTING.md, "Layout"), and no app's modules import each other in a
circle.

    dlplatform <- glossary <- lessons <- (flashcards, quizzes) <- (playground, games)

An app imports only the apps to its left; flashcards and quizzes do not import each other. What
an app above adds to one below goes through signals or a small interface the lower one offers
(glossary/hooks.py). Every import counts, also one inside a function (a lazy import hides a
cycle, it does not remove it); only `if TYPE_CHECKING:` blocks are left out. App code only:
tests may import anything.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {
    "dlplatform": 0,
    "glossary": 1,
    "lessons": 2,
    "flashcards": 3,
    "quizzes": 3,
    "playground": 4,
    "games": 4,
}
# Pairs the layers alone would allow but CONTRIBUTING.md rules out: games builds on the glossary,
# the lessons and the flashcards, never on the quizzes.
NEVER = {"games": {"quizzes"}}
# The course-wide content linter reads every app's content (like `load_content`, which names the
# loaders by string): it is the project's composition root for content, run only by the
# `check_content` command and the tests; no app imports it. Nothing else is exempt.
COMPOSITION_ROOT = {"dlplatform.content_check"}
# Cycles inside an app still to be broken, each as the sorted list of its modules.
KNOWN_CYCLES: dict[str, list[list[str]]] = {}  # none: a new cycle fails the test


def _app_files(app: str) -> list[Path]:
    return [
        path
        for path in sorted((ROOT / app).rglob("*.py"))
        if not {"tests", "migrations"} & set(path.relative_to(ROOT).parts)
    ]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        yield from _import_nodes(node)


@functools.cache
def _imported(path: Path) -> tuple[tuple[int, str], ...]:
    """(line, module) for each import in `path`, relative ones made absolute; `from a import b`
    gives "a.b" too, since b may be a module. Read once a run: three tests read every file."""
    return tuple(_read_imports(path))


def _read_imports(path: Path) -> Iterator[tuple[int, str]]:
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in _import_nodes(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
            continue
        base = node.module or ""
        if node.level:
            anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
            base = ".".join([*anchor, *([node.module] if node.module else [])])
        yield node.lineno, base
        for alias in node.names:
            yield node.lineno, f"{base}.{alias.name}"


def test_every_app_is_listed():
    apps = {p.parent.name for p in ROOT.glob("*/apps.py")} | {"dlplatform"}
    assert apps <= set(LAYERS), f"place {sorted(apps - set(LAYERS))} in LAYERS"


@pytest.mark.parametrize("app", list(LAYERS))
def test_imports_point_down_the_layers(app):
    wrong = []
    for path in _app_files(app):
        if _module_name(path) in COMPOSITION_ROOT:
            continue
        for line, name in _imported(path):
            other = name.split(".")[0]
            if (
                other in LAYERS
                and other != app
                and (LAYERS[other] >= LAYERS[app] or other in NEVER.get(app, ()))
            ):
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    assert wrong == [], "an import goes against dlplatform <- glossary <- lessons <- ..."


def test_nothing_imports_the_composition_root():
    users = [
        f"{path.relative_to(ROOT)}:{line}"
        for app in LAYERS
        for path in _app_files(app)
        for line, name in _imported(path)
        if name in COMPOSITION_ROOT and "management" not in path.parts
    ]
    assert users == []


def _graph(app: str) -> dict[str, set[str]]:
    modules = {_module_name(path): path for path in _app_files(app)}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for _, imported in _imported(path):
            # The module itself, or the package whose __init__ it names; only this app's files.
            target = imported if imported in modules else None
            if target and target != name and modules[target].name != "__init__.py":
                graph[name].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


@pytest.mark.parametrize("app", list(LAYERS))
def test_no_import_cycles_inside_an_app(app):
    assert _cycles(_graph(app)) == KNOWN_CYCLES.get(app, [])


def test_the_cycle_finder_finds_a_cycle():
    graph = {"a.x": {"a.y"}, "a.y": {"a.z"}, "a.z": {"a.x"}, "a.w": {"a.x"}}
    assert _cycles(graph) == [["a.x", "a.y", "a.z"]]
