"""A question's versions in the admin: the list on its change page and a history page with a
diff between any two (difflib over the snapshot's readable lines, quizzes/versioning.py)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import format_html

from . import versioning
from .models import Question
from .statistics.queries import question_version_statistics


def versions_link(question: Question) -> str:
    """The change page's link to the history (a read-only field: no inline formset to post)."""
    if question.pk is None:
        return "–"
    count = question.versions.count()
    url = reverse("admin:quizzes_question_versions", args=[question.pk])
    return format_html('<a href="{}">{} version(s): history and changes</a>', url, count)


def _number(request: HttpRequest, key: str, default: int) -> int:
    raw = request.GET.get(key, "")
    return int(raw) if raw.isdigit() else default


def versions_view(model_admin: admin.ModelAdmin, request: HttpRequest, pk: int) -> HttpResponse:
    """?a=&b= pick the versions compared (default: the one before b, and the latest)."""
    question = get_object_or_404(Question, pk=pk)
    if not model_admin.has_view_permission(request, question):
        return HttpResponse(status=403)
    versions = list(question.versions.select_related("created_by").order_by("number"))
    by_number = {v.number: v for v in versions}
    newer = by_number.get(_number(request, "b", versions[-1].number if versions else 0))
    older = None
    if newer is not None:
        older = by_number.get(_number(request, "a", newer.number - 1))
    status = 200 if versions and newer is not None else 404 if request.GET else 200
    context = {
        **model_admin.admin_site.each_context(request),
        "question": question,
        "versions": versions,
        "older": older,
        "newer": newer,
        "diff": versioning.diff(older, newer) if older and newer else [],
        "text": versioning.readable(newer.snapshot) if newer and not older else [],
        "statistics": question_version_statistics(question=question),
        "title": f"Versions: {question.name}",
    }
    return render(request, "quizzes/admin_versions.html", context, status=status)
