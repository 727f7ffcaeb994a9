"""The study page: the first due card rendered on the server; 404 for unknown decks."""

from django.urls import reverse
from django.utils import timezone

from flashcards.models import Card
from flashcards.services import review_card


def test_study_page_shows_the_first_due_card(student_client, course):
    html = student_client.get(reverse("flashcards:study", args=["section-9-1"])).content.decode()

    assert "What does a perceptron compute?" in html
    assert 'data-review-url="/api/flashcards/reviews/"' in html
    assert '<strong id="due-count">3</strong>' in html


def test_study_page_when_nothing_is_due(student, student_client, course):
    for card in Card.objects.filter(deck__slug="section-9-2"):
        review_card(user=student, card=card, rating=4, now=timezone.now())

    html = student_client.get(reverse("flashcards:study", args=["section-9-2"])).content.decode()

    assert "All caught up" in html and 'id="study-done" hidden' not in html
    assert 'id="next-due" hidden' not in html and "The next card is due at" in html


def test_unknown_deck_is_404(student_client, course):
    assert student_client.get(reverse("flashcards:study", args=["nope"])).status_code == 404
