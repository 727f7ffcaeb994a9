"""A question type's behaviour, its answer controls included, lives in its own module
(quizzes/qtypes/<type>.py): nothing else in the app names a type, so a new
type is one new module, not edits in five (issue 13 §4).

Fails when app code outside those places uses a type's name as a string literal, a
`QuestionType.<MEMBER>`, or (templates and scripts) compares with a type's name.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from quizzes import qtypes
from quizzes.models import QuestionType

APP = Path(__file__).resolve().parents[1]
NAMES = frozenset(qtypes.TYPES)

# Where a type may be named: the types themselves, the choices.
OWNERS = ("qtypes/", "models.py", "migrations/", "tests/")

# Literals that only share a type's name ("description" is also a field of Quiz and an
# option of Django's admin fieldsets); each is the field, not the type.
NOT_THE_TYPE = {
    ("admin_review.py", "description"),  # a Django admin fieldset option
    ("admin.py", "description"),  # the overrides inline's fieldset option
    ("api/serializers.py", "description"),  # Quiz.description in the serializer's fields
}


def _owned(relative: str) -> bool:
    return any(relative.startswith(o) or relative == o for o in OWNERS)


def python_uses(source: str) -> list[tuple[int, str]]:
    """(line, what) for each type name literal or QuestionType member in `source`."""
    members = set(QuestionType.names)
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and node.value in NAMES:
            found.append((node.lineno, str(node.value)))
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "QuestionType"
            and node.attr in members
        ):
            found.append((node.lineno, f"QuestionType.{node.attr}"))
    return found


_QUOTED = "|".join(sorted(NAMES))
_TEMPLATE_COMPARE = re.compile(
    rf"""(==|!=|\bin)\s*["']({_QUOTED})["']|["']({_QUOTED})["']\s*(==|!=)"""
)
_SCRIPT_LITERAL = re.compile(rf"""["'`]({_QUOTED})["'`]""")


def text_uses(text: str, pattern: re.Pattern[str]) -> list[tuple[int, str]]:
    return [
        (number, line.strip())
        for number, line in enumerate(text.splitlines(), start=1)
        if pattern.search(line)
    ]


def _offenders() -> list[str]:
    out = []
    for path in sorted(APP.rglob("*")):
        relative = path.relative_to(APP).as_posix()
        if not path.is_file() or _owned(relative):
            continue
        if path.suffix == ".py":
            uses = [
                u for u in python_uses(path.read_text()) if (relative, u[1]) not in NOT_THE_TYPE
            ]
        elif path.suffix == ".html":
            uses = text_uses(path.read_text(), _TEMPLATE_COMPARE)
        elif path.suffix == ".js":
            uses = text_uses(path.read_text(), _SCRIPT_LITERAL)
        else:
            continue
        out += [f"quizzes/{relative}:{line}: {what}" for line, what in uses]
    return out


def test_no_app_code_outside_the_types_names_a_question_type():
    assert _offenders() == [], "ask qtypes.get(kind) instead of naming the type"


def test_the_checks_find_what_they_look_for():
    assert python_uses('if kind == "matching":\n    pass\n') == [(1, "matching")]
    assert python_uses("x = QuestionType.ESSAY\n") == [(1, "QuestionType.ESSAY")]
    assert python_uses("x = QuestionType.choices\n") == []
    assert text_uses('{% if item.type == "ordering" %}', _TEMPLATE_COMPARE)
    assert not text_uses('<ol class="ordering">', _TEMPLATE_COMPARE)
    assert text_uses('if (type === "multi") return;', _SCRIPT_LITERAL)


def test_the_allowed_literals_are_still_there():
    """A stale allow-list entry hides nothing but says something false: drop it."""
    for relative, literal in NOT_THE_TYPE:
        uses = python_uses((APP / relative).read_text())
        assert literal in {what for _, what in uses}, relative
