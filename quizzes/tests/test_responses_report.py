"""The responses report: each student's answer in words, instructor-only, page and CSV."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from conftest import _make_user, module_rows
from quizzes import services
from quizzes.models import Quiz

from .factories import make_quiz

pytestmark = pytest.mark.django_db
User = get_user_model()
NOW = timezone.now()


@pytest.fixture(scope="module")
def quiz_rows(request, django_db_setup, django_db_blocker):
    """Alice's and Bob's finished attempts and Alice's second, in progress: written once for the
    module (each test's own writes rolled back, conftest.module_rows)."""
    yield from module_rows(request, django_db_blocker, _quiz_rows)


@pytest.fixture
def quiz(quiz_rows, db):
    return Quiz.objects.get(pk=quiz_rows["quiz"])  # a fresh instance a test


@pytest.fixture
def student(quiz_rows, db):
    """Alice of the module's rows (instead of the shared fixture's, made per test)."""
    return User.objects.get(pk=quiz_rows["student"])


def _quiz_rows() -> dict:
    student, other_student = _make_user("alice"), _make_user("bob")
    quiz = make_quiz(["single", "short", "ordering"])
    single = quiz.slots.get(question__type="single").question
    short = quiz.slots.get(question__type="short").question
    single.name = "=HYPERLINK(evil)"
    single.save()
    pooling, dropout, _ = single.choices.all()
    for user, choice, text in ((student, pooling, "@SUM(A1)"), (other_student, dropout, "")):
        attempt = services.attempt_start(quiz=quiz, user=user, now=NOW)
        services.attempt_save_answer(
            attempt=attempt, question_id=single.pk, response=choice.pk, now=NOW
        )
        if text:
            services.attempt_save_answer(
                attempt=attempt, question_id=short.pk, response=text, now=NOW
            )
        services.attempt_submit(attempt=attempt, now=NOW)
    services.attempt_start(quiz=quiz, user=student, now=NOW)  # in progress: not shown
    return {"quiz": quiz.pk, "student": student.pk}


def _urls(quiz):
    return [
        reverse("quizzes:report-responses", args=[quiz.pk]),
        reverse("quizzes:report-responses-csv", args=[quiz.pk]),
    ]


def test_page_shows_each_response_in_words(quiz, instructor_client):
    page = instructor_client.get(_urls(quiz)[0])
    html = page.content.decode()
    assert page.status_code == 200
    assert "<td>Pooling</td>" in html and "<td>Dropout</td>" in html
    assert "@SUM(A1)" in html and "=HYPERLINK(evil)" in html
    assert html.count("<tr>") == 3  # the header and two finished attempts
    choice_ids = quiz.slots.get(question__type="single").question.choices.values_list(
        "pk", flat=True
    )
    assert all(f"<td>{pk}</td>" not in html for pk in choice_ids)  # texts, never ids
    assert "style=" not in html


def test_csv_is_spreadsheet_safe(quiz, instructor_client):
    response = instructor_client.get(_urls(quiz)[1])
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    header, alice, bob = rows
    assert header[:3] == ["user", "attempt", "score_percent"]
    assert header[3] == "'=HYPERLINK(evil)"
    assert alice[0] == "alice" and alice[3] == "Pooling" and alice[4] == "'@SUM(A1)"
    assert bob[3] == "Dropout" and bob[4] == ""


def test_students_get_403_anonymous_login_and_wrong_method(
    quiz, student_client, anon_client, instructor_client
):
    for url in _urls(quiz):
        assert student_client.get(url).status_code == 403
        response = anon_client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"]
        assert instructor_client.post(url).status_code == 405
    missing = reverse("quizzes:report-responses", args=[999999])
    assert instructor_client.get(missing).status_code == 404


def test_bad_page_number_is_not_an_error(quiz, instructor_client):
    response = instructor_client.get(_urls(quiz)[0] + "?page=abc")
    assert response.status_code == 200
