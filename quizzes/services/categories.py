"""Moving and copying bank questions between categories (Moodle's "Move to" and copy).

A question's idnumber is unique within its category: a move that would give a category two
questions of one idnumber is refused, naming them; a copy keeps its idnumber only where it is
free (else the copy has none, as Moodle's duplicate does). A copy has its answers, terms and
settings: it is made from the question's canonical dict, as `question_duplicate` is."""

from __future__ import annotations

from collections import Counter

from django.db import transaction
from django.db.models import QuerySet

from ..models import Question
from .bank import question_to_data, question_upsert_from_data
from .errors import AttemptError


class CategoryError(AttemptError):
    """A move the bank's rules refuse (the message says why)."""


def _taken_idnumbers(category: str, exclude: list[int]) -> set[str]:
    rows = Question.objects.filter(category=category).exclude(pk__in=exclude).exclude(idnumber="")
    return set(rows.values_list("idnumber", flat=True))


def questions_move(*, questions: QuerySet[Question], category: str) -> int:
    """Put the questions in `category` (a cleaned path); how many moved."""
    with transaction.atomic():
        chosen = list(questions.values_list("pk", flat=True))
        locked = Question.objects.select_for_update().filter(pk__in=chosen).order_by("pk")
        rows = list(locked.values_list("pk", "idnumber"))
        pks = [pk for pk, _ in rows]
        ids = Counter(i for _, i in rows if i)
        clashes = {i for i, n in ids.items() if n > 1} | (
            set(ids) & _taken_idnumbers(category, pks)
        )
        if clashes:
            names = ", ".join(sorted(clashes)[:5])
            raise CategoryError(f"ID numbers would repeat in {category or 'the top'}: {names}")
        return Question.objects.filter(pk__in=pks).update(category=category)


def questions_copy(*, questions: QuerySet[Question], category: str) -> list[Question]:
    """A copy of each question in `category`, its answers and terms with it."""
    copies = []
    with transaction.atomic():
        taken = _taken_idnumbers(category, [])
        for question in questions.prefetch_related("terms"):
            data = question_to_data(question=question)
            idnumber = question.idnumber if question.idnumber not in taken else ""
            taken.add(idnumber)
            data.update(slug=None, category=category, idnumber=idnumber)
            copies.append(question_upsert_from_data(data=data, section=question.section))
    return copies
