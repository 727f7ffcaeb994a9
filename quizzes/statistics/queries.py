"""The queries that feed the formulas: the database sums, groups and counts over a quiz's
finished attempts, so attempts are never loaded into Python one by one."""

from __future__ import annotations

from collections.abc import Hashable
from decimal import Decimal
from typing import Any

from django.db.models import (
    Aggregate,
    Avg,
    Count,
    F,
    FloatField,
    IntegerField,
    Max,
    Min,
    QuerySet,
    StdDev,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Floor, Greatest, Least

from .. import qtypes
from ..qtypes import QType
from .distribution import powers_from_sums
from .formulas import HISTOGRAM_BINS, Moments, QuizStats, assemble, paired_sorted_sum, variance


class Median(Aggregate):
    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def finished_attempts(quiz: Any, first_only: bool) -> QuerySet:
    from quizzes.models import AttemptState

    attempts = quiz.attempts.filter(state=AttemptState.FINISHED)
    return attempts.filter(number=1) if first_only else attempts


def _finished_items(quiz: Any, first_only: bool) -> QuerySet:
    from quizzes.models import AttemptQuestion

    return AttemptQuestion.objects.filter(attempt__in=finished_attempts(quiz, first_only))


def _db_moments(quiz: Any, first_only: bool) -> list[Moments]:
    x = Coalesce(F("mark"), Value(Decimal(0)))
    o = Coalesce(F("attempt__marks"), Value(Decimal(0))) - x
    rows = (
        _finished_items(quiz, first_only)
        .values("question_id")
        .annotate(
            n=Count("id"),
            max_mark=Max("max_mark"),
            position=Min("order"),
            sx=Sum(x),
            sxx=Sum(x * x),
            so=Sum(o),
            soo=Sum(o * o),
            sxo=Sum(x * o),
        )
        .order_by("position", "question_id")
    )
    sorted_xo = _sorted_products(quiz, first_only)
    return [
        Moments(
            key=r["question_id"],
            n=r["n"],
            max_mark=float(r["max_mark"] or 1),
            **{k: float(r[k] or 0) for k in ("sx", "sxx", "so", "soo", "sxo")},
            sorted_xo=sorted_xo.get(r["question_id"], 0.0),
        )
        for r in rows
    ]


def _sorted_products(quiz: Any, first_only: bool) -> dict[int, float]:
    """Σ x₍ₖ₎·o₍ₖ₎ per question (marks and rest-of-attempt totals each ranked, paired by rank),
    from two grouped counts: the database returns each distinct (question, value) once with
    its count, and paired_sorted_sum walks the runs. No rank join, so nothing here depends on
    the planner's row estimates (a join on ROW_NUMBER went quadratic when they were stale)."""
    items = _finished_items(quiz, first_only)
    x = Coalesce(F("mark"), Value(Decimal(0)))
    o = Coalesce(F("attempt__marks"), Value(Decimal(0))) - x
    out = {}
    x_runs, o_runs = _runs(items, x), _runs(items, o)
    for qid, runs in x_runs.items():
        out[qid] = float(paired_sorted_sum(runs, o_runs.get(qid, [])))
    return out


def _runs(items: QuerySet, value: Any) -> dict[int, list[tuple[Decimal, int]]]:
    rows = (
        items.annotate(v=value)
        .values_list("question_id", "v")
        .annotate(c=Count("id"))
        .order_by("question_id", "v")
    )
    runs: dict[int, list[tuple[Decimal, int]]] = {}
    for qid, v, count in rows:
        runs.setdefault(qid, []).append((v, count))
    return runs


def _db_histogram(attempts: QuerySet) -> list[tuple[float, float, int]]:
    width = 100 / HISTOGRAM_BINS
    score = Coalesce(F("score"), Value(Decimal(0)))
    raw = Floor(score / Value(Decimal(str(width))), output_field=IntegerField())
    bins = Least(raw, Value(HISTOGRAM_BINS - 1), output_field=IntegerField())
    counts = dict(
        attempts.annotate(bin=Greatest(bins, Value(0), output_field=IntegerField()))
        .values("bin")
        .annotate(c=Count("id"))
        .values_list("bin", "c")
        .order_by()
    )
    return [(i * width, (i + 1) * width, counts.get(i, 0)) for i in range(HISTOGRAM_BINS)]


def _score_power_sums() -> dict[str, Sum]:
    """Σ marks^k for k = 1..4 (exact numeric sums), for skewness and kurtosis. On the summed
    marks, as Moodle (sumgrades): their 7 decimals keep its figures, where the percent score's
    3 would not; the shape does not depend on the scale."""
    score = Coalesce(F("marks"), Value(Decimal(0)))
    sums: dict[str, Sum] = {}
    term: Any = score
    for k in range(1, 5):
        sums[f"s{k}"] = Sum(term)
        term = term * score
    return sums


def quiz_statistics(*, quiz: Any, first_only: bool = False) -> QuizStats:
    """Moodle's quiz and item statistics over the quiz's finished attempts (or each student's
    first attempt, Moodle's other choice), summed in SQL."""
    attempts = finished_attempts(quiz, first_only)
    marks = Coalesce(F("marks"), Value(Decimal(0)))
    agg = attempts.aggregate(
        n=Count("id"),
        st=Sum(marks),
        stt=Sum(marks * marks),
        mean=Avg("score"),
        sd=StdDev("score", sample=True),
        median=Median("score"),
        **_score_power_sums(),
    )
    n = agg["n"]
    result = assemble(
        _db_moments(quiz, first_only),
        n=n,
        mean=float(agg["mean"]) if agg["mean"] is not None else None,
        median=agg["median"],
        sd=float(agg["sd"]) if agg["sd"] is not None and n >= 2 else None,
        total_variance=variance(n, float(agg["st"] or 0), float(agg["stt"] or 0)),
        hist=_db_histogram(attempts),
        powers=powers_from_sums(n, *(agg[f"s{k}"] or Decimal(0) for k in range(1, 5))),
    )
    _label(result, quiz, first_only)
    return result


def _label(result: QuizStats, quiz: Any, first_only: bool) -> None:
    from quizzes.models import Question

    ids = [q.key for q in result.questions]
    questions = Question.objects.filter(pk__in=ids).prefetch_related("choices")
    by_id = {q.pk: q for q in questions}
    frequencies = _answer_frequencies(_finished_items(quiz, first_only), by_id)
    for stats in result.questions:
        question = by_id.get(stats.key)
        stats.label = question.name if question else str(stats.key)
        stats.frequencies = frequencies.get(stats.key, [])


NO_ANSWER = "(no answer)"
TOP_RESPONSES = 5


def _answer_frequencies(
    items: QuerySet, questions: dict[int, Any]
) -> dict[Hashable, list[tuple[str, int]]]:
    """How often each answer was chosen; the database groups identical responses, so only the
    distinct responses (not every attempt) reach Python. Keyed by question id, looked up by
    QuestionStats.key (which holds those ids)."""
    grouped = items.values_list("question_id", "response").annotate(c=Count("id")).order_by()
    counts: dict[int, dict[str, int]] = {}
    for qid, response, count in grouped:
        bucket = counts.setdefault(qid, {})
        for label in _response_labels(questions.get(qid), response):
            bucket[label] = bucket.get(label, 0) + count
    return {qid: _ordered(questions.get(qid), bucket) for qid, bucket in counts.items()}


def _response_labels(question: Any, response: Any) -> list[str]:
    if response in (None, "", [], {}):
        return [NO_ANSWER]
    return _qtype(question).response_labels(question, response)


def _qtype(question: Any) -> QType:
    # A question deleted since (None) is counted as an unknown type's: by its stored value.
    return qtypes.get(question.type) if question is not None else qtypes.UNKNOWN


def _ordered(question: Any, bucket: dict[str, int]) -> list[tuple[str, int]]:
    return _qtype(question).frequency_rows(question, bucket, TOP_RESPONSES)
