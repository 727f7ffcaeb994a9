"""Objects the web benchmarks aim at, made inside a `manage.py shell` of the bench database."""

from __future__ import annotations

import json
from typing import Any

from django.utils import timezone

from quizzes.models import Quiz
from quizzes.services import attempt_start
from quizzes.tokens import ItemTokens

# The answer a benchmark user saves for each question type (see quizzes/qtypes/<type>.py for shapes).
QUESTION_TYPES_WITH_OPTIONS = {"single", "truefalse", "multi"}


def bench_quiz() -> Quiz:
    """The quiz of section 7.8 (bundled content), with its time limit lifted for long runs."""
    quiz = Quiz.objects.get(section__number="7.8")
    if quiz.time_limit is not None or quiz.attempts_allowed:
        Quiz.objects.filter(pk=quiz.pk).update(time_limit=None, attempts_allowed=0)
        quiz.refresh_from_db()
    return quiz


def some_response(item: Any) -> Any:
    """A well-formed (not necessarily right) response for one attempt item, as stored (ids)."""
    question = item.question
    if question.type in QUESTION_TYPES_WITH_OPTIONS:
        first = question.choices.order_by("order", "pk").first()
        return [first.pk] if question.type == "multi" else first.pk
    if question.type == "ordering":
        return list(question.ordering_items.values_list("pk", flat=True))
    if question.type == "matching":
        pairs = list(question.match_pairs.exclude(left=""))
        return {str(p.pk): p.right for p in pairs}
    if question.type == "numerical":
        return "1"
    if question.type in {"short", "essay"}:
        return "an answer"
    return None


def quiz_targets(user: Any) -> dict[str, str]:
    attempt = attempt_start(quiz=bench_quiz(), user=user, now=timezone.now())
    item = attempt.items.select_related("question").filter(question__type="single").first()
    sent = ItemTokens.of(item).present(some_response(item))  # the API takes tokens, not ids
    return {
        "attempt_url": f"/quizzes/attempt/{attempt.pk}/",
        "save_url": f"/api/quizzes/attempts/{attempt.pk}/answer/",
        "save_body": json.dumps({"question_id": item.question_id, "response": sent}),
    }
