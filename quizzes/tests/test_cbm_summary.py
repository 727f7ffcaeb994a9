"""Certainty-based marking's summary, as Moodle's qbehaviour_deferredcbm computes it: average
CBM mark, accuracy, CBM bonus and the break-down by certainty. Every expected figure below is
worked out by hand from Moodle's formulas (written in the comments), not from our code:

    weight    = Σ max mark of the counted questions (the unanswered too)
    accuracy  = Σ max mark × raw fraction / weight        (certainty left out)
    average   = Σ CBM mark / weight                        (C1: 1 or 0, C2: 2 or -2, C3: 3 or -6)
    expected  = max over C of accuracy × right(C) + (1 - accuracy) × wrong(C)
    bonus     = 0.1 × (average - expected)
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import _make_user, module_rows
from quizzes import services
from quizzes.behaviours import (
    CbmTally,
    cbm_bonus,
    cbm_fraction,
    cbm_judgement,
    cbm_raw_fraction,
    cbm_summary,
    cbm_tally,
)
from quizzes.models import Attempt, AttemptState, Behaviour, Quiz
from quizzes.statistics import quiz_statistics
from quizzes.statistics.formulas import from_dict, to_dict
from quizzes.statistics.queries import cbm_by_attempt

from .factories import make_quiz, right_response

D = Decimal
NOW = timezone.now()
User = get_user_model()


def _row(certainty, max_mark, raw, answered=True):
    fraction = cbm_fraction(D(raw), certainty) if answered else D(0)
    return (certainty, D(max_mark), fraction, fraction * D(max_mark), answered)


def test_golden_summary_of_one_attempt():
    """Q1 right C3 (3), Q2 right C3 (3), Q3 wrong C1 (0), Q4 worth 2 half right at C2
    (2 × 2 × 0.5 = 2), Q5 unanswered; a question worth 0 is left out (Moodle: max mark < 5e-7).
    weight 6, raw 1 + 1 + 0 + 1 = 3, CBM 8: accuracy 0.5, average 4/3,
    expected max(0.5, 0, -1.5) = 0.5, bonus 0.1 × (4/3 - 0.5) = 1/12.
    Answered only: weight 5, accuracy 0.6, average 1.6, expected max(0.6, 0.4, -0.6) = 0.6,
    bonus 0.1. C1: 1 answer, 0 right, 0% (in 0-67%: ok). C2: 1 answer, 1 right, raw 1 of 2 =
    50%, below 67% by 0.17, (0.17)² × 1 < 0.5: slightly overconfident. C3: 2 of 2, 100%: ok."""
    levels, unanswered = cbm_tally(
        [
            _row(3, 1, 1),
            _row(3, 1, 1),
            _row(1, 1, 0),
            _row(2, 2, "0.5"),
            _row(None, 1, 0, answered=False),
            _row(3, 0, 1),
        ]
    )
    summary = cbm_summary(levels=levels, unanswered=unanswered)
    assert summary is not None
    overall = summary.overall
    assert overall.questions == 5 and summary.not_answered == 1
    assert overall.accuracy == pytest.approx(0.5)
    assert overall.average == pytest.approx(4 / 3)
    assert overall.bonus == pytest.approx(1 / 12)
    assert overall.accuracy_and_bonus == pytest.approx(0.5 + 1 / 12)
    answered = summary.answered
    assert answered is not None and answered.questions == 4
    assert (answered.accuracy, answered.average) == (pytest.approx(0.6), pytest.approx(1.6))
    assert answered.bonus == pytest.approx(0.1)
    rows = {level.level: level for level in summary.levels}
    assert (rows[1].count, rows[1].right, rows[1].accuracy) == (1, 0, 0.0)
    assert rows[1].judgement == "judgement ok"
    assert (rows[2].count, rows[2].right, rows[2].accuracy) == (1, 1, 0.5)
    assert rows[2].judgement == "slightly overconfident"
    assert (rows[3].count, rows[3].right, rows[3].accuracy) == (2, 2, 1.0)
    assert rows[3].judgement == "judgement ok"


def test_moodles_bonus_and_its_crossing_points():
    # accuracy 0.9: max(0.9, 1.8 - 0.2, 2.7 - 0.6) = 2.1; average 2.5 -> 0.1 × 0.4 = 0.04
    assert cbm_bonus(2.5, 0.9) == pytest.approx(0.04)
    # A student who always says C1 gets exactly what accuracy expects below 2/3: no bonus.
    assert cbm_bonus(0.5, 0.5) == pytest.approx(0)
    # At 2/3 C1 and C2 expect the same (2/3); at 0.8 C2 and C3 do (1.2): the ranges' ends.
    assert cbm_bonus(2 / 3, 2 / 3) == pytest.approx(0)
    assert cbm_bonus(1.2, 0.8) == pytest.approx(0)
    # All wrong and sure: average -6, accuracy 0: 0.1 × (-6 - 0) = -0.6
    assert cbm_bonus(-6, 0) == pytest.approx(-0.6)


def test_judgement_follows_moodles_rough_significance():
    # C3 right 70% of 10 answers: (0.7 - 0.8)² × 10 = 0.1 -> slightly; of 100 -> 1.0 -> over.
    assert cbm_judgement(3, 0.7, 10) == "slightly overconfident"
    assert cbm_judgement(3, 0.7, 100) == "overconfident"
    # C1 right 90% of 20: (0.9 - 2/3)² × 20 = 1.09 -> underconfident.
    assert cbm_judgement(1, 0.9, 20) == "underconfident"
    assert cbm_judgement(2, 0.75, 3) == "judgement ok"


def test_the_raw_fraction_undoes_certainty():
    assert cbm_raw_fraction(D("-6"), 3) == 0 and cbm_raw_fraction(D("-2"), 2) == 0
    assert cbm_raw_fraction(D("1.5"), 3) == D("0.5") and cbm_raw_fraction(D("1"), None) == 1
    for raw in (D("0.25"), D("1")):
        for certainty in (1, 2, 3):
            assert cbm_raw_fraction(cbm_fraction(raw, certainty), certainty) == raw


def test_nothing_counted_is_no_summary():
    assert cbm_summary(levels={}, unanswered=CbmTally()) is None


# --- through the services, the database and the pages ---------------------------------------
@pytest.fixture(scope="module")
def cbm_rows(request, django_db_setup, django_db_blocker):
    """The quiz and Alice's and Bob's graded attempts, written once for the module (each test's
    own writes rolled back, conftest.module_rows)."""
    yield from module_rows(request, django_db_blocker, _cbm_rows)


@pytest.fixture
def student(cbm_rows, db):
    """Alice of the module's rows (instead of the shared fixture's, made per test)."""
    return User.objects.get(pk=cbm_rows["alice"])


@pytest.fixture
def other_student(cbm_rows, db):
    return User.objects.get(pk=cbm_rows["bob"])


@pytest.fixture
def cbm_quiz(cbm_rows, db):
    return Quiz.objects.get(pk=cbm_rows["quiz"])  # a fresh instance a test


def _cbm_rows() -> dict:
    """Alice: Q1 right at C3, Q2 wrong at C1, Q3 unanswered, her essay answered (not counted:
    hand marked), a description (not counted). Bob: Q1-Q3 right at C3.
    Alice: weight 3, raw 1, CBM 3 + 0 = 3: accuracy 1/3, average 1, expected max(1/3, -2/3,
    -3) = 1/3, bonus 0.1 × 2/3 = 1/15. Answered only: weight 2, accuracy 0.5, average 1.5,
    expected 0.5, bonus 0.1.
    Pooled: weight 6, raw 4, CBM 12: accuracy 2/3, average 2, expected 2/3, bonus 2/15.
    Answered only: weight 5, accuracy 0.8, average 2.4, expected 1.2, bonus 0.12."""
    student, other_student = _make_user("alice"), _make_user("bob")
    quiz = make_quiz(
        ["single", "single", "truefalse", "essay", "description"], behaviour=Behaviour.CBM
    )
    q1, q2, q3, essay, _ = [s.question for s in quiz.slots.order_by("order")]
    wrong = q2.choices.filter(fraction=0).first().pk
    plans = {
        student: [(q1, right_response(q1), 3), (q2, wrong, 1), (essay, right_response(essay), 3)],
        other_student: [(q, right_response(q), 3) for q in (q1, q2, q3)],
    }
    for user, answers in plans.items():
        attempt = services.attempt_start(quiz=quiz, user=user, now=NOW)
        for question, response, certainty in answers:
            services.attempt_save_answer(
                attempt=attempt, question_id=question.pk, response=response, now=NOW
            )
            services.attempt_set_certainty(
                attempt=attempt, question_id=question.pk, certainty=certainty, now=NOW
            )
        services.attempt_submit(attempt=attempt, now=NOW)
    return {"quiz": quiz.pk, "alice": student.pk, "bob": other_student.pk}


def _alice(quiz) -> Attempt:
    return quiz.attempts.get(user__username="alice")


@pytest.mark.django_db
def test_the_database_pools_and_splits_as_moodle(cbm_quiz):
    with CaptureQueriesContext(connection) as queries:
        result = quiz_statistics(quiz=cbm_quiz)
    assert len(queries) <= 9  # the statistics' 8 and one grouped CBM query
    cbm = from_dict(to_dict(result)).cbm  # as stored and served
    assert cbm is not None
    assert cbm.overall.questions == 6 and cbm.not_answered == 1
    assert cbm.overall.accuracy == pytest.approx(2 / 3)
    assert cbm.overall.average == pytest.approx(2)
    assert cbm.overall.bonus == pytest.approx(2 / 15)
    assert cbm.answered is not None
    assert (cbm.answered.accuracy, cbm.answered.average) == (pytest.approx(0.8), pytest.approx(2.4))
    assert cbm.answered.bonus == pytest.approx(0.12)
    levels = {row.level: (row.count, row.right) for row in cbm.levels}
    assert levels == {1: (1, 0), 2: (0, 0), 3: (4, 4)}
    alice, bob = _alice(cbm_quiz), cbm_quiz.attempts.get(user__username="bob")
    with CaptureQueriesContext(connection) as queries:
        each = cbm_by_attempt([alice.pk, bob.pk])
    assert len(queries) == 1
    mine = each[alice.pk]
    assert mine is not None
    assert (mine.overall.accuracy, mine.overall.average) == (pytest.approx(1 / 3), pytest.approx(1))
    assert mine.overall.bonus == pytest.approx(1 / 15)


@pytest.mark.django_db
def test_a_quiz_without_cbm_has_no_summary(student):
    quiz = make_quiz(["single"])
    attempt = services.attempt_start(quiz=quiz, user=student, now=NOW)
    services.attempt_submit(attempt=attempt, now=NOW)
    assert quiz_statistics(quiz=quiz).cbm is None


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.mark.django_db
def test_reports_show_the_summary_overall_and_per_attempt(cbm_quiz, instructor_client):
    html = instructor_client.get(reverse("quizzes:report", args=[cbm_quiz.pk])).content.decode()
    assert 'data-figure="cbm-average">2.00<' in html
    assert 'data-figure="cbm-accuracy">66.7%<' in html and 'data-figure="cbm-bonus">13.3%<' in html
    assert '<tr data-level="3"><th scope="row">C3</th><td>4</td><td>4</td>' in html
    rows = _csv(instructor_client.get(reverse("quizzes:report-results-csv", args=[cbm_quiz.pk])))
    header, alice, bob = rows
    assert header[-4:] == ["average cbm mark", "accuracy", "cbm bonus", "accuracy + bonus"]
    assert [float(v) for v in alice[-4:]] == pytest.approx([1, 1 / 3, 1 / 15, 1 / 3 + 1 / 15])
    # Bob: all right at C3: accuracy 1, average 3, expected 3: no bonus.
    assert [float(v) for v in bob[-4:]] == pytest.approx([3, 1, 0, 1])
    stats = _csv(
        instructor_client.get(reverse("quizzes:report-statistics-csv", args=[cbm_quiz.pk]))
    )
    at = stats.index(["certainty-based marking", "questions", *header[-4:]])
    assert stats[at + 1][:2] == ["all", "6"] and float(stats[at + 1][4]) == pytest.approx(2 / 15)
    page = instructor_client.get(reverse("quizzes:report-responses", args=[cbm_quiz.pk]))
    text = page.content.decode()
    assert "<td>1.00</td><td>33.3%</td><td>6.7%</td><td>40.0%</td>" in text


@pytest.mark.django_db
def test_the_student_sees_their_own_summary_with_the_marks(cbm_quiz, student_client, other_client):
    alice = _alice(cbm_quiz)
    url = reverse("quizzes:result", args=[alice.pk])
    html = student_client.get(url).content.decode()
    assert "Certainty-based marking: your attempt" in html
    assert 'data-figure="cbm-average">1.00<' in html and 'data-figure="cbm-bonus">6.7%<' in html
    assert '<tr data-cbm="answered">' in html  # Q3 was left unanswered
    assert other_client.get(url).status_code == 404  # only their own
    cbm_quiz.review_marks = 0
    cbm_quiz.save()
    hidden = student_client.get(url).content.decode()
    assert "Certainty-based marking" not in hidden and "cbm-average" not in hidden


@pytest.mark.django_db
def test_an_unsubmitted_attempt_shows_no_summary(cbm_quiz, student):
    from quizzes.presenters import present_results
    from quizzes.selectors import attempt_items_for_display

    attempt = services.attempt_start(quiz=cbm_quiz, user=student, now=NOW)
    assert attempt.state == AttemptState.IN_PROGRESS
    data = present_results(attempt, attempt_items_for_display(attempt=attempt), now=NOW)
    assert "cbm" not in data
