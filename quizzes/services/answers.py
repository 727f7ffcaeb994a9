"""Answers: saving and flagging one question of an open attempt, and the checks they share.

The API's faster autosave (autosave.py) keeps these same rules.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction

from .. import qtypes
from ..models import Attempt, AttemptQuestion, AttemptState
from .errors import AttemptError

MAX_RESPONSE_CHARS = 20_000


# --- answering ----------------------------------------------------------------------------------
def check_open(attempt: Attempt, now: datetime) -> None:
    if attempt.state != AttemptState.IN_PROGRESS:
        raise AttemptError("This attempt is finished.", "finished")
    if attempt.deadline and now > attempt.deadline:
        raise AttemptError("The time limit has passed; no more answers are accepted.", "closed")


def _get_item(attempt: Attempt, question_id: int, *, lock: bool = False) -> AttemptQuestion:
    items = AttemptQuestion.objects.select_related("question")
    if lock:
        items = items.select_for_update(of=("self",))
    item = items.filter(attempt=attempt, question_id=question_id).first()
    if item is None:
        raise AttemptError("That question is not part of this attempt.", "not_found")
    return item


def check_unlocked(locked: bool) -> None:
    if locked:
        raise AttemptError("This question is locked.", "locked")


def _lock_open_item(
    attempt: Attempt, question_id: int, now: datetime, *, allow_locked: bool = False
) -> tuple[Attempt, AttemptQuestion]:
    """Inside a transaction: the attempt and its item locked, refused if either is closed
    (a flag may still go on a locked question, as in Moodle, but not after the deadline)."""
    attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
    check_open(attempt, now)
    item = _get_item(attempt, question_id, lock=True)
    if not allow_locked:
        check_unlocked(item.locked)
    return attempt, item


def clean_response(kind: str, response: Any) -> Any:
    """Keep only the shape the type expects (qtypes); oversize or malformed answers are refused."""
    if response is None:
        return None
    if len(str(response)) > MAX_RESPONSE_CHARS:
        raise AttemptError("That answer is too long.", "invalid")
    try:
        return qtypes.get(kind).clean(response)
    except qtypes.ResponseShapeError:
        raise AttemptError(f"That answer does not fit a {kind} question.", "invalid") from None


def attempt_save_answer(
    *, attempt: Attempt, question_id: int, response: Any, now: datetime
) -> AttemptQuestion:
    """Autosave: refused once the deadline passed, the attempt ended or the question locked."""
    with transaction.atomic():
        _attempt, item = _lock_open_item(attempt, question_id, now)
        item.response = clean_response(item.question.type, response)
        item.answered_at = now
        item.save(update_fields=["response", "answered_at"])
    return item


def attempt_flag(
    *, attempt: Attempt, question_id: int, flagged: bool, now: datetime
) -> AttemptQuestion:
    """Refused like an answer once the attempt ended or its time limit passed."""
    with transaction.atomic():
        _attempt, item = _lock_open_item(attempt, question_id, now, allow_locked=True)
        item.flagged = bool(flagged)
        item.save(update_fields=["flagged"])
    return item
