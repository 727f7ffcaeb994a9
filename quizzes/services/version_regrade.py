"""Regrading attempts to a question's version.

`regrade_preview` says, without writing, what grading some attempts against a version would
change; `regrade_apply` does it in one transaction under row locks, writes a `VersionRegrade`
(who, when, why, each attempt before and after) and an `AttemptRegrade` per changed attempt,
and keeps each score the sum of its marks. Applying twice changes nothing the second time.
Open attempts keep their version unless `include_open` says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Prefetch

from .. import qtypes, versioning
from ..models import (
    Attempt,
    AttemptQuestion,
    AttemptRegrade,
    AttemptState,
    Question,
    QuestionVersion,
    Quiz,
    VersionRegrade,
)
from ..selectors import attempt_items, questions_with_answers
from .attempts import _total
from .errors import AttemptError
from .tries import apply_outcome, item_outcome
from .versions import question_version_record

if TYPE_CHECKING:
    from dlplatform.accounts.models import User


# --- regrading to a version ---------------------------------------------------------------------
@dataclass
class RegradeRow:
    attempt: Attempt
    item: AttemptQuestion
    from_version: int | None
    to_version: int
    mark_before: Decimal | None
    mark_after: Decimal | None
    score_before: Decimal | None = None
    score_after: Decimal | None = None

    @property
    def changed(self) -> bool:
        return self.mark_before != self.mark_after or self.from_version != self.to_version


@dataclass
class RegradePreview:
    version: QuestionVersion
    rows: list[RegradeRow] = field(default_factory=list)

    @property
    def changed_rows(self) -> list[RegradeRow]:
        return [row for row in self.rows if row.changed]

    @property
    def total_before(self) -> Decimal:
        return sum((r.mark_before or Decimal("0") for r in self.rows), Decimal("0"))

    @property
    def total_after(self) -> Decimal:
        return sum((r.mark_after or Decimal("0") for r in self.rows), Decimal("0"))


def _items(question: Question, quiz: Quiz | None, include_open: bool) -> list[AttemptQuestion]:
    states = [AttemptState.FINISHED] + ([AttemptState.IN_PROGRESS] if include_open else [])
    items = AttemptQuestion.objects.filter(question=question, attempt__state__in=states)
    if quiz is not None:
        items = items.filter(attempt__quiz=quiz)
    return list(
        items.select_related("attempt", "attempt__quiz", "attempt__user", "version")
        .prefetch_related(Prefetch("question", queryset=questions_with_answers()))
        .order_by("attempt__quiz_id", "attempt__user_id", "attempt__number")
    )


def _row_for(item: AttemptQuestion, version: QuestionVersion) -> RegradeRow:
    attempt = item.attempt
    before = item.mark
    after = before
    hand_graded = qtypes.get(version.snapshot["fields"].get("type", "")).hand_graded
    if attempt.state == AttemptState.FINISHED and not hand_graded:
        after = _regraded(item, version).mark
    return RegradeRow(
        attempt=attempt,
        item=item,
        from_version=item.version.number if item.version else None,
        to_version=version.number,
        mark_before=before,
        mark_after=after,
    )


def _regraded(item: AttemptQuestion, version: QuestionVersion) -> AttemptQuestion:
    """A copy of the finished item with its tries replayed against `version` (nothing saved):
    the preview shows it and the apply stores it, so the two always agree."""
    probe = AttemptQuestion(
        max_mark=item.max_mark,
        tries=item.tries,
        try_history=item.try_history,
        certainty=item.certainty,
        response=item.response,
        locked=item.locked,
    )
    probe.question = versioning.question_at(item.question, version)
    outcome = item_outcome(
        item=probe, question=probe.question, quiz=item.attempt.quiz, finished=True
    )
    apply_outcome(probe, outcome)
    return probe


def _check(question: Question, to_version: QuestionVersion | None) -> QuestionVersion:
    if to_version is None:
        return question_version_record(question=question)
    if to_version.question_id != question.pk:
        raise AttemptError("That version belongs to another question.", "invalid")
    return to_version


def regrade_preview(
    *,
    question: Question,
    to_version: QuestionVersion | None = None,
    quiz: Quiz | None = None,
    include_open: bool = False,
) -> RegradePreview:
    """Per attempt, the question's mark now and graded against `to_version` (default: the
    current one); no mark is written (naming the current version may record it, when the
    question was edited past the services). Open attempts (when included) only change version."""
    version = _check(question, to_version)
    preview = RegradePreview(version=version)
    preview.rows = [_row_for(item, version) for item in _items(question, quiz, include_open)]
    for row in preview.rows:
        attempt = row.attempt
        row.score_before = attempt.score
        if attempt.state == AttemptState.FINISHED and attempt.max_marks:
            marks = (attempt.marks or Decimal("0")) - (row.mark_before or 0) + (row.mark_after or 0)
            row.score_after = (marks * 100 / attempt.max_marks).quantize(Decimal("0.001"))
        else:
            row.score_after = attempt.score
    return preview


@transaction.atomic
def regrade_apply(
    *,
    question: Question,
    by: User | None,
    reason: str,
    to_version: QuestionVersion | None = None,
    quiz: Quiz | None = None,
    include_open: bool = False,
) -> VersionRegrade | None:
    """Grade the attempts again against the version and move their items to it; None when that
    changes nothing (a second apply)."""
    reason = reason.strip()
    if not reason:
        raise AttemptError("Say why the attempts are regraded.", "invalid")
    version = _check(question, to_version)
    states = [AttemptState.FINISHED] + ([AttemptState.IN_PROGRESS] if include_open else [])
    locked = Attempt.objects.filter(items__question=question, state__in=states)
    if quiz is not None:
        locked = locked.filter(quiz=quiz)
    list(locked.select_for_update().order_by("pk").values_list("pk", flat=True))
    preview = regrade_preview(
        question=question, to_version=version, quiz=quiz, include_open=include_open
    )
    changes = [_apply_row(row, version, by, reason) for row in preview.changed_rows]
    if not changes:
        return None
    return VersionRegrade.objects.create(
        question=question,
        quiz=quiz,
        to_version=version,
        include_open=include_open,
        by=by,
        reason=reason,
        changes=changes,
    )


def _apply_row(row: RegradeRow, version: QuestionVersion, by: User | None, reason: str) -> dict:
    attempt = Attempt.objects.get(pk=row.attempt.pk)
    before = (attempt.marks, attempt.score)
    item = row.item
    item.version = version
    if attempt.state == AttemptState.FINISHED:
        if not qtypes.get(version.snapshot["fields"].get("type", "")).hand_graded:
            probe = _regraded(item, version)
            for name in ("fraction", "mark", "feedback", "needs_grading"):
                setattr(item, name, getattr(probe, name))
        item.question = versioning.question_at(item.question, version)
    item.save(update_fields=["version", "fraction", "mark", "feedback", "needs_grading"])
    if attempt.state == AttemptState.FINISHED:
        _total(attempt, attempt_items(attempt=attempt))
        attempt.save(update_fields=["marks", "score", "needs_manual_grading"])
        AttemptRegrade.objects.create(
            attempt=attempt,
            by=by,
            reason=f"Version {version.number} of question {item.question_id}: {reason}",
            marks_before=before[0],
            score_before=before[1],
            marks_after=attempt.marks,
            score_after=attempt.score,
        )
    return {
        "attempt": attempt.pk,
        "item": item.pk,
        "from_version": row.from_version,
        "to_version": version.number,
        "mark_before": None if row.mark_before is None else str(row.mark_before),
        "mark_after": None if item.mark is None else str(item.mark),
        "score_before": None if before[1] is None else str(before[1]),
        "score_after": None if attempt.score is None else str(attempt.score),
    }


# --- a whole quiz: each question to its current version -----------------------------------------
def quiz_regrade_questions(*, quiz: Quiz) -> list[Question]:
    """The questions the quiz's attempts hold (its slots, and what random draws picked)."""
    return list(
        Question.objects.filter(attempt_items__attempt__quiz=quiz).distinct().order_by("pk")
    )


def quiz_regrade_preview(*, quiz: Quiz, include_open: bool = False) -> list[RegradePreview]:
    return [
        regrade_preview(question=question, quiz=quiz, include_open=include_open)
        for question in quiz_regrade_questions(quiz=quiz)
    ]


@transaction.atomic
def quiz_regrade_apply(
    *, quiz: Quiz, by: User | None, reason: str, include_open: bool = False
) -> list[VersionRegrade]:
    """Every question of the quiz's attempts to its current version, all or nothing."""
    if not reason.strip():
        raise AttemptError("Say why the attempts are regraded.", "invalid")
    done = [
        regrade_apply(question=q, quiz=quiz, by=by, reason=reason, include_open=include_open)
        for q in quiz_regrade_questions(quiz=quiz)
    ]
    return [row for row in done if row is not None]
