"""The instructor's preview of a question in the admin (`<pk>/preview/`): the question as a
student sees it before answering, in the behaviour chosen, or its review (right answer and
explanation, for staff only). Nothing is saved: the attempt item is never stored."""

from __future__ import annotations

import random

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from . import qtypes
from .fragments import certainty_html
from .models import AttemptQuestion, Behaviour
from .presenters import present_item
from .review import NOTHING, ReviewOptions
from .selectors import questions_with_answers
from .services import shuffled_choice_order

# The preview's review: what the question's review can show without a response.
PREVIEW_REVIEW = ReviewOptions(general_feedback=True, right_answer=True)


def preview(model_admin: admin.ModelAdmin, request: HttpRequest, pk: int) -> HttpResponse:
    """Before answering (no answers in the page), in the behaviour chosen (?behaviour=,
    deferred by default): its Check button, its certainty. With ?show=review: its review."""
    question = get_object_or_404(questions_with_answers(), pk=pk)
    if not model_admin.has_view_permission(request, question):
        return HttpResponse(status=403)
    behaviour = request.GET.get("behaviour", "")
    behaviour = behaviour if behaviour in Behaviour.values else Behaviour.DEFERRED
    review = request.GET.get("show") == "review"
    item = AttemptQuestion(question=question, order=0, max_mark=question.default_mark)
    item.choice_order = shuffled_choice_order(question, True, random.Random())
    item.locked = review
    presented = present_item(item, review=PREVIEW_REVIEW if review else NOTHING)
    cbm = behaviour == Behaviour.CBM and qtypes.get(question.type).graded and not review
    base = reverse("admin:quizzes_question_preview", args=[pk])
    context = {
        **model_admin.admin_site.each_context(request),
        "question": question,
        "item": presented,
        "data": {"behaviour": behaviour},
        "certainty": certainty_html(presented) if cbm else "",
        "behaviours": [(v, label, f"{base}?behaviour={v}") for v, label in Behaviour.choices],
        "review": review,
        "review_url": f"{base}?behaviour={behaviour}&show=review",
        "open_url": f"{base}?behaviour={behaviour}",
        "title": f"Preview: {question.name}",
    }
    return render(request, "quizzes/admin_preview.html", context)
