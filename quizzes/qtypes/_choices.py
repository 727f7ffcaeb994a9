"""What single choice, true/false and multiple response share: options from question.choices."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from .base import QType

if TYPE_CHECKING:
    from ..tokens import ItemTokens


class ChoiceType(QType):
    # true/false keeps True before False, whatever the quiz says about shuffling answers.
    shuffles: bool = True

    def start_order(self, question: Any, shuffle: bool, rng: random.Random) -> Any:
        ids = [c.id for c in question.choices.all()]
        if shuffle and self.shuffles:
            rng.shuffle(ids)
        return ids

    def options(self, item: Any, tokens: ItemTokens) -> dict[str, Any]:
        by_id = {c.id: c for c in item.question.choices.all()}
        return {
            "options": [
                {"id": tokens.option(i), "text": by_id[i].text}
                for i in item.choice_order
                if i in by_id
            ]
        }

    def present_tokens(self, tokens: ItemTokens, response: Any) -> Any:
        return None  # a malformed stored answer shows as unanswered

    def response_text(self, question: Any, response: Any) -> str:
        picked = {str(v) for v in (response if isinstance(response, list) else [response])}
        return " + ".join(c.text for c in question.choices.all() if str(c.id) in picked)

    def correct_ids(self, question: Any, tokens: ItemTokens) -> list[str] | None:
        return tokens.options(c.id for c in question.choices.all() if c.fraction > 0)
