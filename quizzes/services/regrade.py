"""Regrading a finished attempt from its saved responses, with a record of who and why.

Marks are read-only in the admin; this is how an instructor changes them after a question was
fixed. Hand-graded essays keep their marks (essay_grade owns those).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from .. import behaviours, grading, qtypes
from ..models import Attempt, AttemptQuestion, AttemptRegrade, AttemptState, Behaviour
from ..selectors import attempt_items
from .attempts import _apply_grade, _total
from .errors import AttemptError


@transaction.atomic
def attempt_regrade(*, attempt: Attempt, by: Any, reason: str) -> AttemptRegrade:
    """Grade every automatically graded item again from its response; recompute the total."""
    reason = reason.strip()
    if not reason:
        raise AttemptError("Say why the attempt is regraded.", "invalid")
    attempt = Attempt.objects.select_for_update().select_related("quiz").get(pk=attempt.pk)
    if attempt.state != AttemptState.FINISHED:
        raise AttemptError("Only a finished attempt can be regraded.", "invalid")
    before = (attempt.marks, attempt.score)
    items = attempt_items(attempt=attempt)
    regraded = [item for item in items if not qtypes.get(item.question.type).hand_graded]
    for item in regraded:
        grade = grading.grade_question(item.question, item.response)
        _apply_grade(item, grade, _fraction(attempt, item, grade))
    AttemptQuestion.objects.bulk_update(
        regraded, ["fraction", "mark", "feedback", "needs_grading"], batch_size=500
    )
    _total(attempt, items)
    attempt.save(update_fields=["marks", "score", "needs_manual_grading"])
    return AttemptRegrade.objects.create(
        attempt=attempt,
        by=by,
        reason=reason,
        marks_before=before[0],
        score_before=before[1],
        marks_after=attempt.marks,
        score_after=attempt.score,
    )


def _fraction(attempt: Attempt, item: AttemptQuestion, grade: grading.Grade) -> Any:
    behaviour = attempt.quiz.behaviour
    if grade.fraction is None:
        return None
    if behaviour == Behaviour.CBM:  # the certainty the student gave still scales the mark
        return behaviours.cbm_fraction(grade.fraction, item.certainty)
    # Interactive and adaptive: the tries the student spent on checks keep costing their
    # penalty (adaptive keeps no per-try history, so its last try counts).
    if behaviour not in (Behaviour.INTERACTIVE, Behaviour.ADAPTIVE):
        return grade.fraction
    penalty = item.question.penalty
    return grading.interactive_fraction(grade.fraction, tries=max(item.tries, 1), penalty=penalty)
