"""Query counts stay flat whether a deck has 10 or 1000 cards (or there are 10 or 1000 decks)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import SCALES
from flashcards.models import Card, Deck, ReviewState, card_key


def _deck_with(count: int, slug: str = "big") -> Deck:
    deck = Deck.objects.create(slug=slug, title=slug)
    Card.objects.bulk_create(
        Card(deck=deck, key=card_key(f"Q{i}"), front=f"Q{i}", back=f"A{i}", order=i)
        for i in range(count)
    )
    return deck


def _review_half(user, deck: Deck) -> None:
    now = timezone.now()
    ReviewState.objects.bulk_create(
        ReviewState(user=user, card=c, fsrs_card={}, due=now, reps=1) for c in deck.cards.all()[::2]
    )


@pytest.mark.parametrize("count", SCALES)
def test_study_page_and_due_api(student, student_client, count, django_assert_max_num_queries):
    deck = _deck_with(count)
    _review_half(student, deck)

    with django_assert_max_num_queries(8):
        assert student_client.get(reverse("flashcards:study", args=[deck.slug])).status_code == 200
    with django_assert_max_num_queries(8):
        response = student_client.get(f"/api/flashcards/decks/{deck.slug}/due/")
    assert response.json()["count"] == count


@pytest.mark.parametrize("count", SCALES)
def test_deck_list_page_and_api(student, student_client, count, django_assert_max_num_queries):
    Deck.objects.bulk_create(Deck(slug=f"d{i}", title=f"Deck {i}") for i in range(count))
    _review_half(student, _deck_with(count, slug="cards"))

    with django_assert_max_num_queries(8):
        html = student_client.get(reverse("flashcards:index")).content.decode()
    assert html.count('class="card deck-card"') == count + 1
    with django_assert_max_num_queries(8):
        assert student_client.get("/api/flashcards/decks/").status_code == 200


@pytest.mark.parametrize("count", SCALES)
def test_review_post(student, student_client, count, django_assert_max_num_queries):
    deck = _deck_with(count)
    card = deck.cards.first()

    with django_assert_max_num_queries(14):
        response = student_client.post(
            "/api/flashcards/reviews/",
            {"card": card.pk, "rating": 3},
            content_type="application/json",
        )
    assert response.json()["due"] == count - 1
