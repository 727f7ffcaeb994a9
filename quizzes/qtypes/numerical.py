"""Numerical. Stored and sent: a string or a number (with units chosen from a list: {"number",
"unit"}, qtypes/_units.py); answers are question.numerical_answers."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from xml.etree.ElementTree import Element

from . import _gift as gift
from . import _html, _units
from . import _moodle as mx
from ._data import DataError, check_best, fraction, fraction_out
from .base import HUNDRED, NO_ANSWER, ZERO, Grade, NumericalLike, QType, Response, clamp, nonblank

if TYPE_CHECKING:
    from ..models import AttemptQuestion, Question
    from ..tokens import ItemTokens


def parse_number(response: Response) -> float | None:
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


def grade_numerical(answers: Sequence[NumericalLike], response: Response) -> Grade:
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


def grade_with_units(
    answers: Sequence[NumericalLike], spec: dict[str, Any], response: Response
) -> Grade:
    """The number converted to the answers' unit and graded; a wrong unit costs the penalty."""
    if _units.is_blank(response):
        return NO_ANSWER
    reading = _units.read(spec, response)
    value = parse_number(reading.number) if reading.number is not None else None
    if value is None:
        return Grade(ZERO, ["That is not a number."])
    grade = grade_numerical(answers, value * reading.value_factor)
    if reading.unit_ok or not grade.fraction:
        return grade
    note = "The unit is missing or not one of this question's units."
    return Grade(_units.penalised(spec, grade.fraction), [*grade.feedback, note])


def _value_tolerance(answer: dict) -> dict[str, float]:
    """Moodle's numerical catch-all `*` (GIFT's `~`) is stored as an answer that every number
    matches (tolerance infinity), worth what it says (0), which grades the same way."""
    if answer["value"] == "*":
        return {"value": 0.0, "tolerance": math.inf}
    try:
        return {"value": float(answer["value"]), "tolerance": float(answer.get("tolerance") or 0)}
    except (TypeError, ValueError):
        raise DataError(f"{answer['value']!r} is not a number") from None


def _moodle_number(text: str) -> float:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise DataError(f"the answer {text!r} is not a number") from None
    if not math.isfinite(value):
        raise DataError(f"the answer {text!r} is not a finite number")
    return value


class NumericalType(QType):
    name = "numerical"
    shape = (str, int, float, dict)
    relation = "numerical_answers"
    spec_schema = _units.SCHEMA
    moodle_names = ("numerical",)
    moodle_type = "numerical"

    def moodle_read(self, question: Element, warn: Callable[[str], None]) -> dict[str, Any]:
        answers = []
        for a in mx.answers(question):
            value = mx.plain(a, default="plain_text")
            answers.append(
                {
                    "value": "*" if value == "*" else _moodle_number(value),
                    "tolerance": mx.number(a, "tolerance", 0),
                    "fraction": mx.percent(a.get("fraction")),
                    "feedback": mx.feedback(question, a),
                }
            )
        return {"answers": answers, "spec": _units.moodle_read(question)}

    def moodle_write(self, data: dict[str, Any], question: Element) -> None:
        for a in data.get("answers", []):
            catch_all = a.get("value") == "*" or a.get("tolerance") == math.inf
            value = "*" if catch_all else gift.number_text(float(a["value"]))
            node = mx.answer_el(question, value, a.get("fraction", 100), a.get("feedback", ""))
            tolerance = 0 if catch_all else float(a.get("tolerance") or 0)
            mx.value_el(node, "tolerance", tolerance)
        _units.moodle_write(self.spec(data), question)

    def coerce(self, response: Any) -> Response:
        return _units.clean_response(response)

    def options(self, item: AttemptQuestion, tokens: ItemTokens) -> dict[str, Any]:
        spec = self.spec(item.question)
        if not _units.uses_units(spec):
            return {}
        units = [u["unit"] for u in spec["units"]]
        return {"parts": {"unit_input": spec["unit_input"], "units": units}}

    def response_text(self, question: Question, response: Response) -> str:
        return _units.text_of(response)

    def response_labels(self, question: Question, response: Response) -> list[str]:
        return [" ".join(_units.text_of(response).split())[:80]]

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

    def data_of(self, question: Question) -> dict[str, Any]:
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
        name, response = _html.field_name(item), item.get("response")
        unit_input = item.get("parts", {}).get("unit_input")
        if unit_input == "select":
            yield from _unit_select_html(item, name, response)
            return
        label = "a number and its unit" if unit_input == "text" else "a number"
        mode = "" if unit_input == "text" else ' inputmode="decimal"'
        yield (
            f'<label class="field" data-collect="text">Your answer ({label}) <input type="text"'
            f'{mode} name="{name}" value="{_html.text(response)}" autocomplete="off" '
            'maxlength="60"></label>'
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

    def grade(self, question: Question, response: Response) -> Grade:
        answers, spec = list(question.numerical_answers.all()), self.spec(question)
        if _units.uses_units(spec):
            return grade_with_units(answers, spec, response)
        if isinstance(response, dict):
            return Grade(ZERO, ["That is not a number."])
        return grade_numerical(answers, response)

    def right_answer_text(self, question: Question) -> str:
        spec = self.spec(question)
        unit = f" {spec['units'][0]['unit']}" if _units.uses_units(spec) else ""
        answers = [a for a in question.numerical_answers.all() if a.fraction >= 100]
        return " | ".join(
            f"{a.value:g}" + (f" ± {a.tolerance:g}" if a.tolerance else "") + unit for a in answers
        )


def _unit_select_html(item: dict[str, Any], name: str, response: Response) -> Iterator[str]:
    answer = response if isinstance(response, dict) else {}
    esc = _html.escape
    units = "".join(
        f'<option value="{esc(u)}"{" selected" if answer.get("unit") == u else ""}>{esc(u)}'
        "</option>"
        for u in item["parts"]["units"]
    )
    yield (
        f'<div class="row numerical-units" data-collect="gaps"><label class="field">Your answer '
        f'(a number) <input type="text" inputmode="decimal" name="{name}" data-gap="number" '
        f'value="{_html.text(answer.get("number"))}" autocomplete="off" maxlength="60"></label> '
        f'<label class="field">Unit <select name="{name}-unit" data-gap="unit"> '
        f'<option value="">Choose…</option> {units} </select></label></div>'
    )


TYPE = NumericalType()
