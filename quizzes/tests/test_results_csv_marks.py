"""results.csv prints marks as the pages do: a zero mark read back from the 7-decimal column
is Decimal("0E-7"), which the CSV used to print raw."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from quizzes import services
from quizzes.marks import format_mark, format_score

from .factories import make_quiz

pytestmark = pytest.mark.django_db


def _finish(quiz, user, text: str) -> None:
    now = timezone.now()
    attempt = services.attempt_start(quiz=quiz, user=user, now=now)
    question_id = attempt.items.get().question_id
    services.attempt_save_answer(attempt=attempt, question_id=question_id, response=text, now=now)
    services.attempt_submit(attempt=attempt, now=now)


def test_zero_and_partial_marks_print_like_the_pages(student, other_student, instructor_client):
    quiz = make_quiz(["short"])
    _finish(quiz, student, "rectifier")  # the 80% wildcard answer
    _finish(quiz, other_student, "no idea")
    response = instructor_client.get(reverse("quizzes:report-results-csv", args=[quiz.pk]))
    _, alice, bob = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert bob[3:] == ["0", "1", "0.0", "0"], bob
    assert alice[3:] == ["0.80", "1", "80.0", "0.80"], alice
    assert not any("E-" in cell for cell in alice + bob)


@pytest.mark.parametrize(
    ("value", "mark", "score"),
    [(Decimal("0E-7"), "0", "0.0"), (Decimal("2.3333333"), "2.33", "2.3"), (None, "", "")],
)
def test_one_formatting_for_pages_and_csv(value, mark, score):
    assert format_mark(value) == mark and format_score(value) == score
    if value is not None:  # what the result page's template does
        page = Template('{{ v|floatformat:"-2" }}').render(Context({"v": value}))
        assert page == mark
