"""A bank file's `quiz:` block (quizzes/content/bank/*.yaml): every setting an instructor sets
in the quiz admin, with keys made from the model's fields, so a new setting is a new key.

The keys are Quiz's editable fields (what the admin's form edits), named as the field is, but
for durations, given in minutes (`time_limit_minutes`, `grace_period_minutes`, ...), the draw's
topic, given by its slug in the quiz's section, and the seven review options, given together
as `review: {option: [times]}` (quizzes/review.py). Left out: where the quiz lives (its slug and
section come from the file) and the overrides (per student or group: not content).

Each value is checked by its type here, then by the model field (choices, bounds, lengths), so
the file is refused on what the admin would refuse; every problem is reported, by key.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from . import review
from .models import Quiz

if TYPE_CHECKING:
    from lessons.models import Section, Topic

REVIEW_KEY = "review"
NOT_CONTENT = {"slug", "section"}
# JSON settings: what each item of the list must be.
JSON_ITEMS = {
    "feedback_bands": "a mapping with `min` (a percent) and `text`",
    "draw_tags": "a tag (text)",
}


def _key(field: models.Field) -> str:
    return f"{field.name}_minutes" if isinstance(field, models.DurationField) else field.name


def setting_fields() -> dict[str, models.Field]:
    """The YAML key of each Quiz setting, with its model field."""
    reviews = {review.field_name(option) for option in review.OPTIONS}
    return {
        _key(f): f
        for f in Quiz._meta.fields
        if f.editable and not f.auto_created and f.name not in NOT_CONTENT | reviews
    }


def accepted_keys() -> list[str]:
    return sorted([*setting_fields(), REVIEW_KEY])


def clean_quiz_block(
    block: dict[str, Any], *, section: Section
) -> tuple[dict[str, Any], dict[str, str]]:
    """The model field values the block names, and its errors by key (both possibly empty);
    settings the block does not name are not in the values."""
    fields = setting_fields()
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for key, raw in block.items():
        try:
            if key == REVIEW_KEY:
                values |= review.masks_from_names(raw)
            elif key in fields:
                values[fields[key].name] = _clean(fields[key], raw, section)
            else:
                errors[str(key)] = f"unknown setting; use one of {', '.join(accepted_keys())}"
        except ValidationError as exc:
            errors[str(key)] = " ".join(exc.messages)
        except ValueError as exc:
            errors[str(key)] = str(exc)
    return values, errors


def _clean(field: models.Field, raw: Any, section: Section) -> Any:
    if raw is None:
        if not field.null:
            raise ValueError("may not be empty")
        return None
    value = _typed(field, raw, section)
    if isinstance(field, models.ForeignKey):
        return value
    choices = [v for v, _ in field.flatchoices] + ([""] if field.blank else [])
    if field.choices and value not in choices:
        raise ValueError(f"{value!r} is not one of {', '.join(map(repr, choices))}")
    return field.clean(value, None)


def _typed(field: models.Field, raw: Any, section: Section) -> Any:  # noqa: PLR0911 - one per type
    """The YAML value as the field's Python type; ValueError says what was expected."""
    number = isinstance(raw, int | float) and not isinstance(raw, bool)
    if isinstance(field, models.DurationField):
        if not number or not math.isfinite(raw) or raw < 0:
            raise ValueError(f"a number of minutes, 0 or more (0: none), not {raw!r}")
        return timedelta(minutes=raw) if raw else None
    if isinstance(field, models.ForeignKey):
        return _topic(raw, section)
    if isinstance(field, models.BooleanField):
        if not isinstance(raw, bool):
            raise ValueError(f"true or false, not {raw!r}")
        return raw
    if isinstance(field, models.IntegerField):
        if not number or raw != int(raw):
            raise ValueError(f"a whole number, not {raw!r}")
        return int(raw)
    if isinstance(field, models.DecimalField):
        if not number or not math.isfinite(raw):
            raise ValueError(f"a number, not {raw!r}")
        return Decimal(str(raw))
    if isinstance(field, models.DateTimeField):
        return _moment(raw)
    if isinstance(field, models.JSONField):
        return _items(field.name, raw)
    if not isinstance(raw, str):
        raise ValueError(f"text, not {raw!r}")
    return raw


def _topic(raw: Any, section: Section) -> Topic:
    topic = section.topics.filter(slug=str(raw)).first()
    if topic is None:
        raise ValueError(f"section {section.number} has no topic {raw!r}")
    return topic


def _moment(raw: Any) -> datetime:
    moment = raw if isinstance(raw, datetime) else None
    if isinstance(raw, str):
        try:
            moment = datetime.fromisoformat(raw)
        except ValueError:
            moment = None
    if moment is None:
        raise ValueError(f"a date and time (2026-09-01 09:00), not {raw!r}")
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _items(name: str, raw: Any) -> list[Any]:
    if not isinstance(raw, list):
        raise ValueError(f"a list, each item {JSON_ITEMS.get(name, 'a value')}")
    for item in raw:
        if not _fits(name, item):
            raise ValueError(f"each item must be {JSON_ITEMS[name]}, not {item!r}")
    return raw


def _fits(name: str, item: Any) -> bool:
    if name == "draw_tags":
        return isinstance(item, str)
    if name == "feedback_bands":
        return (
            isinstance(item, dict)
            and set(item) == {"min", "text"}
            and isinstance(item["text"], str)
            and isinstance(item["min"], int | float)
            and not isinstance(item["min"], bool)
            and 0 <= item["min"] <= 100
        )
    return True
