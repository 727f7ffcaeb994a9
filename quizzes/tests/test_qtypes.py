"""The question-type registry covers every QuestionType, and nothing else."""

from __future__ import annotations

import random
from types import SimpleNamespace

import pytest

from quizzes import qtypes
from quizzes.models import QuestionType
from quizzes.services import AttemptError, clean_response


def test_every_question_type_has_exactly_one_type_object():
    assert set(qtypes.TYPES) == set(QuestionType.values)
    assert all(name == t.name for name, t in qtypes.TYPES.items())


def test_an_unknown_type_refuses_answers_and_grades_nothing():
    assert qtypes.get("hotspot") is qtypes.UNKNOWN
    with pytest.raises(AttemptError, match="does not fit a hotspot question"):
        clean_response("hotspot", "x")
    grade = qtypes.grade_question(SimpleNamespace(type="hotspot"), "x")
    assert grade.fraction is None and grade.feedback == []
    assert qtypes.UNKNOWN.start_order(None, True, random.Random(1)) == []


@pytest.mark.parametrize("kind", ["single", "truefalse"])
def test_choice_answers_are_stored_as_ints(kind):
    assert clean_response(kind, "7") == 7


@pytest.mark.parametrize("kind", sorted(QuestionType.values))
def test_no_type_takes_a_boolean(kind):
    with pytest.raises(AttemptError):
        clean_response(kind, True)
