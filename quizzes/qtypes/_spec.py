"""A type's own configuration, kept in `Question.spec` (one JSON field, so a new type needs no
new table): each type declares its schema as a tuple of Options, and the bank and the admin
validate what they store through it (`clean_spec`)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ._data import DataError


@dataclass(frozen=True)
class Option:
    """One key of a type's spec: its kind (bool, number, choice, list, text), its default."""

    key: str
    kind: str
    default: Any
    help: str = ""
    choices: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    # For lists: each element cleaned (DataError on a bad one).
    item: Callable[[Any], Any] | None = None
    # For lists of small records: their keys, in order (the admin edits one record a line,
    # "text | group"); without them the admin edits the list as JSON.
    columns: tuple[str, ...] = ()

    def clean(self, raw: Any) -> Any:
        if raw is None:
            return self.default
        return getattr(self, f"_{self.kind}")(raw)

    def _bool(self, raw: Any) -> bool:
        if not isinstance(raw, bool):
            raise DataError(f"{self.key} must be true or false")
        return raw

    def _number(self, raw: Any) -> float:
        try:
            value = float(raw)
        except (TypeError, ValueError):
            raise DataError(f"{self.key} must be a number") from None
        low = -math.inf if self.low is None else self.low
        high = math.inf if self.high is None else self.high
        if isinstance(raw, bool) or not low <= value <= high:
            raise DataError(f"{self.key} must be a number from {low:g} to {high:g}")
        return value

    def _choice(self, raw: Any) -> str:
        if raw not in self.choices:
            raise DataError(f"{self.key} must be one of {', '.join(self.choices)}")
        return str(raw)

    def _text(self, raw: Any) -> str:
        if not isinstance(raw, str | int | float) or isinstance(raw, bool):
            raise DataError(f"{self.key} must be a text")
        return str(raw)

    def _list(self, raw: Any) -> list:
        if not isinstance(raw, list) or len(raw) > 100:
            raise DataError(f"{self.key} must be a list (of at most 100)")
        return [self.item(v) for v in raw] if self.item else list(raw)


@dataclass(frozen=True)
class Column:
    """One column of a list setting's table in the admin: a text, a number or a choice."""

    key: str
    label: str
    kind: str = "text"
    choices: tuple[str, ...] = ()
    required: bool = False


@dataclass(frozen=True)
class Table:
    """How the admin edits a list setting as rows of inputs (quizzes/admin_rows.py): records
    with fixed `columns`, or (`keyed`) records whose keys are columns the instructor names (a
    dataset item's wildcards), each cell of kind `keyed`; read only, with `row` giving each
    record's cells as texts (settings read out of the question's text)."""

    columns: tuple[Column, ...] = ()
    keyed: Column | None = None
    readonly: bool = False
    row: Callable[[Any, int], dict[str, str]] | None = None


def clean_spec(schema: tuple[Option, ...], raw: Any) -> dict[str, Any]:
    """The spec as stored: every key of the schema (defaults filled in), nothing else."""
    if raw in (None, ""):
        raw = {}
    if not isinstance(raw, dict):
        raise DataError("spec must be an object")
    known = {o.key for o in schema}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise DataError(f"unknown spec keys: {', '.join(map(str, unknown))}")
    return {o.key: o.clean(raw.get(o.key)) for o in schema}
