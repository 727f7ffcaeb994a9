"""Attack: flagging was accepted after the time limit (and after submitting), unlike answers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from quizzes import services
from quizzes.models import AttemptQuestion

from .factories import make_quiz, minutes

pytestmark = pytest.mark.django_db


def _flag(client, attempt, question_id: int, flagged: bool = True):
    return client.post(
        f"/api/quizzes/attempts/{attempt.pk}/flag/",
        {"question_id": question_id, "flagged": flagged},
        content_type="application/json",
    )


def _started(student, *, ago: timedelta):
    quiz = make_quiz(["single", "short"], time_limit=minutes(10))
    attempt = services.attempt_start(quiz=quiz, user=student, now=timezone.now() - ago)
    return attempt, attempt.items.order_by("order").first()


def test_flag_after_the_time_limit_is_refused_like_an_answer(student, student_client):
    attempt, item = _started(student, ago=minutes(11))
    flag = _flag(student_client, attempt, item.question_id)
    answer = student_client.post(
        f"/api/quizzes/attempts/{attempt.pk}/answer/",
        {"question_id": item.question_id, "response": "x"},
        content_type="application/json",
    )
    assert flag.status_code == answer.status_code == 409
    assert flag.json()["code"] == answer.json()["code"] == "closed"
    assert not AttemptQuestion.objects.get(pk=item.pk).flagged


def test_flag_in_time_still_works_even_on_a_locked_question(student, student_client):
    attempt, item = _started(student, ago=minutes(1))
    AttemptQuestion.objects.filter(pk=item.pk).update(locked=True)  # e.g. checked already
    assert _flag(student_client, attempt, item.question_id).status_code == 200
    assert AttemptQuestion.objects.get(pk=item.pk).flagged
    assert _flag(student_client, attempt, item.question_id, False).status_code == 200
    assert not AttemptQuestion.objects.get(pk=item.pk).flagged


def test_flag_after_submitting_is_refused(student):
    attempt, item = _started(student, ago=minutes(1))
    services.attempt_submit(attempt=attempt, now=timezone.now())
    with pytest.raises(services.AttemptError) as refused:
        services.attempt_flag(
            attempt=attempt, question_id=item.question_id, flagged=True, now=timezone.now()
        )
    assert refused.value.code == "finished"
