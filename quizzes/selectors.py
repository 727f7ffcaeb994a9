"""Reused reads: a constant number of queries whatever the number of questions."""

from __future__ import annotations

import random
from datetime import datetime
from decimal import Decimal

from django.db.models import Avg, Count, F, Max, Min, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from dlplatform.accounts.models import User

from . import caches, qtypes, versioning
from .models import (
    Attempt,
    AttemptQuestion,
    AttemptState,
    GradingMethod,
    Question,
    Quiz,
    QuizSlot,
)
from .review import marks_visible_for_all

ANSWER_PREFETCH = ("choices", "numerical_answers", "match_pairs", "ordering_items")


def questions_with_answers() -> QuerySet[Question]:
    return Question.objects.prefetch_related(*ANSWER_PREFETCH)


def quiz_fixed_questions(*, quiz: Quiz) -> list[tuple[Question, Decimal]]:
    slots = QuizSlot.objects.filter(quiz=quiz).order_by("order", "id")
    slots = slots.prefetch_related(Prefetch("question", queryset=questions_with_answers()))
    return [(s.question, s.mark if s.mark is not None else s.question.default_mark) for s in slots]


def draw_questions(*, quiz: Quiz, rng: random.Random) -> list[Question]:
    """The random-draw pool: the quiz section's bank filtered by topic, tags and difficulty."""
    ungraded = [name for name, qtype in qtypes.TYPES.items() if not qtype.graded]
    pool = Question.objects.filter(section_id=quiz.section_id).exclude(type__in=ungraded)
    if quiz.draw_topic_id:
        pool = pool.filter(topic_id=quiz.draw_topic_id)
    if quiz.draw_difficulty:
        pool = pool.filter(difficulty=quiz.draw_difficulty)
    for tag in quiz.draw_tags or []:
        pool = pool.filter(tags__contains=[tag])
    ids = list(pool.values_list("id", flat=True))
    picked = rng.sample(ids, min(quiz.draw_count, len(ids)))
    by_id = questions_with_answers().in_bulk(picked)
    return [by_id[i] for i in picked]


def attempt_items(*, attempt: Attempt) -> list[AttemptQuestion]:
    question_qs = questions_with_answers().select_related("section").prefetch_related("terms")
    items = AttemptQuestion.objects.filter(attempt=attempt).order_by("order")
    items = items.select_related("version")
    return _at_versions(list(items.prefetch_related(Prefetch("question", queryset=question_qs))))


def _at_versions(items: list[AttemptQuestion]) -> list[AttemptQuestion]:
    """Each item's question as the version its student saw (services/versions.py)."""
    for item in items:
        item.question = versioning.question_at(item.question, item.version)
    return items


def attempt_items_for_display(*, attempt: Attempt) -> list[AttemptQuestion]:
    """The items with their questions for presenting: one query, the questions (with answers,
    section and terms) kept in process by `caches.questions` per `updated_at` and shared between requests:
    callers only read them."""
    items = AttemptQuestion.objects.filter(attempt=attempt).order_by("order")
    items = list(
        items.select_related("version").annotate(question_version=F("question__updated_at"))
    )
    keys = [(item.question_id, item.question_version) for item in items]
    questions = caches.questions.get_many_or_build(keys, _questions_for_display)
    for item, key in zip(items, keys, strict=True):
        item.question = versioning.question_at(questions[key], item.version)
    return items


def _questions_for_display(
    keys: list[tuple[int, datetime]],
) -> dict[tuple[int, datetime], Question]:
    # Loading one question with its choices, numerical answers, pairs, ordering items, section
    # and terms took six queries and most of the quiz page's time; every student sees the same.
    queryset = questions_with_answers().select_related("section").prefetch_related("terms")
    found = queryset.in_bulk([pk for pk, _ in keys])
    return {key: found[key[0]] for key in keys if key[0] in found}


def attempt_for_user(*, user: User, pk: int) -> Attempt:
    """Fetch-and-check-ownership: another user's attempt is a 404."""
    queryset = Attempt.objects.select_related("quiz", "quiz__section")
    return get_object_or_404(queryset, pk=pk, user=user)


def visible_quizzes() -> QuerySet[Quiz]:
    return (
        Quiz.objects.filter(is_published=True)
        .select_related("section", "section__chapter")
        .annotate(slot_count=Count("slots"))
        .order_by("section__chapter__number", "section__order", "section__number", "id")
    )


def user_attempts(*, user: User) -> QuerySet[Attempt]:
    return Attempt.objects.filter(user=user).select_related("quiz", "quiz__section")


def quiz_grade(*, quiz: Quiz, user: User) -> Decimal | None:
    """The quiz grade over finished attempts, by the quiz's grading method (percent)."""
    done = Attempt.objects.filter(
        quiz=quiz, user=user, state=AttemptState.FINISHED, score__isnull=False
    )
    method = quiz.grading_method
    if method == GradingMethod.HIGHEST:
        return done.aggregate(v=Max("score"))["v"]
    if method == GradingMethod.AVERAGE:
        value = done.aggregate(v=Avg("score"))["v"]
        return None if value is None else Decimal(value).quantize(Decimal("0.001"))
    ordered = done.order_by("number" if method == GradingMethod.FIRST else "-number")
    return ordered.values_list("score", flat=True).first()


def section_progress(*, user: User, now: datetime) -> list[dict]:
    """One row per published quiz: attempts, best score, passed; sections in course order.
    The best score and passed are None unless the "marks" review option shows every
    finished attempt's marks now."""
    mine = Q(attempts__user=user, attempts__state=AttemptState.FINISHED)
    quizzes = visible_quizzes().annotate(
        my_attempts=Count("attempts", filter=mine, distinct=True),
        my_best=Max("attempts__score", filter=mine),
        my_first=Min("attempts__submitted_at", filter=mine),
        my_last=Max("attempts__submitted_at", filter=mine),
    )
    rows = []
    for quiz in quizzes:
        shown = marks_visible_for_all(quiz=quiz, first=quiz.my_first, last=quiz.my_last, now=now)
        best = quiz.my_best if shown else None
        rows.append(
            {
                "quiz": quiz,
                "section": quiz.section,
                "attempts": quiz.my_attempts,
                "best": best,
                "passed": None if not shown else best is not None and best >= quiz.pass_mark,
            }
        )
    return rows


def overall_feedback(*, quiz: Quiz, score: Decimal | None) -> str:
    """The text of the highest band whose `min` the score reaches (bands in percent)."""
    if score is None:
        return ""
    bands = sorted(quiz.feedback_bands or [], key=lambda b: float(b.get("min", 0)), reverse=True)
    for band in bands:
        if float(score) >= float(band.get("min", 0)):
            return str(band.get("text", ""))
    return ""


def essays_to_grade() -> QuerySet[AttemptQuestion]:
    return (
        AttemptQuestion.objects.filter(needs_grading=True, attempt__state=AttemptState.FINISHED)
        .select_related("attempt", "attempt__user", "attempt__quiz", "question")
        .order_by("attempt__submitted_at")
    )


def attempt_item(*, attempt: Attempt, question_id: int) -> AttemptQuestion:
    """One item with everything present_item needs."""
    question_qs = questions_with_answers().select_related("section").prefetch_related("terms")
    items = AttemptQuestion.objects.filter(attempt=attempt, question_id=question_id)
    items = items.select_related("version").prefetch_related(
        Prefetch("question", queryset=question_qs)
    )
    return _at_versions([items.get()])[0]


def category_counts() -> dict[str, int]:
    """How many questions each category of the bank holds ("" is the top)."""
    rows = Question.objects.order_by().values("category").annotate(n=Count("id"))
    return {row["category"]: row["n"] for row in rows}
