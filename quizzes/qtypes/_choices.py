"""What single choice, true/false and multiple response share: options from question.choices."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar
from xml.etree.ElementTree import Element

from . import _html
from . import _moodle as mx
from ._data import DataError, fraction, fraction_out
from .base import Order, QType, Response, to_int

if TYPE_CHECKING:
    from ..models import AttemptQuestion, Question
    from ..tokens import ItemTokens


class ChoiceType(QType):
    # true/false keeps True before False, whatever the quiz says about shuffling answers.
    shuffles: bool = True
    relation = "choices"
    # The input each option is: one of (radio) or any of (checkbox).
    input_type: ClassVar[str] = "radio"
    collector: ClassVar[str] = "one"
    moodle_names = ("multichoice",)
    moodle_type = "multichoice"
    combined_feedback = True

    # --- the bank -------------------------------------------------------------------------------
    def validate_data(self, data: dict) -> None:
        choices = data.get("choices") or []
        if len(choices) < 2:
            raise DataError(f"a {self.name} question needs at least 2 choices")
        self.check_fractions([fraction(c.get("fraction", 0)) for c in choices])

    def check_fractions(self, fractions: list) -> None:
        if max(fractions) != 100:
            raise DataError("no choice has fraction 100")

    def answer_rows(self, data: dict) -> list[dict[str, Any]]:
        return [
            {
                "text": str(c["text"]),
                "fraction": fraction(c.get("fraction", 0)),
                "feedback": c.get("feedback") or "",
                "order": i,
            }
            for i, c in enumerate(data.get("choices") or [])
        ]

    def data_of(self, question: Question) -> dict[str, Any]:
        return {
            "choices": [
                {"text": c.text, "fraction": fraction_out(c.fraction), "feedback": c.feedback}
                for c in question.choices.all()
            ]
        }

    # --- Moodle XML ---------------------------------------------------------------------------
    def moodle_claims(self, question: Element) -> bool:
        return mx.flag(question, "single", True) == (self.input_type == "radio")

    def moodle_read(self, question: Element, warn: Callable[[str], None]) -> dict[str, Any]:
        return {
            "choices": [
                {
                    "text": mx.plain(a),
                    "fraction": mx.percent(a.get("fraction")),
                    "feedback": mx.feedback(question, a),
                }
                for a in mx.answers(question)
            ]
        }

    def moodle_write(self, data: dict[str, Any], question: Element) -> None:
        mx.value_el(question, "single", self.input_type == "radio")
        mx.value_el(question, "shuffleanswers", True)
        mx.value_el(question, "answernumbering", "abc")
        for c in data.get("choices", []):
            mx.answer_el(question, c["text"], c["fraction"], c.get("feedback", ""))

    # --- the page -------------------------------------------------------------------------------
    def picked(self, response: Response) -> set[str]:
        return {response} if isinstance(response, str) else set()

    def answer_html(self, item: dict[str, Any]) -> Iterator[str]:
        name, picked = _html.field_name(item), self.picked(item.get("response"))
        yield f'<div class="options" data-collect="{self.collector}">'
        for opt in item["options"]:
            checked = " checked" if opt["id"] in picked else ""
            yield (
                f'<label class="option"><input type="{self.input_type}" name="{name}" '
                f'value="{_html.escape(opt["id"])}"{checked}> '
                f"<span>{_html.escape(opt['text'])}</span></label>"
            )
        yield "</div>"

    # --- statistics: every choice, in authoring order, even those nobody picked ---------------
    def response_labels(self, question: Question, response: Response) -> list[str]:
        texts = {c.pk: c.text for c in question.choices.all()}
        picked = response if isinstance(response, list) else [response]
        return [texts.get(to_int(p), f"(choice {p})") for p in picked]

    def frequency_rows(self, question: Question, bucket: dict[str, int], top: int) -> list:
        rows = [(c.text, bucket.pop(c.text, 0)) for c in question.choices.all()]
        return rows + sorted(bucket.items(), key=lambda kv: -kv[1])

    def start_order(self, question: Question, shuffle: bool, rng: random.Random) -> Order:
        ids = [c.id for c in question.choices.all()]
        if shuffle and self.shuffles:
            rng.shuffle(ids)
        return ids

    def options(self, item: AttemptQuestion, tokens: ItemTokens) -> dict[str, Any]:
        by_id = {c.id: c for c in item.question.choices.all()}
        return {
            "options": [
                {"id": tokens.option(i), "text": by_id[i].text}
                for i in item.choice_order
                if i in by_id
            ]
        }

    def present_tokens(self, tokens: ItemTokens, response: Response) -> Response:
        return None  # a malformed stored answer shows as unanswered

    def response_text(self, question: Question, response: Response) -> str:
        picked = {str(v) for v in (response if isinstance(response, list) else [response])}
        return " + ".join(c.text for c in question.choices.all() if str(c.id) in picked)

    def correct_ids(self, question: Question, tokens: ItemTokens) -> list[str] | None:
        return tokens.options(c.id for c in question.choices.all() if c.fraction > 0)
