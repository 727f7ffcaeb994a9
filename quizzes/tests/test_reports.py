"""Instructor reports: permissions, the statistics page and its SVG, the CSV exports."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes import services

from .factories import make_quiz

pytestmark = pytest.mark.django_db
NOW = timezone.now()


@pytest.fixture
def quiz(student, other_student):
    """Two finished attempts: alice right, bob wrong."""
    quiz = make_quiz(["single", "truefalse"])
    single = quiz.slots.get(question__type="single").question
    single.name = "=HYPERLINK(evil)"
    single.save()
    right, wrong, _ = single.choices.all()
    for user, choice in ((student, right), (other_student, wrong)):
        attempt = services.attempt_start(quiz=quiz, user=user, now=NOW)
        services.attempt_save_answer(
            attempt=attempt, question_id=single.pk, response=choice.pk, now=NOW
        )
        services.attempt_submit(attempt=attempt, now=NOW)
    return quiz


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


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_report_renders_in_the_browser_without_csp_violations(page, live_server, quiz, instructor):
    from conftest import login

    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text))
    login(page, live_server, instructor)
    page.goto(f"{live_server.url}{reverse('quizzes:report', args=[quiz.pk])}")
    bars = page.locator("svg.histogram rect")
    assert bars.count() == 10
    assert bars.first.bounding_box()["height"] > 0 or bars.nth(5).bounding_box()["height"] > 0
    assert page.locator("table.report-table tbody tr").count() == 2
    assert not [m for m in console if "Content Security Policy" in m], console


def test_first_attempts_only(quiz, student, instructor_client):
    """Alice's second attempt (all wrong) counts under "all" but not under "first"."""
    second = services.attempt_start(quiz=quiz, user=student, now=NOW)
    services.attempt_submit(attempt=second, now=NOW)
    url = reverse("quizzes:report", args=[quiz.pk])
    assert 'data-figure="n">3<' in instructor_client.get(url).content.decode()
    assert 'data-figure="n">2<' in instructor_client.get(url + "?attempts=first").content.decode()
    csv_url = reverse("quizzes:report-statistics-csv", args=[quiz.pk]) + "?attempts=first"
    assert _csv(instructor_client.get(csv_url))[1][2] == "2"
