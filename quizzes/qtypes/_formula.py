"""Calculated questions' formulas: Moodle's `{x}` wildcards and functions, evaluated by
simpleeval (a maintained safe evaluator: no attribute access, no imports, bounded powers),
never by eval. Tolerances as Moodle has them: nominal, relative, geometric."""

from __future__ import annotations

import math
import re
from typing import Any

from simpleeval import DEFAULT_OPERATORS, SimpleEval  # type: ignore[import-untyped]

from ._data import DataError

WILDCARD = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]{0,30})\}")
# Moodle's `{=formula}` in a text (a calculated multichoice's choices, a stem): the formula
# may hold wildcards, never other braces.
EXPRESSION = re.compile(r"\{=((?:[^{}]|\{[A-Za-z_][A-Za-z0-9_]{0,30}\})+)\}")
_ATTRIBUTE = re.compile(r"\.\s*[A-Za-z_]")
TOLERANCES = ("nominal", "relative", "geometric")
FORMATS = ("decimals", "significant")
_FUNCTIONS = {
    name: getattr(math, name)
    for name in [
        "sqrt",
        "sin",
        "cos",
        "tan",
        "asin",
        "acos",
        "atan",
        "atan2",
        "sinh",
        "cosh",
        "tanh",
        "exp",
        "log",
        "log10",
        "log2",
        "floor",
        "ceil",
        "fabs",
        "hypot",
        "degrees",
        "radians",
    ]
}
_FUNCTIONS |= {"abs": abs, "pow": pow, "round": round, "min": min, "max": max}
_FUNCTIONS["pi"] = lambda: math.pi


def wildcards(text: str) -> list[str]:
    return list(dict.fromkeys(WILDCARD.findall(text)))


def evaluate(formula: str, values: dict[str, float]) -> float:
    """The formula's value for one dataset item; DataError when it has none."""
    names = {"e": math.e}
    evaluator = SimpleEval(operators=DEFAULT_OPERATORS, functions=_FUNCTIONS, names=names)
    try:
        expression = WILDCARD.sub(lambda m: f"({values[m.group(1)]!r})", formula)
    except KeyError as exc:
        raise DataError(f"the formula uses {{{exc.args[0]}}}, which has no dataset") from None
    if len(expression) > 2000:
        raise DataError("the formula is too long")
    if _ATTRIBUTE.search(expression):  # numbers and functions only: no attribute of anything
        raise DataError(f"the formula {formula!r} reads an attribute")
    try:
        value = float(evaluator.eval(expression))
    except KeyError as exc:
        raise DataError(f"the formula uses {{{exc.args[0]}}}, which has no dataset") from None
    except Exception as exc:  # noqa: BLE001 - any failure of the author's formula is theirs
        raise DataError(f"the formula {formula!r} cannot be computed: {exc}") from None
    if not math.isfinite(value):
        raise DataError(f"the formula {formula!r} has no finite value")
    return value


def within(value: float, answer: float, tolerance: float, kind: str) -> bool:
    slack = 1e-9 * max(1.0, abs(answer))
    if kind == "relative":
        return abs(value - answer) <= tolerance * abs(answer) + slack
    if kind == "geometric":  # Moodle: answer / (1 + t) .. answer * (1 + t)
        quotient = 1 + abs(tolerance)
        low, high = sorted((answer / quotient, answer * quotient))
        return low - slack <= value <= high + slack
    return abs(value - answer) <= tolerance + slack


def display(value: float, fmt: str, length: int) -> str:
    """The right answer as Moodle shows it: `length` decimals or significant figures."""
    if fmt == "significant":
        if value == 0:
            return "0"
        digits = max(1, length) - 1 - math.floor(math.log10(abs(value)))
        return f"{round(value, digits):.{max(0, digits)}f}"
    return f"{value:.{max(0, length)}f}"


def expressions(text: str) -> list[str]:
    """The formulas of the `{=...}` in a text, in order."""
    return EXPRESSION.findall(text)


def render(text: str, values: dict[str, Any], fmt: str = "", length: int = 0) -> str:
    """A text as one dataset item shows it: each `{=formula}` computed (as `display` writes
    it when a format is given) and each `{x}` replaced; what cannot be computed stays as
    written (the bank checks the formulas when the question is saved)."""

    def computed(match: re.Match[str]) -> str:
        try:
            value = evaluate(match.group(1), values)
        except DataError:
            return match.group(0)
        return display(value, fmt, length) if fmt else f"{value:g}"

    return substitute(EXPRESSION.sub(computed, text), values)


def substitute(text: str, values: dict[str, Any]) -> str:
    """`{x}` in a text replaced by the item's value (unknown names stay as written)."""
    return WILDCARD.sub(
        lambda m: f"{values[m.group(1)]:g}" if m.group(1) in values else m.group(0), text
    )
