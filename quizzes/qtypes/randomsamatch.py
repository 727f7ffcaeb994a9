"""Random short-answer matching (Moodle's randomsamatch): each attempt draws `count` short-answer
questions of this question's section (its category; narrowed by a tag if the spec names one)
and asks the student to match each question to its answer. Stored and sent as matching's:
{"<drawn question id>": "<chosen answer text>"}; the drawn questions and the shuffled answers
are the attempt item's choice_order (server side, never shown as ids).

Unlike the other types it reads other questions: one query when an attempt starts and one
when it is graded, through the question's own manager.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from xml.etree.ElementTree import Element

from . import _moodle as mx
from . import short
from ._spec import Option
from .base import NO_ANSWER, Grade, Order, Response, as_int, normalize_text
from .matching import MatchingType

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from ..models import AttemptQuestion, Question
    from ..tokens import ItemTokens


def _pool(question: Question, spec: dict[str, Any]) -> QuerySet[Question]:
    """The short-answer questions of the question's section (and tag), with their answers."""
    pool = type(question).objects.filter(type=short.TYPE.name)
    # An unfiled question draws from the other unfiled ones (what section_id=None always meant).
    if question.section_id is None:
        pool = pool.filter(section__isnull=True)
    else:
        pool = pool.filter(section_id=question.section_id)
    if spec["tag"]:
        pool = pool.filter(tags__contains=[spec["tag"]])
    return pool.exclude(pk=question.pk).prefetch_related("choices").order_by("pk")


def _answer_of(drawn: Question) -> str:
    """A drawn question's answer as a student reads it (its full-mark answers, readable)."""
    return short.short_answer_text([c.text for c in drawn.choices.all() if c.fraction >= 100])


def _prompt(drawn: Question) -> str:
    text = " ".join(drawn.stem.split())
    return text if len(text) <= 140 else text[:139] + "…"


class RandomShortMatchType(MatchingType):
    name = "randomsamatch"
    relation = None
    spec_schema = (
        Option("count", "number", 3, "How many short-answer questions to draw.", low=2, high=20),
        Option("tag", "text", "", "Draw only questions with this tag (empty: any)."),
    )

    # Moodle draws from the question's category (and, with subcats, those below it); here
    # from its section, so both carry only how many to draw.
    moodle_names = ("randomsamatch",)
    moodle_type = "randomsamatch"

    def moodle_read(self, question: Element, warn: Callable[[str], None]) -> dict[str, Any]:
        if mx.flag(question, "subcats"):
            warn("draws from its section here, not from subcategories")
        return {"spec": {"count": int(mx.number(question, "choose", 3)), "tag": ""}}

    def moodle_write(self, data: dict[str, Any], question: Element) -> None:
        mx.value_el(question, "choose", int(self.spec(data)["count"]))
        mx.value_el(question, "subcats", 0)

    def validate_data(self, data: dict) -> None:
        self.clean_spec(data.get("spec"))

    def answer_rows(self, data: dict) -> list[dict[str, Any]]:
        return []

    def data_of(self, question: Question) -> dict[str, Any]:
        return {}

    def gift_answers(self, data: dict[str, Any]) -> str | None:
        return None

    # --- the attempt ---------------------------------------------------------------------------
    def start_order(self, question: Question, shuffle: bool, rng: random.Random) -> Order:
        spec = self.spec(question)
        pool = [q for q in _pool(question, spec) if _answer_of(q)]
        drawn = rng.sample(pool, min(int(spec["count"]), len(pool)))
        rights = list(dict.fromkeys(_answer_of(q) for q in drawn))
        rng.shuffle(rights)
        return {"left": [q.pk for q in drawn], "right": rights}

    def options(self, item: AttemptQuestion, tokens: ItemTokens) -> dict[str, Any]:
        order = item.choice_order if isinstance(item.choice_order, dict) else {}
        ids = [i for i in order.get("left", []) if as_int(i) is not None]
        by_id = {q.pk: q for q in type(item.question).objects.filter(pk__in=ids)}
        lefts = [{"id": tokens.option(i), "text": _prompt(by_id[i])} for i in ids if i in by_id]
        rights = [{"id": tokens.right(t), "text": t} for t in order.get("right", [])]
        return {"left": lefts, "right_options": rights}

    # --- grading -------------------------------------------------------------------------------
    def grade(self, question: Question, response: Response) -> Grade:
        if not isinstance(response, dict) or not any(response.values()):
            return NO_ANSWER
        spec = self.spec(question)
        ids = [as_int(k) for k in response if as_int(k) is not None]
        drawn = list(_pool(question, spec).filter(pk__in=ids))
        # Out of as many as were drawn (the pool may hold fewer than count).
        total = min(int(spec["count"]), max(len(drawn), _pool(question, spec).count()))
        right = sum(
            1
            for q in drawn
            if normalize_text(response.get(str(q.pk)) or "") == normalize_text(_answer_of(q))
        )
        fraction = Decimal(right) / Decimal(total) if total else Decimal(0)
        return Grade(min(fraction, Decimal(1)), [f"{right} of {total} matched correctly."])

    # --- texts ---------------------------------------------------------------------------------
    def response_text(self, question: Question, response: Any) -> str:
        # Any: a stored response has the shape clean gave it (a list or a dict here).
        ids = [as_int(k) for k in response if as_int(k) is not None]
        prompts = {q.pk: _prompt(q) for q in type(question).objects.filter(pk__in=ids)}
        return "; ".join(f"{prompts.get(as_int(k), '?')} → {v}" for k, v in response.items() if v)

    def right_answer_text(self, question: Question) -> str:
        return ""

    def item_right_answer_text(self, item: AttemptQuestion) -> str:
        order = item.choice_order if isinstance(item.choice_order, dict) else {}
        ids = order.get("left", [])
        by_id = {q.pk: q for q in _pool(item.question, self.spec(item.question)).filter(pk__in=ids)}
        return "; ".join(f"{_prompt(by_id[i])} → {_answer_of(by_id[i])}" for i in ids if i in by_id)

    def response_labels(self, question: Question, response: Response) -> list[str]:
        return [self.response_text(question, response)[:80]]


TYPE = RandomShortMatchType()
