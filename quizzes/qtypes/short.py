"""Short answer. Stored and sent: the student's text; accepted answers are question.choices."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from xml.etree.ElementTree import Element

from . import _gift as gift
from . import _html
from . import _moodle as mx
from ._data import DataError, check_best, fraction, fraction_out
from ._spec import Option
from .base import (
    HUNDRED,
    NO_ANSWER,
    ZERO,
    ChoiceLike,
    Grade,
    QType,
    Response,
    clamp,
    nonblank,
)

if TYPE_CHECKING:
    from ..models import Question


def short_text(text: str, case_sensitive: bool = False) -> str:
    """As Moodle compares: ends trimmed, each run of whitespace one space (collapsed, not
    removed: "vanishinggradient" is not "vanishing gradient"), case folded unless asked."""
    collapsed = " ".join(str(text).split())
    return collapsed if case_sensitive else collapsed.casefold()


def short_answer_matches(pattern: str, response: str, case_sensitive: bool = False) -> bool:
    """`*` matches any run of characters (also none); everything else is literal."""
    parts = [re.escape(part) for part in short_text(pattern, case_sensitive).split("*")]
    return re.fullmatch(".*".join(parts), short_text(response, case_sensitive)) is not None


def grade_short(
    answers: Sequence[ChoiceLike], response: Response, case_sensitive: bool = False
) -> Grade:
    """The first accepted answer that matches, in the author's order, as in Moodle (so a
    catch-all `*` goes last)."""
    if not isinstance(response, str | int | float) or not str(response).strip():
        return NO_ANSWER
    for answer in answers:
        if short_answer_matches(answer.text, str(response), case_sensitive):
            fraction = clamp(Decimal(answer.fraction) / HUNDRED)
            return Grade(fraction, nonblank([answer.feedback]))
    return Grade(ZERO, [])


class ShortType(QType):
    name = "short"
    shape = (str,)
    relation = "choices"
    moodle_names = ("shortanswer",)
    moodle_type = "shortanswer"
    spec_schema = (
        Option("case_sensitive", "bool", False, "Letter case must match (Moodle's usecase)."),
    )

    def validate_data(self, data: dict) -> None:
        answers = data.get("answers") or []
        if not answers:
            raise DataError(f"a {self.name} question needs answers")
        check_best(answers)
        if any(a.get("text") in (None, "") for a in answers):
            raise DataError("an answer has no text")

    def answer_rows(self, data: dict) -> list[dict[str, Any]]:
        return [
            {
                "text": str(a["text"]),
                "fraction": fraction(a.get("fraction", 100)),
                "feedback": a.get("feedback") or "",
                "order": i,
            }
            for i, a in enumerate(data.get("answers") or [])
        ]

    def data_of(self, question: Question) -> dict[str, Any]:
        return {
            "answers": [
                {"text": c.text, "fraction": fraction_out(c.fraction), "feedback": c.feedback}
                for c in question.choices.all()
            ]
        }

    def answer_html(self, item: dict[str, Any]) -> Iterator[str]:
        yield (
            f'<label class="field" data-collect="text">Your answer <input type="text" '
            f'name="{_html.field_name(item)}" value="{_html.text(item.get("response"))}" '
            'autocomplete="off" maxlength="500"></label>'
        )

    def gift_answers(self, data: dict[str, Any]) -> str | None:
        return "".join(
            f"\t=%{gift.number_text(a['fraction'])}%{gift.text(a['text'])}"
            f"{gift.feedback(a.get('feedback', ''))}\n"
            for a in data.get("answers", [])
        )

    def moodle_read(self, question: Element, warn: Callable[[str], None]) -> dict[str, Any]:
        answers = [
            {
                "text": mx.plain(a, default="plain_text"),
                "fraction": mx.percent(a.get("fraction")),
                "feedback": mx.feedback(question, a),
            }
            for a in mx.answers(question)
        ]
        return {"answers": answers, "spec": {"case_sensitive": mx.flag(question, "usecase")}}

    def moodle_write(self, data: dict[str, Any], question: Element) -> None:
        mx.value_el(question, "usecase", 1 if self.spec(data)["case_sensitive"] else 0)
        for a in data.get("answers", []):
            mx.answer_el(question, a["text"], a["fraction"], a.get("feedback", ""))

    def grade(self, question: Question, response: Response) -> Grade:
        case_sensitive = self.spec(question)["case_sensitive"]
        return grade_short(list(question.choices.all()), response, case_sensitive)

    def right_answer_text(self, question: Question) -> str:
        return short_answer_text([c.text for c in question.choices.all() if c.fraction >= 100])


def readable_pattern(pattern: str) -> str:
    """A short-answer pattern as a student reads it: the `*` wildcard (any run of characters)
    dropped at either end ("flatten*" -> "flatten") and shown as "…" inside ("conv*net")."""
    return pattern.strip().strip("*").strip().replace("*", "…")


def short_answer_text(patterns: list[str]) -> str:
    """The full-mark answers a student would write, not the pattern syntax: each pattern made
    readable, duplicates dropped ("flatten | flatten*" -> "flatten"), the rest joined by "or".
    A bare `*` (accept anything) shows nothing of its own."""
    seen: dict[str, str] = {}
    for pattern in patterns:
        text = readable_pattern(pattern)
        if text and text.casefold() not in seen:
            seen[text.casefold()] = text
    return " or ".join(seen.values())


TYPE = ShortType()
