"""Essay. Stored and sent: the student's text; graded by hand (services essay_grade)."""

from __future__ import annotations

from typing import Any

from .base import NO_ANSWER, Grade, QType


def grade_essay(response: Any) -> Grade:
    if not isinstance(response, str) or not response.strip():
        return NO_ANSWER
    return Grade(None, [], needs_grading=True)


class EssayType(QType):
    name = "essay"
    shape = (str,)
    has_right_answer = False

    def grade(self, question: Any, response: Any) -> Grade:
        return grade_essay(response)


TYPE = EssayType()
