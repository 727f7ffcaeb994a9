"""How marks and scores are printed and sent: one rounding rule for pages, CSV and the API.

Moodle rounds a mark half-up to the quiz's decimal places (`decimalpoints`, 2 by default):
two thirds of a mark is 0.67, never 0.66, and 0.665 is 0.67. Our quizzes have no per-quiz
setting, so MARK_DECIMALS is Moodle's default for every quiz."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

MARK_DECIMALS = 2  # Moodle's default decimalpoints
SCORE_DECIMALS = 1  # a percentage with one decimal: 80.0

# Kept for callers that passed floatformat's spelling: "-2" (no decimals when whole) and "1".
MARK_PLACES = "-2"
SCORE_PLACES = "1"


def _decimal(value: Decimal | float | int) -> Decimal:
    # A float goes through its shortest repr so 0.665 stays 0.665 (not 0.66499999…).
    return (
        value
        if isinstance(value, Decimal)
        else Decimal(repr(value) if isinstance(value, float) else value)
    )


def round_mark(value: Decimal | float | int, places: int = MARK_DECIMALS) -> Decimal:
    """Half-up to `places` decimals, as Moodle's format_float/round does."""
    return _decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def format_mark(value: Decimal | float | int | None, places: str | int = MARK_PLACES) -> str:
    """A mark as pages and CSV print it: half-up to two decimals, none when whole (0, 1.5,
    0.80, 2.33); blank when there is none. "0E-7" (a zero read back from the 7-decimal
    column) prints "0". `places` "-N" drops the decimals of a whole number, "N" keeps them."""
    if value is None:
        return ""
    spec = str(places)
    keep = not spec.startswith("-")
    rounded = round_mark(value, abs(int(spec)))
    if not keep and rounded == rounded.to_integral_value():
        return str(rounded.to_integral_value().normalize() + 0)
    return f"{rounded:f}"


def format_score(value: Decimal | float | int | None) -> str:
    return format_mark(value, SCORE_PLACES)


def format_share(value: float | None) -> str:
    """A share (0.4567) as a percent with one decimal ("45.7%"), as Moodle writes the CBM
    accuracy and bonus; "–" when undefined."""
    return "–" if value is None else f"{float(value) * 100:.1f}%"
