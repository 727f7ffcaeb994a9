"""Pages for taking quizzes; answers are saved through the API (see static/quizzes/attempt.js)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from dlplatform.accounts.models import User
from dlplatform.accounts.requests import AuthenticatedHttpRequest

from . import paging, selectors, services
from .access import effective_settings
from .fragments import nav_html, question_fragments
from .models import Attempt, AttemptQuestion, AttemptState, Quiz
from .presenters import present_attempt, present_results
from .question_files import visible_file
from .review import marks_visible, marks_visible_for_all


def instructor_required(view: Callable) -> Callable:
    """Anonymous: to the login page; a logged-in student: 403 (logging in again won't help)."""

    @wraps(view)
    def wrapper(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_instructor:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapper)


@require_GET
@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    attempts = _with_scores_shown(selectors.user_attempts(user=request.user)[:20])
    quizzes = selectors.visible_quizzes()
    return render(request, "quizzes/index.html", {"quizzes": quizzes, "attempts": attempts})


def _with_scores_shown(attempts: Any) -> list[Attempt]:
    """Each attempt's `score_shown`: whether the quiz's "marks" review option shows it now."""
    now = timezone.now()
    rows = list(attempts)
    for attempt in rows:
        attempt.score_shown = marks_visible(attempt=attempt, now=now)
    return rows


@require_GET
@login_required
def section(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    quiz = selectors.visible_quizzes().filter(section__number=number).first()
    if quiz is None:
        raise Http404("This section has no quiz.")
    return redirect("quizzes:quiz", quiz.pk)


@require_GET
@login_required
def quiz_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    quiz = get_object_or_404(selectors.visible_quizzes(), pk=pk)
    attempts = _with_scores_shown(selectors.user_attempts(user=request.user).filter(quiz=quiz))
    context = {
        "quiz": quiz,
        "settings": effective_settings(quiz=quiz, user=request.user),
        "attempts": attempts,
        "open_attempt": next((a for a in attempts if a.state == AttemptState.IN_PROGRESS), None),
        "grade": _grade_if_shown(quiz, request.user, attempts),
    }
    return render(request, "quizzes/quiz.html", context)


def _grade_if_shown(quiz: Quiz, user: User, attempts: list[Attempt]) -> Decimal | None:
    """The quiz grade only when the marks of every finished attempt show now (as Moodle)."""
    done = [
        a.submitted_at
        for a in attempts
        if a.state == AttemptState.FINISHED and a.submitted_at is not None
    ]
    first, last = min(done, default=None), max(done, default=None)
    if not marks_visible_for_all(quiz=quiz, first=first, last=last, now=timezone.now()):
        return None
    return selectors.quiz_grade(quiz=quiz, user=user)


@require_POST
@login_required
def quiz_start(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    quiz = get_object_or_404(selectors.visible_quizzes(), pk=pk)
    password = request.POST.get("password", "")[:256]
    try:
        attempt = services.attempt_start(
            quiz=quiz, user=request.user, now=timezone.now(), password=password
        )
    except services.AttemptError as exc:
        messages.error(request, str(exc))
        return redirect("quizzes:quiz", quiz.pk)
    return redirect("quizzes:attempt", attempt.pk)


def _current_attempt(request: AuthenticatedHttpRequest, pk: int) -> Attempt:
    """The user's own attempt (404 otherwise), graded first if its time ran out."""
    attempt = selectors.attempt_for_user(user=request.user, pk=pk)
    return services.attempt_submit_if_overdue(attempt=attempt, now=timezone.now())


@require_GET
@login_required
def attempt_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    attempt = _current_attempt(request, pk)
    if attempt.state != AttemptState.IN_PROGRESS:
        return redirect("quizzes:result", attempt.pk)
    items = selectors.attempt_items_for_display(attempt=attempt)
    pages = paging.Pages.of(attempt, len(items), request.GET.get("page"))
    data = present_attempt(attempt, items, now=timezone.now())
    shown = [i for i in data["items"] if pages.holds(i["number"] - 1)]
    api = {
        action: reverse(f"quizzes-api:attempt-{action}", args=[attempt.pk])
        for action in ("answer", "flag", "check", "certainty")
    }
    config = {"api": api, "seconds_left": data["seconds_left"]}
    context = {
        "attempt": attempt,
        "data": data,
        "config": config,
        "pages": pages,
        "nav": nav_html(data["items"], pages=pages),
        "questions": question_fragments({**data, "items": shown}, attempt),
    }
    return render(request, "quizzes/attempt.html", context)


@require_POST
@login_required
def attempt_page_turn(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Sequential navigation's "Next page" (free navigation pages are plain links)."""
    attempt = selectors.attempt_for_user(user=request.user, pk=pk)
    page = request.POST.get("page", "")
    try:
        if not page.isdigit():
            raise services.AttemptError("There is no such page.", "invalid")
        attempt = services.attempt_turn_page(attempt=attempt, page=int(page), now=timezone.now())
    except services.AttemptError as exc:
        messages.error(request, str(exc))
    return redirect("quizzes:attempt", attempt.pk)


@require_POST
@login_required
def attempt_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    attempt = selectors.attempt_for_user(user=request.user, pk=pk)
    services.attempt_submit(attempt=attempt, now=timezone.now())
    return redirect("quizzes:result", attempt.pk)


@require_GET
@login_required
def result(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    attempt = _current_attempt(request, pk)
    if attempt.state == AttemptState.IN_PROGRESS:
        return redirect("quizzes:attempt", attempt.pk)
    items = selectors.attempt_items_for_display(attempt=attempt)
    data = present_results(attempt, items, now=timezone.now())
    context = {"attempt": attempt, "data": data, "review": data["review"]}
    return render(request, "quizzes/result.html", context)


@require_GET
@login_required
def history(request: AuthenticatedHttpRequest) -> HttpResponse:
    attempts = _with_scores_shown(selectors.user_attempts(user=request.user))
    return render(request, "quizzes/history.html", {"attempts": attempts})


@require_GET
@login_required
def progress(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = selectors.section_progress(user=request.user, now=timezone.now())
    return render(request, "quizzes/progress.html", {"rows": rows})


@require_GET
@instructor_required
def grading_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    items = selectors.essays_to_grade()[:100]
    return render(request, "quizzes/grading.html", {"items": items})


@require_POST
@instructor_required
def grading_save(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(AttemptQuestion.objects.select_related("question"), pk=pk)
    try:
        mark = Decimal(request.POST.get("mark", ""))
        services.essay_grade(
            item=item, mark=mark, comment=request.POST.get("comment", ""), grader=request.user
        )
    except (InvalidOperation, services.AttemptError) as exc:
        messages.error(request, f"Not saved: {exc or 'the mark must be a number'}")
    else:
        messages.success(request, "Mark saved.")
    return redirect("quizzes:grading")


@require_GET
def question_file(request: HttpRequest, question_id: int, area: str, name: str) -> HttpResponse:
    """A question's image, to whoever may see it now (question_files.may_see); 404 otherwise,
    so nobody learns that a feedback image exists before they may see it."""
    file = visible_file(
        user=request.user, question_id=question_id, area=area, name=name, now=timezone.now()
    )
    if file is None:
        raise Http404("no such file")
    response = HttpResponse(bytes(file.data), content_type=file.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'inline; filename="{file.name}"'
    # Private: who may see it depends on the user (and on time, for feedback); the bytes of
    # one name never change within a question, so a short private cache is safe.
    response["Cache-Control"] = "private, max-age=300"
    response["ETag"] = f'"{file.sha256}"'
    return response
