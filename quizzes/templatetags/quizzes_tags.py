from typing import Any

from django import template
from django.utils.safestring import mark_safe

from .. import qtypes
from ..models import AttemptQuestion, Question
from ..presenters import item_feedback_html

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
def feedback_html(item: AttemptQuestion) -> str:
    """An attempt item's specific feedback as safe HTML (presenters.render_feedback)."""
    return mark_safe(item_feedback_html(item))  # noqa: S308 - sanitized or escaped there


@register.filter
def grader_info(question: Question) -> str:
    return qtypes.get(question.type).grader_info(question)


@register.filter
def qtype_graded(kind: str) -> bool:
    """Whether the type carries a mark (a description has no flag, check or answer)."""
    return qtypes.get(kind).graded


@register.filter
def mark(value: Any) -> str:
    """`{{ item.mark|mark }}`: the same printing as the CSV exports (quizzes.marks)."""
    from ..marks import format_mark

    return format_mark(value)


@register.filter
def percent(value: Any) -> str:
    """A share as a percent, one decimal (quizzes.marks.format_share)."""
    from ..marks import format_share

    return format_share(value)
