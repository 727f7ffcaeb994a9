"""Numerical. Stored and sent: a string or a number; answers are question.numerical_answers."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

from . import _gift as gift
from . import _html
from ._data import DataError, check_best, fraction, fraction_out
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


def _value_tolerance(answer: dict) -> dict[str, float]:
    """Moodle's numerical catch-all `*` (GIFT's `~`) is stored as an answer that every number
    matches (tolerance infinity), worth what it says (0), which grades the same way."""
    if answer["value"] == "*":
        return {"value": 0.0, "tolerance": math.inf}
    try:
        return {"value": float(answer["value"]), "tolerance": float(answer.get("tolerance") or 0)}
    except (TypeError, ValueError):
        raise DataError(f"{answer['value']!r} is not a number") from None


class NumericalType(QType):
    name = "numerical"
    shape = (str, int, float)
    relation = "numerical_answers"
    answer_template = "quizzes/answers/numerical.html"

    def validate_data(self, data: dict) -> None:
        answers = data.get("answers") or []
        if not answers:
            raise DataError(f"a {self.name} question needs answers")
        check_best(answers)
        if any(a.get("value") in (None, "") for a in answers):
            raise DataError("an answer has no value")

    def answer_rows(self, data: dict) -> list[dict[str, Any]]:
        return [
            {
                **_value_tolerance(a),
                "fraction": fraction(a.get("fraction", 100)),
                "feedback": a.get("feedback") or "",
                "order": i,
            }
            for i, a in enumerate(data.get("answers") or [])
        ]

    def data_of(self, question: Any) -> dict[str, Any]:
        answers = [
            {
                "value": a.value,
                "tolerance": a.tolerance,
                "fraction": fraction_out(a.fraction),
                "feedback": a.feedback,
            }
            for a in question.numerical_answers.all()
        ]
        return {"answers": answers}

    def answer_html(self, item: dict[str, Any]) -> Iterator[str]:
        yield (
            '<label class="field" data-collect="text">Your answer (a number) <input type="text" '
            f'inputmode="decimal" name="{_html.field_name(item)}" '
            f'value="{_html.text(item.get("response"))}" autocomplete="off" maxlength="60"></label>'
        )

    def gift_answers(self, data: dict[str, Any]) -> str | None:
        lines, catch_all = ["\t#\n"], ""
        for a in data.get("answers", []):
            feedback = gift.feedback(a.get("feedback", ""))
            # Moodle's catch-all `*`; the bank stores it as an infinitely tolerant answer.
            if a.get("value") in ("*", None) or a.get("tolerance") == math.inf:
                catch_all = catch_all or f"\t~{feedback or '#'}\n"
                continue
            value, tolerance = float(a["value"]), float(a.get("tolerance") or 0)
            number = f"{gift.number_text(value)}:{gift.number_text(tolerance)}"
            weight = gift.number_text(a.get("fraction", 100))
            lines.append(f"\t=%{weight}%{number}{feedback}\n")
        return "".join(lines) + catch_all

    def grade(self, question: Any, response: Any) -> Grade:
        return grade_numerical(list(question.numerical_answers.all()), response)

    def right_answer_text(self, question: Any) -> str:
        answers = [a for a in question.numerical_answers.all() if a.fraction >= 100]
        return " | ".join(
            f"{a.value:g}" + (f" ± {a.tolerance:g}" if a.tolerance else "") for a in answers
        )


TYPE = NumericalType()
