"""Flashcards API: decks with personal counts, due cards, posting reviews; user-scoped."""

import pytest
from django.test import Client

from conftest import course_sections
from flashcards.models import Card, ReviewLog, ReviewState


def _card(front: str) -> Card:
    return Card.objects.get(front=front)


@pytest.fixture
def course(course_once, db) -> dict:
    """The fixture course, written once for the module (conftest.course_once)."""
    return course_sections(course_once)


# Before the first test that asks for the course (it stays written from then on, module_rows).
def test_in_openapi_schema(student_client):
    schema = student_client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()

    for path in (
        "/api/flashcards/decks/",
        "/api/flashcards/decks/{slug}/due/",
        "/api/flashcards/reviews/",
    ):
        assert path in schema
    assert "ReviewResult" in schema


def test_deck_list_and_detail_have_personal_counts(student_client, course):
    data = student_client.get("/api/flashcards/decks/").json()

    by_slug = {d["slug"]: d for d in data["results"]}
    assert by_slug["section-9-1"] == {
        "slug": "section-9-1",
        "title": "9.1 Tiny Networks",
        "description": "Questions on section 9.1, Tiny Networks.",
        "section": "9.1",
        "glossary_category": "",
        "total": 3,
        "new": 3,
        "due": 3,
    }
    assert by_slug["glossary-fundamentals"]["section"] is None
    detail = student_client.get("/api/flashcards/decks/section-9-2/").json()
    assert detail["total"] == 1 and detail["due"] == 1


def test_due_cards_in_study_order_with_rendered_html(student_client, course):
    data = student_client.get("/api/flashcards/decks/section-9-1/due/").json()

    fronts = [c["front"] for c in data["results"]]
    assert fronts == [
        "What does a perceptron compute?",
        "Why use a nonlinear activation?",
        "What is a bias?",
    ]
    first = data["results"][0]
    assert set(first) == {"id", "front", "back", "front_html", "back_html", "topic"}
    assert first["back_html"] == "<p>A weighted sum plus bias,</p>\n<p>then a step function.</p>"


def test_posting_a_review_returns_the_next_card(student, student_client, course):
    card = _card("What does a perceptron compute?")

    response = student_client.post(
        "/api/flashcards/reviews/",
        {"card": card.pk, "rating": 3, "duration_ms": 4200},
        content_type="application/json",
    )

    assert response.status_code == 201
    data = response.json()
    assert data["review"]["card"] == card.pk and data["review"]["rating"] == 3
    assert data["next_card"]["front"] == "Why use a nonlinear activation?"
    assert data["due"] == 2 and data["next_due"] is None
    log = ReviewLog.objects.get(user=student)
    assert log.review_duration_ms == 4200
    assert ReviewState.objects.get(user=student, card=card).reps == 1


def test_last_card_gives_no_next_card(student_client, course):
    card = _card("What does dropout do during training?")

    data = student_client.post(
        "/api/flashcards/reviews/", {"card": card.pk, "rating": 4}, content_type="application/json"
    ).json()

    assert data["next_card"] is None and data["due"] == 0
    assert data["next_due"] == data["review"]["due_after"]  # when the study page wakes up again


def test_other_users_reviews_and_counts_are_not_visible(student_client, other_client, course):
    card = _card("What is a bias?")
    student_client.post(
        "/api/flashcards/reviews/", {"card": card.pk, "rating": 3}, content_type="application/json"
    )

    assert other_client.get("/api/flashcards/reviews/").json()["results"] == []
    assert other_client.get("/api/flashcards/decks/section-9-1/").json()["due"] == 3
    assert len(other_client.get("/api/flashcards/decks/section-9-1/due/").json()["results"]) == 3
    assert len(student_client.get("/api/flashcards/reviews/").json()["results"]) == 1
    assert (
        other_client.get(f"/api/flashcards/reviews/{ReviewLog.objects.get().pk}/").status_code
        == 404
    )


@pytest.mark.parametrize(
    "payload", [{"card": 999999, "rating": 3}, {"rating": 3}, {"card": "x", "rating": 0}]
)
def test_bad_review_is_400(student_client, course, payload):
    if payload.get("card") == "x":
        payload["card"] = _card("What is a bias?").pk
    response = student_client.post(
        "/api/flashcards/reviews/", payload, content_type="application/json"
    )

    assert response.status_code == 400
    assert not ReviewLog.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "/api/flashcards/decks/",
        "/api/flashcards/decks/section-9-1/",
        "/api/flashcards/decks/section-9-1/due/",
        "/api/flashcards/reviews/",
    ],
)
def test_anonymous_is_403(anon_client, course, url):
    assert anon_client.get(url).status_code == 403


def test_anonymous_cannot_post_a_review(anon_client, course):
    card = _card("What is a bias?")
    response = anon_client.post(
        "/api/flashcards/reviews/", {"card": card.pk, "rating": 3}, content_type="application/json"
    )
    assert response.status_code == 403


def test_wrong_methods_are_405(student_client, course):
    assert student_client.post("/api/flashcards/decks/", {}).status_code == 405
    assert student_client.delete("/api/flashcards/decks/section-9-1/").status_code == 405
    assert student_client.post("/api/flashcards/decks/section-9-1/due/").status_code == 405
    assert student_client.put("/api/flashcards/reviews/", {}).status_code == 405


def test_session_post_needs_csrf(student, course):
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    card = _card("What is a bias?")

    response = client.post(
        "/api/flashcards/reviews/", {"card": card.pk, "rating": 3}, content_type="application/json"
    )

    assert response.status_code == 403
