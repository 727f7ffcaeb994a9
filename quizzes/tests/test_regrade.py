"""Attack: editing an attempt's score or marks in the admin bypassed grading. Marks are now
read-only there; a regrade recomputes them from the responses and records who and why."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from quizzes import services
from quizzes.models import Attempt, AttemptRegrade
from quizzes.services.regrade import attempt_regrade

from .factories import make_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished(student):
    """A finished attempt whose short answer "no idea" earned nothing."""
    quiz = make_quiz(["short", "single"])
    now = timezone.now()
    attempt = services.attempt_start(quiz=quiz, user=student, now=now)
    short = attempt.items.get(question__type="short")
    services.attempt_save_answer(
        attempt=attempt, question_id=short.question_id, response="no idea", now=now
    )
    return services.attempt_submit(attempt=attempt, now=now), short.question


def test_the_admin_change_form_has_no_editable_marks(instructor_client, finished):
    attempt, _ = finished
    page = instructor_client.get(f"/admin/quizzes/attempt/{attempt.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    for field in ("score", "marks", "max_marks", "graded_at"):
        assert f'name="{field}"' not in html, f"{field} is editable"


def test_a_forged_score_in_the_change_post_is_ignored(admin_client, finished):
    attempt, _ = finished
    page = admin_client.get(f"/admin/quizzes/attempt/{attempt.pk}/change/")
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: v for k, v in data.items() if v is not None}
    data["started_at_0"], data["started_at_1"] = attempt.started_at.strftime(
        "%Y-%m-%d %H:%M:%S"
    ).split()
    data.pop("started_at", None)
    for prefix in ("items", "regrades"):
        formset = next(
            f for f in page.context["inline_admin_formsets"] if f.formset.prefix == prefix
        )
        management = formset.formset.management_form
        data.update({management[k].html_name: management[k].value() for k in management.fields})
        for i, inline in enumerate(formset.formset.forms):
            data[f"{prefix}-{i}-id"] = inline.instance.pk
            data[f"{prefix}-{i}-attempt"] = attempt.pk
    data.update(score="100", marks="99", max_marks="99")
    response = admin_client.post(f"/admin/quizzes/attempt/{attempt.pk}/change/", data)
    assert response.status_code == 302, (
        response.context and response.context["adminform"].form.errors
    )
    attempt.refresh_from_db()
    assert attempt.score == Decimal("0") and attempt.marks == Decimal("0")


def test_regrade_recomputes_from_the_responses_and_records_who_and_why(instructor, finished):
    attempt, question = finished
    question.choices.filter(text="SECRETRELU").update(text="no idea")  # the key was wrong
    record = attempt_regrade(attempt=attempt, by=instructor, reason="answer key fixed")
    attempt.refresh_from_db()
    assert attempt.marks == Decimal("1") and attempt.score == Decimal("50")
    assert attempt.items.get(question=question).mark == Decimal("1")
    assert (record.by, record.reason) == (instructor, "answer key fixed")
    assert record.score_before == Decimal("0") and record.score_after == Decimal("50")


def test_regrade_needs_a_reason_and_a_finished_attempt(instructor, student, finished):
    attempt, _ = finished
    with pytest.raises(services.AttemptError):
        attempt_regrade(attempt=attempt, by=instructor, reason="  ")
    open_attempt = services.attempt_start(
        quiz=make_quiz(["single"]), user=student, now=timezone.now()
    )
    with pytest.raises(services.AttemptError):
        attempt_regrade(attempt=open_attempt, by=instructor, reason="why not")
    assert not AttemptRegrade.objects.exists()


def test_the_admin_action_asks_for_a_reason_then_regrades(admin_client, admin_user, finished):
    attempt, question = finished
    question.choices.filter(text="SECRETRELU").update(text="no idea")
    url = "/admin/quizzes/attempt/"
    chosen = {"action": "regrade", "_selected_action": [attempt.pk]}
    page = admin_client.post(url, chosen)
    assert page.status_code == 200 and 'name="reason"' in page.content.decode()
    assert not AttemptRegrade.objects.exists()
    done = admin_client.post(url, {**chosen, "apply": "1", "reason": "key fixed"})
    assert done.status_code == 302
    record = AttemptRegrade.objects.get()
    assert record.by == admin_user and record.reason == "key fixed"
    assert Attempt.objects.get(pk=attempt.pk).score == Decimal("50")
