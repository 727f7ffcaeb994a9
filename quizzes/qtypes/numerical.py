"""Numerical. Stored and sent: a string or a number; answers are question.numerical_answers."""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from .base import HUNDRED, NO_ANSWER, ZERO, Grade, NumericalLike, QType, clamp, nonblank


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
    return Grade(clamp(Decimal(best.fraction) / HUNDRED), nonblank([best.feedback]))


class NumericalType(QType):
    name = "numerical"
    shape = (str, int, float)

    def grade(self, question: Any, response: Any) -> Grade:
        return grade_numerical(list(question.numerical_answers.all()), response)

    def right_answer_text(self, question: Any) -> str:
        answers = [a for a in question.numerical_answers.all() if a.fraction >= 100]
        return " | ".join(
            f"{a.value:g}" + (f" ± {a.tolerance:g}" if a.tolerance else "") for a in answers
        )


TYPE = NumericalType()
