"""The queries that feed the formulas: the database sums, groups and counts over a quiz's
finished attempts, so attempts are never loaded into Python one by one."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Aggregate,
    Avg,
    Case,
    Count,
    F,
    FloatField,
    IntegerField,
    Max,
    Min,
    Q,
    QuerySet,
    StdDev,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Floor, Greatest, Least

from .. import qtypes
from ..behaviours import (
    DEFAULT_CERTAINTY,
    RIGHT_SCORE,
    CbmSummary,
    CbmTally,
    cbm_summary,
    level_tally,
)
from ..qtypes.base import most_frequent, stored_labels
from .distribution import powers_from_sums

if TYPE_CHECKING:
    from ..models import Question, Quiz
from .formulas import (
    HISTOGRAM_BINS,
    Moments,
    QuizStats,
    assemble,
    merge_runs,
    paired_sorted_sum,
    variance,
    with_versions,
)


class Median(Aggregate):
    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


@dataclass(frozen=True)
class VersionPick:
    """The report's version filter: only the attempts whose item of this question was at this
    version (its number). Written `<question id>:<version number>` in the URL."""

    question_id: int
    number: int

    @classmethod
    def parse(cls, text: str) -> VersionPick:
        """ValueError on anything but two positive whole numbers."""
        question, sep, number = text.partition(":")
        if not (sep and question.isdigit() and number.isdigit()) or len(text) > 24:
            raise ValueError("The version filter is written QUESTION:VERSION, e.g. 12:2.")
        pick = cls(int(question), int(number))
        if not (0 < pick.question_id < 2**63 and 0 < pick.number < 2**31):
            raise ValueError("No such question or version number.")
        return pick

    @property
    def key(self) -> str:
        return f"{self.question_id}:{self.number}"


def finished_attempts(quiz: Quiz, first_only: bool, version: VersionPick | None = None) -> QuerySet:
    from quizzes.models import AttemptQuestion, AttemptState, QuestionVersion

    attempts = quiz.attempts.filter(state=AttemptState.FINISHED)
    if version is not None:
        # A semi-join on the ids (hashed once), not a correlated EXISTS per attempt: that
        # went quadratic with the planner's estimates stale.
        at = QuestionVersion.objects.filter(question_id=version.question_id, number=version.number)
        saw = AttemptQuestion.objects.filter(
            question_id=version.question_id, version_id__in=at.values("pk")
        )
        attempts = attempts.filter(pk__in=saw.values("attempt_id"))
    return attempts.filter(number=1) if first_only else attempts


def _finished_items(quiz: Quiz, first_only: bool, version: VersionPick | None) -> QuerySet:
    from quizzes.models import AttemptQuestion

    return AttemptQuestion.objects.filter(attempt__in=finished_attempts(quiz, first_only, version))


SUMS = ("sx", "sxx", "so", "soo", "sxo")
Key = tuple[int, int | None]  # (question id, version id or None)


def _db_moments(
    items: QuerySet,
) -> tuple[list[Moments], dict[Hashable, list[tuple[int | None, Moments]]]]:
    """Each question's moments, and each of its versions': one grouped query by (question,
    version) whose sums add up to the question's, and the rank products from runs that merge
    the same way, so the breakdown costs no query of its own."""
    x = Coalesce(F("mark"), Value(Decimal(0)))
    o = Coalesce(F("attempt__marks"), Value(Decimal(0))) - x
    rows = list(
        items.values("question_id", "version_id")
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
        .order_by("question_id", "version_id")
    )
    x_runs, o_runs = _runs(items, x), _runs(items, o)
    by_question: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        by_question.setdefault(row["question_id"], []).append(row)
    # Numbers are read only for a question seen at several versions (the breakdown's rows).
    numbers = _version_numbers(
        {r["version_id"] for parts in by_question.values() if len(parts) > 1 for r in parts}
        - {None}
    )
    order = sorted(by_question, key=lambda qid: (min(r["position"] for r in by_question[qid]), qid))
    moments: list[Moments] = []
    versions: dict[Hashable, list[tuple[int | None, Moments]]] = {}
    for qid in order:
        parts = by_question[qid]
        keys = [(qid, r["version_id"]) for r in parts]
        merged_x = merge_runs(x_runs.get(k, []) for k in keys)
        merged_o = merge_runs(o_runs.get(k, []) for k in keys)
        moments.append(_moments(qid, _sum_rows(parts), merged_x, merged_o))
        versions[qid] = [
            (numbers.get(r["version_id"]), _moments(qid, r, x_runs.get(k, []), o_runs.get(k, [])))
            for r, k in zip(parts, keys, strict=True)
        ]
        versions[qid].sort(key=lambda pair: (pair[0] is None, pair[0] or 0))
    return moments, versions


def _version_numbers(ids: set[int]) -> dict[int, int]:
    """Version ids to their numbers: grouping by the id spares the big queries a join."""
    from quizzes.models import QuestionVersion

    if not ids:
        return {}
    return dict(QuestionVersion.objects.filter(pk__in=ids).values_list("pk", "number"))


def _sum_rows(rows: list[dict[str, Any]]) -> dict[str, Any]:
    # In Decimal, as the database summed them: one version's figures meet the old ones exactly.
    total = {k: sum((r[k] or Decimal(0) for r in rows), Decimal(0)) for k in SUMS}
    maxima = [r["max_mark"] for r in rows if r["max_mark"] is not None]
    return {**total, "n": sum(r["n"] for r in rows), "max_mark": max(maxima, default=None)}


def _moments(qid: int, row: dict[str, Any], x_runs: list, o_runs: list) -> Moments:
    return Moments(
        key=qid,
        n=row["n"],
        max_mark=float(row["max_mark"] or 1),
        **{k: float(row[k] or 0) for k in SUMS},
        sorted_xo=float(paired_sorted_sum(x_runs, o_runs)),
    )


def _runs(items: QuerySet, value: Any) -> dict[Key, list[tuple[Decimal, int]]]:
    """Σ x₍ₖ₎·o₍ₖ₎ (marks and rest-of-attempt totals each ranked, paired by rank) comes from
    grouped counts: the database returns each distinct (question, version id, value) once with
    its count, and paired_sorted_sum walks the runs. No rank join, so nothing here depends on
    the planner's row estimates (a join on ROW_NUMBER went quadratic when they were stale)."""
    rows = (
        items.annotate(v=value)
        .values_list("question_id", "version_id", "v")
        .annotate(c=Count("id"))
        .order_by("question_id", "version_id", "v")
    )
    runs: dict[Key, list[tuple[Decimal, int]]] = {}
    for qid, number, v, count in rows:
        runs.setdefault((qid, number), []).append((v, count))
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


def quiz_statistics(
    *, quiz: Quiz, first_only: bool = False, version: VersionPick | None = None
) -> QuizStats:
    """Moodle's quiz and item statistics over the quiz's finished attempts (or each student's
    first attempt, Moodle's other choice; or those that saw one version of a question),
    summed in SQL. A quiz with certainty-based marking adds its CBM summary."""
    attempts = finished_attempts(quiz, first_only, version)
    items = _finished_items(quiz, first_only, version)
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
    moments, per_version = _db_moments(items)
    result = assemble(
        moments,
        n=n,
        mean=float(agg["mean"]) if agg["mean"] is not None else None,
        median=agg["median"],
        sd=float(agg["sd"]) if agg["sd"] is not None and n >= 2 else None,
        total_variance=variance(n, float(agg["st"] or 0), float(agg["stt"] or 0)),
        hist=_db_histogram(attempts),
        powers=powers_from_sums(n, *(agg[f"s{k}"] or Decimal(0) for k in range(1, 5))),
    )
    questions = _label(result, items)
    with_versions(result.questions, per_version)
    from quizzes.models import Behaviour

    if quiz.behaviour == Behaviour.CBM:
        # The questions are loaded already: their ids spare the CBM query a join for types.
        counted = [pk for pk, q in questions.items() if qtypes.get(q.type).counts_in_cbm]
        tallies = cbm_tallies(items, questions=counted)
        result.cbm = cbm_summary(**tallies.get(None, _NO_TALLY))
    return result


def _label(result: QuizStats, items: QuerySet) -> dict[int, Any]:
    from quizzes.models import Question

    ids = [q.key for q in result.questions]
    questions = Question.objects.filter(pk__in=ids).prefetch_related("choices")
    by_id = {q.pk: q for q in questions}
    frequencies = _answer_frequencies(items, by_id)
    for stats in result.questions:
        question = by_id.get(stats.key)
        stats.label = question.name if question else str(stats.key)
        stats.frequencies = frequencies.get(stats.key, [])
    return by_id


def question_version_statistics(*, question: Question) -> list[dict]:
    """The admin history page's figures per version of one question, over every quiz's
    finished attempts: how many items hold it, their mean fraction as a percent (Moodle's
    facility) and mean mark. A quiz's own report breaks its questions down by version too
    (quiz_statistics: QuestionStats.versions)."""
    from quizzes.models import AttemptQuestion, AttemptState

    items = AttemptQuestion.objects.filter(
        question=question, attempt__state=AttemptState.FINISHED, version__isnull=False
    )
    rows = (
        items.values("version__number")
        .annotate(count=Count("id"), facility=Avg("fraction"), mean_mark=Avg("mark"))
        .order_by("version__number")
    )
    return [
        {
            "number": row["version__number"],
            "count": row["count"],
            "facility": None if row["facility"] is None else row["facility"] * 100,
            "mean_mark": row["mean_mark"],
        }
        for row in rows
    ]


# --- certainty-based marking ---------------------------------------------------------------
_NO_TALLY: dict[str, Any] = {"levels": {}, "unanswered": CbmTally()}


def cbm_counted_types() -> list[str]:
    """The types Moodle's CBM summary counts (QType.counts_in_cbm)."""
    return [name for name, t in qtypes.TYPES.items() if t.counts_in_cbm]


def cbm_unanswered() -> Q:
    """Items Moodle's summary counts as not answered: no response (AttemptQuestion.answered),
    or no fraction (never graded)."""
    empty = Q(response__isnull=True) | Q(response=None) | Q(response="") | Q(response=[])
    return empty | Q(response={}) | Q(fraction__isnull=True)


def cbm_tallies(
    items: QuerySet, *, by_attempt: bool = False, questions: list[int] | None = None
) -> dict[Any, dict[str, Any]]:
    """The CBM tallies per certainty level and of the unanswered items, pooled (key None) or
    per attempt (its id): one grouped query, a few rows per attempt. `questions`: the ids of
    the counted questions when the caller knows them (else their types are joined).
    What is not counted is sorted out in the grouping (level -1), not in the WHERE: a filter
    on the question lets a stale planner pick a nested loop over that index, quadratic."""
    counted = Q(question_id__in=questions) if questions is not None else None
    counted = counted or Q(question__type__in=cbm_counted_types())
    level = Case(
        When(~counted | Q(max_mark__lte=0), then=Value(-1)),
        When(cbm_unanswered(), then=Value(0)),
        When(certainty__in=list(RIGHT_SCORE), then=F("certainty")),
        default=Value(DEFAULT_CERTAINTY),
        output_field=IntegerField(),
    )
    positive = Greatest(Coalesce(F("fraction"), Value(Decimal(0))), Value(Decimal(0)))
    keys = ["attempt_id", "level"] if by_attempt else ["level"]
    rows = (
        items.annotate(level=level)
        .values(*keys)
        .annotate(
            count=Count("id"),
            right=Count("id", filter=Q(fraction__gt=0)),
            weight=Sum("max_mark"),
            positive=Sum(F("max_mark") * positive),
            cbm=Sum(Coalesce(F("mark"), Value(Decimal(0)))),
        )
        .order_by(*keys)
    )
    out: dict[Any, dict[str, Any]] = {}
    for row in rows:
        if row["level"] < 0:
            continue
        entry = out.setdefault(row.get("attempt_id"), {"levels": {}, "unanswered": CbmTally()})
        if row["level"] == 0:
            entry["unanswered"] = CbmTally(row["count"], 0, row["weight"])
            continue
        sums = {k: row[k] or Decimal(0) for k in ("weight", "positive", "cbm")}
        entry["levels"][row["level"]] = level_tally(
            row["level"], count=row["count"], right=row["right"], **sums
        )
    return out


def cbm_by_attempt(attempt_ids: list[int]) -> dict[int, CbmSummary | None]:
    """The CBM summary of each of these attempts (a page of a report), in one query."""
    from quizzes.models import AttemptQuestion

    tallies = cbm_tallies(
        AttemptQuestion.objects.filter(attempt_id__in=attempt_ids), by_attempt=True
    )
    return {pk: cbm_summary(**tallies.get(pk, _NO_TALLY)) for pk in attempt_ids}


NO_ANSWER = "(no answer)"
TOP_RESPONSES = 5


def _answer_frequencies(
    items: QuerySet, questions: dict[int, Question]
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


# A question deleted since (None) is counted as an unknown type's: by its stored value.
def _response_labels(question: Question | None, response: Any) -> list[str]:
    if response in (None, "", [], {}):
        return [NO_ANSWER]
    if question is None:
        return stored_labels(response)
    return qtypes.get(question.type).response_labels(question, response)


def _ordered(question: Question | None, bucket: dict[str, int]) -> list[tuple[str, int]]:
    if question is None:
        return most_frequent(bucket, TOP_RESPONSES)
    return qtypes.get(question.type).frequency_rows(question, bucket, TOP_RESPONSES)
