"""Multiple response. Stored: a list of choice ids; sent: a list of their tokens."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from . import _gift as gift
from ._choices import ChoiceType
from ._data import DataError
from .base import HUNDRED, NO_ANSWER, ZERO, ChoiceLike, Grade, Response, clamp, nonblank, to_int

if TYPE_CHECKING:
    from ..models import Question
    from ..tokens import ItemTokens


def grade_multi(choices: Sequence[ChoiceLike], response: Response) -> Grade:
    """Sum of the picked fractions: wrong picks carry negative weights; floor 0, ceiling 1."""
    if not isinstance(response, list) or not response:
        return NO_ANSWER
    picked = {to_int(value) for value in response}
    chosen = [c for c in choices if c.id in picked]
    if not chosen:
        return NO_ANSWER
    total = sum((Decimal(c.fraction) for c in chosen), ZERO) / HUNDRED
    return Grade(clamp(total), nonblank(c.feedback for c in chosen))


def decode_id_list(tokens: ItemTokens, sent: Response) -> Response:
    """A list of shown tokens as ids, each once, in the order sent."""
    if not isinstance(sent, list):
        return sent  # clean refuses the shape
    ids = tokens.shown_ids
    return list(dict.fromkeys(tokens.lookup(ids, t) for t in sent))


class MultiType(ChoiceType):
    name = "multi"
    shape = (list,)
    input_type = "checkbox"
    collector = "many"

    def check_fractions(self, fractions: list) -> None:
        positive = sum(f for f in fractions if f > 0)
        if abs(positive - 100) > Decimal("0.1"):
            raise DataError(f"the correct choices' fractions sum to {positive}, not 100")

    def picked(self, response: Response) -> set[str]:
        return {str(v) for v in response} if isinstance(response, list) else set()

    def gift_answers(self, data: dict[str, Any]) -> str | None:
        return "".join(
            f"\t~%{gift.number_text(c['fraction'])}%{gift.text(c['text'])}"
            f"{gift.feedback(c.get('feedback', ''))}\n"
            for c in data.get("choices", [])
        )

    def decode(self, tokens: ItemTokens, sent: Response) -> Response:
        return decode_id_list(tokens, sent)

    def grade(self, question: Question, response: Response) -> Grade:
        return grade_multi(list(question.choices.all()), response)

    def present_tokens(self, tokens: ItemTokens, response: Response) -> Response:
        return tokens.options(response) if isinstance(response, list) else None

    def right_answer_text(self, question: Question) -> str:
        return " + ".join(c.text for c in question.choices.all() if c.fraction > 0)


TYPE = MultiType()
