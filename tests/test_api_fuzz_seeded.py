"""schemathesis against /api/schema/ with ids that exist, through the Django WSGI app.

tests/test_api_fuzz.py fuzzes every operation with generated ids, which mostly meet a 404 before
any view code runs. Here the student owns a quiz attempt in progress, a finished attempt, a
finished CNN job and a finished text job (rows with a stored state, no training), and every
generated request is aimed at them: answer, check, flag, predict and generate run their real
validation and services on fuzzed bodies. No answer may be a 5xx. Only status codes are checked:
the payloads of the answer and inference endpoints are being reworked elsewhere.
"""

from __future__ import annotations

import random

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.utils import timezone
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hsettings

pytestmark = pytest.mark.slow


CSRF = "b" * 32
APP = get_wsgi_application()
schema = schemathesis.openapi.from_wsgi("/api/schema/", APP)


def _finished_job(user, kind: str):
    from playground.models import Job

    now = timezone.now()
    config = {"blocks": [{"type": "conv", "out": 4}]} if kind == "cnn" else {"cell": "gru"}
    return Job.objects.create(
        user=user,
        kind=kind,
        config=config,
        status=Job.Status.SUCCEEDED,
        started=now,
        finished=now,
        weights=f"jobs/seeded-{kind}.pt",
        results={"test_accuracy": 0.9} if kind == "cnn" else {"val_loss": 1.5},
    )


@pytest.fixture
def _keep_connection(db):
    """The WSGI app runs inside the test's transaction: as Django's own test client does, keep
    the request signals from closing the connection after each request."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(_keep_connection, settings):
    """The rows every generated request is pointed at, and the student's session."""
    from django.test import Client

    from dlplatform.accounts.services import user_create
    from flashcards.models import Deck
    from games import services as game_services
    from games.selectors import GameSet, Item
    from glossary.models import Term
    from quizzes import services
    from quizzes.tests.factories import make_quiz

    settings.PLAYGROUND_INFER_TIMEOUT_S = 0  # no inference worker here: answer at once
    user = user_create(username="fuzz-seeded", password="fuzz-pass-123")
    quiz = make_quiz(["single", "multi", "short", "numerical", "matching", "ordering"])
    now = timezone.now()
    done = services.attempt_start(quiz=make_quiz(["single"]), user=user, now=now)
    services.attempt_submit(attempt=done, now=now)
    open_attempt = services.attempt_start(quiz=quiz, user=user, now=now)
    relu = Term.objects.create(
        slug="relu", name="ReLU", definition="max(0, x).", category="fundamentals"
    )
    Deck.objects.create(slug="seeded", title="Seeded")
    items = [Item(label=f"t{i}", text=f"d{i}", term_id=relu.pk) for i in range(3)]
    game_set = GameSet(key="deck:seeded", title="Seeded", pairs=items, terms=items)
    client = Client()
    client.force_login(user)
    yield {
        "attempt": open_attempt,
        "finished_attempt": done,
        "questions": list(open_attempt.items.values_list("question_id", flat=True)),
        "quiz": quiz,
        "cnn": _finished_job(user, "cnn"),
        "text": _finished_job(user, "text"),
        "match": game_services.match_start(user=user, game_set=game_set, now=now),
        "sprint": game_services.recall_start(user=user, game_set=game_set, now=now),
        "cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF},
    }
    _purge_inference_queue()


def _purge_inference_queue() -> None:
    """Predict and generate queued messages on this run's private broker DB: drop them."""
    from dlplatform.celery import app

    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge("inference")


def _aim(case, seeded: dict, rng: random.Random) -> None:
    """Point the generated case at the seeded rows (path ids, and the question in the body)."""
    path = case.path
    if "{id}" in path:
        if path.startswith("/api/quizzes/attempts/"):
            finishing = path.endswith(("/submit/", "/results/"))
            row = seeded["finished_attempt" if finishing else "attempt"]
        elif path.startswith("/api/quizzes/quizzes/"):
            row = seeded["quiz"]
        elif path.startswith("/api/games/rounds/"):
            row = seeded["sprint" if path.endswith("/answer/") else "match"]
        else:
            row = seeded["text" if path.endswith("/generate/") else "cnn"]
        case.path_parameters["id"] = row.pk
    if "{slug}" in path:
        case.path_parameters["slug"] = "relu" if "glossary" in path else "seeded"
    if "{number}" in path:
        case.path_parameters["number"] = seeded["quiz"].section.number
    if isinstance(case.body, dict) and "question_id" in case.body:
        case.body["question_id"] = rng.choice(seeded["questions"])


def _add_nul(case) -> bool:
    """Hypothesis seldom draws a NUL in a few examples; put one in a text field explicitly."""
    body = case.body if isinstance(case.body, dict) else None
    for container in (case.query, body, case.path_parameters):
        for key, value in (container or {}).items():
            if isinstance(value, str):
                container[key] = value + "\x00"
                return True
    return False


@schema.parametrize()
@hsettings(
    max_examples=5,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],
    derandomize=True,
)
def test_api_on_existing_rows_never_answers_5xx(case, seeded):
    from playground.models import Job

    rng = random.Random(repr(case.body))
    _aim(case, seeded, rng)
    for _ in range(2):  # as generated, then with a NUL in its first text field
        response = case.call(cookies=seeded["cookies"], headers={"X-CSRFToken": CSRF})
        assert response.status_code < 500, (
            f"{case.method} {case.formatted_path} {case.query!r} {case.body!r}: "
            f"{response.status_code} {response.text[:500]}"
        )
        if not _add_nul(case):
            break
    assert Job.objects.filter(pk=seeded["cnn"].pk, status=Job.Status.SUCCEEDED).exists()


def test_the_seeded_rows_are_really_reached(seeded):
    """Guard against the aiming silently missing: the services behind answer and predict run."""
    from django.test import Client

    client = Client()
    client.cookies.load(seeded["cookies"])
    attempt = seeded["attempt"]
    question_id = attempt.items.get(question__type="short").question_id
    answer = client.post(
        f"/api/quizzes/attempts/{attempt.pk}/answer/",
        {"question_id": question_id, "response": "relu"},
        content_type="application/json",
        headers={"X-CSRFToken": CSRF},
    )
    assert answer.status_code == 200, answer.content
    predict = client.post(
        f"/api/playground/jobs/{seeded['cnn'].pk}/predict-digit/",
        {"pixels": [[0.0] * 28 for _ in range(28)]},
        content_type="application/json",
        headers={"X-CSRFToken": CSRF},
    )
    assert predict.status_code in (200, 202, 409), predict.content  # queued: no 404, no 400
