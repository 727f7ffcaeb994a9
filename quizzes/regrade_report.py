"""The instructor's regrade page, reached from a quiz's report: choose a question (or every
question of the quiz) and a version, see per attempt the mark now and after (a dry run: nothing
is written), then apply it with a reason (POST). The services do the work
(services/version_regrade.py); this module reads the form and shows the table."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from dlplatform.accounts.requests import AuthenticatedHttpRequest

from . import services
from .models import Question, QuestionVersion, Quiz
from .reports import _quiz_for_instructor
from .services.errors import AttemptError


class RegradeChoiceForm(forms.Form):
    question = forms.ModelChoiceField(
        queryset=Question.objects.none(),
        required=False,
        empty_label="Every question (each to its current version)",
    )
    version = forms.IntegerField(
        min_value=1, required=False, help_text="Empty: the question's current version."
    )
    include_open = forms.BooleanField(
        required=False, label="Also move attempts in progress to this version"
    )
    reason = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, quiz: Quiz, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = [q.pk for q in services.quiz_regrade_questions(quiz=quiz)]
        self.fields["question"].queryset = Question.objects.filter(pk__in=ids).order_by("pk")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        number, question = data.get("version"), data.get("question")
        data["to_version"] = None
        if number is not None:
            if question is None:
                self.add_error("version", "Choose a question to pick one of its versions.")
            else:
                data["to_version"] = QuestionVersion.objects.filter(
                    question=question, number=number
                ).first()
                if data["to_version"] is None:
                    self.add_error("version", f"This question has no version {number}.")
        return data


def _previews(quiz: Quiz, data: dict[str, Any]) -> list[services.RegradePreview]:
    if data.get("question") is None:
        return services.quiz_regrade_preview(quiz=quiz, include_open=data["include_open"])
    preview = services.regrade_preview(
        question=data["question"],
        to_version=data["to_version"],
        quiz=quiz,
        include_open=data["include_open"],
    )
    return [preview]


def _apply(request: AuthenticatedHttpRequest, quiz: Quiz, data: dict[str, Any]) -> int:
    reason = data.get("reason") or ""
    if data.get("question") is None:
        done = services.quiz_regrade_apply(
            quiz=quiz, by=request.user, reason=reason, include_open=data["include_open"]
        )
        return sum(len(row.changes) for row in done)
    row = services.regrade_apply(
        question=data["question"],
        to_version=data["to_version"],
        quiz=quiz,
        by=request.user,
        reason=reason,
        include_open=data["include_open"],
    )
    return len(row.changes) if row else 0


@require_http_methods(["GET", "POST"])
@login_required
def regrade_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    quiz = _quiz_for_instructor(request, pk)
    source = request.POST if request.method == "POST" else request.GET
    form = RegradeChoiceForm(source or None, quiz=quiz)
    previews: list[services.RegradePreview] = []
    if form.is_bound and form.is_valid():
        if request.method == "POST":
            try:
                changed = _apply(request, quiz, form.cleaned_data)
            except AttemptError as exc:
                form.add_error("reason", str(exc))
            else:
                messages.success(request, f"Regraded: {changed} attempt item(s) changed.")
                return redirect(reverse("quizzes:report-regrade", args=[quiz.pk]))
        previews = _previews(quiz, form.cleaned_data)
    status = 400 if form.is_bound and form.errors else 200
    context = {"quiz": quiz, "form": form, "previews": previews}
    return render(request, "quizzes/report_regrade.html", context, status=status)


urlpatterns = [
    path("<int:pk>/report/regrade/", regrade_page, name="report-regrade"),
]
