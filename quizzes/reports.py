"""Instructor reports: a quiz's statistics page (SVG histogram, item analysis) and CSV exports."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from itertools import groupby
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Min
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_POST

from dlplatform.accounts.requests import AuthenticatedHttpRequest
from dlplatform.csv_safe import spreadsheet_safe

from .marks import format_mark, format_score
from .models import AttemptQuestion, AttemptState, Quiz
from .statistics import QuizStats, as_row
from .statistics.stored import statistics_for_page, statistics_refresh

CHART_W, CHART_H, CHART_PAD = 400, 180, 24


def _quiz_for_instructor(request: AuthenticatedHttpRequest, pk: int) -> Quiz:
    """Reports show every student's marks: instructors only (students get a 403)."""
    if not request.user.is_instructor:
        raise PermissionDenied("Reports are for instructors.")
    return get_object_or_404(Quiz.objects.select_related("section"), pk=pk)


def histogram_bars(stats: QuizStats) -> list[dict[str, Any]]:
    """Bar geometry for the inline SVG (no inline styles under the CSP: attributes only)."""
    bins = stats.histogram
    peak = max((count for *_, count in bins), default=0) or 1
    width = (CHART_W - 2 * CHART_PAD) / max(len(bins), 1)
    bars = []
    for i, (low, high, count) in enumerate(bins):
        height = (CHART_H - 2 * CHART_PAD) * count / peak
        bars.append(
            {
                "x": round(CHART_PAD + i * width + 1, 2),
                "y": round(CHART_H - CHART_PAD - height, 2),
                "width": round(width - 2, 2),
                "height": round(height, 2),
                "label_x": round(CHART_PAD + (i + 0.5) * width, 2),
                "label_y": round(CHART_H - CHART_PAD - height - 4, 2),
                "low": round(low),
                "high": round(high),
                "count": count,
            }
        )
    return bars


@require_GET
@login_required
def report(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    quiz = _quiz_for_instructor(request, pk)
    first_only = _first_only(request)
    stored = statistics_for_page(quiz_id=quiz.pk, first_only=first_only)
    context = {
        "quiz": quiz,
        "first_only": first_only,
        "stored": stored,
        "stats": stored.stats if stored else None,
        "bars": histogram_bars(stored.stats) if stored else [],
        "chart": {"w": CHART_W, "h": CHART_H, "base": CHART_H - CHART_PAD, "pad": CHART_PAD},
    }
    return render(request, "quizzes/report_statistics.html", context)


@require_POST
@login_required
def report_recompute(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """An instructor's "Recompute now": in the request, so it works with no worker running."""
    quiz = _quiz_for_instructor(request, pk)
    first_only = _first_only(request)
    statistics_refresh(quiz_id=quiz.pk, first_only=first_only)
    url = reverse("quizzes:report", args=[quiz.pk])
    return redirect(f"{url}?attempts=first" if first_only else url)


def _first_only(request: AuthenticatedHttpRequest) -> bool:
    """Moodle's "attempts to analyse": all of them (default) or each student's first."""
    return request.GET.get("attempts") == "first"


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_response(rows: Iterator[list[Any]], filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow([spreadsheet_safe(v) for v in row]) for row in rows),
        content_type="text/csv",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _fmt(value: float | None) -> float | str:
    # A number, not text: the CSV guard would mark a negative figure as text ("'-0.09").
    return "" if value is None else float(f"{value:.10g}")


def _statistics_rows(stats: QuizStats) -> Iterator[list[Any]]:
    columns = list(as_row(stats.questions[0]).keys()) if stats.questions else []
    yield ["slot", "question", "attempts", *columns, "poor_discrimination", "answers"]
    for slot, q in enumerate(stats.questions, 1):
        answers = "; ".join(f"{label}: {count}" for label, count in q.frequencies)
        figures = [_fmt(v) for v in as_row(q).values()]
        yield [slot, q.label, q.n, *figures, "yes" if q.poor_discrimination else "no", answers]
    yield []
    yield ["quiz", "attempts", "mean %", "median %", "sd %", "alpha %", *QUIZ_SHAPE_COLUMNS]
    shape = [_fmt(getattr(stats, name)) for name in QuizStats.SHAPE]
    figures = [_fmt(v) for v in (stats.mean, stats.median, stats.sd, stats.alpha)]
    yield ["", stats.n, *figures, *shape]


QUIZ_SHAPE_COLUMNS = ["skewness", "kurtosis", "error ratio %", "standard error %"]


@require_GET
@login_required
def statistics_csv(request: AuthenticatedHttpRequest, pk: int) -> StreamingHttpResponse:
    quiz = _quiz_for_instructor(request, pk)
    first_only = _first_only(request)
    # The figures the page shows; a large quiz's first export waits for its first computation.
    stored = statistics_for_page(quiz_id=quiz.pk, first_only=first_only)
    stored = stored or statistics_refresh(quiz_id=quiz.pk, first_only=first_only)
    rows = _statistics_rows(stored.stats)
    return _csv_response(rows, f"quiz-{quiz.pk}-statistics.csv")


def _results_rows(quiz: Quiz) -> Iterator[list[Any]]:
    """One row per finished attempt with each question's mark (columns by question, so shuffled
    attempts line up), streamed from one ordered query."""
    items = AttemptQuestion.objects.filter(attempt__quiz=quiz, attempt__state=AttemptState.FINISHED)
    columns = list(
        items.values_list("question_id", "question__name")
        .annotate(position=Min("order"))
        .order_by("position", "question_id")
    )
    yield ["user", "attempt", "submitted_at", "marks", "max_marks", "score_percent"] + [
        name for _, name, _ in columns
    ]
    rows = items.order_by("attempt__user__username", "attempt__number").values_list(
        "attempt_id",
        "attempt__user__username",
        "attempt__number",
        "attempt__submitted_at",
        "attempt__marks",
        "attempt__max_marks",
        "attempt__score",
        "question_id",
        "mark",
    )
    for _, group in groupby(rows.iterator(), key=lambda r: r[0]):
        attempt = list(group)
        _, user, number, submitted, total, maximum, score, *_ = attempt[0]
        marks = {r[7]: r[8] for r in attempt}
        stamp = submitted.isoformat() if submitted else ""
        yield (
            [user, number, stamp, format_mark(total), format_mark(maximum)]
            + [format_score(score)]
            + [format_mark(marks.get(qid)) for qid, _, _ in columns]
        )


def quiz_csv_view(
    rows: Callable[[Quiz], Iterator[list[Any]]], name: str
) -> Callable[[AuthenticatedHttpRequest, int], StreamingHttpResponse]:
    """The view of one quiz's CSV download `quiz-<pk>-<name>.csv` of `rows(quiz)`: instructors
    only, GET only (the results here, the responses in responses_report.py)."""

    @require_GET
    @login_required
    def download(request: AuthenticatedHttpRequest, pk: int) -> StreamingHttpResponse:
        quiz = _quiz_for_instructor(request, pk)
        return _csv_response(rows(quiz), f"quiz-{quiz.pk}-{name}.csv")

    return download


results_csv = quiz_csv_view(_results_rows, "results")


# Included by quizzes/urls.py (namespace "quizzes").
urlpatterns = [
    path("<int:pk>/report/", report, name="report"),
    path("<int:pk>/report/recompute/", report_recompute, name="report-recompute"),
    path("<int:pk>/report/statistics.csv", statistics_csv, name="report-statistics-csv"),
    path("<int:pk>/report/results.csv", results_csv, name="report-results-csv"),
]
