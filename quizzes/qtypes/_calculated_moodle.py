"""Calculated questions in Moodle XML (qtype_calculated's export): each <answer> is a formula
with its tolerance, and <dataset_definitions> lists each wildcard's values. Moodle's codes:
tolerancetype 1 relative, 2 nominal, 3 geometric; correctanswerformat 1 decimals, 2
significant figures (per answer there, per question here: the first answer's)."""

from __future__ import annotations

from typing import Any

from . import _moodle as mx
from ._data import DataError
from ._gift import number_text

TOLERANCE_IN = {"1": "relative", "2": "nominal", "3": "geometric"}
TOLERANCE_OUT = {v: k for k, v in TOLERANCE_IN.items()}
FORMAT_IN = {"1": "decimals", "2": "significant"}
FORMAT_OUT = {v: k for k, v in FORMAT_IN.items()}


def read(question: Any, warn: Any) -> dict[str, Any]:
    answers = mx.answers(question)
    if not answers:
        raise DataError("a calculated question needs an answer formula")
    first = answers[0]
    if question.findall("units/unit"):
        warn("its units are dropped: calculated questions here take a bare number")
    return {
        "answers": [_answer(a) for a in answers],
        "datasets": _items(question),
        "answer_format": FORMAT_IN.get(
            (first.findtext("correctanswerformat") or "1").strip(), "decimals"
        ),
        "answer_length": int(mx.number(first, "correctanswerlength", 2)),
    }


def _answer(answer: Any) -> dict[str, Any]:
    kind = (answer.findtext("tolerancetype") or "1").strip()
    return {
        "formula": mx.plain(answer, default="plain_text"),
        "fraction": float(mx.percent(answer.get("fraction"))),
        "tolerance": abs(mx.number(answer, "tolerance", 0)),
        "tolerance_type": TOLERANCE_IN.get(kind, "relative"),
        "feedback": mx.plain(answer, "feedback"),
    }


def _items(question: Any) -> list[dict[str, float]]:
    """Moodle's dataset items, numbered per wildcard, as our items {wildcard: value}."""
    columns: dict[str, dict[int, float]] = {}
    for definition in question.findall("dataset_definitions/dataset_definition"):
        name = mx.text(definition, "name").strip()
        values = columns.setdefault(name, {})
        for item in definition.findall("dataset_items/dataset_item"):
            values[int(mx.number(item, "number", len(values) + 1))] = mx.number(item, "value", 0)
    if not columns or not all(columns.values()):
        raise DataError("every wildcard needs its dataset items (Moodle exports them)")
    numbers = sorted(set.intersection(*(set(v) for v in columns.values())))
    return [{name: values[n] for name, values in columns.items()} for n in numbers]


def write(spec: dict[str, Any], question: Any) -> None:
    head: tuple[tuple[str, Any], ...] = (
        ("synchronize", 0),
        ("single", 0),
        ("answernumbering", "abc"),
    )
    for tag, value in head:
        mx.value_el(question, tag, value)
    for a in spec["answers"]:
        node = mx.answer_el(question, a["formula"], a["fraction"], a.get("feedback", ""))
        mx.value_el(node, "tolerance", a["tolerance"])
        mx.value_el(node, "tolerancetype", TOLERANCE_OUT[a["tolerance_type"]])
        mx.value_el(node, "correctanswerformat", FORMAT_OUT[spec["answer_format"]])
        mx.value_el(node, "correctanswerlength", int(spec["answer_length"]))
    units: tuple[tuple[str, Any], ...] = (
        ("unitgradingtype", 0),
        ("unitpenalty", 0.1),
        ("showunits", 3),
    )
    for tag, value in units:
        mx.value_el(question, tag, value)
    _definitions(spec["datasets"], mx.sub(question, "dataset_definitions"))


def _definitions(items: list[dict[str, float]], parent: Any) -> None:
    for name in items[0] if items else {}:
        values = [item[name] for item in items]
        node = mx.sub(parent, "dataset_definition")
        mx.text_el(node, "status", "private")
        mx.text_el(node, "name", name)
        mx.value_el(node, "type", "calculated")
        mx.text_el(node, "distribution", "uniform")
        mx.text_el(node, "minimum", number_text(min(values)))
        mx.text_el(node, "maximum", number_text(max(values)))
        mx.text_el(node, "decimals", str(max(_decimals(v) for v in values)))
        mx.value_el(node, "itemcount", len(values))
        box = mx.sub(node, "dataset_items")
        for number, value in enumerate(values, start=1):
            item = mx.sub(box, "dataset_item")
            mx.value_el(item, "number", number)
            mx.value_el(item, "value", value)
        mx.value_el(node, "number_of_items", len(values))


def _decimals(value: float) -> int:
    text = number_text(value)
    return len(text.split(".")[1]) if "." in text and "e" not in text else 0
