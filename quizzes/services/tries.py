"""An attempt item's tries: each check is kept as a try, and the item's fraction is always the
replay of its tries (behaviours.replay) against one version of its question.

A try is `{"response": ..., "at": ISO time, "version": QuestionVersion pk}` appended to
`AttemptQuestion.try_history` under the item's row lock. A live check, the submit, a regrade
and a regrade to a version all go through `item_outcome`, so the rule is in one place.

Rows from before the history existed (no tries stored but `tries` > 0) grade as they did: the
stored final response is their only try, made after `tries - 1` earlier (unknown, so wrong)
tries, and the submit grades that same try again rather than counting one more.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from .. import behaviours, grading
from ..models import AttemptQuestion, Question, Quiz
from ..qtypes.base import Response
from .errors import AttemptError

MARK_QUANTUM = Decimal("0.0000001")  # the mark column's 7 decimals
# Adaptive checks are unlimited in Moodle; here each is kept on the row and replayed, so a
# student (or a script) checking without end would grow the row without bound.
MAX_TRIES = 100


def apply_grade(item: AttemptQuestion, grade: grading.Grade, fraction: Decimal | None) -> None:
    item.fraction = fraction
    item.mark = None if fraction is None else (fraction * item.max_mark).quantize(MARK_QUANTUM)
    item.feedback = "\n".join(grade.feedback)
    item.needs_grading = grade.needs_grading


def record_try(item: AttemptQuestion, *, now: datetime) -> None:
    """The item's response as it is now becomes its next try (the caller holds the row lock)."""
    if item.tries >= MAX_TRIES:
        raise AttemptError(
            f"This question was checked {MAX_TRIES} times, the most allowed: submit to finish.",
            "conflict",
        )
    entry = {"response": item.response, "at": now.isoformat(), "version": item.version_id}
    item.try_history = [*(item.try_history or []), entry]
    item.tries += 1


def _tries_of(item: AttemptQuestion) -> tuple[list[Any], int, bool]:
    """(responses of the tries, tries made before them, whether the submit is one more try)."""
    history = item.try_history or []
    if not history and item.tries:  # a row from before the history: see the module's doc
        return [item.response], item.tries - 1, False
    return [entry.get("response") for entry in history], max(0, item.tries - len(history)), True


def _grader(question: Question) -> Callable[[Response], grading.Grade]:
    graded: dict[str, grading.Grade] = {}

    def grade(response: Response) -> grading.Grade:
        # Tries often repeat an answer: each distinct one is graded once per replay.
        key = json.dumps(response, sort_keys=True, default=str)
        if key not in graded:
            graded[key] = grading.grade_question(question, response)
        return graded[key]

    return grade


def item_outcome(
    *, item: AttemptQuestion, question: Question, quiz: Quiz, finished: bool
) -> behaviours.Outcome:
    """The item's tries replayed against `question` (the version to grade by) under the quiz's
    behaviour; `finished`: the attempt is submitted, so a question still open is graded from
    its final response too."""
    responses, spent, submit_is_a_try = _tries_of(item)
    grade = _grader(question)
    rule = behaviours.TryRule(
        behaviour=quiz.behaviour,
        penalty=question.penalty,
        max_tries=quiz.max_tries,
        certainty=item.certainty,
    )
    # (Moodle's adaptive submit of an unchanged answer grades the last try again instead of
    # counting one more: the same mark, since that try is in the best already.)
    return behaviours.replay(
        [grade(response) for response in responses],
        rule=rule,
        spent=spent,
        finish=grade(item.response) if finished else None,
        finish_is_a_try=submit_is_a_try,
    )


def apply_outcome(item: AttemptQuestion, outcome: behaviours.Outcome) -> None:
    """A locked outcome is the item's mark and feedback; an open one keeps the verdict private
    (adaptive keeps its best so far in `fraction`, out of the student's view until it locks)."""
    if outcome.locked and outcome.grade is not None:
        apply_grade(item, outcome.grade, outcome.fraction)
        item.locked = True
    else:
        item.fraction = outcome.fraction
        item.feedback = ""
