"""Regrading a finished attempt from its saved responses, with a record of who and why.

Marks are read-only in the admin; this is how an instructor changes them after a question was
fixed. Hand-graded essays keep their marks (essay_grade owns those). The student's tries are
replayed by the behaviour's rule (services/tries.py), as at the submit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from .. import qtypes
from ..models import Attempt, AttemptQuestion, AttemptRegrade, AttemptState
from ..selectors import attempt_items
from .attempts import _total
from .errors import AttemptError
from .tries import apply_outcome, item_outcome

if TYPE_CHECKING:
    from dlplatform.accounts.models import User


@transaction.atomic
def attempt_regrade(*, attempt: Attempt, by: User | None, reason: str) -> AttemptRegrade:
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
        apply_outcome(
            item, item_outcome(item=item, question=item.question, quiz=attempt.quiz, finished=True)
        )
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
