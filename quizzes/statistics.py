"""Item analysis with Moodle's formulas (mod/quiz/report/statistics), from sufficient statistics.

Everything is computed from sums: per question n, Σx, Σx², Σo, Σo², Σxo (x a question's mark,
o the rest of that attempt's total) and Σ x₍ₖ₎o₍ₖ₎ of the separately sorted marks (for Moodle's
maximum covariance). `matrix_statistics` builds the sums from a marks matrix in Python;
`quiz_statistics` has the database build them (GROUP BY, window functions), so attempts are
never loaded into Python. Variances use n - 1, as Moodle does.
"""

from __future__ import annotations

import json
import math
import statistics as pystats
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
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

# Moodle's guidance: a discrimination index below 20% is weak, below 0 means the question
# rewards the weaker students; both deserve a look.
POOR_DISCRIMINATION = 20.0
HISTOGRAM_BINS = 10


@dataclass(frozen=True)
class Moments:
    """Sums over the attempts that contain one question."""

    key: Hashable
    n: int
    max_mark: float
    sx: float
    sxx: float
    so: float
    soo: float
    sxo: float
    sorted_xo: float  # Σ of products of x and o each sorted ascending, paired by rank


@dataclass
class QuestionStats:
    key: Hashable
    n: int
    facility: float | None
    sd: float | None
    effective_weight: float | None = None
    covariance: float | None = None
    mark_variance: float | None = None
    other_mark_variance: float | None = None
    discrimination_index: float | None = None
    covariance_max: float | None = None
    discriminative_efficiency: float | None = None
    frequencies: list[tuple[str, int]] = field(default_factory=list)
    label: str = ""

    @property
    def poor_discrimination(self) -> bool:
        di = self.discrimination_index
        return self.n >= 2 and (di is None or di < POOR_DISCRIMINATION)

    @property
    def flag_reason(self) -> str:
        if not self.poor_discrimination:
            return ""
        if self.discrimination_index is None:
            if not self.mark_variance:
                return "every attempt scored the same on it"
            return "the rest of the quiz scored the same in every attempt"
        if self.discrimination_index < 0:
            return "weaker students do better on it than stronger ones"
        return "it hardly separates stronger from weaker students"


@dataclass
class QuizStats:
    n: int
    mean: float | None
    median: float | None
    sd: float | None
    histogram: list[tuple[float, float, int]]  # (from, to, count) of percent scores
    alpha: float | None  # coefficient of internal consistency, percent
    questions: list[QuestionStats]


def _var(n: int, s: float, ss: float) -> float | None:
    return (ss - s * s / n) / (n - 1) if n >= 2 else None


def _cov(n: int, sa: float, sb: float, sab: float) -> float | None:
    return (sab - sa * sb / n) / (n - 1) if n >= 2 else None


def _ratio(top: float | None, bottom: float | None) -> float | None:
    if top is None or bottom is None or bottom <= 0:
        return None
    return 100 * top / bottom


def question_stats(m: Moments) -> QuestionStats:
    if m.n == 0:
        return QuestionStats(key=m.key, n=0, facility=None, sd=None)
    scale = m.max_mark or 1.0
    var_x, var_o = _var(m.n, m.sx, m.sxx), _var(m.n, m.so, m.soo)
    cov = _cov(m.n, m.sx, m.so, m.sxo)
    cov_max = _cov(m.n, m.sx, m.so, m.sorted_xo)
    both = var_x * var_o if var_x is not None and var_o is not None else None
    return QuestionStats(
        key=m.key,
        n=m.n,
        facility=m.sx / m.n / scale,
        sd=math.sqrt(max(var_x, 0.0)) / scale if var_x is not None else None,
        covariance=cov,
        mark_variance=var_x,
        other_mark_variance=var_o,
        discrimination_index=_ratio(cov, math.sqrt(both) if both and both > 0 else None),
        covariance_max=cov_max,
        discriminative_efficiency=_ratio(cov, cov_max),
    )


def _effective_weights(stats: list[QuestionStats]) -> None:
    """Moodle: 100·√cov(x, total) / Σ√cov(x, total), undefined where a covariance is negative."""
    roots: dict[Hashable, float] = {}
    for s in stats:
        if s.covariance is None or s.mark_variance is None:
            continue
        with_total = s.covariance + s.mark_variance  # cov(x, x + o)
        if with_total >= 0:
            roots[s.key] = math.sqrt(with_total)
    total = sum(roots.values())
    for s in stats:
        if s.key in roots and total > 0:
            s.effective_weight = 100 * roots[s.key] / total


def alpha(question_variances: Sequence[float | None], total_variance: float | None) -> float | None:
    p = len(question_variances)
    if p < 2 or not total_variance or any(v is None for v in question_variances):
        return None
    return 100 * p / (p - 1) * (1 - sum(v for v in question_variances if v) / total_variance)


def histogram(
    scores: Sequence[float], bins: int = HISTOGRAM_BINS
) -> list[tuple[float, float, int]]:
    """Percent scores in equal bins over 0..100; 100 itself falls in the last bin."""
    width = 100 / bins
    counts = [0] * bins
    for score in scores:
        counts[min(max(int(score // width), 0), bins - 1)] += 1
    return [(i * width, (i + 1) * width, c) for i, c in enumerate(counts)]


def assemble(
    moments: list[Moments],
    *,
    n: int,
    mean: float | None,
    median: float | None,
    sd: float | None,
    total_variance: float | None,
    hist: list[tuple[float, float, int]],
) -> QuizStats:
    questions = [question_stats(m) for m in moments]
    _effective_weights(questions)
    return QuizStats(
        n=n,
        mean=mean,
        median=median,
        sd=sd,
        histogram=hist,
        alpha=alpha([q.mark_variance for q in questions], total_variance),
        questions=questions,
    )


def matrix_moments(marks: Sequence[Sequence[float]], max_marks: Sequence[float]) -> list[Moments]:
    totals = [sum(row) for row in marks]
    out = []
    for j, max_mark in enumerate(max_marks):
        x = [row[j] for row in marks]
        o = [t - v for t, v in zip(totals, x, strict=True)]
        out.append(
            Moments(
                key=j + 1,
                n=len(x),
                max_mark=max_mark,
                sx=sum(x),
                sxx=sum(v * v for v in x),
                so=sum(o),
                soo=sum(v * v for v in o),
                sxo=sum(a * b for a, b in zip(x, o, strict=True)),
                sorted_xo=sum(a * b for a, b in zip(sorted(x), sorted(o), strict=True)),
            )
        )
    return out


def matrix_statistics(
    marks: Sequence[Sequence[float]], max_marks: Sequence[float] | None = None
) -> QuizStats:
    """Statistics of a complete attempts × questions marks matrix (every attempt saw every
    question); quiz-level figures are on percent of the maximum total."""
    max_marks = list(max_marks or [1.0] * (len(marks[0]) if marks else 0))
    totals = [sum(row) for row in marks]
    n, full = len(totals), sum(max_marks) or 1.0
    scores = [100 * t / full for t in totals]
    return assemble(
        matrix_moments(marks, max_marks),
        n=n,
        mean=pystats.fmean(scores) if scores else None,
        median=pystats.median(scores) if scores else None,
        sd=pystats.stdev(scores) if n >= 2 else None,
        total_variance=_var(n, sum(totals), sum(t * t for t in totals)),
        hist=histogram(scores),
    )


def as_row(stats: QuestionStats) -> dict[str, Any]:
    """Moodle's qstats column names (for CSV export and the golden test)."""
    return {
        "facility": stats.facility,
        "sd": stats.sd,
        "effectiveweight": stats.effective_weight,
        "covariance": stats.covariance,
        "markvariance": stats.mark_variance,
        "othermarkvariance": stats.other_mark_variance,
        "discriminationindex": stats.discrimination_index,
        "covariancemax": stats.covariance_max,
        "discriminativeefficiency": stats.discriminative_efficiency,
    }


# --- from the database ----------------------------------------------------------------------------
class Median(Aggregate):
    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _finished_attempts(quiz: Any, first_only: bool) -> QuerySet:
    from .models import AttemptState

    attempts = quiz.attempts.filter(state=AttemptState.FINISHED)
    return attempts.filter(number=1) if first_only else attempts


def _finished_items(quiz: Any, first_only: bool) -> QuerySet:
    from .models import AttemptQuestion

    return AttemptQuestion.objects.filter(attempt__in=_finished_attempts(quiz, first_only))


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


_SORTED_PRODUCTS_SQL = """
WITH it AS (
    SELECT aq.question_id AS q, COALESCE(aq.mark, 0) AS x,
           COALESCE(a.marks, 0) - COALESCE(aq.mark, 0) AS o
    FROM {items} aq JOIN {attempts} a ON a.id = aq.attempt_id
    WHERE a.quiz_id = %s AND a.state = %s AND (a.number = 1 OR NOT %s)
), rx AS (SELECT q, x, ROW_NUMBER() OVER (PARTITION BY q ORDER BY x) AS r FROM it),
   ro AS (SELECT q, o, ROW_NUMBER() OVER (PARTITION BY q ORDER BY o) AS r FROM it)
SELECT rx.q, SUM(rx.x * ro.o) FROM rx JOIN ro ON ro.q = rx.q AND ro.r = rx.r GROUP BY rx.q
"""


def _sorted_products(quiz: Any, first_only: bool) -> dict[int, float]:
    """Σ x₍ₖ₎·o₍ₖ₎ per question: marks and rest-of-attempt totals each ranked, paired by rank."""
    from .models import Attempt, AttemptQuestion, AttemptState

    sql = _SORTED_PRODUCTS_SQL.format(
        items=AttemptQuestion._meta.db_table, attempts=Attempt._meta.db_table
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [quiz.pk, AttemptState.FINISHED, first_only])
        return {q: float(total) for q, total in cursor.fetchall()}


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


def quiz_statistics(*, quiz: Any, first_only: bool = False) -> QuizStats:
    """Moodle's quiz and item statistics over the quiz's finished attempts (or each student's
    first attempt, Moodle's other choice), summed in SQL."""
    attempts = _finished_attempts(quiz, first_only)
    marks = Coalesce(F("marks"), Value(Decimal(0)))
    agg = attempts.aggregate(
        n=Count("id"),
        st=Sum(marks),
        stt=Sum(marks * marks),
        mean=Avg("score"),
        sd=StdDev("score", sample=True),
        median=Median("score"),
    )
    n = agg["n"]
    result = assemble(
        _db_moments(quiz, first_only),
        n=n,
        mean=float(agg["mean"]) if agg["mean"] is not None else None,
        median=agg["median"],
        sd=float(agg["sd"]) if agg["sd"] is not None and n >= 2 else None,
        total_variance=_var(n, float(agg["st"] or 0), float(agg["stt"] or 0)),
        hist=_db_histogram(attempts),
    )
    _label(result, quiz, first_only)
    return result


def _label(result: QuizStats, quiz: Any, first_only: bool) -> None:
    from .models import Question

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


def _answer_frequencies(items: QuerySet, questions: dict[int, Any]) -> dict[int, list]:
    """How often each answer was chosen; the database groups identical responses, so only the
    distinct responses (not every attempt) reach Python."""
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
    if question is not None and question.type in ("single", "truefalse", "multi"):
        texts = {c.pk: c.text for c in question.choices.all()}
        picked = response if isinstance(response, list) else [response]
        return [texts.get(_int(p), f"(choice {p})") for p in picked]
    if isinstance(response, str):
        return [" ".join(response.split())[:80]]
    return [json.dumps(response, sort_keys=True)[:80]]


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _ordered(question: Any, bucket: dict[str, int]) -> list[tuple[str, int]]:
    if question is not None and question.type in ("single", "truefalse", "multi"):
        # Every choice, in authoring order, even those nobody picked.
        order = [c.text for c in question.choices.all()]
        rows = [(text, bucket.pop(text, 0)) for text in order]
        return rows + sorted(bucket.items(), key=lambda kv: -kv[1])
    rows = sorted(bucket.items(), key=lambda kv: (-kv[1], kv[0]))
    return rows[:TOP_RESPONSES]
