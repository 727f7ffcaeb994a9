"""Many question dicts into the bank at once: the importers' one path (GIFT, Aiken, Moodle XML).

`question_upsert_from_data` (bank.py) costs a dozen queries a question; an import of thousands
cannot wait for that. Here the count does not grow with the questions (batches of a thousand
rows aside): each dict is checked in Python by the bank's own rules, the sections, topics, terms
and existing questions are read once for all of them, and the questions, answer rows, term
links and versions are written in bulk through the content managers, which bump the caches
(inside the import's transaction the shared version moves once, at commit). A dict whose slug,
or category and idnumber, names a question of the bank updates it in place, its answer rows
kept by position (ids are kept in old responses) as bank.py does.

A database error that the checks did not foresee fails the bulk write; the dicts are then saved
again one at a time, each in a savepoint, so the error still names its question.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import DatabaseError, models, transaction
from django.db.models import Q
from django.utils import timezone

from .. import qtypes
from ..models import Question
from ..selectors import questions_with_answers
from .bank import _answer_rows, _fail, _field_values, _prepared, validate_question_data
from .versions import question_versions_record_many

if TYPE_CHECKING:
    from dlplatform.accounts.models import User
    from lessons.models import Section

BATCH = 1000
# What a bad dict raises in the checks (the bank's QuestionDataError is a ValueError).
BAD_DATA = (ValueError, TypeError, KeyError, ArithmeticError)


@dataclass
class SavedMany:
    """What `questions_save_many` did, by the position of each dict in `items`."""

    questions: dict[int, Question] = field(default_factory=dict)
    errors: dict[int, str] = field(default_factory=dict)


@dataclass
class _Item:
    index: int
    data: dict[str, Any]
    values: dict[str, Any]
    relation: str | None
    rows: list[dict[str, Any]]
    term_slugs: list[str]
    terms: list[Any] = field(default_factory=list)
    question: Question | None = None  # set by _write_questions; the steps after read `saved`

    @property
    def saved(self) -> Question:
        if self.question is None:
            raise RuntimeError("an item's question is written (_write_questions) before it is read")
        return self.question


@transaction.atomic
def questions_save_many(
    *,
    items: list[dict[str, Any]],
    section: Section | None = None,
    created_by: User | None = None,
) -> SavedMany:
    """Create or update each dict as `question_upsert_from_data` would; a bad one is left out,
    its message in `errors`, and the others are stored."""
    try:
        with transaction.atomic():
            return _save(items, section, created_by)
    except DatabaseError:
        pass
    result = SavedMany()
    for index, data in enumerate(items):
        try:
            with transaction.atomic():
                one = _save([data], section, created_by)
        except DatabaseError as exc:
            result.errors[index] = str(exc).strip() or type(exc).__name__
            continue
        result.questions.update((index, q) for q in one.questions.values())
        result.errors.update((index, m) for m in one.errors.values())
    return result


def existing_questions(*, items: list[dict[str, Any]], lock: bool = False) -> dict[int, Question]:
    """The bank's question each dict names (bank.existing_question), in one query; `lock`
    reads them for update, with their answers and terms."""
    slugs = {str(d["slug"]) for d in items if d.get("slug")}
    pairs = {_pair(d) for d in items if not d.get("slug") and _pair(d)[1]}
    if not slugs and not pairs:
        return {}
    categories, idnumbers = {c for c, _ in pairs}, {i for _, i in pairs}
    named_by = Q(slug__in=slugs) | Q(category__in=categories, idnumber__in=idnumbers)
    if lock:
        locked = questions_with_answers().prefetch_related("terms").select_for_update(of=("self",))
        rows = list(locked.filter(named_by))
    else:
        rows = list(Question.objects.filter(named_by))
    by_slug = {q.slug: q for q in rows if q.slug}
    by_pair = {(q.category, q.idnumber): q for q in rows if q.idnumber}
    named = {
        index: by_slug.get(str(d["slug"])) if d.get("slug") else by_pair.get(_pair(d))
        for index, d in enumerate(items)
    }
    return {index: q for index, q in named.items() if q is not None}


def _pair(data: dict[str, Any]) -> tuple[str, str]:
    return str(data.get("category") or "").strip(), str(data.get("idnumber") or "").strip()


def _save(
    items: list[dict[str, Any]], section: Section | None, created_by: User | None
) -> SavedMany:
    result = SavedMany()
    ready = [item for i, d in enumerate(items) if (item := _prepare(i, d, result)) is not None]
    _resolve_places(ready, section, result)
    _resolve_terms(ready, result)
    ready = [item for item in ready if item.index not in result.errors]
    existing = existing_questions(items=[item.data for item in ready], lock=True)
    found = {item.index: existing[n] for n, item in enumerate(ready) if n in existing}
    ready = _once_each(ready, found, result)
    if not ready:
        return result
    _write_questions(ready, found, created_by)
    _write_rows(ready, found)
    _link_terms(ready, found)
    stored = {q.pk: q for q in questions_with_answers().filter(pk__in=[i.saved.pk for i in ready])}
    question_versions_record_many(questions=list(stored.values()), by=created_by)
    result.questions = {item.index: stored[item.saved.pk] for item in ready}
    return result


def _prepare(index: int, data: dict[str, Any], result: SavedMany) -> _Item | None:
    """The bank's checks of one dict, in the order question_upsert_from_data makes them."""
    try:
        kind = validate_question_data(data)
        data = _prepared(data)
        values = _field_values(data, kind, None, None)
        relation, rows = _answer_rows(data, kind)
        term_slugs = list(dict.fromkeys(data.get("terms") or []))
        _check_fits(data, Question, {**values, "slug": data.get("slug") or None})
        if relation:
            for row in rows:
                _check_fits(data, _model(relation), row)
    except BAD_DATA as exc:
        result.errors[index] = str(exc) or type(exc).__name__
        return None
    return _Item(index, data, values, relation, rows, term_slugs)


def _model(relation: str) -> Any:
    return Question._meta.get_field(relation).related_model


def _check_fits(data: dict[str, Any], model: type[models.Model], values: dict[str, Any]) -> None:
    """What the database would refuse for its size: said here, with the question's name."""
    for f in model._meta.concrete_fields:
        value = values.get(f.name)
        if value is None:
            continue
        if isinstance(f, models.CharField) and f.max_length and len(str(value)) > f.max_length:
            raise _fail(data, f"{f.name} is longer than {f.max_length} characters")
        if isinstance(f, models.DecimalField):
            number = Decimal(str(value))
            bound = Decimal(10) ** ((f.max_digits or 0) - (f.decimal_places or 0))
            if not number.is_finite() or abs(number) >= bound:
                raise _fail(data, f"{f.name} {value} is out of range")


def _resolve_places(items: list[_Item], section: Section | None, result: SavedMany) -> None:
    """Each item's section (the one given, else its own by number) and topic: two queries."""
    from lessons.models import Section

    numbers = {str(i.data["section"]) for i in items if section is None and i.data.get("section")}
    sections = {s.number: s for s in Section.objects.filter(number__in=numbers)} if numbers else {}
    for item in items:
        place = section
        if place is None and item.data.get("section"):
            place = sections.get(str(item.data["section"]))
            if place is None:
                message = f"unknown section {item.data['section']!r}"
                result.errors[item.index] = str(_fail(item.data, message))
        item.values["section"] = place
    _resolve_topics(items, result)


def _resolve_topics(items: list[_Item], result: SavedMany) -> None:
    from lessons.models import Topic

    wanted = [i for i in items if i.data.get("topic") and i.index not in result.errors]
    slugs = {str(i.data["topic"]) for i in wanted}
    places = {i.values["section"].pk for i in wanted if i.values["section"] is not None}
    topics = {
        (t.section_id, t.slug): t
        for t in (Topic.objects.filter(section__in=places, slug__in=slugs) if places else [])
    }
    for item in wanted:
        slug, place = str(item.data["topic"]), item.values["section"]
        topic = topics.get((place.pk, slug)) if place is not None else None
        if place is None:
            result.errors[item.index] = str(
                _fail(item.data, f"topic {slug!r} given without a section")
            )
        elif topic is None:
            message = f"section {place.number} has no topic {slug!r}"
            result.errors[item.index] = str(_fail(item.data, message))
        item.values["topic"] = topic


def _resolve_terms(items: list[_Item], result: SavedMany) -> None:
    from glossary.models import Term

    slugs = {slug for item in items for slug in item.term_slugs}
    terms = {t.slug: t for t in Term.objects.filter(slug__in=slugs)} if slugs else {}
    for item in items:
        missing = sorted(set(item.term_slugs) - set(terms))
        if missing and item.index not in result.errors:
            message = f"unknown glossary terms: {', '.join(missing)}"
            result.errors[item.index] = str(_fail(item.data, message))
        item.terms = [terms[slug] for slug in item.term_slugs if slug in terms]


def _once_each(items: list[_Item], found: dict[int, Question], result: SavedMany) -> list[_Item]:
    """A question named twice in one save would be written twice in one statement."""
    seen: set[Any] = set()
    kept = []
    for item in items:
        if item.index in found:
            key: Any = found[item.index].pk
        elif item.data.get("slug"):
            key = ("slug", str(item.data["slug"]))
        else:
            key = ("idnumber", *_pair(item.data)) if _pair(item.data)[1] else None
        if key is not None and key in seen:
            result.errors[item.index] = str(_fail(item.data, "given twice in one import"))
            continue
        seen.add(key)
        kept.append(item)
    return kept


def _write_questions(
    items: list[_Item], found: dict[int, Question], created_by: User | None
) -> None:
    now = timezone.now()
    new, old = [], []
    for item in items:
        question = found.get(item.index)
        if question is None:
            slug = item.data.get("slug") or None
            question = Question(slug=slug, created_by=created_by, **item.values)
            new.append(question)
        else:
            for key, value in item.values.items():
                setattr(question, key, value)
            question.updated_at = now
            old.append(question)
        item.question = question
    Question.objects.bulk_create(new, batch_size=BATCH)
    if old:
        fields = [*items[0].values, "updated_at"]
        Question.objects.bulk_update(old, fields, batch_size=BATCH)


def _write_rows(items: list[_Item], found: dict[int, Question]) -> None:
    """Answer rows: new ones in bulk; an updated question's rows by position (bank._sync_rows)."""
    creates: dict[Any, list[Any]] = defaultdict(list)
    updates: dict[tuple[Any, tuple[str, ...]], list[Any]] = defaultdict(list)
    stale: dict[Any, list[int]] = defaultdict(list)
    for item in items:
        for relation in qtypes.relations():
            model = _model(relation)
            rows = item.rows if relation == item.relation else []
            current = (
                sorted(getattr(item.saved, relation).all(), key=lambda obj: obj.pk)
                if item.index in found
                else []
            )
            for obj, values in zip(current, rows, strict=False):
                for key, value in values.items():
                    setattr(obj, key, value)
            if current[: len(rows)]:
                updates[(model, tuple(rows[0]))] += current[: len(rows)]
            creates[model] += [model(question=item.saved, **v) for v in rows[len(current) :]]
            stale[model] += [obj.pk for obj in current[len(rows) :]]
    for (model, names), objs in updates.items():
        model.objects.bulk_update(objs, list(names), batch_size=BATCH)
    for model, objs in creates.items():
        if objs:
            model.objects.bulk_create(objs, batch_size=BATCH)
    for model, pks in stale.items():
        if pks:  # few (a re-import that drops answers); each one's signal touches its question
            model.objects.filter(pk__in=pks).delete()


def _link_terms(items: list[_Item], found: dict[int, Question]) -> None:
    """Term links through each term's related manager: a few queries a term, not a question."""
    adds: dict[Any, list[Question]] = defaultdict(list)
    drops: dict[Any, list[Question]] = defaultdict(list)
    terms: dict[int, Any] = {}
    for item in items:
        had = {t.pk: t for t in item.saved.terms.all()} if item.index in found else {}
        wanted = {t.pk: t for t in item.terms}
        terms.update(had | wanted)
        for pk in wanted.keys() - had.keys():
            adds[pk].append(item.saved)
        for pk in had.keys() - wanted.keys():
            drops[pk].append(item.saved)
    for pk, questions in drops.items():
        terms[pk].quiz_questions.remove(*questions)
    for pk, questions in adds.items():
        terms[pk].quiz_questions.add(*questions)
