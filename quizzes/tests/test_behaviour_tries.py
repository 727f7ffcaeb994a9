"""Each check is kept as a try; the live check, the submit and every regrade replay the tries
by one rule (behaviours.replay), so a regrade to a fixed version gives a try that is now right
its mark, with only the tries before it penalised (Moodle's regrade replays its steps)."""

from __future__ import annotations

import threading
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from quizzes import services
from quizzes.behaviours import ADAPTIVE, INTERACTIVE, TryRule, replay
from quizzes.grading import Grade
from quizzes.models import AttemptQuestion, Behaviour, Question, Quiz, QuizSlot
from quizzes.presenters import present_item
from quizzes.review import NOTHING
from quizzes.services import tries
from quizzes.services.errors import AttemptError

from .factories import QUESTION_DATA, as_sent, make_section

pytestmark = pytest.mark.django_db
D = Decimal
PENALTY = D("0.25")
NOW = timezone.now()


def _data(**changes):
    data = dict(QUESTION_DATA["single"], slug="tries-q", penalty=str(PENALTY))
    data["choices"] = [dict(c) for c in data["choices"]]
    data.update(changes)
    return data


def _second_right():
    """The fix: Dropout (the second try below) counted as right too."""
    data = _data()
    data["choices"][1]["fraction"] = 100
    return data


def _quiz(behaviour: str, **settings) -> Quiz:
    section = make_section()
    question = services.question_upsert_from_data(
        data=_data(**settings.pop("q", {})), section=section
    )
    quiz = Quiz.objects.create(
        section=section, title="Tries", shuffle_answers=False, behaviour=behaviour, **settings
    )
    QuizSlot.objects.create(quiz=quiz, question=question, order=0)
    return quiz


def _question(quiz) -> Question:
    return quiz.slots.get().question


def _choice(quiz, text: str) -> int:
    return _question(quiz).choices.get(text=text).pk


def _check(attempt, quiz, text: str) -> AttemptQuestion:
    return services.attempt_check_answer(
        attempt=attempt, question_id=_question(quiz).pk, response=_choice(quiz, text), now=NOW
    )


def _three_checks(quiz, user):
    """Wrong, wrong, right: Embedding, Dropout, Pooling; then submitted."""
    attempt = services.attempt_start(quiz=quiz, user=user, now=NOW)
    for text in ("Embedding", "Dropout", "Pooling"):
        item = _check(attempt, quiz, text)
    return services.attempt_submit(attempt=attempt, now=NOW), item


def _item(attempt) -> AttemptQuestion:
    return AttemptQuestion.objects.select_related("version").get(attempt=attempt)


def _assert_score_is_sum(attempt) -> None:
    attempt.refresh_from_db()
    marks = sum((i.mark or D(0) for i in attempt.items.all()), D(0))
    assert attempt.marks == marks
    assert attempt.score == (marks * 100 / attempt.max_marks).quantize(D("0.001"))


# --- the rule alone -----------------------------------------------------------------------------
def _grades(*fractions):
    return [Grade(None if f is None else D(f)) for f in fractions]


def test_replay_adaptive_counts_only_the_tries_before_the_first_right_one():
    rule = TryRule(behaviour=ADAPTIVE, penalty=PENALTY)
    assert replay(_grades(0, 0, 1), rule=rule).fraction == D("0.5")
    now_right = replay(_grades(0, 1, 1), rule=rule)
    assert (now_right.fraction, now_right.locked, now_right.used) == (D("0.75"), True, 2)
    # The best penalised try is kept, open until a right one or the submit.
    partial = replay(_grades("0.9", 0), rule=rule)
    assert (partial.fraction, partial.locked) == (D("0.9"), False)
    submitted = replay(_grades("0.9", 0), rule=rule, finish=_grades(1)[0])
    assert submitted.fraction == D("0.9")  # 1 - 2 * 0.25 is less than the 0.9 kept
    # Tries the history lacks still cost their penalty.
    assert replay(_grades(1), rule=rule, spent=2).fraction == D("0.5")


def test_replay_interactive_ends_at_the_right_or_the_last_try():
    rule = TryRule(behaviour=INTERACTIVE, penalty=PENALTY, max_tries=3)
    assert replay(_grades(0, 1), rule=rule).fraction == D("0.75")
    last = replay(_grades(0, 0, "0.8", 1), rule=rule)  # the fourth try never counts
    assert (last.fraction, last.locked, last.used) == (D("0.3"), True, 3)
    still_open = replay(_grades(0), rule=rule)
    assert (still_open.fraction, still_open.locked) == (None, False)
    assert replay(_grades(0), rule=rule, finish=_grades(1)[0]).fraction == D("0.75")


# --- adaptive: live, then regraded to a version --------------------------------------------------
def test_adaptive_regrade_to_a_version_where_the_second_try_is_right(student, instructor):
    quiz = _quiz(Behaviour.ADAPTIVE)
    attempt, item = _three_checks(quiz, student)
    assert item.locked and item.tries == 3 and len(item.try_history) == 3
    assert [t["version"] for t in item.try_history] == [item.version_id] * 3
    assert attempt.marks == D("0.5")  # 1 - 2 penalties
    services.question_upsert_from_data(data=_second_right())
    question = _question(quiz)
    preview = services.regrade_preview(question=question, quiz=quiz)
    (row,) = preview.rows
    assert (row.mark_before, row.mark_after) == (D("0.5"), D("0.75"))
    assert row.score_after == D("75.000")
    done = services.regrade_apply(question=question, quiz=quiz, by=instructor, reason="fix")
    assert done is not None and D(done.changes[0]["mark_after"]) == D("0.75")
    attempt.refresh_from_db()
    assert attempt.marks == D("0.75") and _item(attempt).version.number == 2
    _assert_score_is_sum(attempt)
    # Idempotent: the same version again, or a plain regrade, changes nothing.
    assert services.regrade_apply(question=question, quiz=quiz, by=instructor, reason="x") is None
    record = services.attempt_regrade(attempt=attempt, by=instructor, reason="again")
    assert record.marks_before == record.marks_after == D("0.75")
    assert _item(attempt).try_history == item.try_history  # a regrade never rewrites tries
    # Back to version 1: the old mark again.
    first = question.versions.get(number=1)
    services.regrade_apply(question=question, to_version=first, by=instructor, reason="undo")
    attempt.refresh_from_db()
    assert attempt.marks == D("0.5")
    _assert_score_is_sum(attempt)


def test_the_live_check_and_the_regrade_give_the_same_mark(student, instructor):
    """A plain regrade of an untouched question is a no-op for every behaviour that checks."""
    for behaviour in (Behaviour.ADAPTIVE, Behaviour.INTERACTIVE, Behaviour.IMMEDIATE):
        quiz = _quiz(behaviour, q={"slug": f"same-{behaviour}"})
        attempt = services.attempt_start(quiz=quiz, user=student, now=NOW)
        _check(attempt, quiz, "Dropout")
        attempt = services.attempt_submit(attempt=attempt, now=NOW)
        record = services.attempt_regrade(attempt=attempt, by=instructor, reason="same")
        assert record.marks_before == record.marks_after, behaviour


# --- interactive with hints ----------------------------------------------------------------------
def test_interactive_with_hints_regraded_to_a_version(student, instructor):
    quiz = _quiz(Behaviour.INTERACTIVE, max_tries=3, q={"hints": ["HINT-one", "HINT-two"]})
    attempt = services.attempt_start(quiz=quiz, user=student, now=NOW)
    first = _check(attempt, quiz, "Embedding")
    assert not first.locked and first.fraction is None and first.feedback == ""
    first.question = _question(quiz)
    assert present_item(first, review=NOTHING)["hint"] == "HINT-one"
    second = _check(attempt, quiz, "Dropout")
    second.question = _question(quiz)
    assert present_item(second, review=NOTHING)["hint"] == "HINT-two"
    third = _check(attempt, quiz, "Pooling")
    assert third.locked and third.fraction == D("0.5")
    attempt = services.attempt_submit(attempt=attempt, now=NOW)
    assert attempt.marks == D("0.5")
    services.question_upsert_from_data(data=_second_right())
    question = _question(quiz)
    (row,) = services.regrade_preview(question=question, quiz=quiz).rows
    assert row.mark_after == D("0.75")
    services.regrade_apply(question=question, quiz=quiz, by=instructor, reason="fix")
    attempt.refresh_from_db()
    assert attempt.marks == D("0.75")
    _assert_score_is_sum(attempt)
    assert services.regrade_apply(question=question, quiz=quiz, by=instructor, reason="x") is None


def test_interactive_regrade_where_the_right_try_is_now_partly_right(student, instructor):
    """The locked try was right under version 1; under version 2 it is half right and it was
    the last try allowed, so it ends the question with one penalty."""
    quiz = _quiz(Behaviour.INTERACTIVE, max_tries=2)
    attempt = services.attempt_start(quiz=quiz, user=student, now=NOW)
    _check(attempt, quiz, "Dropout")
    _check(attempt, quiz, "Pooling")
    attempt = services.attempt_submit(attempt=attempt, now=NOW)
    assert attempt.marks == D("0.75")
    data = _data()
    data["choices"][0]["fraction"] = 50  # Pooling now half right, Embedding right
    data["choices"][2]["fraction"] = 100
    services.question_upsert_from_data(data=data)
    services.regrade_apply(question=_question(quiz), quiz=quiz, by=instructor, reason="half")
    attempt.refresh_from_db()
    assert attempt.marks == D("0.25")  # 0.5 - 1 penalty
    _assert_score_is_sum(attempt)


# --- rows from before the history ----------------------------------------------------------------
def test_a_row_without_history_regrades_as_before(student, instructor):
    quiz = _quiz(Behaviour.ADAPTIVE)
    attempt, _ = _three_checks(quiz, student)
    AttemptQuestion.objects.filter(attempt=attempt).update(try_history=[])
    record = services.attempt_regrade(attempt=attempt, by=instructor, reason="legacy")
    # Its final (right) response is its only try, after two earlier ones: 1 - 2 penalties.
    assert record.marks_after == D("0.5")
    services.question_upsert_from_data(data=_second_right())
    (row,) = services.regrade_preview(question=_question(quiz), quiz=quiz).rows
    assert row.mark_after == D("0.5")  # the earlier tries are not known, so not replayed


# --- what the student sees -----------------------------------------------------------------------
def test_the_tries_show_only_in_the_students_own_review(student, student_client, other_client):
    quiz = _quiz(Behaviour.ADAPTIVE)
    attempt, _ = _three_checks(quiz, student)
    url = reverse("quizzes-api:attempt-detail", args=[attempt.pk])
    body = student_client.get(url).json()
    (item,) = body["items"]
    assert item["try_responses"] == ["Embedding", "Dropout", "Pooling"]
    assert "try_history" not in str(body)
    page = student_client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    assert "Your tries" in page and "Embedding" in page
    assert other_client.get(url).status_code == 404
    assert other_client.get(reverse("quizzes:result", args=[attempt.pk])).status_code == 404
    Quiz.objects.filter(pk=quiz.pk).update(review_attempt=0)
    body = student_client.get(url).json()
    assert body["items"] == [] and "try_responses" not in str(body)
    page = student_client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    assert "Your tries" not in page and "Embedding" not in page


def test_an_open_question_sends_no_tries(student, student_client):
    quiz = _quiz(Behaviour.ADAPTIVE)
    attempt = services.attempt_start(quiz=quiz, user=student, now=NOW)
    _check(attempt, quiz, "Dropout")
    url = reverse("quizzes-api:attempt-check", args=[attempt.pk])
    item = _item(attempt)
    token_body = student_client.get(reverse("quizzes-api:attempt-detail", args=[attempt.pk]))
    (shown,) = token_body.json()["items"]
    assert "try_responses" not in shown and "result" not in shown
    refused = student_client.post(
        url, {"question_id": item.question_id, "response": "no-such-token"}, "application/json"
    )
    assert refused.status_code == 400
    assert len(_item(attempt).try_history) == 1  # a refused check is no try


def test_checks_stop_at_the_limit_of_tries(student, student_client, monkeypatch):
    monkeypatch.setattr(tries, "MAX_TRIES", 3)
    quiz = _quiz(Behaviour.ADAPTIVE)
    attempt = services.attempt_start(quiz=quiz, user=student, now=NOW)
    for _ in range(3):
        _check(attempt, quiz, "Dropout")
    url = reverse("quizzes-api:attempt-check", args=[attempt.pk])
    item = _item(attempt)
    response = as_sent(item, _choice(quiz, "Pooling"))
    refused = student_client.post(
        url, {"question_id": item.question_id, "response": response}, "application/json"
    )
    assert refused.status_code == 409 and "submit" in refused.json()["detail"]
    item = _item(attempt)
    assert item.tries == len(item.try_history) == 3 and not item.locked
    assert item.response == _choice(quiz, "Dropout")  # the refused answer was not saved either


# --- concurrency ---------------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_concurrent_checks_leave_one_consistent_try_list(student):
    quiz = _quiz(Behaviour.ADAPTIVE, q={"penalty": "0.05"})
    attempt = services.attempt_start(quiz=quiz, user=student, now=NOW)
    question = _question(quiz)
    texts = ["Embedding", "Dropout"] * 9 + ["Pooling", "Dropout"]
    ids = [question.choices.get(text=t).pk for t in texts]
    right = question.choices.get(text="Pooling").pk
    barrier = threading.Barrier(len(ids))
    done: list[int] = []
    refused: list[str] = []
    lock = threading.Lock()

    def check(choice: int) -> None:
        try:
            barrier.wait()
            services.attempt_check_answer(
                attempt=attempt, question_id=question.pk, response=choice, now=timezone.now()
            )
            with lock:
                done.append(choice)
        except AttemptError as exc:
            with lock:
                refused.append(exc.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=check, args=(choice,)) for choice in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    item = _item(attempt)
    history = [entry["response"] for entry in item.try_history]
    assert len(done) + len(refused) == len(ids)
    assert set(refused) <= {"locked"}
    assert item.tries == len(history) == len(done)
    assert Counter(history) == Counter(done)  # each check's own answer, kept once
    assert history[-1] == right and history.count(right) == 1  # the right try locked it
    assert item.locked
    expected = (D(1) - D("0.05") * (len(history) - 1)).quantize(D("0.0000001"))
    assert item.fraction == max(D(0), expected) and item.mark == item.fraction
    attempt = services.attempt_submit(attempt=attempt, now=timezone.now())
    assert attempt.marks == item.mark
    _assert_score_is_sum(attempt)
