"""Escaping for the answer controls that the types write (quizzes/fragments.py puts them in
the question's fieldset): each type's `answer_html` is the one description of its controls."""

from __future__ import annotations

import html
from typing import Any


def escape(value: Any) -> str:
    """As django.utils.html.escape writes it (& < > " ' as entities), without importing Django:
    the formats package (GIFT, Aiken, Moodle XML) reaches the types and must stay Django-free.
    fragments.py marks the joined markup safe."""
    return html.escape(str(value), quote=True)


def text(value: Any) -> str:
    """A value as the template's `|default_if_none:''` prints it."""
    return "" if value is None else escape(value)


def field_name(item: dict[str, Any]) -> str:
    return f"q{item['question_id']}"


__all__ = ["escape", "field_name", "text"]
