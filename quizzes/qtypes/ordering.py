"""Ordering. Stored: a list of ordering item ids in the student's order; sent: their tokens."""

from __future__ import annotations

import random
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeGuard
from xml.etree.ElementTree import Element

from . import _html
from . import _moodle as mx
from ._data import DataError
from .base import NO_ANSWER, ZERO, Grade, Order, OrderingLike, QType, Response, to_int
from .multi import decode_id_list

if TYPE_CHECKING:
    from ..models import AttemptQuestion, Question
    from ..tokens import ItemTokens


def longest_increasing_run(values: Iterable[int]) -> int:
    """Length of the longest strictly increasing subsequence (patience sorting)."""
    tails: list[int] = []
    for value in values:
        index = bisect_left(tails, value)
        if index == len(tails):
            tails.append(value)
        else:
            tails[index] = value
    return len(tails)


def grade_ordering(items: Sequence[OrderingLike], response: Response) -> Grade:
    """Partial credit rule: find the largest set of items already in the right relative order
    (longest increasing subsequence of their correct positions, size k of n items);
    fraction = (k - 1) / (n - 1). All right: 1; fully reversed: 0; one item moved: (n-2)/(n-1).
    A response that is not a permutation of the items scores 0."""
    position = {item.id: item.position for item in items}
    if not isinstance(response, list) or not response:
        return NO_ANSWER
    ids = [to_int(value) for value in response]
    if sorted(ids, key=lambda v: v or 0) != sorted(position) or len(items) < 2:
        return Grade(ZERO, ["The answer does not list every item exactly once."])
    longest = longest_increasing_run(position[i] for i in ids if i is not None)
    fraction = Decimal(longest - 1) / Decimal(len(items) - 1)
    return Grade(fraction, [f"{longest} of {len(items)} items are in the right relative order."])


def _position(answer: Element, index: int) -> float:
    try:
        return float(answer.get("fraction", index))
    except ValueError:
        return float(index)


def _is_permutation(response: Response, by_id: dict) -> TypeGuard[list[Any]]:
    return isinstance(response, list) and sorted(map(str, response)) == sorted(map(str, by_id))


class OrderingType(QType):
    name = "ordering"
    shape = (list,)
    relation = "ordering_items"
    # Moodle's qtype_ordering, graded here by its "longest ordered subset" rule.
    moodle_names = ("ordering",)
    moodle_type = "ordering"
    combined_feedback = True

    def moodle_read(self, question: Element, warn: Callable[[str], None]) -> dict[str, Any]:
        grading = (question.findtext("gradingtype") or "").strip()
        if grading and grading.upper() not in ("LONGEST_ORDERED_SUBSET", "6"):
            warn(f"graded here by the longest ordered subset, not {grading}")
        selection = (question.findtext("selecttype") or "ALL").strip().upper()
        if selection not in ("ALL", "0"):
            warn(f"every item is shown here (Moodle's selecttype was {selection})")
        answers = mx.answers(question)
        # An answer's fraction is its right position; the file's order breaks ties.
        ranked = sorted(enumerate(answers), key=lambda ia: (_position(ia[1], ia[0]), ia[0]))
        return {"items": [mx.plain(a) for _, a in ranked]}

    def moodle_write(self, data: dict[str, Any], question: Element) -> None:
        for tag, value in (
            ("layouttype", "VERTICAL"),
            ("selecttype", "ALL"),
            ("selectcount", 0),
            ("gradingtype", "LONGEST_ORDERED_SUBSET"),
            ("showgrading", "SHOW"),
            ("numberingstyle", "none"),
        ):
            mx.value_el(question, tag, value)
        for position, item in enumerate(data.get("items", []), start=1):
            mx.answer_el(question, item, position)

    def validate_data(self, data: dict) -> None:
        if len(data.get("items") or []) < 2:
            raise DataError("an ordering question needs at least 2 items")

    def answer_rows(self, data: dict) -> list[dict[str, Any]]:
        return [{"text": str(t), "position": i} for i, t in enumerate(data.get("items") or [])]

    def data_of(self, question: Question) -> dict[str, Any]:
        return {"items": [i.text for i in question.ordering_items.all()]}

    def answer_html(self, item: dict[str, Any]) -> Iterator[str]:
        help_id = f"{_html.field_name(item)}-help"
        yield (
            f'<p class="muted ordering-help" id="{help_id}">Use the arrow buttons, or Alt+Up and '
            "Alt+Down on an item, to move it.</p>"
        )
        yield (
            '<ol class="ordering" data-collect="order" aria-label="Items to put in order" '
            f'aria-describedby="{help_id}">'
        )
        for o in item["ordering"]:
            text = _html.escape(o["text"])
            yield (
                f'<li data-id="{_html.escape(o["id"])}" tabindex="0"><span class="ordering-text">'
                f'{text}</span> <span class="ordering-buttons"><button type="button" '
                f'class="btn btn-ghost btn-small move-up" aria-label="Move {text} up">↑</button>'
                '<button type="button" class="btn btn-ghost btn-small move-down" '
                f'aria-label="Move {text} down">↓</button></span></li>'
            )
        yield "</ol>"
        yield '<p class="sr-only ordering-status" role="status" aria-live="polite"></p>'

    def decode(self, tokens: ItemTokens, sent: Response) -> Response:
        return decode_id_list(tokens, sent)

    def grade(self, question: Question, response: Response) -> Grade:
        return grade_ordering(list(question.ordering_items.all()), response)

    def start_order(self, question: Question, shuffle: bool, rng: random.Random) -> Order:
        # Always shuffled, and never already solved: the start order would be a free answer.
        ids = [i.id for i in question.ordering_items.all()]
        original = list(ids)
        for _ in range(10):
            rng.shuffle(ids)
            if ids != original or len(ids) < 2:
                break
        return ids

    def present_tokens(self, tokens: ItemTokens, response: Response) -> Response:
        return tokens.options(response) if isinstance(response, list) else None

    def options(self, item: AttemptQuestion, tokens: ItemTokens) -> dict[str, Any]:
        by_id = {o.id: o for o in item.question.ordering_items.all()}
        current = item.response if _is_permutation(item.response, by_id) else item.choice_order
        return {
            "ordering": [
                {"id": tokens.option(i), "text": by_id[i].text} for i in current if i in by_id
            ]
        }

    def response_text(self, question: Question, response: Any) -> str:
        # Any: a stored response has the shape clean gave it (a list or a dict here).
        texts = {str(o.id): o.text for o in question.ordering_items.all()}
        return " → ".join(texts.get(str(i), "?") for i in response)

    def right_answer_text(self, question: Question) -> str:
        return " → ".join(i.text for i in question.ordering_items.all())


TYPE = OrderingType()
