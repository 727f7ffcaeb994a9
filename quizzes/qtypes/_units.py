"""Numerical answers with units, as Moodle's numerical question has them.

The spec lists units with multipliers, the first being the unit the answers are in (multiplier
1): 1.5 m with [m ×1, cm ×100] is also 150 cm. A response is the number and its unit, typed
together ("150 cm", unit_input "text") or the unit chosen from a list (unit_input "select",
stored {"number": "150", "unit": "cm"}). A missing or unknown unit costs the unit penalty
unless units are optional (unit_grading "optional": a bare number is in the first unit).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from xml.etree.ElementTree import Element

from . import _moodle as mx
from ._data import DataError
from ._spec import Option
from .base import ZERO, Response, ResponseShapeError

UNIT_INPUTS = ("none", "text", "select")
UNIT_GRADINGS = ("optional", "response", "question")
_NUMBER = re.compile(r"^\s*([-+]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")


def _unit(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict) or not str(raw.get("unit", "")).strip():
        raise DataError("each unit needs a name (unit) and a multiplier")
    try:
        multiplier = float(raw.get("multiplier", 1))
    except (TypeError, ValueError):
        raise DataError(f"unit {raw['unit']!r}: the multiplier is not a number") from None
    if not multiplier > 0:
        raise DataError(f"unit {raw['unit']!r}: the multiplier must be above 0")
    return {"unit": str(raw["unit"]).strip(), "multiplier": multiplier}


SCHEMA = (
    Option(
        "units",
        "list",
        [],
        "Units and multipliers; the first is the answers' unit.",
        item=_unit,
        columns=("unit", "multiplier"),
    ),
    Option("unit_input", "choice", "text", "How the unit is given.", choices=UNIT_INPUTS),
    Option("unit_grading", "choice", "optional", "Missing unit costs.", choices=UNIT_GRADINGS),
    Option("unit_penalty", "number", 0.1, "Share lost for a wrong unit.", low=0, high=1),
)


@dataclass(frozen=True)
class Reading:
    """A response read against the units: the number in the answers' unit, and whether its
    unit was missing or unknown (None number: not a number at all)."""

    number: str | None
    value_factor: float = 1.0
    unit_ok: bool = True


def uses_units(spec: dict[str, Any]) -> bool:
    return bool(spec.get("units")) and spec.get("unit_input") != "none"


def clean_response(response: Response) -> Response:
    """The select form is a dict of two texts; anything else is left to numerical's shape."""
    if isinstance(response, dict):
        if set(response) - {"number", "unit"} or not all(
            isinstance(v, str) for v in response.values()
        ):
            raise ResponseShapeError("That answer does not fit a numerical question.")
        return {"number": response.get("number", ""), "unit": response.get("unit", "")}
    return response


def read(spec: dict[str, Any], response: Response) -> Reading:
    if isinstance(response, dict):
        number, unit = str(response.get("number", "")), str(response.get("unit", "")).strip()
    else:
        match = _NUMBER.match(str(response))
        if match is None:
            return Reading(None)
        number, unit = match.group(1), match.group(2)
    factors = {u["unit"]: float(u["multiplier"]) for u in spec["units"]}
    if unit in factors:
        return Reading(number, 1 / factors[unit])
    optional = spec["unit_grading"] == "optional"
    return Reading(number, 1.0, unit_ok=optional and not unit)


def penalised(spec: dict[str, Any], fraction: Decimal) -> Decimal:
    """Moodle's unit penalty: a share of the response's grade, or of the question's."""
    penalty = Decimal(str(spec["unit_penalty"]))
    if spec["unit_grading"] == "question":
        return max(ZERO, fraction - penalty)
    return fraction * (1 - penalty)


def is_blank(response: Response) -> bool:
    if isinstance(response, dict):
        return not str(response.get("number", "")).strip()
    return response is None or str(response).strip() == ""


def text_of(response: Response) -> str:
    if isinstance(response, dict):
        return f"{response.get('number', '')} {response.get('unit', '')}".strip()
    return str(response)


# Moodle's numerical options: showunits (0 typed, 1 radio, 2 select, 3 none) and
# unitgradingtype (0 units optional, 1 penalty of the response's grade, 2 of the question's).
_SHOW_IN = {"0": "text", "1": "select", "2": "select", "3": "none"}
_SHOW_OUT = {"text": 0, "select": 2, "none": 3}
_GRADING_IN = {"0": "optional", "1": "response", "2": "question"}
_GRADING_OUT = {"optional": 0, "response": 1, "question": 2}


def moodle_read(question: Element) -> dict[str, Any]:
    units = [
        {
            "unit": (u.findtext("unit_name") or "").strip(),
            "multiplier": mx.number(u, "multiplier", 1),
        }
        for u in question.findall("units/unit")
    ]
    return {
        "units": units,
        "unit_input": _SHOW_IN.get((question.findtext("showunits") or "0").strip(), "text"),
        "unit_grading": _GRADING_IN.get(
            (question.findtext("unitgradingtype") or "0").strip(), "optional"
        ),
        "unit_penalty": min(1.0, max(0.0, mx.number(question, "unitpenalty", 0.1))),
    }


def moodle_write(spec: dict[str, Any], question: Element) -> None:
    if not spec["units"]:
        return
    mx.value_el(question, "unitgradingtype", _GRADING_OUT[spec["unit_grading"]])
    mx.value_el(question, "unitpenalty", spec["unit_penalty"])
    mx.value_el(question, "showunits", _SHOW_OUT[spec["unit_input"]])
    mx.value_el(question, "unitsleft", 0)
    units = mx.sub(question, "units")
    for u in spec["units"]:
        unit = mx.sub(units, "unit")
        mx.value_el(unit, "multiplier", u["multiplier"])
        mx.value_el(unit, "unit_name", u["unit"])
