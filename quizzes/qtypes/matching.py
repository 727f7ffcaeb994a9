"""Matching. Stored: {"<left pair id>": "<chosen right text>", ...}; sent: {left token: right
token}. Pairs with a blank left are distractors: they only add wrong right options."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar
from xml.etree.ElementTree import Element

from . import _gift as gift
from . import _html
from . import _moodle as mx
from ._data import DataError
from .base import NO_ANSWER, Grade, Order, PairLike, QType, Response, as_int, normalize_text

if TYPE_CHECKING:
    from ..models import AttemptQuestion, Question
    from ..tokens import ItemTokens


def grade_matching(pairs: Sequence[PairLike], response: Response) -> Grade:
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
    relation: ClassVar[str | None] = "match_pairs"
    token_part = "left"
    moodle_names = ("matching",)
    moodle_type = "matching"
    combined_feedback = True

    def moodle_read(self, question: Element, warn: Callable[[str], None]) -> dict[str, Any]:
        pairs, distractors = [], []
        for sub in question.findall("subquestion"):
            left, right = mx.plain(sub), mx.plain(sub, "answer", default="plain_text")
            if left:
                pairs.append({"left": left, "right": right})
            elif right:
                distractors.append(right)
        return {"pairs": pairs, "distractors": distractors}

    def moodle_write(self, data: dict[str, Any], question: Element) -> None:
        mx.value_el(question, "shuffleanswers", True)
        rows = [(p["left"], p["right"]) for p in data.get("pairs", [])]
        rows += [("", right) for right in data.get("distractors", [])]
        for left, right in rows:
            sub = mx.text_el(question, "subquestion", left, "plain")
            mx.text_el(sub, "answer", right)

    def validate_data(self, data: dict) -> None:
        pairs = [p for p in data.get("pairs") or [] if str(p.get("left", "")).strip()]
        if len(pairs) < 2 or any(not str(p.get("right", "")).strip() for p in pairs):
            raise DataError("a matching question needs at least 2 pairs with left and right")

    def answer_rows(self, data: dict) -> list[dict[str, Any]]:
        pairs = [
            {"left": str(p.get("left") or ""), "right": str(p["right"])}
            for p in data.get("pairs") or []
        ]
        pairs += [{"left": "", "right": str(d)} for d in data.get("distractors") or []]
        return [dict(p, order=i) for i, p in enumerate(pairs)]

    def data_of(self, question: Question) -> dict[str, Any]:
        pairs = list(question.match_pairs.all())
        return {
            "pairs": [{"left": p.left, "right": p.right} for p in pairs if p.left.strip()],
            "distractors": [p.right for p in pairs if not p.left.strip()],
        }

    def answer_html(self, item: dict[str, Any]) -> Iterator[str]:
        name, esc = _html.field_name(item), _html.escape
        response = item.get("response")
        answers = response if isinstance(response, dict) else {}
        yield '<div class="matching" data-collect="pairs">'
        for number, left in enumerate(item["left"], start=1):
            chosen = answers.get(str(left["id"]), "")
            options = "".join(
                f'<option value="{esc(r["id"])}"{" selected" if chosen == r["id"] else ""}>'
                f"{esc(r['text'])}</option>"
                for r in item["right_options"]
            )
            label = f"{name}-l{number}"
            yield (
                f'<label class="match-row"><span id="{label}">{esc(left["text"])}</span> '
                f'<select name="{name}" data-left="{esc(left["id"])}" aria-labelledby="{label}"> '
                f'<option value="">Choose…</option> {options} </select></label>'
            )
        yield "</div>"

    def gift_answers(self, data: dict[str, Any]) -> str | None:
        pairs = [(p["left"], p["right"]) for p in data.get("pairs", [])]
        pairs += [("", right) for right in data.get("distractors", [])]
        return "".join(f"\t={gift.text(left)} -> {gift.escape(right)}\n" for left, right in pairs)

    def decode(self, tokens: ItemTokens, sent: Response) -> Response:
        if not isinstance(sent, dict):
            return sent  # clean refuses the shape
        lefts = tokens.shown_ids
        rights = {tokens.right(t): t for t in tokens.order.get("right", [])}
        return {
            str(tokens.lookup(lefts, left)): (tokens.lookup(rights, right) if right else "")
            for left, right in sent.items()
        }

    def grade(self, question: Question, response: Response) -> Grade:
        return grade_matching(list(question.match_pairs.all()), response)

    def start_order(self, question: Question, shuffle: bool, rng: random.Random) -> Order:
        pairs = list(question.match_pairs.all())
        lefts = [p.id for p in pairs if p.left.strip()]
        rights = list(dict.fromkeys(p.right for p in pairs))
        rng.shuffle(rights)
        if shuffle:
            rng.shuffle(lefts)
        return {"left": lefts, "right": rights}

    def present_tokens(self, tokens: ItemTokens, response: Response) -> Response:
        if not isinstance(response, dict):
            return None  # a malformed stored answer shows as unanswered
        return {
            tokens.option(left): (tokens.right(str(right)) if right else "")
            for left, right in response.items()
            if as_int(left) is not None
        }

    def options(self, item: AttemptQuestion, tokens: ItemTokens) -> dict[str, Any]:
        order = item.choice_order
        by_id = {p.id: p for p in item.question.match_pairs.all()}
        lefts = [
            {"id": tokens.option(i), "text": by_id[i].left}
            for i in order.get("left", [])
            if i in by_id
        ]
        rights = [{"id": tokens.right(t), "text": t} for t in order.get("right", [])]
        return {"left": lefts, "right_options": rights}

    def response_text(self, question: Question, response: Any) -> str:
        # Any: a stored response has the shape clean gave it (a list or a dict here).
        lefts = {str(p.id): p.left for p in question.match_pairs.all()}
        return "; ".join(f"{lefts.get(k, '?')} → {v}" for k, v in response.items() if v)

    def right_answer_text(self, question: Question) -> str:
        return "; ".join(
            f"{p.left} → {p.right}" for p in question.match_pairs.all() if p.left.strip()
        )


TYPE = MatchingType()
