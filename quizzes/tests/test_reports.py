"""Instructor reports: permissions, the statistics page and its SVG, the CSV exports."""

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

from .factories import make_report_quiz

pytestmark = pytest.mark.django_db
NOW = timezone.now()
User = get_user_model()


@pytest.fixture(scope="module")
def quiz_rows(request, django_db_setup, django_db_blocker):
    """Written once for the module (each test's own writes rolled back, conftest.module_rows);
    the browser's test, transactional, is in test_reports_browser.py."""
    yield from module_rows(request, django_db_blocker, _quiz_rows)


def _quiz_rows() -> dict:
    student = _make_user("alice")
    return {"quiz": make_report_quiz(student, _make_user("bob")).pk, "student": student.pk}


@pytest.fixture
def student(quiz_rows, db):
    """Alice of the module's rows (instead of the shared fixture's, made per test)."""
    return User.objects.get(pk=quiz_rows["student"])


@pytest.fixture
def quiz(quiz_rows, db):
    return Quiz.objects.get(pk=quiz_rows["quiz"])  # a fresh instance a test


def _urls(quiz):
    return [
        reverse(name, args=[quiz.pk])
        for name in (
            "quizzes:report",
            "quizzes:report-statistics-csv",
            "quizzes:report-results-csv",
        )
    ]


def test_students_get_403(quiz, student_client):
    for url in _urls(quiz):
        assert student_client.get(url).status_code == 403


def test_anonymous_is_sent_to_login(quiz, anon_client):
    for url in _urls(quiz):
        response = anon_client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"]


def test_wrong_method_and_missing_quiz(quiz, instructor_client):
    for url in _urls(quiz):
        assert instructor_client.post(url).status_code == 405
    assert instructor_client.get(reverse("quizzes:report", args=[999999])).status_code == 404


def test_instructor_sees_statistics_and_svg_histogram(quiz, instructor_client):
    response = instructor_client.get(reverse("quizzes:report", args=[quiz.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and html.count("<rect") == 10
    assert 'data-figure="n">2<' in html
    assert "=HYPERLINK(evil)" in html and "Pooling: <strong>1</strong>" in html
    assert "style=" not in html and "<script>" not in html  # the CSP forbids inline styles/code
    assert "style-src 'self'" in response["Content-Security-Policy"]


def _csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def test_statistics_csv(quiz, instructor_client):
    rows = _csv(instructor_client.get(reverse("quizzes:report-statistics-csv", args=[quiz.pk])))
    header, single, truefalse = rows[:3]
    assert header[:4] == ["slot", "question", "attempts", "facility"]
    assert single[1] == "'=HYPERLINK(evil)"  # defused for spreadsheets
    assert float(single[3]) == pytest.approx(0.5)
    assert "Pooling: 1" in single[-1] and "Dropout: 1" in single[-1]
    assert truefalse[2] == "2"
    quiz_header, quiz_row = rows[-2:]
    assert quiz_header[:3] == ["quiz", "attempts", "mean %"] and quiz_row[1] == "2"


def test_results_csv_has_one_row_per_attempt_with_question_marks(quiz, instructor_client):
    rows = _csv(instructor_client.get(reverse("quizzes:report-results-csv", args=[quiz.pk])))
    header, *attempts = rows
    assert header[:6] == ["user", "attempt", "submitted_at", "marks", "max_marks", "score_percent"]
    assert header[6] == "'=HYPERLINK(evil)"
    assert [r[0] for r in attempts] == ["alice", "bob"]
    alice, bob = attempts
    assert float(alice[6]) == 1 and float(bob[6]) == 0


def test_first_attempts_only(quiz, student, instructor_client):
    """Alice's second attempt (all wrong) counts under "all" but not under "first"."""
    second = services.attempt_start(quiz=quiz, user=student, now=NOW)
    services.attempt_submit(attempt=second, now=NOW)
    url = reverse("quizzes:report", args=[quiz.pk])
    assert 'data-figure="n">3<' in instructor_client.get(url).content.decode()
    assert 'data-figure="n">2<' in instructor_client.get(url + "?attempts=first").content.decode()
    csv_url = reverse("quizzes:report-statistics-csv", args=[quiz.pk]) + "?attempts=first"
    assert _csv(instructor_client.get(csv_url))[1][2] == "2"
