"""Matching. Stored: {"<left pair id>": "<chosen right text>", ...}; sent: {left token: right
token}. Pairs with a blank left are distractors: they only add wrong right options."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .base import NO_ANSWER, Grade, PairLike, QType, as_int, normalize_text

if TYPE_CHECKING:
    from ..tokens import ItemTokens


def grade_matching(pairs: Sequence[PairLike], response: Any) -> Grade:
    """Credit per real pair (distractors, with a blank left, only add wrong options)."""
    real = [p for p in pairs if p.left.strip()]
    if not real or not isinstance(response, Mapping) or not any(response.values()):
        return NO_ANSWER
    right = sum(
        1 for p in real if normalize_text(response.get(str(p.id)) or "") == normalize_text(p.right)
    )
    fraction = Decimal(right) / Decimal(len(real))
    return Grade(fraction, [f"{right} of {len(real)} pairs matched correctly."])


class MatchingType(QType):
    name = "matching"
    shape = (dict,)

    def decode(self, tokens: ItemTokens, sent: Any) -> Any:
        if not isinstance(sent, dict):
            return sent  # clean refuses the shape
        lefts = tokens.shown_ids
        rights = {tokens.right(t): t for t in tokens.order.get("right", [])}
        return {
            str(tokens.lookup(lefts, left)): (tokens.lookup(rights, right) if right else "")
            for left, right in sent.items()
        }

    def grade(self, question: Any, response: Any) -> Grade:
        return grade_matching(list(question.match_pairs.all()), response)

    def start_order(self, question: Any, shuffle: bool, rng: random.Random) -> Any:
        pairs = list(question.match_pairs.all())
        lefts = [p.id for p in pairs if p.left.strip()]
        rights = list(dict.fromkeys(p.right for p in pairs))
        rng.shuffle(rights)
        if shuffle:
            rng.shuffle(lefts)
        return {"left": lefts, "right": rights}

    def present_tokens(self, tokens: ItemTokens, response: Any) -> Any:
        if not isinstance(response, dict):
            return None  # a malformed stored answer shows as unanswered
        return {
            tokens.option(left): (tokens.right(str(right)) if right else "")
            for left, right in response.items()
            if as_int(left) is not None
        }

    def options(self, item: Any, tokens: ItemTokens) -> dict[str, Any]:
        order = item.choice_order
        by_id = {p.id: p for p in item.question.match_pairs.all()}
        lefts = [
            {"id": tokens.option(i), "text": by_id[i].left}
            for i in order.get("left", [])
            if i in by_id
        ]
        rights = [{"id": tokens.right(t), "text": t} for t in order.get("right", [])]
        return {"left": lefts, "right_options": rights}

    def response_text(self, question: Any, response: Any) -> str:
        lefts = {str(p.id): p.left for p in question.match_pairs.all()}
        return "; ".join(f"{lefts.get(k, '?')} → {v}" for k, v in response.items() if v)

    def right_answer_text(self, question: Any) -> str:
        return "; ".join(
            f"{p.left} → {p.right}" for p in question.match_pairs.all() if p.left.strip()
        )


TYPE = MatchingType()
