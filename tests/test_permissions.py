"""The permission matrix: every URL and API endpoint against every kind of visitor.

Each cell is asserted: anonymous, the owner (a student), another student, an instructor and an
admin. A route added without a row here fails `test_every_route_is_in_the_matrix`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

pytestmark = pytest.mark.slow


ROLES = ("anon", "owner", "other", "instructor", "admin")

PUBLIC = (200, 200, 200, 200, 200)
LOGIN = (302, 200, 200, 200, 200)  # any signed-in user
OWNED = (302, 200, 404, 404, 404)  # the owner's object; everyone else gets a 404
STAFF_PAGE = (302, 403, 403, 200, 200)
ADMIN_SITE = (302, 302, 302, 200, 200)  # the admin's own login redirect for non-staff
API_LOGIN = (403, 200, 200, 200, 200)
API_OWNED = (403, 200, 404, 404, 404)
REDIRECT_SIGNED_IN = (302, 302, 302, 302, 302)

# POST routes: (anon, owner, other, instructor, admin); the owner's own write succeeds.
POST_OWNED = (302, 302, 404, 404, 404)
API_POST_OWNED = (403, 200, 404, 404, 404)


@dataclass(frozen=True)
class Route:
    name: str
    url: str
    expected: tuple[int, ...]
    method: str = "get"
    body: dict[str, Any] | None = None


@pytest.fixture
def world(db, student, other_student, instructor, django_user_model):
    """Real bundled content plus one object of each kind owned by `student`."""
    from flashcards.models import Deck
    from glossary.models import Term
    from playground.models import Job
    from quizzes.models import Quiz
    from quizzes.services import attempt_start, attempt_submit
    from quizzes.tokens import ItemTokens

    call_command("load_content", stdout=open("/dev/null", "w"))  # noqa: SIM115
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw-root-123")
    quiz = Quiz.objects.get(section__number="7.8")
    now = timezone.now()
    finished = attempt_submit(attempt=attempt_start(quiz=quiz, user=student, now=now), now=now)
    open_attempt = attempt_start(quiz=quiz, user=student, now=now)
    item = open_attempt.items.filter(question__type="single").first()
    job = Job.objects.create(user=student, kind="cnn", config={}, status="queued")
    from datetime import timedelta

    from games import selectors as game_selectors
    from games import services as game_services

    game_set = game_selectors.game_set("section:7.8")
    match = game_services.match_start(user=student, game_set=game_set, now=now)
    sprint = game_services.recall_start(user=student, game_set=game_set, now=now)
    over = game_services.recall_start(
        user=student, game_set=game_set, now=now - timedelta(minutes=5)
    )
    tiles = match.state["tiles"]
    term = next(t for t, (i, side) in tiles.items() if side == "term" and i == 0)
    definition = next(t for t, (i, side) in tiles.items() if side == "definition" and i == 1)
    return {
        "users": {
            "owner": student,
            "other": other_student,
            "instructor": instructor,
            "admin": admin,
        },
        "term": Term.objects.order_by("slug").first().slug,
        "deck": Deck.objects.get(section__number="7.8").slug,
        "quiz": quiz.pk,
        "finished": finished.pk,
        "attempt": open_attempt.pk,
        "question": item.question_id,
        "choice": ItemTokens.of(item).option(item.question.choices.first().pk),
        "job": job.pk,
        "match": match.pk,
        "sprint": sprint.pk,
        "over": over.pk,
        "wrong_pick": {"first": term, "second": definition},
    }


def routes(w: dict[str, Any]) -> list[Route]:
    t, d, q, a, f, j = w["term"], w["deck"], w["quiz"], w["attempt"], w["finished"], w["job"]
    answer = {"question_id": w["question"], "response": w["choice"]}
    return [
        Route("home", "/", PUBLIC),
        Route("ok", "/ok", PUBLIC),
        Route("healthz", "/healthz", PUBLIC),
        Route(
            "favicon", "/favicon.ico", (301, 301, 301, 301, 301)
        ),  # to the static icon, for anyone
        Route("signup", "/accounts/signup/", (200, 302, 302, 302, 302)),
        Route("login", "/accounts/login/", PUBLIC),
        Route("logout", "/accounts/logout/", REDIRECT_SIGNED_IN, method="post"),
        Route("password_change", "/accounts/password/", LOGIN),
        Route("password_change_done", "/accounts/password/done/", LOGIN),
        # password reset: for anyone (the mail goes to the account's address only)
        Route("password_reset", "/accounts/password/reset/", PUBLIC),
        Route("password_reset_done", "/accounts/password/reset/sent/", PUBLIC),
        Route("password_reset_confirm", "/accounts/password/reset/MQ/bad-token/", PUBLIC),
        Route("password_reset_complete", "/accounts/password/reset/done/", PUBLIC),
        Route("admin", "/admin/", ADMIN_SITE),
        Route("schema", "/api/schema/", PUBLIC),
        Route("api-docs", "/api/docs/", PUBLIC),
        # glossary and lessons: public study material
        Route("glossary:index", "/glossary/", PUBLIC),
        Route("glossary:term", f"/glossary/{t}/", PUBLIC),
        Route("glossary-api:term-list", "/api/glossary/terms/?search=lstm", PUBLIC),
        Route("glossary-api:term-detail", f"/api/glossary/terms/{t}/", PUBLIC),
        Route("lessons:index", "/learn/", PUBLIC),
        Route("lessons:section", "/learn/7.8/", PUBLIC),
        Route("lessons:mark-read", "/learn/7.8/read/", (302,) * 5, method="post"),
        Route(
            "lessons:depth", "/learn/depth/", (302,) * 5, method="post", body={"depth": "detailed"}
        ),
        # audio lessons: public like the lesson; an unknown track or digest is a 404 for anyone
        Route("lessons:audio-file", "/learn/audio/999999/0123abcd.ogg", (404,) * 5),
        Route("lessons:audio-captions", "/learn/audio/999999/0123abcd.vtt", (404,) * 5),
        Route("lessons-api:section-list", "/api/lessons/sections/", PUBLIC),
        Route("lessons-api:section-detail", "/api/lessons/sections/7.8/", PUBLIC),
        # flashcards: shared decks, personal review state
        Route("flashcards:index", "/flashcards/", LOGIN),
        Route("flashcards:history", "/flashcards/history/", LOGIN),
        Route("flashcards:section", "/flashcards/section/7.8/", (302, 302, 302, 302, 302)),
        Route("flashcards:study", f"/flashcards/{d}/", LOGIN),
        Route("flashcards:export-csv", f"/flashcards/{d}/export.csv", LOGIN),
        Route("flashcards:export-apkg", f"/flashcards/{d}/export.apkg", LOGIN),
        Route("flashcards-api:deck-list", "/api/flashcards/decks/", API_LOGIN),
        Route("flashcards-api:deck-detail", f"/api/flashcards/decks/{d}/", API_LOGIN),
        Route("flashcards-api:deck-due", f"/api/flashcards/decks/{d}/due/", API_LOGIN),
        Route("flashcards-api:review-list", "/api/flashcards/reviews/", API_LOGIN),
        # quizzes
        Route("quizzes:index", "/quizzes/", LOGIN),
        Route("quizzes:history", "/quizzes/history/", LOGIN),
        Route("quizzes:progress", "/quizzes/progress/", LOGIN),
        Route("quizzes:grading", "/quizzes/grading/", STAFF_PAGE),
        Route("quizzes:section", "/quizzes/section/7.8/", (302, 302, 302, 302, 302)),
        Route("quizzes:quiz", f"/quizzes/{q}/", LOGIN),
        Route("quizzes:attempt", f"/quizzes/attempt/{a}/", OWNED),
        Route("quizzes:result", f"/quizzes/attempt/{f}/result/", OWNED),
        Route("quizzes:report", f"/quizzes/{q}/report/", STAFF_PAGE),
        Route(
            "quizzes:report-recompute",
            f"/quizzes/{q}/report/recompute/",
            (302, 403, 403, 302, 302),
            method="post",
        ),
        Route("quizzes:report-statistics-csv", f"/quizzes/{q}/report/statistics.csv", STAFF_PAGE),
        Route("quizzes:report-results-csv", f"/quizzes/{q}/report/results.csv", STAFF_PAGE),
        Route("quizzes:report-responses", f"/quizzes/{q}/report/responses/", STAFF_PAGE),
        Route("quizzes:report-regrade", f"/quizzes/{q}/report/regrade/", STAFF_PAGE),
        Route("quizzes:report-responses-csv", f"/quizzes/{q}/report/responses.csv", STAFF_PAGE),
        Route("quizzes-api:quiz-list", "/api/quizzes/quizzes/", API_LOGIN),
        Route("quizzes-api:quiz-detail", f"/api/quizzes/quizzes/{q}/", API_LOGIN),
        Route("quizzes-api:attempt-list", "/api/quizzes/attempts/", API_LOGIN),
        Route("quizzes-api:attempt-detail", f"/api/quizzes/attempts/{a}/", API_OWNED),
        Route("quizzes-api:attempt-results", f"/api/quizzes/attempts/{f}/results/", API_OWNED),
        Route(
            "quizzes-api:attempt-answer",
            f"/api/quizzes/attempts/{a}/answer/",
            API_POST_OWNED,
            method="post",
            body=answer,
        ),
        Route(
            "quizzes-api:attempt-flag",
            f"/api/quizzes/attempts/{a}/flag/",
            API_POST_OWNED,
            method="post",
            body={"question_id": w["question"], "flagged": True},
        ),
        Route(  # free navigation: staying on page 0 changes nothing
            "quizzes:page",
            f"/quizzes/attempt/{a}/page/",
            POST_OWNED,
            method="post",
            body={"page": "0"},
        ),
        Route(
            "quizzes-api:attempt-page",
            f"/api/quizzes/attempts/{a}/page/",
            API_POST_OWNED,
            method="post",
            body={"page": 0},
        ),
        Route("quizzes:practice", "/quizzes/practice/", LOGIN),
        Route("quizzes:practice-play", "/quizzes/practice/play/", (302,) * 5),  # none started yet
        # last: submitting ends the attempt that the rows above still use
        Route("quizzes:submit", f"/quizzes/attempt/{a}/submit/", POST_OWNED, method="post"),
        # playground
        Route("playground:index", "/playground/", LOGIN),
        Route("playground:new", "/playground/new/?experiment=text&cell=gru", LOGIN),
        Route("playground:compare", "/playground/compare/", LOGIN),
        Route("playground:queue", "/playground/queue/", STAFF_PAGE),
        Route("playground:job", f"/playground/jobs/{j}/", OWNED),
        Route("playground-api:job-list", "/api/playground/jobs/", API_LOGIN),
        Route("playground-api:job-detail", f"/api/playground/jobs/{j}/", API_OWNED),
        Route("playground-api:job-progress", f"/api/playground/jobs/{j}/progress/", API_OWNED),
        Route("playground:cancel", f"/playground/jobs/{j}/cancel/", POST_OWNED, method="post"),
        Route("playground:stop", f"/playground/jobs/{j}/stop/", POST_OWNED, method="post"),
        # games: rounds are the student's own
        Route("games:index", "/games/", LOGIN),
        Route(
            "games:start",
            "/games/start/",
            (302,) * 5,
            method="post",
            body={"game": "match", "set": "section:7.8"},
        ),  # fmt: skip
        Route("games:play", f"/games/round/{w['match']}/", OWNED),
        Route("games:result", f"/games/round/{w['over']}/result/", OWNED),
        Route("games-api:round-list", "/api/games/rounds/", API_LOGIN),
        Route("games-api:round-detail", f"/api/games/rounds/{w['match']}/", API_OWNED),
        Route(
            "games-api:round-pick",
            f"/api/games/rounds/{w['match']}/pick/",
            API_POST_OWNED,
            method="post",
            body=w["wrong_pick"],
        ),  # fmt: skip
        Route(
            "games-api:round-answer",
            f"/api/games/rounds/{w['sprint']}/answer/",
            API_POST_OWNED,
            method="post",
            body={"answer": "softmax"},
        ),  # fmt: skip
    ]


# Routes whose cells are asserted elsewhere, because one request changes what the next one sees
# (starting attempts, submitting, grading, inference) — each named with the test that covers it.
COVERED_ELSEWHERE = {
    "quizzes:start": "quizzes/tests (start needs a fresh quiz per user)",
    "quizzes:practice-start": "quizzes/tests/test_practice.py",
    "quizzes:grading-save": "quizzes/tests (essay grading by instructors only)",
    "quizzes:question-file": (
        "quizzes/tests/test_question_files.py (a file needs an imported question; owner, other, "
        "anonymous, instructor and the feedback areas' review options)"
    ),
    "quizzes-api:quiz-start": "tests/test_permissions.py::test_api_writes_of_another_user",
    "quizzes-api:attempt-check": "tests/test_permissions.py::test_api_writes_of_another_user",
    "quizzes-api:attempt-certainty": (
        "quizzes/tests/test_behaviours.py (certainty needs a certainty-based quiz)"
    ),
    "quizzes-api:attempt-submit": "tests/test_permissions.py::test_api_writes_of_another_user",
    "playground:estimate": "playground/tests (estimate is a POST of a config)",
    "playground-api:job-cancel": "tests/test_permissions.py::test_api_writes_of_another_user",
    "playground-api:job-stop": "tests/test_permissions.py::test_api_writes_of_another_user",
    "playground-api:job-generate": "tests/test_permissions.py::test_api_writes_of_another_user",
    "playground-api:job-predict-digit": "tests/test_permissions.py::test_api_writes_of_another_user",
    "playground-api:job-inference": "playground/tests/test_inference.py (a ticket is per user)",
    "glossary-api:api-root": "DRF's browsable root",
    "lessons-api:api-root": "DRF's browsable root",
    "flashcards-api:api-root": "DRF's browsable root",
    "quizzes-api:api-root": "DRF's browsable root",
    "playground-api:api-root": "DRF's browsable root",
    "games-api:api-root": "DRF's browsable root",
}


def _client(w: dict[str, Any], role: str) -> Client:
    client = Client()
    if role != "anon":
        client.force_login(w["users"][role])
    return client


def _call(client: Client, route: Route) -> int:
    if route.method == "post":
        if route.name.split(":")[0].endswith("-api"):
            return client.post(
                route.url, route.body or {}, content_type="application/json"
            ).status_code
        return client.post(route.url, route.body or {}).status_code
    return client.get(route.url).status_code


def test_permission_matrix(world):
    wrong = []
    for route in routes(world):
        for role, expected in zip(ROLES, route.expected, strict=True):
            got = _call(_client(world, role), route)
            if got != expected:
                wrong.append(
                    f"{route.method.upper()} {route.url} as {role}: {got}, expected {expected}"
                )
    assert wrong == [], "\n".join(wrong)


def _named_routes(resolver=None, ns: str = "") -> set[str]:
    names: set[str] = set()
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            if p.namespace == "admin":
                continue
            inner = f"{ns}{p.namespace}:" if p.namespace else ns
            names |= _named_routes(p, inner)
        elif isinstance(p, URLPattern) and p.name:
            names.add(f"{ns}{p.name}")
    return names


def test_every_route_is_in_the_matrix(world):
    covered = {r.name for r in routes(world)} | set(COVERED_ELSEWHERE) | {"admin"}
    missing = _named_routes() - covered
    assert missing == set(), f"routes without a row in the permission matrix: {sorted(missing)}"


def test_api_writes_of_another_user(world, other_client, anon_client):
    a, j, q = world["attempt"], world["job"], world["quiz"]
    body = {"question_id": world["question"], "response": world["choice"]}
    for url, data in [
        (f"/api/quizzes/attempts/{a}/check/", body),
        (f"/api/quizzes/attempts/{a}/submit/", {}),
        (f"/api/playground/jobs/{j}/cancel/", {}),
        (f"/api/playground/jobs/{j}/stop/", {}),
        (f"/api/playground/jobs/{j}/generate/", {"prompt": "the ", "temperature": 1.0}),
        (f"/api/playground/jobs/{j}/predict-digit/", {"pixels": [[0] * 28] * 28}),
    ]:
        assert other_client.post(url, data, content_type="application/json").status_code == 404, url
        assert anon_client.post(url, data, content_type="application/json").status_code == 403, url
    assert anon_client.post(f"/api/quizzes/quizzes/{q}/start/").status_code == 403
