"""answer_autosave: the API's one-read-one-update save keeps every rule of attempt_save_answer."""

import threading
import time

import pytest
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from quizzes import services
from quizzes.models import Attempt, AttemptState
from quizzes.services import autosave as services_autosave

from .factories import as_sent, make_quiz

API = "/api/quizzes"


def _save(attempt, item, response):
    """Saves a response given as ids, sent as the browser sends it (in tokens)."""
    return services_autosave.answer_autosave(
        user_id=attempt.user_id,
        attempt_id=attempt.pk,
        question_id=item.question_id,
        response=as_sent(item, response),
        now=timezone.now(),
    )


def _a_backend_waits_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        # Inside a transaction the activity view is a snapshot taken once: take a fresh one.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.django_db(transaction=True)
def test_a_save_racing_a_submit_waits_and_is_refused(student):
    """The submit holds the attempt row; the save must not land after grading has read it."""
    quiz = make_quiz(["single"])
    attempt = services.attempt_start(quiz=quiz, user=student, now=timezone.now())
    item = attempt.items.select_related("question").get()
    locked = threading.Event()
    save_waited = threading.Event()

    def finish_while_holding_the_row() -> None:
        try:
            with transaction.atomic():
                row = Attempt.objects.select_for_update().get(pk=attempt.pk)
                locked.set()
                # Hold the row until the save below is seen blocked on it (however slowly this
                # machine gets there), then finish: the save must wait, not race past.
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline:
                    if _a_backend_waits_on_a_lock():
                        save_waited.set()
                        break
                    time.sleep(0.05)
                row.state = AttemptState.FINISHED
                row.save(update_fields=["state"])
        finally:
            close_old_connections()

    finisher = threading.Thread(target=finish_while_holding_the_row)
    finisher.start()
    assert locked.wait(60)
    with pytest.raises(services.AttemptError) as refused:
        _save(attempt, item, item.choice_order[0])
    finisher.join()

    assert refused.value.code == "finished"
    assert save_waited.is_set()  # it waited for the lock instead of racing past
    item.refresh_from_db()
    assert item.response is None  # nothing was written after the attempt finished


@pytest.mark.django_db
def test_a_save_returns_what_was_stored(student):
    quiz = make_quiz(["multi"])
    attempt = services.attempt_start(quiz=quiz, user=student, now=timezone.now())
    item = attempt.items.select_related("question").get()

    saved = _save(attempt, item, item.choice_order[:2])

    item.refresh_from_db()
    assert item.response == item.choice_order[:2] and item.answered_at is not None
    assert (saved.question_id, saved.answered, saved.flagged, saved.locked) == (
        item.question_id,
        True,
        False,
        False,
    )
    assert _save(attempt, item, []).answered is False


@pytest.mark.django_db
@pytest.mark.parametrize("pk", ["0", "99999999999999999999", "12abc"])
def test_an_impossible_attempt_id_is_404_not_500(student_client, pk):
    response = student_client.post(
        f"{API}/attempts/{pk}/answer/",
        {"question_id": 1, "response": 1},
        content_type="application/json",
    )
    assert response.status_code == 404
