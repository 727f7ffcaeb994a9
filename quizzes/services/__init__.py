"""Writes for quizzes, one module per thing that changes together:

- errors: AttemptError, the refusal every service raises;
- bank: the canonical question dict to and from Question rows (and duplicating a question);
- importing: GIFT/Aiken text into the bank and back out;
- answers: saving and flagging an answer, and the checks they share;
- autosave: the API's one-read, one-UPDATE autosave under the same rules;
- attempts: starting, checking, submitting, hand grading and the attempt total;
- tries: each check kept as a try, and the one replay of them that gives an item's mark;
- regrade: grading a finished attempt again, with a record;
- categories: moving and copying questions between the bank's categories;
- versions: a question's versions (recorded after each edit and at an attempt's start);
- version_regrade: previewing and applying a regrade of attempts to a version.

Callers import this package (`from quizzes import services`); the names below are its interface.
"""

from __future__ import annotations

from .answers import (
    MAX_RESPONSE_CHARS,
    attempt_flag,
    attempt_save_answer,
    attempt_set_certainty,
    attempt_turn_page,
    check_on_current_page,
    check_open,
    check_unlocked,
    clean_response,
)
from .attempts import (
    attempt_check_answer,
    attempt_start,
    attempt_submit,
    attempt_submit_if_overdue,
    essay_grade,
    item_check,
    item_submit,
    shuffled_choice_order,
)
from .autosave import SavedAnswer, answer_autosave
from .bank import (
    QuestionDataError,
    question_duplicate,
    question_to_data,
    question_upsert_from_data,
    validate_question_data,
)
from .categories import CategoryError, questions_copy, questions_move
from .errors import AttemptError
from .importing import (
    EXPORTERS,
    PARSERS,
    ImportReport,
    questions_export,
    questions_import,
    to_bank_data,
)
from .regrade import attempt_regrade
from .rules import open_attempts_refresh_deadlines
from .tries import MARK_QUANTUM
from .version_regrade import (
    RegradePreview,
    RegradeRow,
    quiz_regrade_apply,
    quiz_regrade_preview,
    quiz_regrade_questions,
    regrade_apply,
    regrade_preview,
)
from .versions import question_version_record, versions_for_start

__all__ = [
    "CategoryError",
    "questions_copy",
    "questions_move",
    "EXPORTERS",
    "MARK_QUANTUM",
    "MAX_RESPONSE_CHARS",
    "PARSERS",
    "AttemptError",
    "ImportReport",
    "QuestionDataError",
    "RegradePreview",
    "RegradeRow",
    "SavedAnswer",
    "answer_autosave",
    "attempt_check_answer",
    "attempt_flag",
    "attempt_regrade",
    "attempt_save_answer",
    "attempt_start",
    "attempt_submit",
    "attempt_set_certainty",
    "attempt_submit_if_overdue",
    "attempt_turn_page",
    "check_on_current_page",
    "check_open",
    "check_unlocked",
    "clean_response",
    "essay_grade",
    "item_check",
    "item_submit",
    "open_attempts_refresh_deadlines",
    "question_duplicate",
    "question_to_data",
    "question_upsert_from_data",
    "question_version_record",
    "questions_export",
    "questions_import",
    "quiz_regrade_apply",
    "quiz_regrade_preview",
    "quiz_regrade_questions",
    "regrade_apply",
    "regrade_preview",
    "shuffled_choice_order",
    "to_bank_data",
    "validate_question_data",
    "versions_for_start",
]
