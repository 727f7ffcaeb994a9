"""Calculated (Moodle's calculated): answers are formulas over wildcards `{x}`, `{y}`; the spec
holds a dataset per wildcard (listed, or generated from a range when the question is saved),
and each attempt draws one dataset item, whose values the stem shows. Tolerance is nominal,
relative or geometric; the right answer is shown with a number of decimals or significant
figures.

Stored: {"item": <the drawn dataset item>, "value": "<the student's number>"}: the item is
taken from the attempt item when the answer is sent (tokens' decode), never from the client,
so grading needs nothing but the response. Sent: the number, as for numerical.

DatasetType holds what the types over wildcards share (datasets, the item drawn per attempt,
the stem showing its values): calculatedsimple.py and calculatedmulti.py build on it.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from xml.etree.ElementTree import Element

from . import _calculated_moodle as moodle
from . import _formula as formula
from ._calculated_editor import MAX_ITEMS, DatasetEditor
from ._data import DataError, fraction
from ._spec import Option
from .base import (
    HUNDRED,
    NO_ANSWER,
    ZERO,
    Grade,
    Order,
    QType,
    Response,
    ResponseShapeError,
    as_int,
    clamp,
)
from .numerical import TYPE as NUMERICAL
from .numerical import parse_number

if TYPE_CHECKING:
    from ..models import AttemptQuestion, Question
    from ..tokens import ItemTokens


def _answer(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict) or not str(raw.get("formula", "")).strip():
        raise DataError("each calculated answer needs a formula")
    kind = raw.get("tolerance_type", "nominal")
    if kind not in formula.TOLERANCES:
        raise DataError(f"tolerance_type must be one of {', '.join(formula.TOLERANCES)}")
    try:
        tolerance = abs(float(raw.get("tolerance", 0)))
    except (TypeError, ValueError):
        raise DataError("the tolerance is not a number") from None
    return {
        "formula": str(raw["formula"]).strip(),
        "fraction": float(fraction(raw.get("fraction", 100))),
        "tolerance": tolerance,
        "tolerance_type": kind,
        "feedback": str(raw.get("feedback") or ""),
    }


def _datasets(raw: Any) -> dict[str, list[float]]:
    if not isinstance(raw, dict):
        raise DataError("datasets maps each wildcard to its values")
    out = {}
    for name, values in raw.items():
        if not isinstance(values, list) or not 1 <= len(values) <= MAX_ITEMS:
            raise DataError(f"dataset {name!r} needs 1 to {MAX_ITEMS} values")
        numbers = [parse_number(v) for v in values]
        if any(n is None for n in numbers):
            raise DataError(f"dataset {name!r} has a value that is not a number")
        out[str(name)] = [float(n) for n in numbers if n is not None]
    return out


def generate(ranges: Any, items: Any, seed: str) -> dict[str, list[float]]:
    """Moodle's generated datasets: `items` values drawn uniformly from each range, rounded
    to its decimals; seeded by the question, so saving it again draws the same."""
    count = as_int(items) or 10
    if not isinstance(ranges, dict) or not 1 <= count <= MAX_ITEMS:
        raise DataError(f"ranges maps each wildcard to min, max, decimals; items 1 to {MAX_ITEMS}")
    rng = random.Random(seed)
    out = {}
    for name, spec in ranges.items():
        try:
            low, high = float(spec["min"]), float(spec["max"])
            decimals = int(spec.get("decimals", 1))
        except (KeyError, TypeError, ValueError):
            raise DataError(f"range {name!r} needs min, max and decimals") from None
        if low > high or not 0 <= decimals <= 10:
            raise DataError(f"range {name!r}: min above max, or decimals outside 0..10")
        if spec.get("distribution") == "loguniform" and low <= 0:
            raise DataError(f"range {name!r}: loguniform needs a minimum above 0")
        out[str(name)] = [round(_draw(rng, low, high, spec), decimals) for _ in range(count)]
    return out


def _computed(text: str, values: dict[str, float]) -> float | None:
    """A formula's value for an item; None for an item that gives it none (a stored response
    naming an item the question no longer has)."""
    try:
        return formula.evaluate(text, values)
    except DataError:
        return None


def _draw(rng: random.Random, low: float, high: float, spec: dict[str, Any]) -> float:
    """Moodle's two distributions: uniform, or loguniform (uniform in the logarithm)."""
    if spec.get("distribution", "uniform") != "loguniform":
        return rng.uniform(low, high)
    return math.exp(rng.uniform(math.log(low), math.log(high)))


def _dataset_item(raw: Any) -> dict[str, float]:
    if not isinstance(raw, dict) or not all(isinstance(v, int | float) for v in raw.values()):
        raise DataError("each dataset item maps wildcards to numbers")
    return {str(k): float(v) for k, v in raw.items()}


# The settings every type over wildcards has: its dataset items and how a computed value shows.
DATASET_OPTIONS: tuple[Option, ...] = (
    Option("datasets", "list", [], "Items {wildcard: value}.", item=_dataset_item),
    Option("answer_format", "choice", "decimals", "", choices=formula.FORMATS),
    Option("answer_length", "number", 2, "Decimals or significant figures.", low=0, high=10),
)


class DatasetType(QType):
    """What the types over wildcards share (calculated, calculatedsimple, calculatedmulti):
    datasets kept as one list of items, generated from ranges when the question is saved;
    one item drawn per attempt (its number in the attempt item's choice_order), whose values
    the stem shows."""

    def prepare_data(self, data: dict) -> dict:
        """Datasets as one list of items ({wildcard: value}); ranges generated into them."""
        spec = dict(data.get("spec") or {})
        if isinstance(spec.get("datasets"), list):
            return data  # stored already as items (an export read back)
        ranges, items = spec.pop("ranges", None), spec.pop("items", None)
        columns = _datasets(spec.pop("datasets", None) or {})
        if ranges is not None:
            columns |= generate(ranges, items, str(data.get("stem", "")))
        size = min((len(v) for v in columns.values()), default=0)
        spec["datasets"] = [{k: v[i] for k, v in columns.items()} for i in range(size)]
        return dict(data, spec=spec)

    def check_datasets(self, items: list[dict[str, float]], texts: list[str]) -> None:
        """There are items, and every wildcard the texts use has a dataset in them
        (DataError naming the first that has none)."""
        if not items:
            raise DataError(f"a {self.name} question needs a dataset for its wildcards")
        used = [w for text in texts for w in formula.wildcards(text)]
        missing = sorted(set(used) - set(items[0]))
        if missing:
            raise DataError(f"no dataset for {{{missing[0]}}}")

    def values(self, question: Question, number: Any) -> dict[str, float]:
        """Dataset item `number` of the question ({} when there is none such)."""
        items = self.spec(question)["datasets"]
        n = as_int(number)
        return items[n] if items and n is not None and 0 <= n < len(items) else {}

    def draw(self, question: Question, rng: random.Random) -> int:
        items = self.spec(question)["datasets"]
        return rng.randrange(len(items)) if items else 0

    def variants(self, question: Question) -> int:
        return len(self.spec(question)["datasets"])

    def with_variant(self, order: Order, variant: int) -> Order:
        return {**(order if isinstance(order, dict) else {}), "item": variant}

    def drawn(self, item: AttemptQuestion) -> Any:
        """The number of the dataset item this attempt item drew."""
        order = item.choice_order if isinstance(item.choice_order, dict) else {}
        return order.get("item")

    def show_stem(self, html: str, item: AttemptQuestion) -> str:
        return formula.render(html, self.values(item.question, self.drawn(item)))


ANSWERS_OPTION = Option("answers", "list", [], "Formulas over {wildcards}, weighted.", item=_answer)


class CalculatedType(DatasetEditor, DatasetType):
    name = "calculated"
    shape = (dict,)
    spec_schema = (ANSWERS_OPTION, *DATASET_OPTIONS)

    # --- the bank ------------------------------------------------------------------------------
    def validate_data(self, data: dict) -> None:
        spec = self.clean_spec(data.get("spec"))
        if not spec["answers"] or max(a["fraction"] for a in spec["answers"]) != 100:
            raise DataError(f"a {self.name} question needs a formula worth 100%")
        formulas = [a["formula"] for a in spec["answers"]]
        self.check_datasets(spec["datasets"], [str(data.get("stem", "")), *formulas])
        for item in spec["datasets"]:  # every item must give every formula a value
            for text in formulas:
                formula.evaluate(text, item)

    # --- Moodle XML (qtypes/_calculated_moodle.py) -------------------------------------------
    moodle_names = ("calculated",)
    moodle_type = "calculated"

    def moodle_read(self, question: Element, warn: Callable[[str], None]) -> dict[str, Any]:
        return {"spec": moodle.read(question, warn)}

    def moodle_write(self, data: dict[str, Any], question: Element) -> None:
        moodle.write(self.spec(data), question)

    # --- grading -------------------------------------------------------------------------------
    def grade(self, question: Question, response: Response) -> Grade:
        if not isinstance(response, dict) or not str(response.get("value", "")).strip():
            return NO_ANSWER
        value = parse_number(response["value"])
        if value is None:
            return Grade(ZERO, ["That is not a number."])
        values = self.values(question, response.get("item"))
        best: dict[str, Any] | None = None
        for answer in self.spec(question)["answers"]:
            right = _computed(answer["formula"], values)
            hit = right is not None and formula.within(
                value, right, answer["tolerance"], answer["tolerance_type"]
            )
            if hit and (best is None or answer["fraction"] > best["fraction"]):
                best = answer
        if best is None:
            return Grade(ZERO, [])
        feedback = [best["feedback"]] if best["feedback"] else []
        return Grade(clamp(Decimal(str(best["fraction"])) / HUNDRED), feedback)

    # --- the attempt ---------------------------------------------------------------------------
    def start_order(self, question: Question, shuffle: bool, rng: random.Random) -> Order:
        return {"item": self.draw(question, rng)}

    def shown_option_ids(self, order: Order) -> list:
        return []

    def decode(self, tokens: ItemTokens, sent: Response) -> Response:
        if sent is None:
            return None
        if isinstance(sent, bool) or not isinstance(sent, str | int | float):
            return [sent]  # refused by clean: a client never names the dataset item
        order = tokens.order if isinstance(tokens.order, dict) else {}
        return {"item": as_int(order.get("item")) or 0, "value": str(sent)[:60]}

    def coerce(self, response: Any) -> Response:
        if set(response) != {"item", "value"} or as_int(response["item"]) is None:
            raise ResponseShapeError("That answer does not fit a calculated question.")
        return {"item": as_int(response["item"]), "value": str(response["value"])[:60]}

    def present_tokens(self, tokens: ItemTokens, response: Response) -> Response:
        return response.get("value", "") if isinstance(response, dict) else None

    def answer_html(self, item: dict[str, Any]) -> Iterator[str]:
        return NUMERICAL.answer_html(item)

    # --- texts ---------------------------------------------------------------------------------
    def response_text(self, question: Question, response: Response) -> str:
        return str(response.get("value", "")) if isinstance(response, dict) else str(response)

    def right_answer_for(self, question: Question, number: Any) -> str:
        spec, values = self.spec(question), self.values(question, number)
        best = [_computed(a["formula"], values) for a in spec["answers"] if a["fraction"] >= 100]
        length = int(spec["answer_length"])
        return " | ".join(
            formula.display(v, spec["answer_format"], length) for v in best if v is not None
        )

    def right_answer_text(self, question: Question) -> str:
        return self.right_answer_for(question, 0)  # without an attempt: the first item's

    def item_right_answer_text(self, item: AttemptQuestion) -> str:
        return self.right_answer_for(item.question, self.drawn(item))

    def response_labels(self, question: Question, response: Response) -> list[str]:
        return [" ".join(self.response_text(question, response).split())[:80]]


TYPE = CalculatedType()
