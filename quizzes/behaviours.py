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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

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


# --- the certainty-based marking summary (Moodle's qbehaviour_deferredcbm summary) ----------
# The range of the chance of being right in which each certainty scores best on average: C1
# below 2/3, C2 from 2/3 to 0.8, C3 above 0.8 (where the expected marks of the levels cross).
OPTIMAL_RANGE = {1: (0.0, 2 / 3), 2: (2 / 3, 0.8), 3: (0.8, 1.0)}
BONUS_WEIGHT = 0.1  # Moodle's empirical factor: it makes accuracy + bonus the most reliable
JUDGEMENT_SLACK = 0.0000005


def cbm_raw_fraction(fraction: Decimal, certainty: int | None) -> Decimal:
    """The fraction before certainty scaled it (cbm_fraction backwards): a wrong answer's
    penalty means 0; a right one's mark divided by its level's right score."""
    level = certainty if certainty in RIGHT_SCORE else DEFAULT_CERTAINTY
    return max(fraction, ZERO) / RIGHT_SCORE[level]


@dataclass(frozen=True)
class CbmTally:
    """Sums over a group of items: how many, how many right, Σ max mark (the weight),
    Σ max mark × fraction without certainty (raw) and Σ mark with it (cbm)."""

    count: int = 0
    right: int = 0
    weight: Decimal = ZERO
    raw: Decimal = ZERO
    cbm: Decimal = ZERO

    def __add__(self, other: CbmTally) -> CbmTally:
        return CbmTally(
            self.count + other.count,
            self.right + other.right,
            self.weight + other.weight,
            self.raw + other.raw,
            self.cbm + other.cbm,
        )


@dataclass(frozen=True)
class CbmFigures:
    questions: int
    average: float  # the mean CBM mark per unit of weight, -6 .. 3
    accuracy: float  # the share of the weight earned, certainty left out, 0 .. 1
    bonus: float  # what the certainties added (or cost) beyond what that accuracy expects
    accuracy_and_bonus: float


@dataclass(frozen=True)
class CbmLevel:
    level: int
    count: int
    right: int
    accuracy: float | None  # raw share of the weight at this level; None with no answers
    low: float
    high: float
    judgement: str  # "", "judgement ok", "(slightly) over/underconfident"


@dataclass(frozen=True)
class CbmSummary:
    overall: CbmFigures  # every counted question, the unanswered ones as earning nothing
    answered: CbmFigures | None  # only the answered ones, when some were not answered
    not_answered: int
    levels: list[CbmLevel] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CbmSummary:
        answered = data.get("answered")
        return cls(
            overall=CbmFigures(**data["overall"]),
            answered=CbmFigures(**answered) if answered else None,
            not_answered=data["not_answered"],
            levels=[CbmLevel(**row) for row in data["levels"]],
        )


def cbm_bonus(average: float, accuracy: float) -> float:
    """Moodle's CBM bonus: a tenth of how far the average CBM mark is above the best mark that
    one certainty used throughout would expect at this accuracy."""
    expected = max(
        accuracy * float(RIGHT_SCORE[c]) + (1 - accuracy) * float(WRONG_SCORE[c])
        for c in RIGHT_SCORE
    )
    return BONUS_WEIGHT * (average - expected)


def _figures(tally: CbmTally, raw: Decimal, cbm: Decimal, questions: int) -> CbmFigures:
    accuracy, average = float(raw / tally.weight), float(cbm / tally.weight)
    bonus = cbm_bonus(average, accuracy)
    return CbmFigures(questions, average, accuracy, bonus, accuracy + bonus)


def cbm_judgement(level: int, accuracy: float, count: int) -> str:
    """Whether the student used this level where it pays: right as often as its range says.
    Outside the range by a margin that matters for this many answers (Moodle's rough test)."""
    low, high = OPTIMAL_RANGE[level]
    if accuracy < low - JUDGEMENT_SLACK:
        return "overconfident" if (accuracy - low) ** 2 * count > 0.5 else "slightly overconfident"
    if accuracy > high + JUDGEMENT_SLACK:
        return (
            "underconfident" if (accuracy - high) ** 2 * count > 0.5 else "slightly underconfident"
        )
    return "judgement ok"


def cbm_summary(*, levels: dict[int, CbmTally], unanswered: CbmTally) -> CbmSummary | None:
    """Moodle's summary of a CBM attempt (or of many, pooled) from the tallies per certainty
    level of the answered questions and the tally of the unanswered ones: the raw and CBM
    sums are each level's own (the unanswered earn nothing but count in the weight)."""
    answered = sum(levels.values(), CbmTally())
    total = answered + unanswered
    if total.weight <= 0:
        return None
    overall = _figures(total, answered.raw, answered.cbm, total.count)
    only_answered = None
    if unanswered.count and answered.weight > 0:
        only_answered = _figures(answered, answered.raw, answered.cbm, answered.count)
    rows = []
    for level in RIGHT_SCORE:
        tally = levels.get(level, CbmTally())
        accuracy = float(tally.raw / tally.weight) if tally.count and tally.weight > 0 else None
        judgement = cbm_judgement(level, accuracy, tally.count) if accuracy is not None else ""
        rows.append(
            CbmLevel(level, tally.count, tally.right, accuracy, *OPTIMAL_RANGE[level], judgement)
        )
    return CbmSummary(overall, only_answered, unanswered.count, rows)


def level_tally(
    level: int, *, count: int, right: int, weight: Decimal, positive: Decimal, cbm: Decimal
) -> CbmTally:
    """One level's tally from a database's sums: `positive` is Σ max mark × the fraction with
    certainty where it is above 0 (a right answer's), which the level's right score undoes."""
    return CbmTally(count, right, weight, positive / RIGHT_SCORE[level], cbm)


def cbm_tally(
    rows: Iterable[tuple[int | None, Decimal, Decimal | None, Decimal | None, bool]],
) -> tuple[dict[int, CbmTally], CbmTally]:
    """The tallies from items one by one: (certainty, max mark, fraction with certainty, mark,
    answered). An item without a fraction (never graded) counts as unanswered. Summed in
    plain lists (count, right, weight, raw, cbm): a results CSV tallies every attempt."""
    sums: dict[int, list] = {}  # level -> sums; 0: the unanswered
    for certainty, max_mark, fraction, mark, answered in rows:
        if max_mark <= ZERO:  # Moodle leaves out questions worth nothing
            continue
        if not answered or fraction is None:
            level, right, raw, cbm = 0, 0, ZERO, ZERO
        else:
            level = certainty if certainty in RIGHT_SCORE else DEFAULT_CERTAINTY
            right, raw = int(fraction > ZERO), max_mark * cbm_raw_fraction(fraction, level)
            cbm = mark or ZERO
        total = sums.setdefault(level, [0, 0, ZERO, ZERO, ZERO])
        total[0] += 1
        total[1] += right
        total[2] += max_mark
        total[3] += raw
        total[4] += cbm
    unanswered = CbmTally(*sums.pop(0, [0, 0, ZERO, ZERO, ZERO]))
    return {level: CbmTally(*total) for level, total in sums.items()}, unanswered
