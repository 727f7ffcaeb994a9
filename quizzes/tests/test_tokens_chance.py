"""Ranking the tokens scores what guessing scores: the attack of issue 10 no longer pays.

With ids, answering the lowest id (single), the lowest ids (multi) and ascending ids (ordering)
took full marks. Here every strategy that ranks what a student is shown plays many attempts at
every bundled quiz, and its mean score must stay within BOUND standard errors of chance.

Chance comes from each question's structure: if tokens carry no information, the option that
ranks first is a uniformly random one, the first k a uniformly random k-subset, the sorted
order a uniformly random permutation and sorted lefts against sorted rights a uniformly random
injection. Enumerating those with the real grader gives each question's mean and variance; an
attempt's score is their weighted sum (items are independent, each has its own tokens).
"""

from __future__ import annotations

import io
import math
import random
from collections.abc import Callable
from itertools import combinations, permutations
from statistics import fmean, pvariance
from typing import Any

import pytest
from django.utils import timezone

from quizzes import grading, services
from quizzes.models import Attempt, AttemptQuestion, AttemptState, Question, Quiz
from quizzes.presenters import present_attempt
from quizzes.selectors import attempt_items_for_display
from quizzes.tokens import ItemTokens

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

ATTEMPTS = 200  # per bundled quiz and strategy
BOUND = 4.0  # standard errors; one-sided p < 4e-5 per strategy, so the test does not flicker
TYPES = ("single", "truefalse", "multi", "ordering", "matching")


def _k(question: Question) -> int:
    """A generous attacker knows how many choices of a multi question are right."""
    return sum(1 for c in question.choices.all() if c.fraction > 0)


def _by_rank(names: list[str], reverse: bool) -> list[str]:
    return sorted(names, reverse=reverse)


Strategy = Callable[[dict, AttemptQuestion], Any]  # (what is shown, the item) -> response


def _ranked(reverse: bool) -> Strategy:
    def strategy(item: dict, attempt_item: AttemptQuestion) -> Any:
        kind, question = item["type"], attempt_item.question
        if kind in ("single", "truefalse"):
            return _by_rank([o["id"] for o in item["options"]], reverse)[0]
        if kind == "multi":
            return _by_rank([o["id"] for o in item["options"]], reverse)[: _k(question)]
        if kind == "ordering":
            return _by_rank([o["id"] for o in item["ordering"]], reverse)
        lefts = sorted(o["id"] for o in item["left"])
        rights = _by_rank([o["id"] for o in item["right_options"]], reverse)
        return dict(zip(lefts, rights, strict=False))

    return strategy


def _first_shown(item: dict, attempt_item: AttemptQuestion) -> Any:
    """The shown order of shuffled choices (true/false keeps True, False; ordering is never
    shown solved, so neither is a question of chance)."""
    if item["type"] == "single":
        return item["options"][0]["id"]
    if item["type"] == "multi":
        return [o["id"] for o in item["options"][: _k(attempt_item.question)]]
    return None


STRATEGIES: dict[str, Strategy] = {
    "lowest tokens": _ranked(reverse=False),
    "highest tokens": _ranked(reverse=True),
    "first shown": _first_shown,
}


def _chance_responses(question: Question, order: Any) -> list[Any]:
    """Every response a rank-based strategy can give, each equally likely without information."""
    kind = question.type
    if kind in ("single", "truefalse"):
        return list(order)
    if kind == "multi":
        return [list(c) for c in combinations(order, _k(question))]
    if kind == "ordering":
        return [list(p) for p in permutations(order)]
    lefts = [str(i) for i in order["left"]]
    return [dict(zip(lefts, p, strict=True)) for p in permutations(order["right"], len(lefts))]


def _chance(question: Question, order: Any) -> tuple[float, float]:
    scores = [
        float(grading.grade_question(question, r).fraction or 0)
        for r in _chance_responses(question, order)
    ]
    return fmean(scores), pvariance(scores)


def _attempts(quiz: Quiz, user: Any) -> list[Attempt]:
    """ATTEMPTS attempts: the first from attempt_start, the rest built the same way in bulk
    (shuffled_choice_order is what attempt_start uses; one by one would take minutes)."""
    now = timezone.now()
    first = services.attempt_start(quiz=quiz, user=user, now=now)
    template = list(first.items.order_by("order"))
    questions = Question.objects.prefetch_related("choices", "match_pairs", "ordering_items")
    by_id = questions.in_bulk([t.question_id for t in template])
    rng = random.Random()
    state = {"state": AttemptState.FINISHED, "started_at": now}
    more = Attempt.objects.bulk_create(
        Attempt(user=user, quiz=quiz, number=n, **state) for n in range(2, ATTEMPTS + 1)
    )
    AttemptQuestion.objects.bulk_create(
        AttemptQuestion(
            attempt=attempt,
            question_id=t.question_id,
            order=t.order,
            max_mark=t.max_mark,
            choice_order=services.shuffled_choice_order(
                by_id[t.question_id], quiz.shuffle_answers, rng
            ),
        )
        for attempt in more
        for t in template
    )
    return [first, *more]


def _play(quiz: Quiz, user: Any, strategies: dict) -> dict[str, list]:
    """Per strategy and attempt: (score, chance mean, chance variance) over the token types."""
    out: dict[str, list[tuple[float, float, float]]] = {name: [] for name in strategies}
    chance: dict[int, tuple[float, float]] = {}
    for attempt in _attempts(quiz, user):
        items = attempt_items_for_display(attempt=attempt)
        shown = present_attempt(attempt, items, now=timezone.now())["items"]
        for name, strategy in strategies.items():
            rows = []
            for item, view in zip(items, shown, strict=True):
                question = item.question
                sent = strategy(view, item) if question.type in TYPES else None
                if sent is None:
                    continue
                if question.id not in chance:
                    chance[question.id] = _chance(question, item.choice_order)
                stored = ItemTokens.of(item).decode(sent)  # as the API would store it
                fraction = float(grading.grade_question(question, stored).fraction or 0)
                rows.append((float(item.max_mark), fraction, *chance[question.id]))
            marks = sum(w for w, *_ in rows)
            out[name].append(
                (
                    sum(w * f for w, f, _, _ in rows) / marks,
                    sum(w * m for w, _, m, _ in rows) / marks,
                    sum(w * w * v for w, _, _, v in rows) / marks**2,
                )
            )
    return out


def _verdict(rows: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    """Observed mean score, chance mean, and the standard error of the observed mean."""
    n = len(rows)
    return (
        fmean(r[0] for r in rows),
        fmean(r[1] for r in rows),
        math.sqrt(sum(r[2] for r in rows)) / n,
    )


@pytest.fixture
def bank(db) -> list[Quiz]:
    import glossary.content
    import lessons.content
    import quizzes.content

    for module in (glossary.content, lessons.content, quizzes.content):
        module.load(stdout=io.StringIO())
    return list(Quiz.objects.order_by("slug"))


def _lowest_ids(item: dict, attempt_item: AttemptQuestion) -> Any:
    """The attack as it was: rank by the database id behind each token (what ids gave away;
    matching showed texts on the right, so it is left out)."""
    behind = ItemTokens.of(attempt_item)._ids
    question, kind = attempt_item.question, item["type"]
    if kind in ("single", "truefalse", "multi"):
        ranked = sorted((o["id"] for o in item["options"]), key=behind.__getitem__)
        return ranked[0] if kind != "multi" else ranked[: _k(question)]
    if kind == "ordering":
        return sorted((o["id"] for o in item["ordering"]), key=behind.__getitem__)
    return None


def test_ranking_tokens_scores_chance_over_the_whole_bank(bank, student):
    rows: dict[str, list] = {name: [] for name in [*STRATEGIES, "lowest ids (the old attack)"]}
    for quiz in bank:
        played = _play(quiz, student, {**STRATEGIES, "lowest ids (the old attack)": _lowest_ids})
        for name, results in played.items():
            rows[name] += results
    report = []
    for name, results in rows.items():
        observed, expected, error = _verdict(results)
        report.append(f"{name}: {observed:.3f} vs chance {expected:.3f} ± {error:.4f}")
        if name.startswith("lowest ids"):
            # The harness sees a leak when there is one: the ids still rank right answers first.
            assert observed > expected + 10 * error, report
        else:
            assert abs(observed - expected) <= BOUND * error, report
    print("\n".join(report))
