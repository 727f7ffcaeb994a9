"""What select missing words (gapselect) and drag and drop into text (ddwtos) share, as in
Moodle: the stem marks gaps `[[1]]`, `[[2]]`…; the spec lists the choices, each in a group,
and gap n's right answer is choice n; a gap offers the choices of its group (the others are
distractors). Stored: {"<gap>": <choice number> or None}; sent: {gap: choice token}.

The choices live in Question.spec, so these types need no table of their own; the page names
each choice by its per-attempt token (never its number, which is the answer key) and always
shuffles them (authoring order would give the answers away).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar
from xml.etree.ElementTree import Element

from . import _moodle as mx
from ._data import DataError
from ._spec import Option
from .base import NO_ANSWER, Grade, Order, QType, Response, ResponseShapeError, as_int

if TYPE_CHECKING:
    from ..models import AttemptQuestion, Question
    from ..tokens import ItemTokens

GAP = re.compile(r"\[\[(\d{1,3})\]\]")


def _choice(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict) or not str(raw.get("text", "")).strip():
        raise DataError("each choice needs a text")
    group = as_int(raw.get("group", 1))
    if group is None or not 1 <= group <= 20:
        raise DataError(f"choice {raw['text']!r}: the group is a number from 1 to 20")
    return {"text": str(raw["text"]).strip(), "group": group}


def gaps_in(stem: str) -> list[int]:
    return list(dict.fromkeys(int(n) for n in GAP.findall(stem)))


class GapType(QType):
    shape = (dict,)
    combined_feedback = True
    # The element each choice is in Moodle XML (gapselect: selectoption, ddwtos: dragbox).
    moodle_choice: ClassVar[str] = "selectoption"
    spec_schema: ClassVar[tuple[Option, ...]] = (
        Option(
            "choices",
            "list",
            [],
            "Choice n is gap [[n]]'s answer.",
            item=_choice,
            columns=("text", "group"),
        ),
    )

    # --- the bank ------------------------------------------------------------------------------
    def validate_data(self, data: dict) -> None:
        choices = self.clean_spec(data.get("spec"))["choices"]
        gaps = gaps_in(str(data.get("stem", "")))
        if not gaps:
            raise DataError(f"a {self.name} question marks its gaps in the stem: [[1]], [[2]]…")
        missing = [n for n in gaps if n > len(choices)]
        if missing:
            raise DataError(f"gap [[{missing[0]}]] has no choice {missing[0]}")

    # --- Moodle XML ----------------------------------------------------------------------------
    def moodle_read(self, question: Element, warn: Callable[[str], None]) -> dict[str, Any]:
        choices = [
            {"text": mx.plain(c, default="plain_text"), "group": int(mx.number(c, "group", 1))}
            for c in question.findall(self.moodle_choice)
        ]
        return {"spec": {"choices": choices}}

    def moodle_write(self, data: dict[str, Any], question: Element) -> None:
        mx.value_el(question, "shuffleanswers", True)
        for c in self.spec(data)["choices"]:
            node = mx.text_el(question, self.moodle_choice, c["text"])
            mx.value_el(node, "group", c["group"])

    # --- grading -------------------------------------------------------------------------------
    def _parts(self, question: Question) -> tuple[list[int], list[dict[str, Any]]]:
        return gaps_in(question.stem), self.spec(question)["choices"]

    def grade(self, question: Question, response: Response) -> Grade:
        gaps, choices = self._parts(question)
        if not gaps or not isinstance(response, dict) or not any(response.values()):
            return NO_ANSWER
        right = sum(1 for n in gaps if _is_right(choices, n, response.get(str(n))))
        fraction = Decimal(right) / Decimal(len(gaps))
        return Grade(fraction, [f"{right} of {len(gaps)} gaps filled correctly."])

    # --- the attempt ---------------------------------------------------------------------------
    def start_order(self, question: Question, shuffle: bool, rng: random.Random) -> Order:
        numbers = list(range(1, len(self.spec(question)["choices"]) + 1))
        original = list(numbers)
        for _ in range(10):  # always shuffled, never as authored: that order is the answer key
            rng.shuffle(numbers)
            if numbers != original or len(numbers) < 2:
                break
        return numbers

    def decode(self, tokens: ItemTokens, sent: Response) -> Response:
        if not isinstance(sent, dict):
            return sent  # clean refuses the shape
        return {
            str(gap): (tokens.lookup(tokens.shown_ids, chosen) if chosen else None)
            for gap, chosen in sent.items()
        }

    def coerce(self, response: Any) -> Response:
        if len(response) > 100 or not all(str(k).isdigit() for k in response):
            raise ResponseShapeError(f"That answer does not fit a {self.name} question.")
        out = {}
        for gap, chosen in response.items():
            number = as_int(chosen) if chosen not in (None, "") else None
            if chosen not in (None, "") and number is None:
                raise ResponseShapeError(f"That answer does not fit a {self.name} question.")
            out[str(gap)] = number
        return out

    def present_tokens(self, tokens: ItemTokens, response: Response) -> Response:
        if not isinstance(response, dict):
            return None
        return {g: (tokens.option(n) if as_int(n) is not None else "") for g, n in response.items()}

    def options(self, item: AttemptQuestion, tokens: ItemTokens) -> dict[str, Any]:
        gaps, choices = self._parts(item.question)
        shown = item.choice_order if isinstance(item.choice_order, list) else []
        order = [n for n in shown if isinstance(n, int) and 1 <= n <= len(choices)]
        tiles = [
            {
                "id": tokens.option(n),
                "text": choices[n - 1]["text"],
                "group": choices[n - 1]["group"],
            }
            for n in order
        ]
        return {
            "parts": {
                "gaps": [
                    {
                        "number": n,
                        "group": choices[n - 1]["group"],
                        "options": [t for t in tiles if t["group"] == choices[n - 1]["group"]],
                    }
                    for n in gaps
                    if n <= len(choices)
                ],
                "tiles": tiles,
            }
        }

    def show_stem(self, html: str, item: AttemptQuestion) -> str:
        return GAP.sub(r'<strong class="gap-ref">[blank \1]</strong>', html)

    # --- texts ---------------------------------------------------------------------------------
    def response_text(self, question: Question, response: Response) -> str:
        gaps, choices = self._parts(question)
        return "; ".join(
            f"{n}: {_text(choices, response.get(str(n)))}"
            for n in gaps
            if isinstance(response, dict) and response.get(str(n))
        )

    def right_answer_text(self, question: Question) -> str:
        gaps, choices = self._parts(question)
        return "; ".join(f"{n}: {choices[n - 1]['text']}" for n in gaps if n <= len(choices))

    def response_labels(self, question: Question, response: Response) -> list[str]:
        return [self.response_text(question, response)[:80] or "(no answer)"]


def _text(choices: list[dict[str, Any]], number: Any) -> str:
    n = as_int(number)
    return choices[n - 1]["text"] if n is not None and 1 <= n <= len(choices) else "?"


def _is_right(choices: list[dict[str, Any]], gap: int, chosen: Any) -> bool:
    """The gap's own choice, or another of its group with the same text (Moodle's rule)."""
    n = as_int(chosen)
    if n is None or not 1 <= n <= len(choices) or gap > len(choices):
        return False
    picked, right = choices[n - 1], choices[gap - 1]
    return picked["group"] == right["group"] and picked["text"] == right["text"]
