"""How marks and scores are printed, in pages and in CSV alike."""

from __future__ import annotations

from decimal import Decimal

from django.template.defaultfilters import floatformat

MARK_PLACES = "-2"  # up to two decimals, none when whole: 0, 1.5, 2.33 (as the result page)
SCORE_PLACES = "1"  # a percentage with one decimal: 80.0


def format_mark(value: Decimal | float | int | None, places: str = MARK_PLACES) -> str:
    """A mark as the pages print it (`floatformat:"-2"`); blank when there is none. The mark
    column keeps 7 decimals, so a zero read back is Decimal("0E-7"), which str() prints raw."""
    if value is None:
        return ""
    return str(floatformat(value, places))


def format_score(value: Decimal | float | int | None) -> str:
    return format_mark(value, SCORE_PLACES)
