"""True/false: a single choice between two, never shuffled. Stored: the choice id."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from xml.etree.ElementTree import Element

from . import _gift as gift
from . import _moodle as mx
from ._data import DataError
from .single import SingleType, grade_single

grade_truefalse = grade_single


class TrueFalseType(SingleType):
    name = "truefalse"
    shuffles = False
    moodle_names = ("truefalse",)
    moodle_type = "truefalse"
    combined_feedback = False

    def moodle_claims(self, question: Element) -> bool:
        return True

    def moodle_read(self, question: Element, warn: Callable[[str], None]) -> dict[str, Any]:
        by_text = {mx.plain(a).lower(): a for a in mx.answers(question)}
        if set(by_text) != {"true", "false"}:
            raise DataError("a truefalse question has one answer 'true' and one 'false'")
        return {
            "choices": [
                {
                    "text": label.capitalize(),
                    "fraction": mx.percent(by_text[label].get("fraction")),
                    "feedback": mx.feedback(question, by_text[label]),
                }
                for label in ("true", "false")
            ]
        }

    def moodle_write(self, data: dict[str, Any], question: Element) -> None:
        for c in data.get("choices", []):
            mx.answer_el(question, c["text"].lower(), c["fraction"], c.get("feedback", ""))

    def check_fractions(self, fractions: list) -> None:
        if len(fractions) != 2:
            raise DataError("a truefalse question has exactly two choices")
        super().check_fractions(fractions)

    def gift_answers(self, data: dict[str, Any]) -> str | None:
        by_text = {c["text"]: c for c in data.get("choices", [])}
        true, false = by_text.get("True", {}), by_text.get("False", {})
        correct = true.get("fraction", 0) == 100
        right, wrong = (true, false) if correct else (false, true)
        right_fb, wrong_fb = right.get("feedback", ""), wrong.get("feedback", "")
        out = "\tTRUE" if correct else "\tFALSE"
        if wrong_fb or right_fb:
            out += "#" + gift.text(wrong_fb) if wrong_fb else "#"
        if right_fb:
            out += "#" + gift.text(right_fb)
        return out + "\n"


TYPE = TrueFalseType()
