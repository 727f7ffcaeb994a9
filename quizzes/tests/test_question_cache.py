"""The attempt page keeps questions in process between views, and an edit still shows at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from quizzes import services
from quizzes.models import Choice

from .factories import make_quiz

pytestmark = pytest.mark.django_db


def _page(client, attempt) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    return html, [q["sql"] for q in queries]


def test_a_warm_page_reads_no_question_rows(student, student_client):
    quiz = make_quiz(["single", "matching", "ordering", "numerical"])
    attempt = services.attempt_start(quiz=quiz, user=student, now=timezone.now())
    _page(student_client, attempt)

    html, sql = _page(student_client, attempt)

    assert "Which layer shrinks feature maps?" in html
    touched = [s for s in sql if '"quizzes_choice"' in s or '"quizzes_matchpair"' in s]
    assert touched == []


# An attempt keeps the version its student saw (test_versions.py): an edit shows in the
# attempts started after it, at once, although the question was cached before.
def test_an_edited_choice_shows_on_the_next_view(
    student, student_client, other_student, other_client
):
    quiz = make_quiz(["single"])
    attempt = services.attempt_start(quiz=quiz, user=student, now=timezone.now())
    assert "Pooling" in _page(student_client, attempt)[0]

    choice = Choice.objects.get(question__slots__quiz=quiz, text="Pooling")
    choice.text = "Max pooling (edited)"
    choice.save()

    later = services.attempt_start(quiz=quiz, user=other_student, now=timezone.now())
    assert "Max pooling (edited)" in _page(other_client, later)[0]
    assert "Max pooling (edited)" not in _page(student_client, attempt)[0]


def test_a_deleted_choice_disappears_on_the_next_view(
    student, student_client, other_student, other_client
):
    quiz = make_quiz(["single"])
    attempt = services.attempt_start(quiz=quiz, user=student, now=timezone.now())
    assert "Embedding" in _page(student_client, attempt)[0]

    Choice.objects.get(question__slots__quiz=quiz, text="Embedding").delete()

    later = services.attempt_start(quiz=quiz, user=other_student, now=timezone.now())
    assert "Embedding" not in _page(other_client, later)[0]
    assert "Embedding" in _page(student_client, attempt)[0]
