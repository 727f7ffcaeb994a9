"""Adaptive mode and certainty-based marking, with Moodle's scoring."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes import services as s
from quizzes.behaviours import adaptive_fraction, cbm_fraction
from quizzes.models import Behaviour

from .factories import as_sent, make_quiz, right_response

pytestmark = pytest.mark.django_db
NOW = timezone.now()
D = Decimal


@pytest.mark.parametrize(
    ("raw", "certainty", "expected"),
    [
        (D(1), 1, D(1)),
        (D(0), 1, D(0)),
        (D(1), 2, D(2)),
        (D(0), 2, D(-2)),
        (D(1), 3, D(3)),
        (D(0), 3, D(-6)),
        (D("0.5"), 3, D("1.5")),  # partly right: the right score times the fraction
        (D(1), None, D(1)),  # no certainty counts as C1
        (D("0.00000001"), 3, D(-6)),  # within Moodle's tolerance of 0: wrong
    ],
)
def test_cbm_scoring_table(raw, certainty, expected):
    assert cbm_fraction(raw, certainty) == expected


def test_adaptive_keeps_the_best_penalised_try():
    third = D("0.33333")
    assert adaptive_fraction(D("0.5"), best=None, tries=1, penalty=third) == D("0.5")
    assert adaptive_fraction(D(0), best=D("0.5"), tries=2, penalty=third) == D("0.5")
    assert adaptive_fraction(D(1), best=D("0.5"), tries=3, penalty=third) == D("0.5")
    assert adaptive_fraction(D(1), best=D("0.2"), tries=3, penalty=third) == D("0.33334")
    assert adaptive_fraction(D(1), best=D("0.5"), tries=2, penalty=third) == D("0.66667")
    assert adaptive_fraction(D("0.2"), best=None, tries=2, penalty=third) == D(0)  # floor 0


def _single(attempt):
    item = attempt.items.select_related("question").get(question__type="single")
    question = item.question
    right = question.choices.get(fraction=100).pk
    wrong = question.choices.filter(fraction=0).first().pk
    return item, right, wrong


def test_adaptive_checks_without_limit_and_right_locks(student):
    quiz = make_quiz(["single"], behaviour=Behaviour.ADAPTIVE, max_tries=1)
    attempt = s.attempt_start(quiz=quiz, user=student, now=NOW)
    item, right, wrong = _single(attempt)
    for _ in range(3):  # more than max_tries: adaptive has no limit
        checked = s.attempt_check_answer(
            attempt=attempt, question_id=item.question_id, response=wrong, now=NOW
        )
        assert not checked.locked and checked.feedback == ""
    done = s.attempt_check_answer(
        attempt=attempt, question_id=item.question_id, response=right, now=NOW
    )
    assert done.locked and done.tries == 4
    assert done.fraction == D(1) - 3 * quiz.slots.get().question.penalty
    finished = s.attempt_submit(attempt=attempt, now=NOW)
    assert finished.marks == done.mark


def test_adaptive_submit_counts_as_one_more_try(student):
    quiz = make_quiz(["single"], behaviour=Behaviour.ADAPTIVE)
    attempt = s.attempt_start(quiz=quiz, user=student, now=NOW)
    item, right, wrong = _single(attempt)
    s.attempt_check_answer(attempt=attempt, question_id=item.question_id, response=wrong, now=NOW)
    s.attempt_save_answer(attempt=attempt, question_id=item.question_id, response=right, now=NOW)
    done = s.attempt_submit(attempt=attempt, now=NOW)
    penalty = item.question.penalty
    assert done.marks == (D(1) - penalty).quantize(D("0.0000001"))


def test_adaptive_verdict_stays_private_until_locked(student, student_client):
    quiz = make_quiz(["single"], behaviour=Behaviour.ADAPTIVE)
    attempt = s.attempt_start(quiz=quiz, user=student, now=NOW)
    item, right, wrong = _single(attempt)
    url = reverse("quizzes-api:attempt-check", args=[attempt.pk])
    body = {"question_id": item.question_id, "response": as_sent(item, wrong)}
    data = student_client.post(url, body, content_type="application/json").json()
    assert data["locked"] is False and "result" not in data and "right_answer" not in data
    page = student_client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    assert "FEEDBACK-single" not in page and "try 2 of" not in page


def _cbm_attempt(student, kinds=("single", "truefalse")):
    quiz = make_quiz(list(kinds), behaviour=Behaviour.CBM)
    return quiz, s.attempt_start(quiz=quiz, user=student, now=NOW)


def test_cbm_marks_by_certainty(student):
    quiz, attempt = _cbm_attempt(student)
    for item in attempt.items.select_related("question"):
        s.attempt_save_answer(
            attempt=attempt,
            question_id=item.question_id,
            response=right_response(item.question) if item.question.type == "single" else None,
            now=NOW,
        )
        s.attempt_set_certainty(attempt=attempt, question_id=item.question_id, certainty=3, now=NOW)
    done = s.attempt_submit(attempt=attempt, now=NOW)
    marks = sorted(done.items.values_list("mark", flat=True))
    assert marks == [D(-6), D(3)]  # the wrong (unanswered) one at C3: -6; the right one: 3
    assert done.marks == D(-3)


def test_cbm_refuses_check_and_bad_certainty(student, student_client):
    quiz, attempt = _cbm_attempt(student)
    item = attempt.items.first()
    with pytest.raises(s.AttemptError):
        s.attempt_check_answer(attempt=attempt, question_id=item.question_id, now=NOW)
    url = reverse("quizzes-api:attempt-certainty", args=[attempt.pk])
    for bad in (0, 4, "high", None):
        body = {"question_id": item.question_id, "certainty": bad}
        response = student_client.post(url, body, content_type="application/json")
        assert response.status_code == 400 and "certainty" in response.json()
    ok = student_client.post(
        url, {"question_id": item.question_id, "certainty": 2}, content_type="application/json"
    )
    assert ok.status_code == 200
    item.refresh_from_db()
    assert item.certainty == 2


def test_certainty_refused_outside_cbm_and_after_submit(student, other_client, anon_client):
    quiz = make_quiz(["single"])
    attempt = s.attempt_start(quiz=quiz, user=student, now=NOW)
    qid = attempt.items.get().question_id
    with pytest.raises(s.AttemptError):
        s.attempt_set_certainty(attempt=attempt, question_id=qid, certainty=2, now=NOW)
    _, cbm = _cbm_attempt(student, kinds=("truefalse",))
    url = reverse("quizzes-api:attempt-certainty", args=[cbm.pk])
    body = {"question_id": cbm.items.get().question_id, "certainty": 2}
    assert other_client.post(url, body, content_type="application/json").status_code == 404
    assert anon_client.post(url, body, content_type="application/json").status_code == 403
    s.attempt_submit(attempt=cbm, now=NOW)
    with pytest.raises(s.AttemptError) as exc:
        s.attempt_set_certainty(attempt=cbm, now=NOW, **body)
    assert exc.value.code == "finished"


def test_cbm_page_has_certainty_outside_the_question(student, student_client):
    _, attempt = _cbm_attempt(student, kinds=("single",))
    html = student_client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    assert 'class="card cbm-certainty"' in html and "quizzes/cbm.js" in html
    question = html.split('class="card question')[1].split("</fieldset>")[0]
    assert "certainty" not in question  # attempt.js reads only the answer's inputs
    assert "Check" not in question


def test_regrade_keeps_the_certainty_scale(student, instructor):
    quiz, attempt = _cbm_attempt(student, kinds=("single",))
    item, right, _ = _single(attempt)
    s.attempt_save_answer(attempt=attempt, question_id=item.question_id, response=right, now=NOW)
    s.attempt_set_certainty(attempt=attempt, question_id=item.question_id, certainty=2, now=NOW)
    done = s.attempt_submit(attempt=attempt, now=NOW)
    assert done.marks == D(2)
    record = s.attempt_regrade(attempt=done, by=instructor, reason="check")
    assert record.marks_after == D(2)
