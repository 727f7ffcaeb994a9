"""GIFT text escaping that the types' exporters share (quizzes/formats/gift_export.py writes
the question around what the type gives it). The formats import the types, never the other
way round."""

from __future__ import annotations

import math

FORMATS = ("html", "markdown", "plain", "moodle")

_ESCAPES = str.maketrans(
    {
        "\\": "\\\\",
        "#": "\\#",
        "=": "\\=",
        "~": "\\~",
        "{": "\\{",
        "}": "\\}",
        ":": "\\:",
        "\n": "\\n",
        "\r": "",
    }
)


def number_text(value: float) -> str:
    """Shortest text that parses back to the same float; integers without a trailing .0."""
    if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def escape(text: str) -> str:
    return str(text).translate(_ESCAPES)


def text(value: str, fmt: str = "markdown") -> str:
    """Escape a text, and say its format where the reader would otherwise guess wrong."""
    looks_marked = value.startswith("[") and value[1 : value.find("]")] in FORMATS
    if fmt != "markdown" or looks_marked:
        return f"[{fmt}]" + escape(value)
    return escape(value)


def feedback(value: str) -> str:
    return "#" + text(value) if value else ""


__all__ = ["FORMATS", "escape", "feedback", "number_text", "text"]
