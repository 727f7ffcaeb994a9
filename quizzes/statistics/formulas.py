"""Item analysis with Moodle's formulas (mod/quiz/report/statistics), from sufficient statistics.

Pure functions on numbers: no Django, no database. Everything is computed from sums: per
question n, Σx, Σx², Σo, Σo², Σxo (x a question's mark, o the rest of that attempt's total) and
Σ x₍ₖ₎o₍ₖ₎ of the separately sorted marks (for Moodle's maximum covariance). `matrix_statistics`
builds the sums from a marks matrix; `queries.quiz_statistics` has the database build them.
Variances use n - 1, as Moodle does.
"""

from __future__ import annotations

import math
import statistics as pystats
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any, ClassVar, TypeVar

from ..behaviours import CbmSummary
from .distribution import CentralPowers, powers_of, score_shape

# Moodle's guidance: a discrimination index below 20% is weak, below 0 means the question
# rewards the weaker students; both deserve a look.
POOR_DISCRIMINATION = 20.0
HISTOGRAM_BINS = 10
# Both runs are floats or both Decimals (a float times a Decimal is a TypeError); the int is
# the 0 of empty runs.
Number = TypeVar("Number", float, Decimal)


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
    # A question seen at more than one version: the same figures over each version's items
    # (its number; None for items from before versions were recorded), in version order.
    version: int | None = None
    versions: list[QuestionStats] = field(default_factory=list)

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
    # The distribution's shape (distribution.py); the standard error is in percent, like sd.
    skewness: float | None = None
    kurtosis: float | None = None
    error_ratio: float | None = None
    standard_error: float | None = None

    # Certainty-based marking's summary over every counted answer (quizzes/behaviours.py).
    cbm: CbmSummary | None = None

    SHAPE: ClassVar[tuple[str, ...]] = ("skewness", "kurtosis", "error_ratio", "standard_error")


def variance(n: int, s: float, ss: float) -> float | None:
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
    var_x, var_o = variance(m.n, m.sx, m.sxx), variance(m.n, m.so, m.soo)
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


def with_versions(
    stats: list[QuestionStats], per_version: dict[Hashable, list[tuple[int | None, Moments]]]
) -> None:
    """Each question's rows per version, where its items hold more than one: facility, sd and
    discrimination over the attempts that saw that version (no effective weight: that is a
    share of the whole quiz's)."""
    for s in stats:
        parts = per_version.get(s.key, [])
        if len(parts) < 2:
            continue
        s.versions = []
        for number, moments in parts:
            row = question_stats(moments)
            row.version, row.label = number, s.label
            s.versions.append(row)


def merge_runs(
    runs: Iterable[Sequence[tuple[Number, int]]],
) -> list[tuple[Number, int]]:
    """Sorted (value, count) runs of several groups as the runs of their union."""
    counts: dict[Number, int] = {}
    for group in runs:
        for value, count in group:
            counts[value] = counts.get(value, 0) + count
    return sorted(counts.items())


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
    powers: CentralPowers | None = None,
) -> QuizStats:
    """`powers`: the central power sums of the percent scores, for the distribution's shape."""
    questions = [question_stats(m) for m in moments]
    _effective_weights(questions)
    cic = alpha([q.mark_variance for q in questions], total_variance)
    shape = score_shape(powers, cic=cic, sd=sd) if powers is not None else None
    return QuizStats(
        n=n,
        mean=mean,
        median=median,
        sd=sd,
        histogram=hist,
        alpha=cic,
        questions=questions,
        **(shape.__dict__ if shape is not None else {}),
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
        total_variance=variance(n, sum(totals), sum(t * t for t in totals)),
        hist=histogram(scores),
        powers=powers_of(scores),
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


def paired_sorted_sum(
    xs: Iterable[tuple[Number, int]], os: Iterable[tuple[Number, int]]
) -> Number | int:
    """Σ x₍ₖ₎·o₍ₖ₎ from two sorted (value, count) runs of the same total count: the k-th
    smallest x times the k-th smallest o, without expanding the runs. Marks take few distinct
    values, so this costs the number of distinct values, not the number of attempts (and,
    given Decimals, stays exact)."""
    total: Number | int = 0
    x_runs, o_runs = iter(xs), iter(os)
    x: Number | int
    o: Number | int
    x, x_left = next(x_runs, (0, 0))
    o, o_left = next(o_runs, (0, 0))
    while x_left and o_left:
        take = min(x_left, o_left)
        total += x * o * take
        x_left, o_left = x_left - take, o_left - take
        if not x_left:
            x, x_left = next(x_runs, (0, 0))
        if not o_left:
            o, o_left = next(o_runs, (0, 0))
    return total


def _finite(value: Any) -> Any:
    # PostgreSQL's jsonb has no NaN or infinity; a figure that is not a number is undefined.
    return None if isinstance(value, float) and not math.isfinite(value) else value


def to_dict(stats: QuizStats) -> dict[str, Any]:
    """JSON-ready, for the stored result (QuizStatistics.results)."""
    questions = [_question_dict(q) for q in stats.questions]
    return {
        "n": stats.n,
        "mean": _finite(stats.mean),
        "median": _finite(stats.median),
        "sd": _finite(stats.sd),
        "histogram": [list(b) for b in stats.histogram],
        "alpha": _finite(stats.alpha),
        **{name: _finite(getattr(stats, name)) for name in QuizStats.SHAPE},
        "questions": questions,
        "cbm": asdict(stats.cbm) if stats.cbm is not None else None,
    }


def _question_dict(q: QuestionStats) -> dict[str, Any]:
    return {
        **{k: _finite(v) for k, v in q.__dict__.items()},
        "frequencies": [list(f) for f in q.frequencies],
        "versions": [_question_dict(v) for v in q.versions],
    }


def _question_of(q: dict[str, Any]) -> QuestionStats:
    # Results stored before the version rows existed have none.
    versions = [_question_of(v) for v in q.get("versions", [])]
    frequencies = [tuple(f) for f in q["frequencies"]]
    return QuestionStats(**{**q, "frequencies": frequencies, "versions": versions})


def from_dict(data: dict[str, Any]) -> QuizStats:
    questions = [_question_of(q) for q in data["questions"]]
    return QuizStats(
        n=data["n"],
        mean=data["mean"],
        median=data["median"],
        sd=data["sd"],
        histogram=[tuple(b) for b in data["histogram"]],
        alpha=data["alpha"],
        questions=questions,
        # Results stored before these figures existed have none: shown as undefined.
        **{name: data.get(name) for name in QuizStats.SHAPE},
        cbm=CbmSummary.from_dict(data["cbm"]) if data.get("cbm") else None,
    )
