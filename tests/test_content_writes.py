"""No write to content escapes the versioned caches (dlplatform/versioned.py).

Saves and deletes send signals; bulk writes do not, so every model whose rows an in-process
cache keeps has a VersionedQuerySet manager that bumps its caches. A new model must say here
whether a cache reads it; a write path around the managers fails the scan below.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.db.models import F, Model

from dlplatform.versioned import VersionedQuerySet

ROOT = Path(__file__).resolve().parent.parent
APPS = ("glossary", "lessons", "flashcards", "quizzes", "playground")
# Models no in-process cache reads: per-user rows, or read from the database on every request.
NOT_CACHED = {
    "flashcards.Deck",
    "glossary.ImportRecord",  # the import log: written by imports, shown only in the admin
    "flashcards.Card",
    "flashcards.ReviewState",
    "flashcards.ReviewLog",
    "lessons.SectionRead",
    "lessons.LessonPreference",
    "playground.Job",
    "playground.JobPoint",
    "playground.WorkerCalibration",
    "quizzes.Quiz",
    "quizzes.QuizSlot",
    "quizzes.QuizOverride",  # read per student when an attempt starts or is checked, never cached
    "quizzes.Attempt",
    "quizzes.QuizStatistics",  # computed from attempts; its own change counter, not a cache
    "quizzes.AttemptQuestion",
    "quizzes.AttemptRegrade",
    "quizzes.QuestionVersion",
    "quizzes.QuestionFile",  # an image's bytes, read from the database by its view each time
    "quizzes.VersionRegrade",
}


def _models() -> list[type[Model]]:
    return [
        model
        for label in APPS
        for model in apps.get_app_config(label).get_models()
        if not model._meta.auto_created
    ]


def _content_models() -> list[type[Model]]:
    return [model for model in _models() if model._meta.label not in NOT_CACHED]


def test_every_model_is_content_or_declared_uncached():
    unknown = [m._meta.label for m in _content_models() if not getattr(m, "content_caches", ())]
    assert unknown == [], (
        "a cache reads these? give them content_caches and VersionedQuerySet.as_manager(); "
        "if not, add them to NOT_CACHED"
    )


@pytest.mark.parametrize("model", _content_models(), ids=lambda m: m._meta.label)
def test_every_manager_of_a_content_model_bumps_its_caches(model):
    for manager in model._meta.managers:
        assert isinstance(manager.get_queryset(), VersionedQuerySet), manager
        assert not hasattr(manager, "delete"), "a manager must not delete every row at once"


@pytest.mark.django_db
@pytest.mark.parametrize("model", _content_models(), ids=lambda m: m._meta.label)
def test_bulk_writes_move_the_version(model):
    fields = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
    field = fields[0] if fields else model._meta.pk.attname  # SearchWord is its key alone
    writes = {
        "update": lambda: model.objects.filter(pk__in=[]).update(**{field: F(field)}),
        "bulk_create": lambda: model.objects.bulk_create([]),
        "delete": lambda: model.objects.filter(pk__in=[]).delete(),
    }
    if fields:
        writes["bulk_update"] = lambda: model.objects.bulk_update([], fields[:1])
    for name, write in writes.items():
        before = [cache.version() for cache in model.content_caches]
        write()
        after = [cache.version() for cache in model.content_caches]
        assert all(a != b for a, b in zip(before, after, strict=True)), f"{name} did not bump"


# Ways to write rows past the managers: private QuerySet API, the base manager (a plain
# Manager), and auto-created many-to-many tables (their related managers send m2m_changed,
# their `objects` does not).
BYPASSES = ("_update", "_base_manager", "_insert", "_batched_insert")


def _bypasses(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Attribute) and node.attr in BYPASSES:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} .{node.attr}")
        if (
            isinstance(node, ast.Attribute)
            and node.attr in ("objects", "_default_manager")
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "through"
        ):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} .through.{node.attr}")
    return found


def test_no_app_code_writes_past_the_content_managers():
    files = [
        path
        for label in APPS
        for path in (ROOT / label).rglob("*.py")
        if "tests" not in path.relative_to(ROOT).parts and "migrations" not in path.parts
    ]
    assert files
    assert [hit for path in files for hit in _bypasses(path)] == []


# Raw SQL goes past every manager, so each file that opens a cursor says here what it touches;
# one more file (or a write to a content table in one of these) needs its caches bumped by hand.
RAW_SQL = {
    "glossary/selectors.py": "reads: the search ranking",
    "lessons/selectors.py": "reads: the reader's depth and read mark",
    "quizzes/services/autosave.py": "writes quizzes.AttemptQuestion (NOT_CACHED)",
    "quizzes/statistics/stored.py": "writes quizzes.QuizStatistics (NOT_CACHED)",
    "playground/dispatch.py": "an advisory lock",
    "playground/services.py": "writes playground.Job and JobPoint (NOT_CACHED)",
}


def _opens_a_cursor(path: Path) -> bool:
    return any(
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "cursor"
        for node in ast.walk(ast.parse(path.read_text(), str(path)))
    )


def test_raw_sql_only_where_declared():
    files = [
        str(path.relative_to(ROOT))
        for label in APPS
        for path in sorted((ROOT / label).rglob("*.py"))
        if "tests" not in path.relative_to(ROOT).parts and "migrations" not in path.parts
    ]
    assert sorted(f for f in files if _opens_a_cursor(ROOT / f)) == sorted(RAW_SQL)
