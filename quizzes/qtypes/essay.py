"""Essay. Stored and sent: the student's text; graded by hand (services essay_grade).

Its spec, as Moodle's essay has them: a response template the answer box starts with,
information for the grader (shown on the grading page only), and word limits (told to the
student; an answer outside them is still saved, and the grader is told its count)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any
from xml.etree.ElementTree import Element

from . import _html
from . import _moodle as mx
from ._spec import Option
from .base import NO_ANSWER, Grade, QType, Response

if TYPE_CHECKING:
    from ..models import AttemptQuestion, Question
    from ..tokens import ItemTokens


def word_count(text: str) -> int:
    return len(text.split())


def grade_essay(response: Response, min_words: int = 0, max_words: int = 0) -> Grade:
    if not isinstance(response, str) or not response.strip():
        return NO_ANSWER
    count, notes = word_count(response), []
    if min_words and count < min_words:
        notes.append(f"The answer has {count} words; at least {min_words} were asked for.")
    if max_words and count > max_words:
        notes.append(f"The answer has {count} words; at most {max_words} were asked for.")
    return Grade(None, notes, needs_grading=True)


def limits_text(low: int, high: int) -> str:
    if low and high:
        return f"{low} to {high} words"
    if low:
        return f"at least {low} words"
    return f"at most {high} words" if high else ""


class EssayType(QType):
    name = "essay"
    shape = (str,)
    has_right_answer = False
    hand_graded = True
    spec_schema = (
        Option("response_template", "text", "", "The text the answer box starts with."),
        Option("grader_info", "text", "", "Shown to the grader only."),
        Option("min_words", "number", 0, "0: no lower limit.", low=0, high=10000),
        Option("max_words", "number", 0, "0: no upper limit.", low=0, high=10000),
    )
    moodle_names = ("essay",)
    moodle_type = "essay"

    def moodle_read(self, question: Element, warn: Callable[[str], None]) -> dict[str, Any]:
        if mx.number(question, "attachments", 0):
            warn("answers here are typed: the file attachments it allowed are dropped")
        return {
            "spec": {
                "response_template": mx.plain(question, "responsetemplate"),
                "grader_info": mx.text(question, "graderinfo").strip(),
                "min_words": max(0.0, mx.number(question, "minwordlimit", 0)),
                "max_words": max(0.0, mx.number(question, "maxwordlimit", 0)),
            }
        }

    def moodle_write(self, data: dict[str, Any], question: Element) -> None:
        spec = self.spec(data)
        for tag, value in (
            ("responseformat", "editor"),
            ("responserequired", 1),
            ("responsefieldlines", 15),
            ("minwordlimit", int(spec["min_words"]) or ""),
            ("maxwordlimit", int(spec["max_words"]) or ""),
            ("attachments", 0),
            ("attachmentsrequired", 0),
        ):
            mx.value_el(question, tag, value)
        mx.text_el(question, "graderinfo", spec["grader_info"], "html")
        mx.text_el(question, "responsetemplate", spec["response_template"], "plain")

    def options(self, item: AttemptQuestion, tokens: ItemTokens) -> dict[str, Any]:
        spec = self.spec(item.question)
        limits = limits_text(int(spec["min_words"]), int(spec["max_words"]))
        if not spec["response_template"] and not limits:
            return {}
        return {"parts": {"template": spec["response_template"], "limits": limits}}

    def answer_html(self, item: dict[str, Any]) -> Iterator[str]:
        parts = item.get("parts") or {}
        response = item.get("response")
        text = parts.get("template", "") if response is None else response
        limits = f" ({_html.escape(parts['limits'])})" if parts.get("limits") else ""
        yield (
            f'<label class="field" data-collect="text">Your answer{limits} <textarea '
            f'name="{_html.field_name(item)}" rows="8" maxlength="15000">'
            f"{_html.text(text)}</textarea></label>"
        )

    def gift_answers(self, data: dict[str, Any]) -> str | None:
        return ""

    def grade(self, question: Question, response: Response) -> Grade:
        spec = self.spec(question)
        return grade_essay(response, int(spec["min_words"]), int(spec["max_words"]))

    def grader_info(self, question: Question) -> str:
        return str(self.spec(question)["grader_info"])


TYPE = EssayType()
