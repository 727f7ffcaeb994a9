"""Single choice. Stored: the picked choice's id (int); sent: its token."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from . import _gift as gift
from ._choices import ChoiceType
from .base import HUNDRED, NO_ANSWER, ChoiceLike, Grade, Response, as_int, clamp, nonblank, to_int

if TYPE_CHECKING:
    from ..models import Question
    from ..tokens import ItemTokens


def grade_single(choices: Sequence[ChoiceLike], response: Response) -> Grade:
    """Single choice and true/false: the picked choice's fraction."""
    picked = to_int(response)
    for choice in choices:
        if choice.id == picked:
            return Grade(clamp(Decimal(choice.fraction) / HUNDRED), nonblank([choice.feedback]))
    return NO_ANSWER


class SingleType(ChoiceType):
    name = "single"
    shape = (int, str)

    def decode(self, tokens: ItemTokens, sent: Response) -> Response:
        return None if sent in (None, "") else tokens.lookup(tokens.shown_ids, sent)

    def coerce(self, response: Any) -> Response:
        return to_int(response)

    def grade(self, question: Question, response: Response) -> Grade:
        return grade_single(list(question.choices.all()), response)

    def present_tokens(self, tokens: ItemTokens, response: Response) -> Response:
        return tokens.option(response) if as_int(response) is not None else None

    def right_answer_text(self, question: Question) -> str:
        return " | ".join(c.text for c in question.choices.all() if c.fraction >= 100)

    def gift_answers(self, data: dict[str, Any]) -> str | None:
        lines, marked = [], False
        for c in data.get("choices", []):
            if c["fraction"] == 100 and not marked:
                marker, marked = "=", True
            else:
                marker = f"~%{gift.number_text(c['fraction'])}%"
            lines.append(
                f"\t{marker}{gift.text(c['text'])}{gift.feedback(c.get('feedback', ''))}\n"
            )
        return "".join(lines)


TYPE = SingleType()
