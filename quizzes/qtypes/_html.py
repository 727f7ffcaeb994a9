"""Escaping for the answer controls that the types write (quizzes/fragments.py puts them in
the question's fieldset). Each type's markup equals its template in
quizzes/templates/quizzes/answers/ (quizzes/tests/test_fragments.py compares them)."""

from __future__ import annotations

from typing import Any

from django.utils.html import escape


def text(value: Any) -> str:
    """A value as the template's `|default_if_none:''` prints it."""
    return "" if value is None else escape(value)


def field_name(item: dict[str, Any]) -> str:
    return f"q{item['question_id']}"


__all__ = ["escape", "field_name", "text"]
