"""The canonical question dict (content_schema.md) to and from Question rows.

The bank loader and the GIFT/Aiken importers all write through `question_upsert_from_data`,
so every source of questions obeys the same validation.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from ..formats import result as _formats
from ..models import (
    CHOICE_TYPES,
    Choice,
    Difficulty,
    MatchPair,
    NumericalAnswer,
    OrderingItem,
    Question,
    QuestionType,
    TextFormat,
)


class QuestionDataError(ValueError):
    """Bad question data; the message names the question (slug or name)."""


def _fail(data: dict, message: str) -> QuestionDataError:
    who = data.get("slug") or data.get("name") or str(data.get("stem", ""))[:40]
    return QuestionDataError(f"question {who!r}: {message}")


def _fraction(data: dict, raw: Any) -> Decimal:
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        raise _fail(data, f"fraction {raw!r} is not a number") from None
    if not Decimal("-100") <= value <= Decimal("100"):
        raise _fail(data, f"fraction {raw} is outside -100..100")
    return value


def _check_choices(data: dict, kind: str) -> list[dict]:
    choices = data.get("choices") or []
    if len(choices) < 2:
        raise _fail(data, f"a {kind} question needs at least 2 choices")
    fractions = [_fraction(data, c.get("fraction", 0)) for c in choices]
    if kind == QuestionType.TRUEFALSE and len(choices) != 2:
        raise _fail(data, "a truefalse question has exactly two choices")
    if kind in (QuestionType.SINGLE, QuestionType.TRUEFALSE) and max(fractions) != 100:
        raise _fail(data, "no choice has fraction 100")
    if kind == QuestionType.MULTI:
        positive = sum(f for f in fractions if f > 0)
        if abs(positive - 100) > Decimal("0.1"):
            raise _fail(data, f"the correct choices' fractions sum to {positive}, not 100")
    return choices


def _check_answers(data: dict, kind: str) -> list[dict]:
    answers = data.get("answers") or []
    if not answers:
        raise _fail(data, f"a {kind} question needs answers")
    if max(_fraction(data, a.get("fraction", 100)) for a in answers) != 100:
        raise _fail(data, "no answer has fraction 100")
    for answer in answers:
        key = "text" if kind == QuestionType.SHORT else "value"
        if answer.get(key) in (None, ""):
            raise _fail(data, f"an answer has no {key}")
    return answers


def validate_question_data(data: dict) -> str:
    """Raises QuestionDataError; returns the question type."""
    kind = data.get("type")
    if kind not in QuestionType.values:
        raise _fail(data, f"unknown type {kind!r}")
    if not str(data.get("stem", "")).strip():
        raise _fail(data, "the stem is empty")
    if data.get("difficulty", "medium") not in Difficulty.values:
        raise _fail(data, f"unknown difficulty {data.get('difficulty')!r}")
    _check_count(data)
    if kind in CHOICE_TYPES:
        _check_choices(data, kind)
    elif kind in (QuestionType.SHORT, QuestionType.NUMERICAL):
        _check_answers(data, kind)
    elif kind == QuestionType.MATCHING:
        pairs = [p for p in data.get("pairs") or [] if str(p.get("left", "")).strip()]
        if len(pairs) < 2 or any(not str(p.get("right", "")).strip() for p in pairs):
            raise _fail(data, "a matching question needs at least 2 pairs with left and right")
    elif kind == QuestionType.ORDERING and len(data.get("items") or []) < 2:
        raise _fail(data, "an ordering question needs at least 2 items")
    return kind


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


def _answer_rows(data: dict, kind: str) -> tuple[type[Model], str, list[dict]]:
    if kind in CHOICE_TYPES or kind == QuestionType.SHORT:
        source = data.get("choices") if kind in CHOICE_TYPES else data.get("answers")
        rows = [
            {
                "text": str(c["text"]),
                "fraction": _fraction(data, c.get("fraction", 0 if kind in CHOICE_TYPES else 100)),
                "feedback": c.get("feedback") or "",
                "order": i,
            }
            for i, c in enumerate(source or [])
        ]
        return Choice, "choices", rows
    if kind == QuestionType.NUMERICAL:
        rows = [
            {
                "value": float(a["value"]),
                "tolerance": float(a.get("tolerance") or 0),
                "fraction": _fraction(data, a.get("fraction", 100)),
                "feedback": a.get("feedback") or "",
                "order": i,
            }
            for i, a in enumerate(data.get("answers") or [])
        ]
        return NumericalAnswer, "numerical_answers", rows
    if kind == QuestionType.MATCHING:
        pairs = [
            {"left": str(p.get("left") or ""), "right": str(p["right"])}
            for p in data.get("pairs") or []
        ]
        pairs += [{"left": "", "right": str(d)} for d in data.get("distractors") or []]
        return MatchPair, "match_pairs", [dict(p, order=i) for i, p in enumerate(pairs)]
    if kind == QuestionType.ORDERING:
        rows = [{"text": str(t), "position": i} for i, t in enumerate(data.get("items") or [])]
        return OrderingItem, "ordering_items", rows
    return Choice, "choices", []


def _resolve_topic(data: dict, section: Any) -> Any:
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


def _resolve_section(data: dict, section: Any) -> Any:
    if section is not None or not data.get("section"):
        return section
    from lessons.models import Section

    found = Section.objects.filter(number=str(data["section"])).first()
    if found is None:
        raise _fail(data, f"unknown section {data['section']!r}")
    return found


def _field_values(data: dict, kind: str, section: Any, topic: Any) -> dict:
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
    }


@transaction.atomic
def question_upsert_from_data(
    *, data: dict, section: Any = None, created_by: Any = None
) -> Question:
    """Create or update (by slug; no slug: always create) one question from the canonical dict."""
    kind = validate_question_data(data)
    section = _resolve_section(data, section)
    values = _field_values(data, kind, section, _resolve_topic(data, section))
    terms = _resolve_terms(data)
    slug = data.get("slug") or None
    if slug:
        question, _ = Question.objects.update_or_create(slug=slug, defaults=values)
    else:
        question = Question.objects.create(**values, created_by=created_by)
    model, related, rows = _answer_rows(data, kind)
    for other in ("choices", "numerical_answers", "match_pairs", "ordering_items"):
        if other != related:
            getattr(question, other).all().delete()
    _sync_rows(getattr(question, related).all(), model, rows, {"question": question})
    question.terms.set(terms)
    return question


def _fraction_out(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


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
        "default_mark": _fraction_out(question.default_mark),
        "penalty": float(question.penalty),
        "hints": list(question.hints),
    }
    kind = question.type
    if kind in CHOICE_TYPES or kind == QuestionType.SHORT:
        key = "choices" if kind in CHOICE_TYPES else "answers"
        data[key] = [
            {"text": c.text, "fraction": _fraction_out(c.fraction), "feedback": c.feedback}
            for c in question.choices.all()
        ]
    elif kind == QuestionType.NUMERICAL:
        data["answers"] = [
            {
                "value": a.value,
                "tolerance": a.tolerance,
                "fraction": _fraction_out(a.fraction),
                "feedback": a.feedback,
            }
            for a in question.numerical_answers.all()
        ]
    elif kind == QuestionType.MATCHING:
        pairs = list(question.match_pairs.all())
        data["pairs"] = [{"left": p.left, "right": p.right} for p in pairs if p.left.strip()]
        data["distractors"] = [p.right for p in pairs if not p.left.strip()]
    elif kind == QuestionType.ORDERING:
        data["items"] = [i.text for i in question.ordering_items.all()]
    return data


def question_duplicate(*, question: Question) -> Question:
    """A copy without slug (slugs are unique), named "… (copy)"."""
    data = question_to_data(question=question)
    data.update(slug=None, name=f"{question.name} (copy)")
    return question_upsert_from_data(data=data, section=question.section)
