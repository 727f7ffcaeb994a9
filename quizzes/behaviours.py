"""Moodle's adaptive and certainty-based marking rules, as pure functions on fractions.

Adaptive (qbehaviour_adaptive): the student may check as often as they like; each check after
the first costs the question's penalty, and the mark kept is the best so far.
Certainty-based marking (qbehaviour_deferredcbm, question_cbm): deferred feedback where each
answer carries a certainty; right (by its fraction) scores 1, 2 or 3 and wrong 0, -2 or -6 at
certainty 1, 2 or 3; no certainty counts as 1.
"""

from __future__ import annotations

from decimal import Decimal

ZERO = Decimal("0")
ONE = Decimal("1")
CERTAINTIES = {1: "C1: not sure (1 or 0)", 2: "C2: fairly sure (2 or -2)", 3: "C3: sure (3 or -6)"}
DEFAULT_CERTAINTY = 1
RIGHT_SCORE = {1: Decimal("1"), 2: Decimal("2"), 3: Decimal("3")}
WRONG_SCORE = {1: Decimal("0"), 2: Decimal("-2"), 3: Decimal("-6")}
# Moodle's question_utils::MARK_TOLERANCE: a fraction this small counts as wrong.
MARK_TOLERANCE = Decimal("0.00000005")


def adaptive_fraction(
    raw: Decimal, *, best: Decimal | None, tries: int, penalty: Decimal
) -> Decimal:
    """The mark after the `tries`-th check: the best of the previous and this try's fraction
    less the penalty of every earlier try (never below 0)."""
    this_try = max(ZERO, raw - penalty * max(0, tries - 1))
    return max(best or ZERO, this_try)


def cbm_fraction(raw: Decimal, certainty: int | None) -> Decimal:
    level = certainty if certainty in RIGHT_SCORE else DEFAULT_CERTAINTY
    if raw <= MARK_TOLERANCE:
        return WRONG_SCORE[level]
    return RIGHT_SCORE[level] * raw
