"""Attempts: start, check, submit and hand grading; the attempt total.

All attempt services take `now` so that time limits are testable without sleeping; the server
clock is the only clock that counts (the browser countdown is a display).
"""

from __future__ import annotations

import random
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction

from dlplatform.accounts.models import User

from .. import qtypes, versioning
from ..access import EffectiveSettings, effective_settings
from ..models import (
    Attempt,
    AttemptQuestion,
    AttemptState,
    Behaviour,
    OverdueHandling,
    Question,
    Quiz,
)
from ..qtypes.base import Order, Response
from ..selectors import (
    attempt_items,
    draw_questions,
    questions_with_answers,
    quiz_fixed_questions,
)
from .answers import _lock_open_item, clean_response
from .errors import AttemptError
from .rules import check_can_start
from .tries import apply_outcome, item_outcome, record_try
from .versions import versions_for_start


# --- starting -----------------------------------------------------------------------------------
def shuffled_choice_order(question: Question, shuffle: bool, rng: random.Random) -> Order:
    """The item's choice_order as the question's type draws it (qtypes)."""
    return qtypes.get(question.type).start_order(question, shuffle, rng)


def _build_items(attempt: Attempt, quiz: Quiz, rng: random.Random) -> list[AttemptQuestion]:
    if quiz.draw_count:
        chosen = [(q, q.default_mark) for q in draw_questions(quiz=quiz, rng=rng)]
    else:
        chosen = quiz_fixed_questions(quiz=quiz)
    if quiz.shuffle_questions:
        rng.shuffle(chosen)
    versions = versions_for_start(questions=[question for question, _ in chosen])
    return [
        AttemptQuestion(
            attempt=attempt,
            question=question,
            version=versions[question.pk],
            order=index,
            max_mark=mark if question.is_graded else Decimal("0"),
            choice_order=shuffled_choice_order(question, quiz.shuffle_answers, rng),
        )
        for index, (question, mark) in enumerate(chosen)
    ]


def attempt_start(
    *,
    quiz: Quiz,
    user: User,
    now: datetime,
    seed: int | None = None,
    password: str | None = None,
) -> Attempt:
    """Resume the open attempt, or start the next one once the access rules allow it
    (services/rules.py, on the student's effective settings: quizzes/access.py)."""
    open_attempt = quiz.attempts.filter(user=user, state=AttemptState.IN_PROGRESS).first()
    if open_attempt is not None:
        return attempt_submit_if_overdue(attempt=open_attempt, now=now)
    settings = effective_settings(quiz=quiz, user=user)
    number = check_can_start(quiz, user, now, settings, password)
    deadline = settings.deadline_for(now)
    rng = random.Random(seed)
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                user=user, quiz=quiz, number=number, started_at=now, deadline=deadline
            )
            items = AttemptQuestion.objects.bulk_create(_build_items(attempt, quiz, rng))
            attempt.max_marks = sum((i.max_mark for i in items), Decimal("0"))
            attempt.save(update_fields=["max_marks"])
    except IntegrityError:  # a second tab started at the same moment: use its attempt
        return quiz.attempts.get(user=user, state=AttemptState.IN_PROGRESS)
    return attempt


DEFERRED_BEHAVIOURS = {Behaviour.DEFERRED, Behaviour.CBM}


def attempt_check_answer(
    *, attempt: Attempt, question_id: int, now: datetime, response: Response = None
) -> AttemptQuestion:
    """Immediate: one check locks the question. Interactive: up to quiz.max_tries checks, each
    extra try costing the question's penalty; a right answer or the last try locks it.
    Adaptive: as many checks as the student likes, the best penalised mark kept; a right answer
    locks it. Each check is kept as a try and the mark is their replay (services/tries.py).
    The answer sent is saved and checked under one row lock, so concurrent checks are tries
    one after another, each of the answer it sent."""
    _check_allowed(attempt.quiz.behaviour)
    with transaction.atomic():
        attempt, item = _lock_open_item(attempt, question_id, now)
        if response is not None:
            item.response = clean_response(item.question.type, response)
            item.answered_at = now
        item_check(item=item, question=_graded_question(item), quiz=attempt.quiz, now=now)
        item.save()
    return item


def _graded_question(item: AttemptQuestion) -> Question:
    question = questions_with_answers().get(pk=item.question_id)
    return versioning.question_at(question, item.version)


def _check_allowed(behaviour: str) -> None:
    if behaviour in DEFERRED_BEHAVIOURS:
        raise AttemptError("This quiz gives feedback only after submission.", "invalid")


def item_check(*, item: AttemptQuestion, question: Question, quiz: Quiz, now: datetime) -> None:
    """One Check of an item, graded on `question` (as the item's version froze it) under the
    quiz's behaviour: its response becomes one more try and the tries are replayed. Nothing is
    saved here: the attempt's check and the instructor's preview both come through."""
    _check_allowed(quiz.behaviour)
    if not item.answered:
        raise AttemptError("Answer the question before checking it.", "invalid")
    record_try(item, now=now)
    apply_outcome(item, item_outcome(item=item, question=question, quiz=quiz, finished=False))


# --- submitting ---------------------------------------------------------------------------------
def attempt_submit(*, attempt: Attempt, now: datetime) -> Attempt:
    """Idempotent: the row lock makes a second, concurrent submit wait and then see graded_at.

    Past the deadline the answers saved by then are graded, as the quiz's overdue handling says:
    automatically, or within the grace period; a submit after that (or, with "must be submitted
    before time expires", after the deadline) abandons the attempt: it is not graded."""
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().select_related("quiz").get(pk=attempt.pk)
        if attempt.graded_at is not None or attempt.state == AttemptState.ABANDONED:
            return attempt
        if _too_late(attempt, now):
            attempt.state = AttemptState.ABANDONED
            attempt.save(update_fields=["state"])
            return attempt
        items = attempt_items(attempt=attempt)
        changed = []
        for item in items:
            if not item.locked:
                item_submit(item=item, question=item.question, quiz=attempt.quiz)
                changed.append(item)
        AttemptQuestion.objects.bulk_update(
            changed, ["fraction", "mark", "feedback", "needs_grading", "locked"], batch_size=500
        )
        attempt.submitted_at = min(now, attempt.deadline) if attempt.deadline else now
        attempt.state = AttemptState.FINISHED
        attempt.graded_at = now
        _total(attempt, items)
        attempt.save()
    return attempt


def item_submit(*, item: AttemptQuestion, question: Question, quiz: Quiz) -> None:
    """The submit's grading of one open item on `question` (as its version froze it): its tries
    and final response replayed, then it locks. Nothing is saved here (the attempt's submit and
    the preview share it)."""
    apply_outcome(item, item_outcome(item=item, question=question, quiz=quiz, finished=True))
    item.locked = True


def _total(attempt: Attempt, items: list[AttemptQuestion]) -> None:
    marks = sum((i.mark or Decimal("0") for i in items), Decimal("0"))
    attempt.marks = marks
    attempt.needs_manual_grading = any(i.needs_grading for i in items)
    attempt.score = (
        (marks * 100 / attempt.max_marks).quantize(Decimal("0.001"))
        if attempt.max_marks
        else Decimal("0")
    )


def _settings_of(attempt: Attempt) -> EffectiveSettings:
    return effective_settings(quiz=attempt.quiz, user=attempt.user)


def _too_late(attempt: Attempt, now: datetime) -> bool:
    """Past the last moment a submit is taken (only grace or abandon handling have one)."""
    if attempt.deadline is None or now <= attempt.deadline:
        return False
    settings = _settings_of(attempt)
    if settings.overdue_handling == OverdueHandling.AUTOSUBMIT:
        return False
    limit = settings.submit_until(attempt.deadline)
    return limit is not None and now > limit


def attempt_submit_if_overdue(*, attempt: Attempt, now: datetime) -> Attempt:
    """An attempt left open past its deadline is graded as it was saved (automatic submit), or
    abandoned once its grace period is over too; within the grace period it stays open, for
    submitting only (answers.check_open refuses answers after the deadline)."""
    if attempt.state != AttemptState.IN_PROGRESS or not attempt.deadline:
        return attempt
    if now <= attempt.deadline:
        return attempt
    settings = _settings_of(attempt)
    if settings.overdue_handling == OverdueHandling.AUTOSUBMIT or _too_late(attempt, now):
        return attempt_submit(attempt=attempt, now=now)
    return attempt


@transaction.atomic
def essay_grade(
    *, item: AttemptQuestion, mark: Decimal, comment: str, grader: User
) -> AttemptQuestion:
    """An instructor's mark for an essay; the attempt total is recomputed."""
    item = AttemptQuestion.objects.select_for_update().get(pk=item.pk)
    if not qtypes.get(item.question.type).hand_graded or not item.locked:
        raise AttemptError("Only submitted essays are graded by hand.", "invalid")
    if not Decimal("0") <= mark <= item.max_mark:
        raise AttemptError(f"The mark must be between 0 and {item.max_mark}.", "invalid")
    item.mark = mark
    item.fraction = (mark / item.max_mark) if item.max_mark else Decimal("0")
    item.grader_comment = comment
    item.graded_by = grader
    item.needs_grading = False
    item.save()
    attempt = Attempt.objects.select_for_update().get(pk=item.attempt_id)
    _total(attempt, list(attempt.items.all()))
    attempt.save()
    return item
