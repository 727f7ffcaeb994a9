"""Calculated simple (Moodle's calculatedsimple): a calculated question whose datasets are
not listed by the author but generated, as Moodle's simple form does: each wildcard has a
range (minimum, maximum, decimals), and `items` values are drawn uniformly from it when the
question is saved (seeded by the stem, so saving it again draws the same). The drawn items are
kept; they are drawn again only when they no longer fit the ranges or their count (an edited
range, an imported file whose items fit is kept as Moodle drew it).

Grading, the attempt and the stored response are calculated's (qtypes/calculated.py): one item
drawn per attempt, tolerances nominal, relative or geometric, the right answer in decimals or
significant figures.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from xml.etree.ElementTree import Element

from . import _calculated_moodle as moodle
from . import _formula as formula
from ._data import DataError
from ._spec import Option
from .base import QType
from .calculated import ANSWERS_OPTION, DATASET_OPTIONS, MAX_ITEMS, CalculatedType, generate

RANGE_COLUMNS = ("name", "min", "max", "decimals")
ITEMS = Option("items", "number", 10, "How many dataset items to draw.", low=1, high=MAX_ITEMS)
DEFAULT_RANGE = {"min": 1.0, "max": 10.0, "decimals": 1}  # Moodle's simple form's


def _range(raw: Any) -> dict[str, Any]:
    """One wildcard's range; the admin sends its cells as texts, the bank as numbers."""
    if not isinstance(raw, dict) or not formula.WILDCARD.fullmatch(f"{{{raw.get('name', '')}}}"):
        raise DataError("each range needs a wildcard name (letters, digits, _)")
    cells = {k: raw.get(k, DEFAULT_RANGE[k]) for k in DEFAULT_RANGE}
    try:
        low, high, decimals = float(cells["min"]), float(cells["max"]), int(cells["decimals"])
    except (TypeError, ValueError):
        raise DataError(f"range {raw['name']}: min, max and decimals are numbers") from None
    if low > high or not 0 <= decimals <= 10:
        raise DataError(f"range {raw['name']}: min above max, or decimals outside 0..10")
    return {"name": str(raw["name"]), "min": low, "max": high, "decimals": decimals}


def _fits(items: Any, ranges: list[dict[str, Any]], count: int) -> bool:
    """Whether stored items are ones the ranges could have drawn (then they are kept)."""
    if not isinstance(items, list) or len(items) != count:
        return False
    names = {r["name"] for r in ranges}
    for item in items:
        if not isinstance(item, dict) or set(item) != names:
            return False
        for r in ranges:
            value = item[r["name"]]
            if not isinstance(value, int | float) or not r["min"] <= value <= r["max"]:
                return False
            if round(value, r["decimals"]) != value:
                return False
    return True


class CalculatedSimpleType(CalculatedType):
    name = "calculatedsimple"
    moodle_names = ("calculatedsimple",)
    moodle_type = "calculatedsimple"
    # Its ranges are stored settings (the items are drawn from them on every save), edited as
    # its own fields: not calculated's editor tables, whose ranges are only what items span.
    editor_tables = QType.editor_tables
    editor_inputs = QType.editor_inputs
    editor_order = QType.editor_order
    editor_initial = QType.editor_initial
    editor_spec = QType.editor_spec
    spec_schema = (
        ANSWERS_OPTION,
        Option(
            "ranges",
            "list",
            [],
            "Each wildcard's values are drawn from its range.",
            item=_range,
            columns=RANGE_COLUMNS,
        ),
        ITEMS,
        *DATASET_OPTIONS,
    )

    def prepare_data(self, data: dict) -> dict:
        spec = dict(data.get("spec") or {})
        if not isinstance(spec.get("ranges"), list):
            raise DataError("ranges lists each wildcard's name, min, max and decimals")
        ranges = [_range(r) for r in spec["ranges"]]
        count = int(ITEMS.clean(spec.get("items")))
        if not _fits(spec.get("datasets"), ranges, count):
            columns = generate({r["name"]: r for r in ranges}, count, str(data.get("stem", "")))
            spec["datasets"] = [{k: v[i] for k, v in columns.items()} for i in range(count)]
        return dict(data, spec=dict(spec, ranges=ranges, items=count))

    def validate_data(self, data: dict) -> None:
        spec = self.clean_spec(data.get("spec"))
        if not spec["ranges"]:
            raise DataError("a calculatedsimple question needs a range for each wildcard")
        super().validate_data(data)

    def moodle_read(self, question: Element, warn: Callable[[str], None]) -> dict[str, Any]:
        spec = moodle.read(question, warn)
        return {"spec": dict(spec, ranges=moodle.ranges(question), items=len(spec["datasets"]))}

    def moodle_write(self, data: dict[str, Any], question: Element) -> None:
        spec = self.spec(data)
        bounds = {r["name"]: r for r in spec["ranges"]}
        moodle.write(spec, question, dataset_type="calculatedsimple", bounds=bounds)


TYPE = CalculatedSimpleType()
