"""The question editor of the types over wildcards (quizzes/admin_editor.py, admin_rows.py):
the answers' formulas, each wildcard's range (name, minimum, maximum, decimals, distribution)
and the dataset items are tables; the ranges are not stored, they are what the items span
(as Moodle's export writes them), and saving with "generate" (or with no items yet) draws the
items from them through the bank's own `ranges`/`items` keys (prepare_data)."""

from __future__ import annotations

from typing import Any, ClassVar

from . import _formula as formula
from ._data import DataError
from ._spec import Column, Option, Table

DISTRIBUTIONS = ("uniform", "loguniform")
MAX_ITEMS = 100  # the most items a dataset holds
ANSWERS_TABLE = Table(
    columns=(
        Column("formula", "Formula", required=True),
        Column("fraction", "Grade %", "number"),
        Column("tolerance", "Tolerance", "number"),
        Column("tolerance_type", "Tolerance type", "choice", formula.TOLERANCES),
        Column("feedback", "Feedback"),
    )
)
RANGES_TABLE = Table(
    columns=(
        Column("name", "Wildcard", required=True),
        Column("min", "Minimum", "number", required=True),
        Column("max", "Maximum", "number", required=True),
        Column("decimals", "Decimals", "number"),
        Column("distribution", "Distribution", "choice", DISTRIBUTIONS),
    )
)
DATASETS_TABLE = Table(keyed=Column("value", "Value", "number"))


def _range(raw: Any) -> dict[str, Any]:
    name = str(raw.get("name")) if isinstance(raw, dict) else ""
    if not formula.WILDCARD.fullmatch("{" + name + "}"):
        raise DataError("each wildcard needs a name of letters, digits and _ (no braces)")
    return dict(raw)


def wildcard_ranges(items: list[dict[str, float]]) -> list[dict[str, Any]]:
    """Each wildcard's range as its items span it."""
    names = dict.fromkeys(name for item in items for name in item)
    out = []
    for name in names:
        values = [item[name] for item in items if name in item]
        decimals = max((_decimals(v) for v in values), default=0)
        out.append({"name": name, "min": min(values), "max": max(values), "decimals": decimals})
    return out


def _decimals(value: float) -> int:
    text = repr(float(value))
    return 0 if "e" in text or text.endswith(".0") else min(10, len(text.split(".")[1]))


class DatasetEditor:
    """The editor's part of a type over wildcards (a mixin before QType)."""

    editor_tables: ClassVar[dict[str, Table]] = {
        "answers": ANSWERS_TABLE,
        "datasets": DATASETS_TABLE,
        "ranges": RANGES_TABLE,
    }
    editor_order: ClassVar[tuple[str, ...]] = (
        "answers",
        "answer_format",
        "answer_length",
        "ranges",
        "items",
        "generate",
    )
    editor_inputs: ClassVar[tuple[Option, ...]] = (
        Option("ranges", "list", [], "Each wildcard's range, to draw items from.", item=_range),
        Option("items", "number", 10, "How many dataset items to draw.", low=1, high=MAX_ITEMS),
        Option("generate", "bool", False, "Draw the dataset items again from the ranges above."),
    )

    def editor_initial(self, spec: dict[str, Any]) -> dict[str, Any]:
        items = spec.get("datasets") or []
        return {"ranges": wildcard_ranges(items), "items": len(items) or 10, "generate": False}

    def editor_spec(self, spec: dict[str, Any], inputs: dict[str, Any]) -> dict[str, Any]:
        """Items drawn from the ranges when asked, or when there are none yet."""
        ranges = {r["name"]: r for r in inputs.get("ranges") or []}
        if not ranges or (spec.get("datasets") and not inputs.get("generate")):
            return spec
        return {**spec, "datasets": {}, "ranges": ranges, "items": inputs.get("items") or 10}
