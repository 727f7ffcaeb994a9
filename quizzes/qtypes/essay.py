"""Essay. Stored and sent: the student's text; graded by hand (services essay_grade)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from . import _html
from . import _moodle as mx
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
    moodle_names = ("essay",)
    moodle_type = "essay"

    def moodle_read(self, question: Any, warn: Any) -> dict[str, Any]:
        if mx.number(question, "attachments", 0):
            warn("answers here are typed: the file attachments it allowed are dropped")
        for tag in ("graderinfo", "responsetemplate"):
            if mx.text(question, tag).strip():
                warn(f"its <{tag}> is not kept")
        return {}

    def moodle_write(self, data: dict[str, Any], question: Any) -> None:
        for tag, value in (
            ("responseformat", "editor"),
            ("responserequired", 1),
            ("responsefieldlines", 15),
            ("attachments", 0),
            ("attachmentsrequired", 0),
        ):
            mx.value_el(question, tag, value)
        mx.text_el(question, "graderinfo", "", "html")
        mx.text_el(question, "responsetemplate", "", "html")

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
