"""Instructor reports: a quiz's statistics page (SVG histogram, item analysis) and CSV exports."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from itertools import groupby
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, ExpressionWrapper, Min, Q
from django.http import Http404, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from dlplatform.accounts.requests import AuthenticatedHttpRequest
from dlplatform.csv_safe import spreadsheet_safe

from .behaviours import CbmFigures, CbmSummary, cbm_summary, cbm_tally
from .marks import format_mark, format_score
from .models import AttemptQuestion, AttemptState, Behaviour, Quiz
from .statistics import QuizStats, as_row
from .statistics.queries import VersionPick, cbm_counted_types, cbm_unanswered
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
    try:
        version = _version(request, quiz)
    except ValueError as error:
        return HttpResponseBadRequest(f"version: {error}", content_type="text/plain")
    stored = statistics_for_page(quiz_id=quiz.pk, first_only=first_only, version=version)
    context = {
        "quiz": quiz,
        "first_only": first_only,
        "version": version,
        "version_label": _version_label(stored.stats, version) if stored and version else "",
        "scope": _scope_query(first_only, version),
        "links": {
            "all": _scope_query(False, version),
            "first": _scope_query(True, version),
            "versions": _scope_query(first_only, None),
        },
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
    try:
        version = _version(request, quiz)
    except ValueError as error:
        return HttpResponseBadRequest(f"version: {error}", content_type="text/plain")
    statistics_refresh(quiz_id=quiz.pk, first_only=first_only, version=version)
    url = reverse("quizzes:report", args=[quiz.pk])
    query = _scope_query(first_only, version)
    return redirect(f"{url}?{query}" if query else url)


def _first_only(request: AuthenticatedHttpRequest) -> bool:
    """Moodle's "attempts to analyse": all of them (default) or each student's first."""
    return request.GET.get("attempts") == "first"


def _version(request: AuthenticatedHttpRequest, quiz: Quiz) -> VersionPick | None:
    """?version=QUESTION:N: only the attempts that saw version N of that question. ValueError
    on a malformed one; 404 when no finished attempt of this quiz saw it (so no filter is
    stored for a version the quiz never had)."""
    raw = request.GET.get("version", "")
    if not raw:
        return None
    pick = VersionPick.parse(raw)
    seen = AttemptQuestion.objects.filter(
        attempt__quiz=quiz,
        attempt__state=AttemptState.FINISHED,
        question_id=pick.question_id,
        version__number=pick.number,
    )
    if not seen.exists():
        raise Http404("No finished attempt of this quiz saw that version.")
    return pick


def _scope_query(first_only: bool, version: VersionPick | None) -> str:
    params = {"attempts": "first"} if first_only else {}
    if version is not None:
        params["version"] = version.key
    return urlencode(params)


def _version_label(stats: QuizStats, version: VersionPick) -> str:
    for q in stats.questions:
        if q.key == version.question_id:
            return f"version {version.number} of {q.label}"
    return f"version {version.number} of question {version.question_id}"


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
    yield from _version_rows(stats)
    if stats.cbm is not None:
        yield from _cbm_rows(stats.cbm)


QUIZ_SHAPE_COLUMNS = ["skewness", "kurtosis", "error ratio %", "standard error %"]
VERSION_COLUMNS = ["facility", "sd", "discriminationindex", "discriminativeefficiency"]


def _version_rows(stats: QuizStats) -> Iterator[list[Any]]:
    """The questions seen at more than one version: one row per version."""
    rows = [(slot, v) for slot, q in enumerate(stats.questions, 1) for v in q.versions]
    if not rows:
        return
    yield []
    yield ["slot", "question", "version", "attempts", *VERSION_COLUMNS]
    for slot, v in rows:
        figures = [_fmt(as_row(v)[c]) for c in VERSION_COLUMNS]
        yield [slot, v.label, "" if v.version is None else v.version, v.n, *figures]


def _cbm_rows(cbm: CbmSummary) -> Iterator[list[Any]]:
    yield []
    yield ["certainty-based marking", "questions", *CBM_COLUMNS]
    for name, figures in (("all", cbm.overall), ("answered", cbm.answered)):
        if figures is not None:
            yield [name, figures.questions, *(_fmt(v) for v in cbm_figures(figures))]
    yield ["certainty", "answers", "right", "accuracy", "best from", "best to", "judgement"]
    for level in cbm.levels:
        yield [
            f"C{level.level}",
            level.count,
            level.right,
            _fmt(level.accuracy),
            _fmt(level.low),
            _fmt(level.high),
            level.judgement,
        ]


CBM_COLUMNS = ["average cbm mark", "accuracy", "cbm bonus", "accuracy + bonus"]


def cbm_figures(figures: CbmFigures | None) -> list[float | None]:
    if figures is None:
        return [None] * len(CBM_COLUMNS)
    return [figures.average, figures.accuracy, figures.bonus, figures.accuracy_and_bonus]


@require_GET
@login_required
def statistics_csv(
    request: AuthenticatedHttpRequest, pk: int
) -> HttpResponse | StreamingHttpResponse:
    quiz = _quiz_for_instructor(request, pk)
    first_only = _first_only(request)
    try:
        version = _version(request, quiz)
    except ValueError as error:
        return HttpResponseBadRequest(f"version: {error}", content_type="text/plain")
    # The figures the page shows; a large quiz's first export waits for its first computation.
    stored = statistics_for_page(quiz_id=quiz.pk, first_only=first_only, version=version)
    stored = stored or statistics_refresh(quiz_id=quiz.pk, first_only=first_only, version=version)
    rows = _statistics_rows(stored.stats)
    suffix = f"-v{version.question_id}-{version.number}" if version else ""
    return _csv_response(rows, f"quiz-{quiz.pk}-statistics{suffix}.csv")


def _results_rows(quiz: Quiz) -> Iterator[list[Any]]:
    """One row per finished attempt with each question's mark (columns by question, so shuffled
    attempts line up), streamed from one ordered query. A CBM quiz adds each attempt's CBM
    summary, tallied from the same rows."""
    items = AttemptQuestion.objects.filter(attempt__quiz=quiz, attempt__state=AttemptState.FINISHED)
    columns = list(
        items.values_list("question_id", "question__name")
        .annotate(position=Min("order"))
        .order_by("position", "question_id")
    )
    cbm = quiz.behaviour == Behaviour.CBM
    yield (
        ["user", "attempt", "submitted_at", "marks", "max_marks", "score_percent"]
        + [name for _, name, _ in columns]
        + (CBM_COLUMNS if cbm else [])
    )
    counted = Q(question__type__in=cbm_counted_types())
    rows = (
        items.annotate(
            is_answered=ExpressionWrapper(~cbm_unanswered(), output_field=BooleanField()),
            is_counted=ExpressionWrapper(counted, output_field=BooleanField()),
        )
        .order_by("attempt__user__username", "attempt__number", "attempt_id")
        .values_list(*RESULT_FIELDS)
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
            + (_attempt_cbm(attempt) if cbm else [])
        )


RESULT_FIELDS = (
    "attempt_id",
    "attempt__user__username",
    "attempt__number",
    "attempt__submitted_at",
    "attempt__marks",
    "attempt__max_marks",
    "attempt__score",
    "question_id",
    "mark",
    "certainty",
    "max_mark",
    "fraction",
    "is_answered",
    "is_counted",
)


def _attempt_cbm(rows: list[tuple]) -> list[Any]:
    tally = cbm_tally((r[9], r[10], r[11], r[8], r[12]) for r in rows if r[13])
    summary = cbm_summary(levels=tally[0], unanswered=tally[1])
    return [_fmt(v) for v in cbm_figures(summary.overall if summary else None)]


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
