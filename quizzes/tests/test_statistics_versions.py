"""Statistics per question version: the breakdown rows, the "only attempts that saw version N"
filter, on the report page and in its CSV, at a flat number of queries."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import _make_user, module_rows
from quizzes import services
from quizzes.models import AttemptQuestion, Quiz, QuizStatistics
from quizzes.statistics import as_row, matrix_statistics, quiz_statistics
from quizzes.statistics.formulas import matrix_moments, merge_runs, question_stats
from quizzes.statistics.queries import VersionPick
from quizzes.statistics.stored import statistics_refresh_all

from .test_statistics import COLUMNS, _assert_matches_moodle, _golden_quiz, _marks

pytestmark = pytest.mark.django_db
SPLIT = 12  # Moodle's attempts 1..12 saw version 1 of Q3, attempts 13..25 version 2
SLOT = 2  # Q3
User = get_user_model()


@pytest.fixture(scope="module")
def golden_rows(request, django_db_setup, django_db_blocker):
    """Moodle's 25 attempts; Q3 was edited after the 12th, so its items are at two versions.
    Written once for the module (each test's own writes rolled back, conftest.module_rows)."""
    yield from module_rows(request, django_db_blocker, _golden_rows)


@pytest.fixture
def student(golden_rows, db):
    """The student of the module's rows (instead of the shared fixture's, made per test)."""
    return User.objects.get(pk=golden_rows["student"])


@pytest.fixture
def golden(golden_rows, db):
    return Quiz.objects.get(pk=golden_rows["quiz"])  # a fresh instance a test


def _golden_rows() -> dict:
    student = _make_user("alice")
    quiz = _golden_quiz(student)
    question = quiz.slots.get(order=SLOT).question
    first = services.question_version_record(question=question)
    question.stem = "Reworded after the twelfth attempt"
    question.save()
    second = services.question_version_record(question=question)
    assert (first.number, second.number) == (1, 2)
    items = AttemptQuestion.objects.filter(question=question).order_by("attempt__number")
    ids = list(items.values_list("pk", flat=True))
    AttemptQuestion.objects.filter(pk__in=ids[:SPLIT]).update(version=first)
    AttemptQuestion.objects.filter(pk__in=ids[SPLIT:]).update(version=second)
    return {"quiz": quiz.pk, "student": student.pk}


def _close(a, b) -> bool:
    return (a is None and b is None) or a == pytest.approx(b, rel=1e-9, abs=1e-12)


def test_merged_runs_are_the_runs_of_the_union():
    assert merge_runs([[(0, 2), (1, 3)], [(0.5, 1), (1, 1)]]) == [(0, 2), (0.5, 1), (1, 4)]
    assert merge_runs([]) == []


@pytest.mark.parametrize("text", ["", "12", "a:1", "1:", ":2", "0:1", "1:0", "-1:2", "1:2:3"])
def test_a_malformed_filter_is_refused(text):
    with pytest.raises(ValueError):
        VersionPick.parse(text)


def test_versions_leave_moodles_figures_unchanged_and_break_down_exactly(golden):
    with CaptureQueriesContext(connection) as queries:
        result = quiz_statistics(quiz=golden)
    # The same grouped queries as without versions, and one small read of version numbers.
    assert len(queries) <= 9
    _assert_matches_moodle(result.questions, digits=6)  # the question's own row: all versions
    q3 = result.questions[SLOT]
    assert [v.version for v in q3.versions] == [1, 2]
    assert [v.n for v in q3.versions] == [SPLIT, 25 - SPLIT]
    # Each version's row is Moodle's formulas over the attempts that saw it (the matrix of
    # those rows): facility, sd, discrimination index and efficiency alike.
    marks = _marks(7)
    for version, rows in zip(q3.versions, (marks[:SPLIT], marks[SPLIT:]), strict=True):
        expected = question_stats(matrix_moments(rows, [1.0] * 7)[SLOT])
        for column in ("facility", "sd", "discriminationindex", "discriminativeefficiency"):
            assert _close(as_row(version)[column], as_row(expected)[column]), column
        assert version.label == "Q3" and version.effective_weight is None
    assert all(q.versions == [] for i, q in enumerate(result.questions) if i != SLOT)


def test_the_filter_analyses_only_the_attempts_that_saw_the_version(golden):
    question = golden.slots.get(order=SLOT).question
    with CaptureQueriesContext(connection) as queries:
        result = quiz_statistics(quiz=golden, version=VersionPick(question.pk, 2))
    assert len(queries) <= 9
    expected = matrix_statistics(_marks(7)[SPLIT:])
    assert result.n == 25 - SPLIT
    for db, py in zip(result.questions, expected.questions, strict=True):
        for column in COLUMNS:
            assert _close(as_row(db)[column], as_row(py)[column]), (db.key, column)
    assert result.alpha == pytest.approx(expected.alpha, rel=1e-9)
    assert result.questions[SLOT].versions == []  # one version left in these attempts


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_report_page_lists_versions_and_filters(golden, instructor_client):
    question = golden.slots.get(order=SLOT).question
    url = reverse("quizzes:report", args=[golden.pk])
    html = instructor_client.get(url).content.decode()
    assert 'data-figure="n">25<' in html
    assert html.count('class="version-row"') == 2
    assert f'href="?version={question.pk}:2">only these attempts</a>' in html
    page = instructor_client.get(url, {"version": f"{question.pk}:2"})
    html = page.content.decode()
    assert page.status_code == 200 and 'data-figure="n">13<' in html
    assert "Only attempts that saw version 2 of Q3" in html and 'href="?">All versions</a>' in html
    assert f"statistics.csv?version={question.pk}%3A2" in html  # the CSV of what is shown
    first = instructor_client.get(url, {"version": f"{question.pk}:1", "attempts": "first"})
    assert 'data-figure="n">1<' in first.content.decode()  # one student: attempt 1 saw v1


def test_statistics_csv_has_the_version_rows_and_the_filter(golden, instructor_client):
    question = golden.slots.get(order=SLOT).question
    url = reverse("quizzes:report-statistics-csv", args=[golden.pk])
    rows = _csv(instructor_client.get(url))
    at = rows.index(["slot", "question", "version", "attempts", "facility", "sd",
                     "discriminationindex", "discriminativeefficiency"])  # fmt: skip
    v1, v2 = rows[at + 1 : at + 3]
    assert v1[:4] == ["3", "Q3", "1", "12"] and v2[:4] == ["3", "Q3", "2", "13"]
    response = instructor_client.get(url, {"version": f"{question.pk}:1"})
    assert f"statistics-v{question.pk}-1.csv" in response["Content-Disposition"]
    rows = _csv(response)
    assert rows[1][2] == "12"  # Q1 over the 12 attempts that saw Q3 at version 1


def test_bad_filters_are_400_or_404_never_500(golden, instructor_client, student_client):
    question = golden.slots.get(order=SLOT).question
    for name in ("quizzes:report", "quizzes:report-statistics-csv"):
        url = reverse(name, args=[golden.pk])
        for bad in ("x", "1:y", "99999999999999999999:1", "1:9999999999", "1:2" * 20):
            response = instructor_client.get(url, {"version": bad})
            assert response.status_code == 400, (name, bad)
            assert b"version:" in response.content
        assert instructor_client.get(url, {"version": f"{question.pk}:9"}).status_code == 404
        other = golden.slots.get(order=0).question  # no recorded versions at all
        assert instructor_client.get(url, {"version": f"{other.pk}:1"}).status_code == 404
        assert student_client.get(url, {"version": f"{question.pk}:1"}).status_code == 403
    row = QuizStatistics.objects.filter(quiz=golden).first()
    assert row is None or [k for k in row.results if "@" in k] == []  # nothing stored


def test_recompute_keeps_the_filter_and_the_worker_refreshes_it(golden, instructor_client):
    question = golden.slots.get(order=SLOT).question
    url = reverse("quizzes:report-recompute", args=[golden.pk])
    response = instructor_client.post(f"{url}?version={question.pk}:2")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/report/?version={question.pk}%3A2")
    row = QuizStatistics.objects.get(quiz=golden)
    key = f"all@{question.pk}:2"
    assert row.results[key]["stats"]["n"] == 13
    row.results[key]["stats"]["n"] = -1  # as if stale
    row.save()
    statistics_refresh_all(quiz_id=golden.pk)
    row.refresh_from_db()
    assert row.results[key]["stats"]["n"] == 13 and {"all", "first"} <= set(row.results)


def test_a_first_filter_of_a_large_quiz_waits_for_the_worker(
    golden, instructor_client, monkeypatch
):
    """Too large to compute in the request: an empty entry asks the worker for it."""
    from dlplatform.celery import app
    from quizzes.statistics import stored

    sent: list[int] = []
    monkeypatch.setattr(stored, "INLINE_MAX_ATTEMPTS", 5)
    monkeypatch.setattr(app, "send_task", lambda name, args, countdown: sent.append(args[0]))
    question = golden.slots.get(order=SLOT).question
    url = reverse("quizzes:report", args=[golden.pk])
    html = instructor_client.get(url, {"version": f"{question.pk}:2"}).content.decode()
    assert "being computed for the first time" in html and sent == [golden.pk]
    key = f"all@{question.pk}:2"
    assert QuizStatistics.objects.get(quiz=golden).results[key] is None
    statistics_refresh_all(quiz_id=golden.pk)  # what the worker runs
    assert QuizStatistics.objects.get(quiz=golden).results[key]["stats"]["n"] == 13
