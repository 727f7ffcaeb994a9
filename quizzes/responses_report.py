"""Moodle's responses report: each finished attempt's response to each question, in words (the
texts the student picked or typed, never database ids), on a page and as a CSV download.

Instructors only. Columns are questions in the quiz's order (so shuffled attempts line up);
attempts are read a page at a time with their questions' answers prefetched.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Min, QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from dlplatform.accounts.requests import AuthenticatedHttpRequest

from .behaviours import CbmSummary
from .marks import format_score, format_share
from .models import Attempt, AttemptQuestion, AttemptState, Behaviour, Quiz
from .presenters import response_text
from .reports import CBM_COLUMNS, _quiz_for_instructor, cbm_figures, quiz_csv_view
from .statistics.queries import cbm_by_attempt
from .versioning import question_at

PAGE_SIZE = 50
CSV_BATCH = 200
QUESTION_PARTS = ("choices", "match_pairs", "ordering_items", "numerical_answers")


def _columns(quiz: Quiz) -> list[tuple[int, str]]:
    items = AttemptQuestion.objects.filter(attempt__quiz=quiz, attempt__state=AttemptState.FINISHED)
    rows = (
        items.values_list("question_id", "question__name")
        .annotate(position=Min("order"))
        .order_by("position", "question_id")
    )
    return [(qid, name) for qid, name, _ in rows]


def _finished(quiz: Quiz) -> QuerySet[Attempt]:
    return (
        Attempt.objects.filter(quiz=quiz, state=AttemptState.FINISHED)
        .select_related("user")
        .order_by("user__username", "number", "id")
    )


def _responses(attempts: list[Attempt]) -> dict[int, dict[int, str]]:
    """attempt id → question id → the response in words ("" when unanswered)."""
    items = AttemptQuestion.objects.filter(attempt__in=attempts).select_related(
        "question", "version"
    )
    items = items.prefetch_related(*(f"question__{part}" for part in QUESTION_PARTS))
    out: dict[int, dict[int, str]] = {a.pk: {} for a in attempts}
    for item in items:
        # In the words of the version the student answered (an answer may since be edited).
        item.question = question_at(item.question, item.version)
        out[item.attempt_id][item.question_id] = response_text(item)
    return out


def _rows(attempts: list[Attempt], columns: list[tuple[int, str]], cbm: bool) -> list[list[Any]]:
    """A CBM quiz adds each attempt's CBM summary (one grouped query for the batch)."""
    texts = _responses(attempts)
    summaries = cbm_by_attempt([a.pk for a in attempts]) if cbm else {}
    return [
        [
            attempt.user.username,
            attempt.number,
            format_score(attempt.score),
            *(texts[attempt.pk].get(qid, "") for qid, _ in columns),
            *(_cbm_cells(summaries.get(attempt.pk)) if cbm else []),
        ]
        for attempt in attempts
    ]


def _cbm_cells(summary: CbmSummary | None) -> list[str]:
    figures = summary.overall if summary else None
    if figures is None:
        return [""] * len(CBM_COLUMNS)
    return [f"{figures.average:.2f}", *(format_share(v) for v in cbm_figures(figures)[1:])]


@require_GET
@login_required
def responses(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    quiz = _quiz_for_instructor(request, pk)
    columns = _columns(quiz)
    page = Paginator(_finished(quiz), PAGE_SIZE).get_page(request.GET.get("page"))
    cbm = quiz.behaviour == Behaviour.CBM
    context = {
        "quiz": quiz,
        "columns": [name for _, name in columns] + (CBM_COLUMNS if cbm else []),
        "rows": _rows(list(page.object_list), columns, cbm),
        "page": page,
    }
    return render(request, "quizzes/report_responses.html", context)


def _csv_rows(quiz: Quiz) -> Iterator[list[Any]]:
    columns = _columns(quiz)
    cbm = quiz.behaviour == Behaviour.CBM
    extra = CBM_COLUMNS if cbm else []
    yield ["user", "attempt", "score_percent", *(name for _, name in columns), *extra]
    ids = list(_finished(quiz).values_list("pk", flat=True))
    for start in range(0, len(ids), CSV_BATCH):
        batch = list(_finished(quiz).filter(pk__in=ids[start : start + CSV_BATCH]))
        yield from _rows(batch, columns, cbm)


responses_csv = quiz_csv_view(_csv_rows, "responses")


# Included by quizzes/urls.py (namespace "quizzes").
urlpatterns = [
    path("<int:pk>/report/responses/", responses, name="report-responses"),
    path("<int:pk>/report/responses.csv", responses_csv, name="report-responses-csv"),
]
