"""A regrade applied while a student submits: the attempt row lock orders them, and the score
stays the sum of the marks whichever comes first."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from django.db import close_old_connections, transaction
from django.utils import timezone

from quizzes import services
from quizzes.models import Attempt, AttemptQuestion, VersionRegrade

from .test_autosave import _a_backend_waits_on_a_lock
from .test_versions import _answer, _fixed_data, _question, make_versioned_quiz


@pytest.mark.django_db(transaction=True)
def test_a_regrade_waits_for_a_submit_in_progress_then_regrades_what_it_graded(student, instructor):
    quiz = make_versioned_quiz()
    attempt = _answer(quiz, student, "Dropout", submit=False)
    services.question_upsert_from_data(data=_fixed_data())
    locked, regrade_waited = threading.Event(), threading.Event()

    def submit_while_holding_the_row() -> None:
        try:
            with transaction.atomic():
                Attempt.objects.select_for_update().get(pk=attempt.pk)
                locked.set()
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline:
                    if _a_backend_waits_on_a_lock():
                        regrade_waited.set()
                        break
                    time.sleep(0.05)
                services.attempt_submit(attempt=attempt, now=timezone.now())
        finally:
            close_old_connections()

    student_thread = threading.Thread(target=submit_while_holding_the_row)
    student_thread.start()
    assert locked.wait(60)
    row = services.regrade_apply(
        question=_question(quiz), by=instructor, reason="fix", include_open=True
    )
    student_thread.join()

    assert regrade_waited.is_set()  # the regrade waited for the submit
    attempt.refresh_from_db()
    item = AttemptQuestion.objects.select_related("version").get(attempt=attempt)
    assert attempt.state == "finished" and item.version.number == 2
    assert attempt.marks == item.mark == Decimal(1) and attempt.score == Decimal(100)
    assert row is not None and Decimal(row.changes[0]["mark_before"]) == 0  # graded by v1 first
    assert VersionRegrade.objects.count() == 1
