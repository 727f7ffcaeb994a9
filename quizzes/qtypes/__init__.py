"""Question types as objects, one module each, in a registry keyed by the type's name.

    from quizzes import qtypes
    qtypes.get(question.type).grade(question, response)

A new type is one new module with a QType subclass (see base.py for what it answers) and one
line in TYPES below; its name must also be a QuestionType choice (a test checks both lists
agree). The services, presenters and token translation ask the registry and never branch on
the type themselves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import (
    calculated,
    calculatedmulti,
    calculatedsimple,
    cloze,
    ddwtos,
    description,
    essay,
    gapselect,
    matching,
    multi,
    numerical,
    ordering,
    randomsamatch,
    short,
    single,
    truefalse,
)
from ._data import DataError, TextError
from .base import Grade, QType, Response, ResponseShapeError

if TYPE_CHECKING:
    from ..models import Question

TYPES: dict[str, QType] = {
    t.name: t
    for t in (
        single.TYPE,
        multi.TYPE,
        truefalse.TYPE,
        short.TYPE,
        numerical.TYPE,
        matching.TYPE,
        ordering.TYPE,
        essay.TYPE,
        description.TYPE,
        gapselect.TYPE,
        ddwtos.TYPE,
        cloze.TYPE,
        calculated.TYPE,
        randomsamatch.TYPE,
        calculatedsimple.TYPE,
        calculatedmulti.TYPE,
    )
}
# A type this code does not know (a row from a newer version): nothing fits, nothing grades.
UNKNOWN = QType()


def get(kind: str) -> QType:
    return TYPES.get(kind, UNKNOWN)


def relations() -> list[str]:
    """Every related name of Question that some type keeps its answers in."""
    return list(dict.fromkeys(t.relation for t in TYPES.values() if t.relation))


def grade_question(question: Question, response: Response) -> Grade:
    """Dispatch on question.type; `question` needs its answers loaded (prefetch them)."""
    return get(question.type).grade(question, response)


__all__ = [
    "TYPES",
    "UNKNOWN",
    "DataError",
    "Grade",
    "QType",
    "ResponseShapeError",
    "TextError",
    "get",
    "grade_question",
    "relations",
]
