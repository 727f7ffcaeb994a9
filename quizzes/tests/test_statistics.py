"""Item analysis: Moodle's golden figures, from a marks matrix and from the database."""

from __future__ import annotations

import csv
import math
import statistics as pystats
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from quizzes import services
from quizzes.models import Attempt, AttemptQuestion, AttemptState, Quiz, QuizSlot
from quizzes.statistics import as_row, histogram, matrix_statistics, quiz_statistics

from .factories import make_question, make_quiz
from .moodle_fixtures import MOODLE

COLUMNS = [
    "facility",
    "sd",
    "effectiveweight",
    "covariance",
    "markvariance",
    "othermarkvariance",
    "discriminationindex",
    "covariancemax",
    "discriminativeefficiency",
]


def _marks(decimals: int | None = None) -> list[list[float]]:
    with open(MOODLE / "statistics_results00.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    marks = [[float(r[f"slots.{i}.mark"]) for i in range(1, 8)] for r in rows]
    return [[round(v, decimals) for v in row] for row in marks] if decimals else marks


def _expected() -> list[dict[str, float]]:
    with open(MOODLE / "statistics_qstats00.csv", newline="") as fh:
        return [{k: float(r[k]) for k in COLUMNS} for r in csv.DictReader(fh)]


def _sig(value: float, digits: int = 6) -> str:
    return f"{value:.{digits}g}"


def _assert_matches_moodle(questions, digits: int = 6) -> None:
    assert len(questions) == 7
    for stats, expected in zip(questions, _expected(), strict=True):
        row = as_row(stats)
        for column in COLUMNS:
            assert _sig(row[column], digits) == _sig(expected[column], digits), (stats.key, column)


def test_golden_figures_from_the_marks_matrix():
    result = matrix_statistics(_marks())
    _assert_matches_moodle(result.questions)


def test_quiz_level_figures_and_alpha():
    marks = _marks()
    result = matrix_statistics(marks)
    scores = [100 * sum(row) / 7 for row in marks]
    assert result.n == 25
    assert result.mean == pytest.approx(pystats.fmean(scores))
    assert result.median == pytest.approx(pystats.median(scores))
    assert result.sd == pytest.approx(pystats.stdev(scores))
    item_vars = [pystats.variance(col) for col in zip(*marks, strict=True)]
    total_var = pystats.variance([sum(row) for row in marks])
    assert result.alpha == pytest.approx(100 * 7 / 6 * (1 - sum(item_vars) / total_var))
    # These questions anti-correlate with the rest, so the test is inconsistent: alpha < 0.
    assert result.alpha < 0
    assert sum(count for _, _, count in result.histogram) == 25


def test_poor_discrimination_flag():
    questions = matrix_statistics(_marks()).questions
    assert all(q.poor_discrimination for q in questions)  # every index here is negative
    assert "weaker students" in questions[0].flag_reason
    good = matrix_statistics([[1, 1], [1, 1], [0, 0], [0, 0]]).questions[0]
    assert good.discrimination_index == pytest.approx(100) and not good.poor_discrimination
    flat = matrix_statistics([[1, 0], [1, 1], [1, 0]]).questions[0]
    assert flat.discrimination_index is None and flat.poor_discrimination
    assert flat.flag_reason == "every attempt scored the same on it"
    alone = matrix_statistics([[1, 0], [0, 0], [1, 0]]).questions[0]
    assert alone.poor_discrimination and "rest of the quiz" in alone.flag_reason


def test_histogram_bins_and_the_top_edge():
    bins = histogram([0, 9.99, 10, 55, 100])
    assert [c for _, _, c in bins] == [2, 1, 0, 0, 0, 1, 0, 0, 0, 1]


def test_degenerate_inputs_give_none_not_errors():
    one = matrix_statistics([[1, 0]])
    assert one.sd is None and one.alpha is None and one.questions[0].sd is None
    empty = matrix_statistics([])
    assert empty.n == 0 and empty.mean is None and empty.questions == []


def _golden_quiz(student) -> Quiz:
    """The Moodle attempts as rows (marks keep 7 decimals, as the mark column does)."""
    quiz = make_quiz([])
    questions = [make_question("truefalse", name=f"Q{i}") for i in range(1, 8)]
    for order, q in enumerate(questions):
        QuizSlot.objects.create(quiz=quiz, question=q, order=order)
    now = timezone.now()
    for number, row in enumerate(_marks(7), 1):
        total = sum(Decimal(str(v)) for v in row)
        attempt = Attempt.objects.create(
            user=student,
            quiz=quiz,
            number=number,
            started_at=now,
            state=AttemptState.FINISHED,
            marks=total,
            max_marks=7,
            score=(total * 100 / 7).quantize(Decimal("0.001")),
        )
        AttemptQuestion.objects.bulk_create(
            AttemptQuestion(attempt=attempt, question=q, order=i, max_mark=1, mark=Decimal(str(v)))
            for i, (q, v) in enumerate(zip(questions, row, strict=True))
        )
    return quiz


@pytest.mark.django_db
def test_golden_figures_from_the_database(student):
    quiz = _golden_quiz(student)
    with CaptureQueriesContext(connection) as queries:
        result = quiz_statistics(quiz=quiz)
    assert len(queries) <= 8  # aggregates, not a query (or a row) per attempt
    # The mark column keeps 7 decimals (Moodle's 0.3333333 exactly), so the database path meets
    # Moodle's figures to the same 6 digits; the sums are exact (rel=1e-9 against the matrix).
    _assert_matches_moodle(result.questions, digits=6)
    exact = matrix_statistics(_marks(7))
    for db, py in zip(result.questions, exact.questions, strict=True):
        for column in COLUMNS:
            assert as_row(db)[column] == pytest.approx(as_row(py)[column], rel=1e-9)
    assert result.alpha == pytest.approx(exact.alpha, rel=1e-9)
    assert result.mean == pytest.approx(exact.mean, abs=1e-3)
    assert result.median == pytest.approx(exact.median, abs=1e-3)
    assert [c for *_, c in result.histogram] == [c for *_, c in exact.histogram]
    assert [q.label for q in result.questions] == [f"Q{i}" for i in range(1, 8)]


@pytest.mark.django_db
def test_answer_frequencies_and_unfinished_attempts_are_left_out(student, other_student):
    quiz = make_quiz(["single"])
    question = quiz.slots.get().question
    pooling, dropout, _ = question.choices.all()
    now = timezone.now()
    for user, choice in ((student, pooling), (other_student, dropout)):
        attempt = services.attempt_start(quiz=quiz, user=user, now=now)
        services.attempt_save_answer(
            attempt=attempt, question_id=question.pk, response=choice.pk, now=now
        )
        services.attempt_submit(attempt=attempt, now=now)
    services.attempt_start(quiz=quiz, user=student, now=now)  # in progress: not counted
    result = quiz_statistics(quiz=quiz)
    assert result.n == 2 and result.mean == pytest.approx(50)
    (stats,) = result.questions
    assert stats.frequencies == [("Pooling", 1), ("Dropout", 1), ("Embedding", 0)]
    assert stats.facility == pytest.approx(0.5)


@pytest.mark.django_db
def test_quiz_without_attempts():
    result = quiz_statistics(quiz=make_quiz(["single"]))
    assert result.n == 0 and result.mean is None and result.questions == []
    assert math.fsum(c for *_, c in result.histogram) == 0
