"""The playground's modules import one another in one direction (no cycle, counting imports
inside functions), and the broker's queue names are those of the settings."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

from playground import queue

ROOT = Path(__file__).resolve().parents[1]


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The playground modules `path` imports anywhere in it (module level or in a function)."""
    here = _module(path)
    package = here if path.name == "__init__.py" else here.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from the package, up one per extra dot
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            subs = {f"{target}.{alias.name}" for alias in node.names} & modules
            found |= subs or ({target} & modules)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names} & modules
    return found - {here}


def _graph() -> dict[str, set[str]]:
    paths = [p for p in ROOT.rglob("*.py") if not {"tests", "migrations"} & set(p.parts)]
    modules = {_module(p) for p in paths}
    return {_module(p): _imports(p, modules) for p in paths}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        for dep in sorted(graph.get(node, ())):
            if state.get(dep) == 1:
                return path[path.index(dep) :] + [dep] if dep in path else [node, dep]
            if dep not in state and (found := visit(dep, [*path, dep])):
                return found
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start, [start])):
            return found
    return None


def test_no_import_cycle_among_playground_modules():
    graph = _graph()
    assert "playground.runner" in graph and "playground.queue" in graph  # the walk found them
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


def test_the_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_the_worker_side_does_not_reach_back_into_services_or_tasks():
    graph = _graph()
    assert not {"playground.services", "playground.tasks"} & graph["playground.runner"]
    assert "playground.tasks" not in graph["playground.services"] | graph["playground.dispatch"]


def test_queue_names_are_those_of_the_settings():
    assert settings.CELERY_TASK_DEFAULT_QUEUE == queue.TRAINING_QUEUE
    router = queue.app.amqp.router
    for task in queue.INFERENCE_TASKS:
        assert router.route({}, f"{queue.TASKS}.{task}")["queue"].name == queue.INFERENCE_QUEUE
    assert router.route({}, queue.RUN_TRAINING)["queue"].name == queue.TRAINING_QUEUE
    from playground import tasks  # the names sent are names of real tasks

    assert tasks.run_training.name == queue.RUN_TRAINING
    assert all(getattr(tasks, t).name == f"{queue.TASKS}.{t}" for t in queue.INFERENCE_TASKS)
