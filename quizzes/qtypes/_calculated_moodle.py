"""The types over wildcards in Moodle XML (qtype_calculated's export, which Moodle's
calculatedsimple and calculatedmulti share): each <answer> is a formula (or, for multichoice,
a text with `{=formula}` in it) with its tolerance, and <dataset_definitions> lists each
wildcard's range and values. Moodle's codes: tolerancetype 1 relative, 2 nominal, 3
geometric; correctanswerformat 1 decimals, 2 significant figures (per answer there, per
question here: the first answer's)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from xml.etree.ElementTree import Element

from . import _moodle as mx
from ._data import DataError
from ._gift import number_text

TOLERANCE_IN = {"1": "relative", "2": "nominal", "3": "geometric"}
TOLERANCE_OUT = {v: k for k, v in TOLERANCE_IN.items()}
FORMAT_IN = {"1": "decimals", "2": "significant"}
FORMAT_OUT = {v: k for k, v in FORMAT_IN.items()}


def read(question: Element, warn: Callable[[str], None]) -> dict[str, Any]:
    """A calculated question's spec: its formulas, items and answer format."""
    answers = needed_answers(question, warn)
    return {
        "answers": [_answer(question, a) for a in answers],
        "datasets": items(question),
        **display_of(answers[0]),
    }


def needed_answers(question: Element, warn: Callable[[str], None]) -> list[Element]:
    answers = mx.answers(question)
    if not answers:
        raise DataError(f"a {question.get('type', 'calculated')} question needs an answer")
    if question.findall("units/unit"):
        warn("its units are dropped: calculated questions here take a bare number")
    return answers


def display_of(answer: Element) -> dict[str, Any]:
    """How computed values show: the answer's format and length."""
    code = (answer.findtext("correctanswerformat") or "1").strip()
    return {
        "answer_format": FORMAT_IN.get(code, "decimals"),
        "answer_length": int(mx.number(answer, "correctanswerlength", 2)),
    }


def _answer(question: Element, answer: Element) -> dict[str, Any]:
    kind = (answer.findtext("tolerancetype") or "1").strip()
    return {
        "formula": mx.plain(answer, default="plain_text"),
        "fraction": float(mx.percent(answer.get("fraction"))),
        "tolerance": abs(mx.number(answer, "tolerance", 0)),
        "tolerance_type": TOLERANCE_IN.get(kind, "relative"),
        "feedback": mx.feedback(question, answer),
    }


def _definitions_of(question: Element) -> list[Element]:
    return question.findall("dataset_definitions/dataset_definition")


def items(question: Element) -> list[dict[str, float]]:
    """Moodle's dataset items, numbered per wildcard, as our items {wildcard: value}."""
    columns: dict[str, dict[int, float]] = {}
    for definition in _definitions_of(question):
        name = mx.text(definition, "name").strip()
        values = columns.setdefault(name, {})
        for item in definition.findall("dataset_items/dataset_item"):
            values[int(mx.number(item, "number", len(values) + 1))] = mx.number(item, "value", 0)
    if not columns or not all(columns.values()):
        raise DataError("every wildcard needs its dataset items (Moodle exports them)")
    numbers = sorted(set.intersection(*(set(v) for v in columns.values())))
    return [{name: values[n] for name, values in columns.items()} for n in numbers]


def ranges(question: Element) -> list[dict[str, Any]]:
    """Each wildcard's range as Moodle's simple form sets it: minimum, maximum, decimals."""
    out = []
    for definition in _definitions_of(question):
        bounds = {tag: mx.text(definition, tag).strip() for tag in ("minimum", "maximum")}
        try:
            low, high = float(bounds["minimum"]), float(bounds["maximum"])
            decimals = int(float(mx.text(definition, "decimals").strip() or 0))
        except ValueError:
            raise DataError("a dataset needs a numeric minimum, maximum and decimals") from None
        name = mx.text(definition, "name").strip()
        out.append({"name": name, "min": low, "max": high, "decimals": decimals})
    return out


# --- writing ---------------------------------------------------------------------------------
def write(
    spec: dict[str, Any],
    question: Element,
    *,
    dataset_type: str = "calculated",
    bounds: dict[str, dict[str, Any]] | None = None,
) -> None:
    """A calculated (or calculatedsimple) question's part: its formulas, then its datasets."""
    write_head(question, single=False, shuffle=False)
    for a in spec["answers"]:
        write_answer(question, spec, a, a["formula"])
    write_datasets(spec, question, dataset_type=dataset_type, bounds=bounds)


def write_head(question: Element, *, single: bool, shuffle: bool) -> None:
    head = (
        ("synchronize", 0),
        ("single", int(single)),
        ("answernumbering", "abc"),
        ("shuffleanswers", int(shuffle)),
    )
    for tag, value in head:
        mx.value_el(question, tag, value)


def write_answer(
    question: Element, spec: dict[str, Any], answer: dict[str, Any], text: str
) -> None:
    """One <answer>: `answer` gives its fraction, feedback and tolerance (a choice has none)."""
    node = mx.answer_el(question, text, answer["fraction"], answer.get("feedback", ""))
    mx.value_el(node, "tolerance", answer.get("tolerance", 0.01))
    mx.value_el(node, "tolerancetype", TOLERANCE_OUT[answer.get("tolerance_type", "relative")])
    mx.value_el(node, "correctanswerformat", FORMAT_OUT[spec["answer_format"]])
    mx.value_el(node, "correctanswerlength", int(spec["answer_length"]))


def write_datasets(
    spec: dict[str, Any],
    question: Element,
    *,
    dataset_type: str,
    bounds: dict[str, dict[str, Any]] | None = None,
) -> None:
    """The unit settings Moodle expects, then <dataset_definitions>; `bounds` gives each
    wildcard's range (else the range of its values)."""
    units: tuple[tuple[str, Any], ...] = (
        ("unitgradingtype", 0),
        ("unitpenalty", 0.1),
        ("showunits", 3),
    )
    for tag, value in units:
        mx.value_el(question, tag, value)
    parent = mx.sub(question, "dataset_definitions")
    items_ = spec["datasets"]
    for name in items_[0] if items_ else {}:
        values = [item[name] for item in items_]
        given = (bounds or {}).get(name) or {
            "min": min(values),
            "max": max(values),
            "decimals": max(_decimals(v) for v in values),
        }
        _definition(parent, name, values, given, dataset_type)


def _definition(
    parent: Element, name: str, values: list[float], bounds: dict[str, Any], dataset_type: str
) -> None:
    node = mx.sub(parent, "dataset_definition")
    mx.text_el(node, "status", "private")
    mx.text_el(node, "name", name)
    mx.value_el(node, "type", dataset_type)
    mx.text_el(node, "distribution", "uniform")
    mx.text_el(node, "minimum", number_text(float(bounds["min"])))
    mx.text_el(node, "maximum", number_text(float(bounds["max"])))
    mx.text_el(node, "decimals", str(int(bounds["decimals"])))
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
