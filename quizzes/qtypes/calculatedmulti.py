"""Calculated multichoice (Moodle's calculatedmulti): a multiple-choice question whose choices
are texts over wildcards, `{x}` replaced by a value and `{=formula}` computed (shown in the
question's answer format: decimals or significant figures). Each attempt draws one dataset
item (qtypes/calculated.py's DatasetType: listed datasets or ranges generated when saved);
the stem and every choice show that item's values. One choice (radio buttons) or any number
(checkboxes), shuffled when both the quiz and the question say so; each choice has its
fraction and feedback, and grading is single choice's or multiple response's.

choice_order: {"item": <the drawn item>, "ids": [choice ids as shown], "many": <checkboxes>}.
Stored: {"item": <the drawn item>, "choices": [picked choice ids]} (one for a single answer):
the item comes from the attempt item when the answer is sent, never from the client, so the
review and the statistics read the values the student saw from the response alone. Sent: a
choice's token, or a list of them.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from xml.etree.ElementTree import Element

from . import _calculated_moodle as moodle
from . import _formula as formula
from . import _moodle as mx
from ._choices import ChoiceType
from ._data import DataError, fraction
from ._spec import Option
from .base import NO_ANSWER, ZERO, Grade, Order, Response, ResponseShapeError, as_int
from .calculated import DATASET_OPTIONS, DatasetType
from .multi import TYPE as MULTI
from .multi import decode_id_list, grade_multi
from .single import TYPE as SINGLE
from .single import grade_single

if TYPE_CHECKING:
    from ..models import AttemptQuestion, Question
    from ..tokens import ItemTokens


def _order(order: Any) -> dict[str, Any]:
    return order if isinstance(order, dict) else {}


def _picked(response: Response) -> list[Any]:
    picked = response.get("choices") if isinstance(response, dict) else None
    return picked if isinstance(picked, list) else []


class CalculatedMultiType(DatasetType, ChoiceType):
    name = "calculatedmulti"
    shape = (dict,)
    moodle_names = ("calculatedmulti",)
    moodle_type = "calculatedmulti"
    spec_schema = (
        Option("single", "bool", True, "One choice is right (radio buttons); off: checkboxes."),
        Option("shuffle", "bool", True, "Shuffle the choices when the quiz shuffles answers."),
        *DATASET_OPTIONS,
    )

    # --- the bank (the choices are rows of question.choices, as single choice's) ------------
    def validate_data(self, data: dict) -> None:
        spec = self.clean_spec(data.get("spec"))
        choices = data.get("choices") or []
        if len(choices) < 2:
            raise DataError(f"a {self.name} question needs at least 2 choices")
        fractions = [fraction(c.get("fraction", 0)) for c in choices]
        (SINGLE if spec["single"] else MULTI).check_fractions(fractions)
        texts = [str(c.get("text", "")) for c in choices]
        self.check_datasets(spec["datasets"], [str(data.get("stem", "")), *texts])
        for item in spec["datasets"]:  # every item must give every choice its values
            for text in texts:
                for expression in formula.expressions(text):
                    formula.evaluate(expression, item)

    # --- Moodle XML: calculated's elements, an <answer> a choice ------------------------------
    def moodle_claims(self, question: Element) -> bool:
        return True  # single and multiple answers are one type here

    def moodle_read(self, question: Element, warn: Callable[[str], None]) -> dict[str, Any]:
        answers = moodle.needed_answers(question, warn)
        choices = [
            {
                "text": mx.plain(a, default="plain_text"),
                "fraction": mx.percent(a.get("fraction")),
                "feedback": mx.feedback(question, a),
            }
            for a in answers
        ]
        spec = {
            "single": mx.flag(question, "single", True),
            "shuffle": mx.flag(question, "shuffleanswers", True),
            "datasets": moodle.items(question),
            **moodle.display_of(answers[0]),
        }
        return {"choices": choices, "spec": spec}

    def moodle_write(self, data: dict[str, Any], question: Element) -> None:
        spec = self.spec(data)
        moodle.write_head(question, single=spec["single"], shuffle=spec["shuffle"])
        for choice in data.get("choices", []):
            moodle.write_answer(question, spec, choice, choice["text"])
        # Moodle's export names the datasets of every type but calculated "calculatedsimple".
        moodle.write_datasets(spec, question, dataset_type="calculatedsimple")

    # --- the attempt ---------------------------------------------------------------------------
    def start_order(self, question: Question, shuffle: bool, rng: random.Random) -> Order:
        spec = self.spec(question)
        ids = ChoiceType.start_order(self, question, shuffle and spec["shuffle"], rng)
        return {"item": self.draw(question, rng), "ids": ids, "many": not spec["single"]}

    def shown_option_ids(self, order: Order) -> list:
        ids = _order(order).get("ids")
        return ids if isinstance(ids, list) else []

    def decode(self, tokens: ItemTokens, sent: Response) -> Response:
        if sent in (None, "", []):
            return None
        order = _order(tokens.order)
        if order.get("many"):
            if not isinstance(sent, list):
                return [sent]  # refused by clean: checkboxes send a list
            picked = decode_id_list(tokens, sent)
        else:
            picked = [tokens.lookup(tokens.shown_ids, sent)]
        return {"item": as_int(order.get("item")) or 0, "choices": picked}

    def coerce(self, response: Any) -> Response:
        picked = response.get("choices")
        fits = set(response) == {"item", "choices"} and as_int(response["item"]) is not None
        if not fits or not isinstance(picked, list) or any(as_int(p) is None for p in picked):
            raise ResponseShapeError("That answer does not fit a calculatedmulti question.")
        return {"item": as_int(response["item"]), "choices": [as_int(p) for p in picked]}

    def present_tokens(self, tokens: ItemTokens, response: Response) -> Response:
        picked = _picked(response)
        if _order(tokens.order).get("many"):
            return tokens.options(picked)
        return tokens.option(picked[0]) if picked else None

    def shown(self, text: str, values: dict[str, float], spec: dict[str, Any]) -> str:
        """A choice's (or its feedback's) text as the dataset item shows it."""
        return formula.render(text, values, spec["answer_format"], int(spec["answer_length"]))

    def options(self, item: AttemptQuestion, tokens: ItemTokens) -> dict[str, Any]:
        question, spec = item.question, self.spec(item.question)
        values = self.values(question, self.drawn(item))
        by_id = {c.id: c for c in question.choices.all()}
        shown = [
            {"id": tokens.option(i), "text": self.shown(by_id[i].text, values, spec)}
            for i in self.shown_option_ids(item.choice_order)
            if i in by_id
        ]
        return {
            "options": shown,
            "parts": {"multiple": bool(_order(item.choice_order).get("many"))},
        }

    def answer_html(self, item: dict[str, Any]) -> Iterator[str]:
        many = bool((item.get("parts") or {}).get("multiple"))
        return (MULTI if many else SINGLE).answer_html(item)

    # --- grading -------------------------------------------------------------------------------
    def grade(self, question: Question, response: Response) -> Grade:
        picked, spec = _picked(response), self.spec(question)
        if not picked:
            return NO_ANSWER
        choices = list(question.choices.all())
        if spec["single"]:
            if len(picked) != 1:
                return Grade(ZERO, ["Only one choice may be picked."])
            grade = grade_single(choices, picked[0])
        else:
            grade = grade_multi(choices, picked)
        item = response.get("item") if isinstance(response, dict) else None  # picked: a dict
        values = self.values(question, item)
        return Grade(grade.fraction, [self.shown(f, values, spec) for f in grade.feedback])

    # --- texts ---------------------------------------------------------------------------------
    def _texts(self, question: Question, number: Any, ids: set[int] | None) -> list[str]:
        """The choices' texts for dataset item `number`: those of `ids`, else the right ones."""
        spec, values = self.spec(question), self.values(question, number)
        right = Decimal(100) if spec["single"] else ZERO
        return [
            self.shown(c.text, values, spec)
            for c in question.choices.all()
            if (c.id in ids if ids is not None else c.fraction >= right and c.fraction > 0)
        ]

    def response_text(self, question: Question, response: Response) -> str:
        ids = {i for i in map(as_int, _picked(response)) if i is not None}
        item = response.get("item") if isinstance(response, dict) else None
        return " + ".join(self._texts(question, item, ids))

    def right_answer_text(self, question: Question) -> str:
        return self._right(question, 0)  # without an attempt: the first item's

    def item_right_answer_text(self, item: AttemptQuestion) -> str:
        return self._right(item.question, self.drawn(item))

    def _right(self, question: Question, number: Any) -> str:
        joiner = " | " if self.spec(question)["single"] else " + "
        return joiner.join(self._texts(question, number, None))

    def response_labels(self, question: Question, response: Response) -> list[str]:
        """Counted per choice as authored (its values differ from attempt to attempt)."""
        return ChoiceType.response_labels(self, question, _picked(response))


TYPE = CalculatedMultiType()
