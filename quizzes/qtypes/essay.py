"""Essay. Stored and sent: the student's text; graded by hand (services essay_grade)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from . import _html
from .base import NO_ANSWER, Grade, QType


def grade_essay(response: Any) -> Grade:
    if not isinstance(response, str) or not response.strip():
        return NO_ANSWER
    return Grade(None, [], needs_grading=True)


class EssayType(QType):
    name = "essay"
    shape = (str,)
    has_right_answer = False
    hand_graded = True
    answer_template = "quizzes/answers/essay.html"

    def answer_html(self, item: dict[str, Any]) -> Iterator[str]:
        yield (
            f'<label class="field" data-collect="text">Your answer <textarea '
            f'name="{_html.field_name(item)}" rows="8" maxlength="15000">'
            f"{_html.text(item.get('response'))}</textarea></label>"
        )

    def gift_answers(self, data: dict[str, Any]) -> str | None:
        return ""

    def grade(self, question: Any, response: Any) -> Grade:
        return grade_essay(response)


TYPE = EssayType()
