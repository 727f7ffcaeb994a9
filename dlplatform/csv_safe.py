"""Text written into CSV files that people open in a spreadsheet."""

from __future__ import annotations

from typing import Any

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """Defuse spreadsheet formulas in user-controlled text (CSV injection): a cell starting
    with a formula character is prefixed with an apostrophe, which spreadsheets show as text."""
    if isinstance(value, str) and value[:1] in _FORMULA_STARTS:
        return "'" + value
    return value
