"""Moodle's adaptive and certainty-based marking rules, as pure functions on fractions.

Adaptive (qbehaviour_adaptive): the student may check as often as they like; each check after
the first costs the question's penalty, and the mark kept is the best so far.
Certainty-based marking (qbehaviour_deferredcbm, question_cbm): deferred feedback where each
answer carries a certainty; right (by its fraction) scores 1, 2 or 3 and wrong 0, -2 or -6 at
certainty 1, 2 or 3; no certainty counts as 1.

`replay` is the one rule for checks: given each try's grade in order (and the final grade at
submit), it gives the question's fraction and whether the checks locked it. Live checks,
the submit and every regrade call it, so a regrade to a new version replays the student's
tries as Moodle's question_attempt::regrade replays its steps: a try that was wrong may now be
right, and then only the tries before it cost a penalty.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .grading import interactive_fraction
from .qtypes.base import Grade

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


# The behaviours by their stored names (models.Behaviour; kept as text so this stays pure).
IMMEDIATE, INTERACTIVE, ADAPTIVE, CBM = "immediate", "interactive", "adaptive", "deferredcbm"


@dataclass(frozen=True)
class TryRule:
    behaviour: str
    penalty: Decimal
    max_tries: int = 1
    certainty: int | None = None


@dataclass(frozen=True)
class Outcome:
    """`fraction`: the question's fraction now (adaptive: the best so far, kept private while
    open; interactive: None until the question is final). `grade`: whose feedback shows.
    `used`: the tries that count, with those made before the history (`spent`)."""

    fraction: Decimal | None
    locked: bool
    grade: Grade | None
    used: int


def replay(
    tries: Sequence[Grade],
    *,
    rule: TryRule,
    spent: int = 0,
    finish: Grade | None = None,
    finish_is_a_try: bool = True,
) -> Outcome:
    """Each check in order, then (when `finish` is given) the submit.

    `spent`: earlier tries the history does not hold (counted wrong: they cost their penalty).
    Adaptive keeps the best of `fraction - penalty * tries before`, and a right try ends the
    checks; interactive ends at a right try or the last one, each wrong try before costing
    the penalty; immediate ends at the first. Tries after the end do not count. The submit of a
    question still open grades `finish` as one more try (`finish_is_a_try`), or as the last try
    graded again (Moodle's adaptive finish of an unchanged answer)."""
    best: Decimal | None = None
    for index, grade in enumerate(tries):
        before = spent + index
        raw = grade.fraction
        if raw is None:  # essays, descriptions: nothing to try again
            return Outcome(None, True, grade, before + 1)
        if rule.behaviour == ADAPTIVE:
            best = adaptive_fraction(raw, best=best, tries=before + 1, penalty=rule.penalty)
            if raw >= ONE:
                return Outcome(best, True, grade, before + 1)
        elif rule.behaviour == INTERACTIVE:
            if raw >= ONE or before + 1 >= rule.max_tries:
                fraction = interactive_fraction(raw, tries=before + 1, penalty=rule.penalty)
                return Outcome(fraction, True, grade, before + 1)
        else:  # immediate: the first check is final
            return Outcome(raw, True, grade, before + 1)
    used = spent + len(tries)
    if finish is None:
        return Outcome(best, False, None, used)
    return Outcome(_finish(finish, rule, used, best, finish_is_a_try), True, finish, used)


def _finish(
    grade: Grade, rule: TryRule, used: int, best: Decimal | None, is_a_try: bool
) -> Decimal | None:
    raw = grade.fraction
    if raw is None:
        return None
    if rule.behaviour == CBM:
        return cbm_fraction(raw, rule.certainty)
    if used == 0 or rule.behaviour not in (ADAPTIVE, INTERACTIVE):
        return raw
    tries = used + 1 if is_a_try else used
    if rule.behaviour == ADAPTIVE:
        return adaptive_fraction(raw, best=best, tries=tries, penalty=rule.penalty)
    return interactive_fraction(raw, tries=tries, penalty=rule.penalty)
