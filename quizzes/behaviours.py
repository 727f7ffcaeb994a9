"""Moodle's adaptive and certainty-based marking rules, as pure functions on fractions.

Adaptive (qbehaviour_adaptive): the student may check as often as they like; each check after
the first costs the question's penalty, and the mark kept is the best so far.
Certainty-based marking (qbehaviour_deferredcbm, question_cbm): deferred feedback where each
answer carries a certainty; right (by its fraction) scores 1, 2 or 3 and wrong 0, -2 or -6 at
certainty 1, 2 or 3; no certainty counts as 1.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

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
