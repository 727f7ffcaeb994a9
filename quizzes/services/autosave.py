"""The API's autosave: the busiest write of a quiz, as one read and one guarded UPDATE."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from django.db import connection

from ..models import Attempt, AttemptQuestion, AttemptState, Question, Quiz
from ..tokens import ItemTokens
from .answers import check_on_current_page, check_open, check_unlocked, clean_response
from .errors import AttemptError


@dataclass(frozen=True)
class SavedAnswer:
    question_id: int
    answered: bool
    flagged: bool
    locked: bool = False


@cache
def _autosave_sql() -> tuple[str, str]:
    tables = (AttemptQuestion, Attempt, Question, Quiz)
    item, attempt, question, quiz = (m._meta.db_table for m in tables)
    read = (
        f'SELECT q.type, a.state, a.deadline, i.locked, i.id, i.choice_order, i."order",'
        f' a.current_page, z.navigation, z.questions_per_page FROM "{item}" i'
        f' JOIN "{attempt}" a ON a.id = i.attempt_id JOIN "{question}" q ON q.id = i.question_id'
        f' JOIN "{quiz}" z ON z.id = a.quiz_id'
        " WHERE i.attempt_id = %(attempt)s AND a.user_id = %(user)s AND i.question_id = %(question)s"
    )
    # Locking the attempt row orders this write after a concurrent submit; once that commits,
    # the re-checked state no longer matches and nothing is written (the read below says why).
    write = (
        f'WITH open_attempt AS (SELECT id FROM "{attempt}" WHERE id = %(attempt)s'
        " AND state = %(in_progress)s AND (deadline IS NULL OR deadline >= %(now)s)"
        " AND current_page = %(page)s FOR UPDATE)"
        f' UPDATE "{item}" SET response = %(response)s, answered_at = %(now)s FROM open_attempt'
        f' WHERE "{item}".attempt_id = open_attempt.id AND "{item}".question_id = %(question)s'
        f' AND NOT "{item}".locked RETURNING "{item}".flagged'
    )
    return read, write


def _raise_if_refused(row: tuple | None, params: dict[str, Any]) -> None:
    if row is None:
        owned = Attempt.objects.filter(pk=params["attempt"], user_id=params["user"]).exists()
        message = "That question is not part of this attempt." if owned else "No such attempt."
        raise AttemptError(message, "not_found")
    _kind, state, deadline, locked, _id, _choices, order, page, navigation, per_page = row
    check_open(Attempt(state=state, deadline=deadline), params["now"])
    quiz = Quiz(navigation=navigation, questions_per_page=per_page)
    check_on_current_page(quiz, page, order)
    check_unlocked(locked)
    params["page"] = page  # the write re-checks it: a page turn in between refuses the save


def answer_autosave(
    *, user_id: int, attempt_id: int, question_id: int, response: Any, now: datetime
) -> SavedAnswer:
    """Autosave from the API: one read and one guarded UPDATE, the busiest write of a quiz.

    The rules of attempt_save_answer, without loading the attempt and item as objects or holding
    a transaction across statements. `response` is as the student sends it, in tokens
    (tokens.UnknownToken if one is not theirs).
    """
    params = {"attempt": attempt_id, "user": user_id, "question": question_id, "now": now}
    params["in_progress"] = AttemptState.IN_PROGRESS
    read, write = _autosave_sql()
    with connection.cursor() as cursor:
        cursor.execute(read, params)
        row = cursor.fetchone()
        _raise_if_refused(row, params)
        order = AttemptQuestion._meta.get_field("choice_order").from_db_value(
            row[5], None, connection
        )
        stored = ItemTokens(row[4], row[0], order).decode(response)
        cleaned = clean_response(row[0], stored)
        field = AttemptQuestion._meta.get_field("response")
        params["response"] = field.get_db_prep_value(cleaned, connection)
        cursor.execute(write, params)
        saved = cursor.fetchone()
        if saved is None:  # a submit, the deadline or a page turn came between the two
            cursor.execute(read, params)
            _raise_if_refused(cursor.fetchone(), params)
            raise AttemptError("The answer was not saved; please try again.", "conflict")
    return SavedAnswer(question_id, cleaned not in (None, "", [], {}), saved[0])
