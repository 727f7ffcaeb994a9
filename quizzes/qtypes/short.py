"""Short answer. Stored and sent: the student's text; accepted answers are question.choices."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from .base import (
    HUNDRED,
    NO_ANSWER,
    ZERO,
    ChoiceLike,
    Grade,
    QType,
    clamp,
    nonblank,
    normalize_text,
)


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
    return Grade(clamp(Decimal(best.fraction) / HUNDRED), nonblank([best.feedback]))


class ShortType(QType):
    name = "short"
    shape = (str,)

    def grade(self, question: Any, response: Any) -> Grade:
        return grade_short(list(question.choices.all()), response)

    def right_answer_text(self, question: Any) -> str:
        return short_answer_text([c.text for c in question.choices.all() if c.fraction >= 100])


def readable_pattern(pattern: str) -> str:
    """A short-answer pattern as a student reads it: the `*` wildcard (any run of characters)
    dropped at either end ("flatten*" -> "flatten") and shown as "…" inside ("conv*net")."""
    return pattern.strip().strip("*").strip().replace("*", "…")


def short_answer_text(patterns: list[str]) -> str:
    """The full-mark answers a student would write, not the pattern syntax: each pattern made
    readable, duplicates dropped ("flatten | flatten*" -> "flatten"), the rest joined by "or".
    A bare `*` (accept anything) shows nothing of its own."""
    seen: dict[str, str] = {}
    for pattern in patterns:
        text = readable_pattern(pattern)
        if text and text.casefold() not in seen:
            seen[text.casefold()] = text
    return " or ".join(seen.values())


TYPE = ShortType()
