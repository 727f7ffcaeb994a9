"""The canonical question dict (content_schema.md) to and from Question rows.

The bank loader, the admin and the copies write one question through
`question_upsert_from_data`; the importers (GIFT, Aiken, Moodle XML) write many at once through
bank_many.py, which applies the same checks (those below), so every source of questions obeys
the same validation.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from .. import qtypes
from ..formats import result as _formats
from ..models import Difficulty, Question, TextFormat
from ..qtypes._data import fraction_out
from .versions import question_version_record

if TYPE_CHECKING:
    from dlplatform.accounts.models import User
    from lessons.models import Section, Topic


class QuestionDataError(ValueError):
    """Bad question data; the message names the question (slug or name)."""


def _fail(data: dict, message: str) -> QuestionDataError:
    who = data.get("slug") or data.get("name") or str(data.get("stem", ""))[:40]
    return QuestionDataError(f"question {who!r}: {message}")


def validate_question_data(data: dict) -> str:
    """Raises QuestionDataError; returns the question type."""
    kind = data.get("type")
    if not isinstance(kind, str) or kind not in qtypes.TYPES:
        raise _fail(data, f"unknown type {kind!r}")
    data = _prepared(data)
    if not str(data.get("stem", "")).strip():
        raise _fail(data, "the stem is empty")
    if data.get("difficulty", "medium") not in Difficulty.values:
        raise _fail(data, f"unknown difficulty {data.get('difficulty')!r}")
    _check_count(data)
    try:
        qtypes.get(kind).validate_data(data)
        qtypes.get(kind).clean_spec(data.get("spec"))
    except qtypes.DataError as exc:
        raise _fail(data, str(exc)) from None
    return kind


def _prepared(data: dict) -> dict:
    try:
        return qtypes.get(str(data.get("type"))).prepare_data(data)
    except qtypes.DataError as exc:
        raise _fail(data, str(exc)) from None


def _check_count(data: dict) -> None:
    for key in ("choices", "answers", "pairs", "items"):
        count = len(data.get(key) or []) + (
            len(data.get("distractors") or []) if key == "pairs" else 0
        )
        if count > _formats.MAX_ANSWERS:
            raise _fail(data, f"{count} {key}: at most {_formats.MAX_ANSWERS} per question")


def _sync_rows(queryset: QuerySet, model: type[Model], rows: list[dict], fk: dict) -> None:
    """Update rows in place by position so that ids (kept in old responses) stay stable.

    In bulk: a save per row sent a signal that updated the question row each time, and
    PostgreSQL's cost per update of one row grows with the updates before it in the same
    transaction, so a question with n answers took O(n^2). Bulk writes send no signals, so the
    question's version (`updated_at`) is moved once here, as CONTRIBUTING asks."""
    existing = list(queryset.order_by("pk"))
    kept = existing[: len(rows)]
    for obj, values in zip(kept, rows, strict=False):
        for key, value in values.items():
            setattr(obj, key, value)
    if kept:
        model.objects.bulk_update(kept, list(rows[0]), batch_size=500)
    model.objects.bulk_create(
        [model(**fk, **values) for values in rows[len(existing) :]], batch_size=500
    )
    stale = [obj.pk for obj in existing[len(rows) :]]
    if stale:
        model.objects.filter(pk__in=stale).delete()  # few, and signals keep the version
    if rows:
        Question.objects.filter(pk=fk["question"].pk).update(updated_at=timezone.now())


def _answer_rows(data: dict, kind: str) -> tuple[str | None, list[dict]]:
    qtype = qtypes.get(kind)
    try:
        return qtype.relation, qtype.answer_rows(data)
    except qtypes.DataError as exc:
        raise _fail(data, str(exc)) from None


def _resolve_topic(data: dict, section: Section | None) -> Topic | None:
    slug = data.get("topic")
    if not slug:
        return None
    if section is None:
        raise _fail(data, f"topic {slug!r} given without a section")
    topic = section.topics.filter(slug=slug).first()
    if topic is None:
        raise _fail(data, f"section {section.number} has no topic {slug!r}")
    return topic


def _resolve_terms(data: dict) -> list:
    from glossary.models import Term

    slugs = list(dict.fromkeys(data.get("terms") or []))
    terms = list(Term.objects.filter(slug__in=slugs))
    missing = sorted(set(slugs) - {t.slug for t in terms})
    if missing:
        raise _fail(data, f"unknown glossary terms: {', '.join(missing)}")
    return terms


def _resolve_section(data: dict, section: Section | None) -> Section | None:
    if section is not None or not data.get("section"):
        return section
    from lessons.models import Section

    found = Section.objects.filter(number=str(data["section"])).first()
    if found is None:
        raise _fail(data, f"unknown section {data['section']!r}")
    return found


def _field_values(data: dict, kind: str, section: Section | None, topic: Topic | None) -> dict:
    stem = str(data["stem"])
    return {
        "name": str(data.get("name") or data.get("slug") or stem[:80]).strip()[:255],
        "type": kind,
        "stem": stem,
        "stem_format": data.get("stem_format") or TextFormat.MARKDOWN,
        "explanation": data.get("explanation") or "",
        "difficulty": data.get("difficulty") or Difficulty.MEDIUM,
        "tags": [str(t) for t in data.get("tags") or []],
        "section": section,
        "topic": topic,
        "default_mark": Decimal(str(data.get("default_mark", 1))),
        "penalty": Decimal(str(data.get("penalty", "0.33333"))),
        "hints": [str(h) for h in data.get("hints") or []],
        "spec": qtypes.get(kind).clean_spec(data.get("spec")),
        "category": str(data.get("category") or "").strip()[:255],
        "idnumber": str(data.get("idnumber") or "").strip()[:100],
        "combined_feedback": _combined_feedback(data),
    }


COMBINED_KEYS = {"correct": str, "partial": str, "incorrect": str, "show_num_correct": bool}


def _combined_feedback(data: dict) -> dict[str, Any]:
    raw = data.get("combined_feedback") or {}
    if not isinstance(raw, dict) or set(raw) - set(COMBINED_KEYS):
        raise _fail(data, f"combined_feedback takes only {', '.join(COMBINED_KEYS)}")
    for key, kind in COMBINED_KEYS.items():
        if key in raw and not isinstance(raw[key], kind):
            raise _fail(data, f"combined_feedback {key} must be a {kind.__name__}")
    return {k: v for k, v in raw.items() if v}


def existing_question(data: dict) -> Question | None:
    """The bank's question this dict names: by slug, else by category and idnumber."""
    if data.get("slug"):
        return Question.objects.filter(slug=data["slug"]).first()
    idnumber = str(data.get("idnumber") or "").strip()
    if not idnumber:
        return None
    category = str(data.get("category") or "").strip()
    return Question.objects.filter(category=category, idnumber=idnumber).first()


@transaction.atomic
def question_upsert_from_data(
    *, data: dict, section: Section | None = None, created_by: User | None = None
) -> Question:
    """Create or update one question from the canonical dict: the question with its slug, or
    else with its category and idnumber, is updated in place; otherwise a new one is made."""
    kind = validate_question_data(data)
    data = _prepared(data)
    section = _resolve_section(data, section)
    values = _field_values(data, kind, section, _resolve_topic(data, section))
    terms = _resolve_terms(data)
    slug = data.get("slug") or None
    question = existing_question(data)
    related, rows = _answer_rows(data, kind)
    if question is not None:
        for key, value in values.items():
            setattr(question, key, value)
        question.save()
        # A question whose type changed drops the rows of its old type (a new one has none).
        for other in qtypes.relations():
            if other != related:
                getattr(question, other).all().delete()
    elif slug:
        question = Question.objects.create(slug=slug, **values, created_by=created_by)
    else:
        question = Question.objects.create(**values, created_by=created_by)
    if related:
        model = Question._meta.get_field(related).related_model
        _sync_rows(getattr(question, related).all(), model, rows, {"question": question})
    question.terms.set(terms)
    question_version_record(question=question, by=created_by)
    return question


def question_to_data(*, question: Question) -> dict:
    """The inverse of question_upsert_from_data (export, duplicate)."""
    data: dict[str, Any] = {
        "slug": question.slug,
        "name": question.name,
        "type": question.type,
        "section": question.section.number if question.section_id else None,
        "topic": question.topic.slug if question.topic_id else None,
        "difficulty": question.difficulty,
        "tags": list(question.tags),
        "terms": [t.slug for t in question.terms.all()],
        "stem": question.stem,
        "stem_format": question.stem_format,
        "explanation": question.explanation,
        "default_mark": fraction_out(question.default_mark),
        "penalty": float(question.penalty),
        "hints": list(question.hints),
        "category": question.category,
        "idnumber": question.idnumber,
        "combined_feedback": dict(question.combined_feedback or {}),
    }
    qtype = qtypes.get(question.type)
    if qtype.spec_schema:
        data["spec"] = qtype.spec(question)
    data.update(qtype.data_of(question))
    return data


def question_duplicate(*, question: Question) -> Question:
    """A copy without slug (slugs are unique), named "… (copy)"."""
    data = question_to_data(question=question)
    data.update(slug=None, name=f"{question.name} (copy)")
    return question_upsert_from_data(data=data, section=question.section)
