"""A question's version as data: the frozen snapshot, its hash, its readable text, and the
question rebuilt from it for grading and presenting.

The snapshot keeps the question's own fields and every answer row with its id (responses store
ids, and an edit keeps ids by position: services/bank.py), so a response saved under an old
version grades against exactly what its student saw. Nothing here writes; the work on any model
instance (also a migration's historical one) goes through `_meta`.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import json
import math
from decimal import Decimal
from typing import Any

from django.db import models

from . import qtypes
from .models import Question, QuestionVersion

# Bookkeeping, not content: a change of these alone makes no version.
SKIPPED = {"id", "created_at", "updated_at", "created_by", "slug", "section", "topic"}


def _plain(field: models.Field, value: Any) -> Any:
    if isinstance(field, models.DecimalField) and value is not None:
        return f"{Decimal(value):.{field.decimal_places}f}"
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # JSON has no Infinity; FloatField.to_python reads "inf" back
    return value


def _content_fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if f.name not in SKIPPED and not f.is_relation]


def _row(obj: models.Model) -> dict[str, Any]:
    values = {f.attname: _plain(f, f.value_from_object(obj)) for f in _content_fields(type(obj))}
    return {"id": obj.pk, **values}


def snapshot_of(question: models.Model) -> dict[str, Any]:
    """The question's content (its answers prefetched or not); a Question, or a migration's
    historical one."""
    fields = {
        f.attname: _plain(f, f.value_from_object(question)) for f in _content_fields(type(question))
    }
    rows = {}
    for relation in qtypes.relations():
        found = [_row(obj) for obj in getattr(question, relation).all()]
        if found:
            rows[relation] = found
    return {"fields": fields, "rows": rows}


def content_hash(snapshot: dict[str, Any]) -> str:
    text = json.dumps(snapshot, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def readable(snapshot: dict[str, Any]) -> list[str]:
    """The snapshot as lines for a person (and for difflib)."""
    lines = []
    for name, value in sorted(snapshot.get("fields", {}).items()):
        shown = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
        parts = str(shown).splitlines() or [""]
        lines.append(f"{name}: {parts[0]}")
        lines.extend(f"    {part}" for part in parts[1:])
    for relation, rows in sorted(snapshot.get("rows", {}).items()):
        for index, row in enumerate(rows, start=1):
            shown = ", ".join(f"{k}={row[k]}" for k in sorted(row) if k != "id")
            lines.append(f"{relation} {index}: {shown}")
    return lines


def diff(older: QuestionVersion, newer: QuestionVersion) -> list[str]:
    return list(
        difflib.unified_diff(
            readable(older.snapshot),
            readable(newer.snapshot),
            fromfile=f"version {older.number}",
            tofile=f"version {newer.number}",
            lineterm="",
        )
    )


def _rows_queryset(model: type[models.Model], objs: list[models.Model]) -> Any:
    # What a prefetch leaves: a queryset whose results are already there (`.all()` reads them).
    queryset = model.objects.all()  # type: ignore[attr-defined]
    queryset._result_cache = objs
    queryset._prefetch_done = True
    return queryset


def question_at(question: Question, version: QuestionVersion | None) -> Question:
    """The question as `version` froze it; the question itself when that version is current.

    A copy: the question may be shared (caches.questions) and stays as it is. Its section
    and terms are today's (they name where it is filed, not what the student answered)."""
    if version is None or version.source_updated_at == question.updated_at:
        return question
    rebuilt = copy.copy(question)
    for field in _content_fields(Question):
        if field.attname in version.snapshot["fields"]:
            value = version.snapshot["fields"][field.attname]
            setattr(rebuilt, field.attname, field.to_python(value) if value is not None else None)
    cache = dict(getattr(question, "_prefetched_objects_cache", {}))
    for relation in qtypes.relations():
        model: Any = Question._meta.get_field(relation).related_model
        objs = [
            model(question_id=question.pk, **_row_values(model, row))
            for row in version.snapshot["rows"].get(relation, [])
        ]
        cache[relation] = _rows_queryset(model, objs)
    rebuilt._prefetched_objects_cache = cache  # type: ignore[attr-defined]
    return rebuilt


def _row_values(model: Any, row: dict[str, Any]) -> dict[str, Any]:
    fields = {f.attname: f for f in _content_fields(model)}
    values: dict[str, Any] = {"id": row["id"]}
    for name, value in row.items():
        if name in fields:
            values[name] = fields[name].to_python(value) if value is not None else None
    return values
