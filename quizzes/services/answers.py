"""Answers: saving and flagging one question of an open attempt, and the checks they share.

The API's faster autosave (autosave.py) keeps these same rules.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from .. import paging, qtypes
from ..models import Attempt, AttemptQuestion, AttemptState, Behaviour, Quiz
from ..qtypes.base import Response
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


def check_on_current_page(quiz: Quiz, current_page: int, order: int) -> None:
    """Sequential navigation: only the current page's questions take answers (paging.py)."""
    if not paging.answerable(quiz, current_page, order):
        raise AttemptError("That question is not on your current page.", "not_current_page")


def _lock_open_item(
    attempt: Attempt, question_id: int, now: datetime, *, allow_locked: bool = False
) -> tuple[Attempt, AttemptQuestion]:
    """Inside a transaction: the attempt and its item locked, refused if either is closed
    (a flag may still go on a locked question, as in Moodle, but not after the deadline)."""
    attempt = (
        Attempt.objects.select_for_update(of=("self",)).select_related("quiz").get(pk=attempt.pk)
    )
    check_open(attempt, now)
    item = _get_item(attempt, question_id, lock=True)
    check_on_current_page(attempt.quiz, attempt.current_page, item.order)
    if not allow_locked:
        check_unlocked(item.locked)
    return attempt, item


def clean_response(kind: str, response: Response) -> Response:
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
    *, attempt: Attempt, question_id: int, response: Response, now: datetime
) -> AttemptQuestion:
    """Autosave: refused once the deadline passed, the attempt ended or the question locked."""
    with transaction.atomic():
        _attempt, item = _lock_open_item(attempt, question_id, now)
        item.response = clean_response(item.question.type, response)
        item.answered_at = now
        item.save(update_fields=["response", "answered_at"])
    return item


def attempt_set_certainty(
    *, attempt: Attempt, question_id: int, certainty: int, now: datetime
) -> AttemptQuestion:
    """Certainty-based marking: how sure the student is of one answer (1, 2 or 3)."""
    if certainty not in (1, 2, 3):
        raise AttemptError("Certainty is 1, 2 or 3.", "invalid")
    with transaction.atomic():
        attempt, item = _lock_open_item(attempt, question_id, now)
        if attempt.quiz.behaviour != Behaviour.CBM:
            raise AttemptError("This quiz does not ask for certainty.", "invalid")
        item.certainty = certainty
        item.save(update_fields=["certainty"])
    return item


def attempt_turn_page(*, attempt: Attempt, page: int, now: datetime) -> Attempt:
    """Sequential navigation: the next page, one at a time and never back. (Free navigation
    needs no record: any page may be shown.)"""
    with transaction.atomic():
        attempt = (
            Attempt.objects.select_for_update(of=("self",))
            .select_related("quiz")
            .get(pk=attempt.pk)
        )
        check_open(attempt, now)
        pages = paging.page_count(attempt.items.count(), attempt.quiz.questions_per_page)
        if not 0 <= page < pages:
            raise AttemptError("There is no such page.", "invalid")
        if not paging.is_sequential(attempt.quiz) or page == attempt.current_page:
            return attempt
        if page != attempt.current_page + 1:
            raise AttemptError("This quiz moves forward one page at a time.", "not_current_page")
        attempt.current_page = page
        attempt.save(update_fields=["current_page"])
    return attempt


def attempt_flag(
    *, attempt: Attempt, question_id: int, flagged: bool, now: datetime
) -> AttemptQuestion:
    """Refused like an answer once the attempt ended or its time limit passed."""
    with transaction.atomic():
        _attempt, item = _lock_open_item(attempt, question_id, now, allow_locked=True)
        item.flagged = bool(flagged)
        item.save(update_fields=["flagged"])
    return item
