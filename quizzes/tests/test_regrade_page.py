"""The instructor's regrade page: a dry run (GET) shows the table, an apply (POST, reason
required) writes; students and strangers cannot reach it; bad input is a 400, never a 500."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from conftest import _make_user, module_rows
from quizzes import services
from quizzes.models import Attempt, Quiz, VersionRegrade

from .test_versions import _answer, _fixed_data, _question, make_versioned_quiz

pytestmark = pytest.mark.django_db
User = get_user_model()


def _url(quiz) -> str:
    return reverse("quizzes:report-regrade", args=[quiz.pk])


@pytest.fixture(scope="module")
def edited_rows(request, django_db_setup, django_db_blocker):
    """Alice's wrong attempt, then the answer key fixed: written once for the module (each
    test's own writes rolled back, conftest.module_rows)."""
    yield from module_rows(request, django_db_blocker, _edited_rows)


def _edited_rows() -> dict:
    student = _make_user("alice")
    quiz = make_versioned_quiz()
    wrong = _answer(quiz, student, "Dropout")
    services.question_upsert_from_data(data=_fixed_data())
    return {"quiz": quiz.pk, "wrong": wrong.pk, "student": student.pk}


@pytest.fixture
def student(edited_rows, db):
    """Alice of the module's rows (instead of the shared fixture's, made per test)."""
    return User.objects.get(pk=edited_rows["student"])


@pytest.fixture
def edited(edited_rows, db):
    """The quiz and the wrong attempt, fresh instances a test."""
    return Quiz.objects.get(pk=edited_rows["quiz"]), Attempt.objects.get(pk=edited_rows["wrong"])


def test_the_report_page_links_the_dry_run(edited, instructor_client):
    quiz, _ = edited
    html = instructor_client.get(reverse("quizzes:report", args=[quiz.pk])).content.decode()
    assert f"{_url(quiz)}?dry_run=1" in html


def test_a_dry_run_shows_old_and_new_marks_and_writes_nothing(edited, instructor_client):
    quiz, wrong = edited
    page = instructor_client.get(_url(quiz), {"dry_run": "1"})
    assert page.status_code == 200
    (preview,) = page.context["previews"]
    assert [(r.mark_before, r.mark_after) for r in preview.rows] == [(0, 1)]
    html = page.content.decode()
    assert f'data-attempt="{wrong.pk}"' in html and "1 → 2" in html
    assert not VersionRegrade.objects.exists()
    wrong.refresh_from_db()
    assert wrong.marks == 0


def test_apply_needs_a_reason_then_regrades(edited, instructor_client):
    quiz, wrong = edited
    question = _question(quiz)
    refused = instructor_client.post(_url(quiz), {"question": question.pk, "reason": " "})
    assert refused.status_code == 400
    assert not VersionRegrade.objects.exists()
    done = instructor_client.post(
        _url(quiz), {"question": question.pk, "version": 2, "reason": "answer key fixed"}
    )
    assert done.status_code == 302
    wrong.refresh_from_db()
    assert wrong.marks == Decimal(1) and wrong.score == Decimal(100)
    assert VersionRegrade.objects.get().reason == "answer key fixed"


def test_the_whole_quiz_is_regraded_when_no_question_is_chosen(edited, instructor_client):
    quiz, wrong = edited
    done = instructor_client.post(_url(quiz), {"reason": "every question"})
    assert done.status_code == 302
    assert Attempt.objects.get(pk=wrong.pk).marks == 1


@pytest.mark.parametrize(
    "params",
    [
        {"question": "nope"},
        {"question": "999999"},
        {"version": "-3"},
        {"version": "2"},  # a version without its question
        {"version": "abc"},
    ],
)
def test_bad_input_is_a_400(edited, instructor_client, params):
    quiz, _ = edited
    assert instructor_client.get(_url(quiz), params).status_code == 400
    assert instructor_client.post(_url(quiz), {**params, "reason": "x"}).status_code == 400
    assert not VersionRegrade.objects.exists()


def test_a_missing_version_of_the_question_is_a_400(edited, instructor_client):
    quiz, _ = edited
    question = _question(quiz)
    page = instructor_client.get(_url(quiz), {"question": question.pk, "version": 9})
    assert page.status_code == 400


def test_students_get_403_and_anonymous_goes_to_login(edited, student_client, anon_client):
    quiz, wrong = edited
    assert student_client.get(_url(quiz), {"dry_run": "1"}).status_code == 403
    assert student_client.post(_url(quiz), {"reason": "mine"}).status_code == 403
    assert anon_client.get(_url(quiz)).status_code == 302
    assert Attempt.objects.get(pk=wrong.pk).marks == 0


def test_an_unknown_quiz_is_a_404_and_a_wrong_method_a_405(edited, instructor_client):
    quiz, _ = edited
    assert instructor_client.get(reverse("quizzes:report-regrade", args=[99999])).status_code == 404
    assert instructor_client.put(_url(quiz)).status_code == 405


def test_the_post_needs_the_csrf_token(edited, instructor):
    from django.test import Client

    quiz, _ = edited
    client = Client(enforce_csrf_checks=True)
    client.force_login(instructor)
    assert client.post(_url(quiz), {"reason": "x"}).status_code == 403
