"""Statistics computed once per change: the stored result, its freshness, the debounced recompute."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import _make_user, module_rows
from quizzes import services
from quizzes.models import Quiz, QuizStatistics
from quizzes.statistics import paired_sorted_sum
from quizzes.statistics import stored as stored_module
from quizzes.statistics.stored import statistics_changed, statistics_for_page
from quizzes.tasks import refresh_statistics

from .factories import make_quiz

NOW = timezone.now()
User = get_user_model()


def test_paired_sorted_sum_is_the_rank_pairing():
    rng = random.Random(7)
    for _ in range(50):
        n = rng.randint(1, 60)
        xs = [Decimal(rng.randint(0, 4)) / 4 for _ in range(n)]
        os_ = [Decimal(rng.randint(0, 30)) / 8 for _ in range(n)]
        expected = sum(a * b for a, b in zip(sorted(xs), sorted(os_), strict=True))

        def runs(values):
            return [(v, values.count(v)) for v in sorted(set(values))]

        assert paired_sorted_sum(runs(xs), runs(os_)) == expected  # exact, in Decimals
    assert paired_sorted_sum([], []) == 0


@pytest.fixture(scope="module")
def quiz_rows(request, django_db_setup, django_db_blocker):
    """A one-question quiz, Alice's right and Bob's wrong attempt: written once for the module
    (each test's own writes rolled back, conftest.module_rows)."""
    yield from module_rows(request, django_db_blocker, _quiz_rows)


def _quiz_rows() -> dict:
    student, other_student = _make_user("alice"), _make_user("bob")
    quiz = make_quiz(["single"])
    question = quiz.slots.get().question
    right, wrong, _ = question.choices.all()
    for user, choice in ((student, right), (other_student, wrong)):
        _submit(quiz, user, choice.pk)
    return {"quiz": quiz.pk, "student": student.pk}


@pytest.fixture
def student(quiz_rows, db):
    """Alice of the module's rows (instead of the shared fixture's, made per test)."""
    return User.objects.get(pk=quiz_rows["student"])


@pytest.fixture
def quiz(quiz_rows, db):
    return Quiz.objects.get(pk=quiz_rows["quiz"])  # a fresh instance a test


def _submit(quiz, user, choice_pk):
    question = quiz.slots.get().question
    attempt = services.attempt_start(quiz=quiz, user=user, now=NOW)
    services.attempt_save_answer(
        attempt=attempt, question_id=question.pk, response=choice_pk, now=NOW
    )
    return services.attempt_submit(attempt=attempt, now=NOW)


def _reads_attempts(queries) -> bool:
    return any("quizzes_attemptquestion" in q["sql"] for q in queries.captured_queries)


@pytest.fixture
def sent(monkeypatch):
    """The recomputes queued (the broker call), instead of a worker."""
    calls: list[int] = []
    from dlplatform.celery import app

    def send_task(name, args, countdown):
        assert name == "quizzes.tasks.refresh_statistics"
        calls.append(args[0])

    monkeypatch.setattr(app, "send_task", send_task)
    return calls


@pytest.mark.django_db
def test_a_fresh_result_is_served_without_reading_attempts(quiz, instructor_client, sent):
    first = instructor_client.get(reverse("quizzes:report", args=[quiz.pk]))
    assert 'data-figure="n">2<' in first.content.decode()  # small: computed in the request
    with CaptureQueriesContext(connection) as queries:
        again = instructor_client.get(reverse("quizzes:report", args=[quiz.pk]))
    assert not _reads_attempts(queries)
    html = again.content.decode()
    assert "from 2 attempts (up to date)" in html and "Recompute now" not in html
    assert sent == []


@pytest.mark.django_db
def test_graded_attempts_queue_one_recompute(
    quiz, student, django_capture_on_commit_callbacks, sent
):
    statistics_for_page(quiz_id=quiz.pk, first_only=False)
    right = quiz.slots.get().question.choices.first()
    with django_capture_on_commit_callbacks(execute=True):
        _submit(quiz, student, right.pk)
    with django_capture_on_commit_callbacks(execute=True):
        _submit(quiz, student, right.pk)
    row = QuizStatistics.objects.get(quiz=quiz)
    assert row.changes == 2 and row.queued_at is not None
    assert sent == [quiz.pk]  # the second change found one already waiting
    stale = stored_module.statistics_stored(quiz_id=quiz.pk, first_only=False)
    assert stale is not None and not stale.fresh and stale.stats.n == 2

    refresh_statistics(quiz.pk)  # what the worker runs
    row.refresh_from_db()
    assert row.queued_at is None and set(row.results) == {"all", "first"}
    fresh = stored_module.statistics_stored(quiz_id=quiz.pk, first_only=False)
    assert fresh.fresh and fresh.stats.n == 4
    assert stored_module.statistics_stored(quiz_id=quiz.pk, first_only=True).stats.n == 2
    with django_capture_on_commit_callbacks(execute=True):
        _submit(quiz, student, right.pk)
    assert sent == [quiz.pk, quiz.pk]  # cleared by the run, so the next change queues again


@pytest.mark.django_db
def test_an_expensive_stale_result_is_served_until_recomputed(
    quiz, student, instructor_client, monkeypatch, sent
):
    url = reverse("quizzes:report", args=[quiz.pk])
    instructor_client.get(url)
    monkeypatch.setattr(stored_module, "INLINE_S", 0.0)  # as if it took long: not in the request
    _submit(quiz, student, quiz.slots.get().question.choices.first().pk)
    statistics_changed(quiz_id=quiz.pk)  # the signal's on-commit call
    with CaptureQueriesContext(connection) as queries:
        html = instructor_client.get(url).content.decode()
    assert not _reads_attempts(queries)
    assert 'data-figure="n">2<' in html and "newer attempts have been graded" in html
    assert "a recompute is queued" in html and "Recompute now" in html
    response = instructor_client.post(reverse("quizzes:report-recompute", args=[quiz.pk]))
    assert response.status_code == 302 and response["Location"] == url
    html = instructor_client.get(url).content.decode()
    assert 'data-figure="n">3<' in html and "(up to date)" in html


@pytest.mark.django_db
def test_a_large_quiz_without_a_result_asks_the_worker(quiz, instructor_client, monkeypatch, sent):
    monkeypatch.setattr(stored_module, "INLINE_MAX_ATTEMPTS", 1)
    html = instructor_client.get(reverse("quizzes:report", args=[quiz.pk])).content.decode()
    assert "being computed for the first time" in html and "data-figure" not in html
    assert sent == [quiz.pk]
    instructor_client.get(reverse("quizzes:report", args=[quiz.pk]))
    assert sent == [quiz.pk]  # one waiting recompute, however many views


@pytest.mark.django_db
def test_a_broker_outage_leaves_the_next_change_to_queue_again(quiz, monkeypatch):
    from dlplatform.celery import app

    def down(name, args, countdown):
        raise ConnectionError("broker down")

    monkeypatch.setattr(app, "send_task", down)
    assert statistics_changed(quiz_id=quiz.pk)
    assert QuizStatistics.objects.get(quiz=quiz).queued_at is None


def test_the_stored_form_keeps_every_figure():
    from quizzes.statistics import matrix_statistics
    from quizzes.statistics.formulas import from_dict, to_dict

    result = matrix_statistics([[1, 0, 0.5], [0, 1, 1], [1, 1, 0], [0, 0, 0.5]])
    result.questions[0].frequencies = [("Pooling", 3), ("(no answer)", 1)]
    assert from_dict(to_dict(result)) == result
    result.questions[1].discrimination_index = float("nan")
    assert to_dict(result)["questions"][1]["discrimination_index"] is None


@pytest.mark.django_db
def test_deleting_a_quiz_with_graded_attempts(quiz, django_capture_on_commit_callbacks, sent):
    with django_capture_on_commit_callbacks(execute=True):
        quiz.delete()  # its attempts go with it, each counting a change of a quiz now gone
    assert not QuizStatistics.objects.exists() and sent == []
