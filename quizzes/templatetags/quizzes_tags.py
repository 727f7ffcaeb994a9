from typing import Any

from django import template

register = template.Library()


@register.filter
def lookup(mapping: Any, key: Any) -> Any:
    """mapping[str(key)] for dict responses (matching answers are keyed by left pair id)."""
    if isinstance(mapping, dict):
        return mapping.get(str(key), "")
    return ""


@register.filter
def contains(values: Any, value: Any) -> bool:
    return isinstance(values, list) and (value in values or str(value) in map(str, values))


@register.filter
def mark(value: Any) -> str:
    """`{{ item.mark|mark }}`: the same printing as the CSV exports (quizzes.marks)."""
    from ..marks import format_mark

    return format_mark(value)
