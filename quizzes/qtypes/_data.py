"""Helpers the types share to read a canonical question dict (content_schema.md): the bank's
validation errors and answer weights. Pure Python: the bank turns the rows into models."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any


class DataError(ValueError):
    """Bad question data; the bank adds which question it is."""


class TextError(DataError):
    """Bad syntax in the question's text (Cloze gaps): the message names its line; the admin
    shows it on the text's field."""


def fraction(raw: Any) -> Decimal:
    """An answer's weight, a percent in -100..100."""
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        raise DataError(f"fraction {raw!r} is not a number") from None
    if not Decimal("-100") <= value <= Decimal("100"):
        raise DataError(f"fraction {raw} is outside -100..100")
    return value


def fraction_out(value: Decimal) -> int | float:
    """A stored weight as the dict writes it: 100, not 100.00000."""
    return int(value) if value == value.to_integral_value() else float(value)


def check_best(answers: list[dict], default: Any = 100) -> None:
    if max(fraction(a.get("fraction", default)) for a in answers) != 100:
        raise DataError("no answer has fraction 100")
