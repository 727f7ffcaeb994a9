"""Pure grading: a response and a question's answers in, a fraction (0..1) and feedback out.

Nothing here touches the database; the answer objects only need the attributes named in the
protocols, so model instances, dataclasses and namespaces all work.

Response shapes (what AttemptQuestion.response stores; students see and send tokens instead of
the ids, and quizzes/tokens.py translates):
  single, truefalse: a choice id (int)          multi: a list of choice ids
  short: a string                               numerical: a string or a number
  matching: {"<left pair id>": "<chosen right text>", ...}
  ordering: a list of ordering item ids, in the student's order
  essay: a string                               description: nothing
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

ZERO = Decimal("0")
ONE = Decimal("1")
HUNDRED = Decimal("100")


class ChoiceLike(Protocol):
    id: int
    text: str
    fraction: Decimal
    feedback: str


class NumericalLike(Protocol):
    value: float
    tolerance: float
    fraction: Decimal
    feedback: str


class PairLike(Protocol):
    id: int
    left: str
    right: str


class OrderingLike(Protocol):
    id: int
    position: int


@dataclass(frozen=True)
class Grade:
    """fraction is None for essays awaiting an instructor and for descriptions."""

    fraction: Decimal | None
    feedback: list[str] = field(default_factory=list)
    needs_grading: bool = False

    @property
    def state(self) -> str:
        if self.needs_grading:
            return "needs_grading"
        if self.fraction is None:
            return "ungraded"
        if self.fraction >= ONE:
            return "correct"
        return "partial" if self.fraction > ZERO else "incorrect"


NO_ANSWER = Grade(ZERO, ["No answer was given."])


def clamp(fraction: Decimal) -> Decimal:
    """A question's score never leaves 0..1, whatever the answer weights add up to."""
    return max(ZERO, min(ONE, fraction))


def _to_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def grade_single(choices: Sequence[ChoiceLike], response: Any) -> Grade:
    """Single choice and true/false: the picked choice's fraction."""
    picked = _to_int(response)
    for choice in choices:
        if choice.id == picked:
            return Grade(clamp(Decimal(choice.fraction) / HUNDRED), _nonblank([choice.feedback]))
    return NO_ANSWER


grade_truefalse = grade_single


def grade_multi(choices: Sequence[ChoiceLike], response: Any) -> Grade:
    """Sum of the picked fractions: wrong picks carry negative weights; floor 0, ceiling 1."""
    if not isinstance(response, list) or not response:
        return NO_ANSWER
    picked = {_to_int(value) for value in response}
    chosen = [c for c in choices if c.id in picked]
    if not chosen:
        return NO_ANSWER
    total = sum((Decimal(c.fraction) for c in chosen), ZERO) / HUNDRED
    return Grade(clamp(total), _nonblank(c.feedback for c in chosen))


def normalize_text(text: str) -> str:
    """Case- and space-insensitive: casefold and drop all whitespace ("Re LU" == "relu")."""
    return re.sub(r"\s+", "", str(text)).casefold()


def short_answer_matches(pattern: str, response: str) -> bool:
    """`*` matches any run of characters (also none); everything else is literal."""
    parts = [re.escape(part) for part in normalize_text(pattern).split("*")]
    return re.fullmatch(".*".join(parts), normalize_text(response)) is not None


def grade_short(answers: Sequence[ChoiceLike], response: Any) -> Grade:
    """The best-weighted accepted answer that matches (order-independent, unlike Moodle's
    first match, so a catch-all `*` can never hide a better answer listed after it)."""
    if not isinstance(response, str | int | float) or not str(response).strip():
        return NO_ANSWER
    matches = [a for a in answers if short_answer_matches(a.text, str(response))]
    if not matches:
        return Grade(ZERO, [])
    best = max(matches, key=lambda a: Decimal(a.fraction))
    return Grade(clamp(Decimal(best.fraction) / HUNDRED), _nonblank([best.feedback]))


def parse_number(response: Any) -> float | None:
    """Accepts 0.5, ".5", "1e-3", " 26 " and a decimal comma ("0,5")."""
    if isinstance(response, bool):
        return None
    if isinstance(response, int | float):
        value = float(response)
    else:
        try:
            value = float(str(response).strip().replace(",", "."))
        except ValueError:
            return None
    return value if math.isfinite(value) else None


def numerical_matches(answer: NumericalLike, value: float) -> bool:
    # A relative epsilon so that 0.1 + 0.2 sits inside a 0.3 ± 0 answer.
    slack = 1e-9 * max(1.0, abs(answer.value))
    return abs(value - answer.value) <= answer.tolerance + slack


def grade_numerical(answers: Sequence[NumericalLike], response: Any) -> Grade:
    if response is None or str(response).strip() == "":
        return NO_ANSWER
    value = parse_number(response)
    if value is None:
        return Grade(ZERO, ["That is not a number."])
    matches = [a for a in answers if numerical_matches(a, value)]
    if not matches:
        return Grade(ZERO, [])
    best = max(matches, key=lambda a: Decimal(a.fraction))
    return Grade(clamp(Decimal(best.fraction) / HUNDRED), _nonblank([best.feedback]))


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


def grade_ordering(items: Sequence[OrderingLike], response: Any) -> Grade:
    """Partial credit rule: find the largest set of items already in the right relative order
    (longest increasing subsequence of their correct positions, size k of n items);
    fraction = (k - 1) / (n - 1). All right: 1; fully reversed: 0; one item moved: (n-2)/(n-1).
    A response that is not a permutation of the items scores 0."""
    position = {item.id: item.position for item in items}
    if not isinstance(response, list) or not response:
        return NO_ANSWER
    ids = [_to_int(value) for value in response]
    if sorted(ids, key=lambda v: v or 0) != sorted(position) or len(items) < 2:
        return Grade(ZERO, ["The answer does not list every item exactly once."])
    longest = longest_increasing_run(position[i] for i in ids if i is not None)
    fraction = Decimal(longest - 1) / Decimal(len(items) - 1)
    return Grade(fraction, [f"{longest} of {len(items)} items are in the right relative order."])


def grade_essay(response: Any) -> Grade:
    if not isinstance(response, str) or not response.strip():
        return NO_ANSWER
    return Grade(None, [], needs_grading=True)


def grade_question(question: Any, response: Any) -> Grade:
    """Dispatch on question.type; `question` needs its answers loaded (prefetch them)."""
    kind = question.type
    if kind in ("single", "truefalse"):
        return grade_single(list(question.choices.all()), response)
    if kind == "multi":
        return grade_multi(list(question.choices.all()), response)
    if kind == "short":
        return grade_short(list(question.choices.all()), response)
    if kind == "numerical":
        return grade_numerical(list(question.numerical_answers.all()), response)
    if kind == "matching":
        return grade_matching(list(question.match_pairs.all()), response)
    if kind == "ordering":
        return grade_ordering(list(question.ordering_items.all()), response)
    if kind == "essay":
        return grade_essay(response)
    return Grade(None, [])


def interactive_fraction(raw: Decimal, *, tries: int, penalty: Decimal) -> Decimal:
    """Interactive behaviour: each try after the first costs `penalty` of the mark (floor 0)."""
    return clamp(raw - penalty * max(0, tries - 1))


def _nonblank(texts: Iterable[str]) -> list[str]:
    return [t for t in texts if t and t.strip()]
