"""Query counts stay flat from 10 to 1000 questions (pages, API, start and submit)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from quizzes import services
from quizzes.models import Choice, MatchPair, Question, Quiz, QuizSlot

from .factories import make_section

pytestmark = pytest.mark.django_db


def _big_quiz(n: int) -> Quiz:
    section = make_section()
    half = n // 2
    questions = Question.objects.bulk_create(
        [
            Question(
                name=f"q{i}",
                type="single" if i < half else "matching",
                stem=f"Stem {i}",
                section=section,
            )
            for i in range(n)
        ]
    )
    Choice.objects.bulk_create(
        [
            Choice(question=q, text=t, fraction=f)
            for q in questions[:half]
            for t, f in (("yes", 100), ("no", 0))
        ]
    )
    MatchPair.objects.bulk_create(
        [
            MatchPair(question=q, left=left, right=r)
            for q in questions[half:]
            for left, r in (("a", "1"), ("b", "2"), ("", "3"))
        ]
    )
    quiz = Quiz.objects.create(section=section, title=f"Big {n}")
    QuizSlot.objects.bulk_create(
        [QuizSlot(quiz=quiz, question=q, order=i) for i, q in enumerate(questions)]
    )
    return quiz


def _count(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx)


def _measure(n: int, student, client) -> dict[str, int]:
    quiz = _big_quiz(n)
    counts = {
        "start": _count(lambda: services.attempt_start(quiz=quiz, user=student, now=timezone.now()))
    }
    attempt = student.quiz_attempts.get(quiz=quiz)
    counts["page"] = _count(lambda: client.get(reverse("quizzes:attempt", args=[attempt.pk])))
    counts["api"] = _count(lambda: client.get(f"/api/quizzes/attempts/{attempt.pk}/"))
    counts["submit"] = _count(lambda: services.attempt_submit(attempt=attempt, now=timezone.now()))
    counts["result"] = _count(lambda: client.get(reverse("quizzes:result", args=[attempt.pk])))
    return counts


@pytest.mark.slow
def test_query_counts_do_not_grow_with_questions(student, student_client):
    small = _measure(10, student, student_client)
    large = _measure(1000, student, student_client)
    for key, value in small.items():
        assert value <= 25, (key, value)
        # bulk_update / bulk_create batch by 500 rows, so 1000 rows cost at most 2 extra queries
        assert large[key] <= value + 2, (key, small, large)
