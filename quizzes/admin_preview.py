"""The instructor's preview of a question in the admin (`<pk>/preview/`), answerable as a
student answers it, in the behaviour chosen: Check (interactive, adaptive, immediate) and
Submit (with a certainty, CBM) grade it through the attempts' own services (`item_check`,
`item_submit`), and the page then shows the mark, the state and the feedback with every review
option on. With ?show=review: the review before answering (right answer, explanation).

Nothing is stored: the item (its shuffle, its dataset item, the answer, tries and marks) lives
in a signed token the page posts back, never in an Attempt row nor a version, so no report or
statistic sees a preview. The token names its question, its state of edit and its instructor.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.contrib import admin
from django.core import signing
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from . import qtypes
from .fragments import question_fragments
from .models import AttemptQuestion, Behaviour, Question, Quiz
from .presenters import present_item
from .review import NOTHING, OPTIONS, ReviewOptions
from .selectors import questions_with_answers
from .services import (
    MAX_RESPONSE_CHARS,
    AttemptError,
    clean_response,
    item_check,
    item_submit,
    shuffled_choice_order,
)
from .tokens import ItemTokens, UnknownToken

SALT = "quizzes.admin_preview"
MAX_STATE_CHARS = 200_000
MAX_AGE_S = 12 * 3600  # a preview left open overnight starts again
MAX_SEED = 2**31 - 1
# A quiz's default number of interactive tries: the preview's.
MAX_TRIES: int = Quiz._meta.get_field("max_tries").default
# Before answering: what the question's review can show without a response (?show=review).
PREVIEW_REVIEW = ReviewOptions(general_feedback=True, right_answer=True)
# Once graded: everything, as a student sees it when the quiz's review options show all.
FULL_REVIEW = ReviewOptions(**dict.fromkeys(OPTIONS, True))
DEFERRED = {Behaviour.DEFERRED, Behaviour.CBM}


class PreviewError(ValueError):
    """A post the preview cannot take: said on the page (a 400), never a 500."""


@dataclass(frozen=True)
class Setup:
    behaviour: str
    seed: int
    variant: int | None  # 1-based; None: the seed draws it


def _int(raw: Any, low: int, high: int) -> int | None:
    try:
        value = int(str(raw)[:20])
    except ValueError:
        return None
    return value if low <= value <= high else None


def _setup(params: QueryDict, question: Question) -> Setup:
    behaviour = params.get("behaviour", "")
    seed = _int(params.get("seed"), 0, MAX_SEED)
    variant = _int(params.get("variant"), 1, qtypes.get(question.type).variants(question))
    return Setup(
        behaviour if behaviour in Behaviour.values else Behaviour.DEFERRED,
        random.SystemRandom().randrange(MAX_SEED) if seed is None else seed,
        variant,
    )


def _fresh_item(question: Question, setup: Setup) -> AttemptQuestion:
    """As attempt_start builds an item (answers shuffled), from the seed; the variant chosen."""
    max_mark = question.default_mark if question.is_graded else Decimal("0")
    item = AttemptQuestion(question=question, order=0, max_mark=max_mark)
    order = shuffled_choice_order(question, True, random.Random(setup.seed))
    if setup.variant is not None:
        order = qtypes.get(question.type).with_variant(order, setup.variant - 1)
    item.choice_order = order
    return item


# --- the signed state -------------------------------------------------------------------------
def _stamp(question: Question, request: HttpRequest) -> list[Any]:
    return [question.pk, getattr(request.user, "pk", None), question.updated_at.isoformat()]


def _dump(question: Question, request: HttpRequest, setup: Setup, item: AttemptQuestion) -> str:
    number = {k: None if v is None else str(v) for k, v in (("f", item.fraction), ("m", item.mark))}
    state = {
        "for": _stamp(question, request),
        "setup": [setup.behaviour, setup.seed, setup.variant],
        "item": [item.choice_order, item.response, item.tries, item.locked, item.certainty],
        "tries": item.try_history or [],
        "grade": [number["f"], number["m"], item.feedback, item.needs_grading],
    }
    return signing.dumps(state, salt=SALT, compress=True)


def _load(question: Question, request: HttpRequest) -> tuple[Setup, AttemptQuestion]:
    raw = request.POST.get("state", "")
    try:
        if len(raw) > MAX_STATE_CHARS:
            raise signing.BadSignature
        state = signing.loads(raw, salt=SALT, max_age=MAX_AGE_S)
    except signing.BadSignature:  # forged, cut, or expired
        raise PreviewError("This preview is not readable any more: start again.") from None
    if state["for"] != _stamp(question, request):
        raise PreviewError("The question changed since this preview began: start again.")
    setup = Setup(*state["setup"])
    item = _fresh_item(question, setup)
    item.choice_order, item.response, item.tries, item.locked, item.certainty = state["item"]
    item.try_history = state.get("tries") or []
    fraction, mark, item.feedback, item.needs_grading = state["grade"]
    item.fraction = None if fraction is None else Decimal(fraction)
    item.mark = None if mark is None else Decimal(mark)
    return setup, item


# --- answering --------------------------------------------------------------------------------
def _response(raw: str, item: AttemptQuestion) -> Any:
    """The answer as the page's collector sent it (JSON, in tokens), as a real attempt stores it."""
    if len(raw) > 2 * MAX_RESPONSE_CHARS:
        raise PreviewError("That answer is too long.")
    try:
        sent = json.loads(raw) if raw.strip() else None
        return clean_response(item.question.type, ItemTokens.of(item).decode(sent))
    except (UnknownToken, AttemptError) as exc:
        raise PreviewError(str(exc)) from None
    except (ValueError, RecursionError):  # not JSON, or nested too deep to read
        raise PreviewError("That answer is not one this question can take.") from None


def _answer(request: HttpRequest, setup: Setup, item: AttemptQuestion) -> None:
    if item.locked:
        raise PreviewError("This preview is finished: start again to answer once more.")
    item.response = _response(request.POST.get("response", ""), item)
    if setup.behaviour == Behaviour.CBM:
        item.certainty = _int(request.POST.get(f"certainty-{item.question.pk}"), 1, 3)
    step = request.POST.get("step")
    quiz = Quiz(behaviour=setup.behaviour, max_tries=MAX_TRIES)  # never saved: the rules only
    try:
        if step == "check":
            item_check(item=item, question=item.question, quiz=quiz, now=timezone.now())
        elif step == "submit":
            item_submit(item=item, question=item.question, quiz=quiz)
        else:
            raise PreviewError("Check or submit the answer.")
    except AttemptError as exc:
        raise PreviewError(str(exc)) from None


# --- the page ---------------------------------------------------------------------------------
def preview(model_admin: admin.ModelAdmin, request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(questions_with_answers(), pk=pk)
    if not model_admin.has_view_permission(request, question):
        return HttpResponse(status=403)
    setup, error = _setup(request.GET, question), ""
    item = _fresh_item(question, setup)
    if request.method == "POST":
        try:
            setup, item = _load(question, request)
            _answer(request, setup, item)
        except PreviewError as exc:
            error = str(exc)
    review = request.GET.get("show") == "review" and request.method != "POST"
    context = {
        **model_admin.admin_site.each_context(request),
        **_page(question, request, setup, item, review),
        "error": error,
    }
    return render(request, "quizzes/admin_preview.html", context, status=400 if error else 200)


def _page(
    question: Question, request: HttpRequest, setup: Setup, item: AttemptQuestion, review: bool
) -> dict[str, Any]:
    item.locked = item.locked or review
    shown = PREVIEW_REVIEW if review else FULL_REVIEW if item.locked else NOTHING
    presented = present_item(item, review=shown)
    qtype = qtypes.get(question.type)
    base = reverse("admin:quizzes_question_preview", args=[question.pk])
    data = {"items": [presented], "behaviour": setup.behaviour}
    attempt = SimpleNamespace(quiz=SimpleNamespace(max_tries=MAX_TRIES))
    return {
        "question": question,
        "item": presented,
        "data": data,
        # As the attempt page writes them: the open question (and its certainty), or its review.
        "fragments": question_fragments(data, attempt),
        "behaviours": [(v, label, f"{base}?behaviour={v}") for v, label in Behaviour.choices],
        "review": review,
        "review_url": f"{base}?behaviour={setup.behaviour}&show=review",
        "open_url": f"{base}?behaviour={setup.behaviour}",
        "setup": setup,
        "variants": range(1, qtype.variants(question) + 1),
        "answerable": qtype.graded and not item.locked,
        "checks": setup.behaviour not in DEFERRED,
        "cbm_done": setup.behaviour == Behaviour.CBM and item.locked and not review,
        "state": "" if review else _dump(question, request, setup, item),
        "title": f"Preview: {question.name}",
    }
