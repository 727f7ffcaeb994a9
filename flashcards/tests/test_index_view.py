"""The deck list page: every deck with this user's due counts."""

from django.urls import reverse
from django.utils import timezone

from flashcards.models import Card
from flashcards.services import review_card


def test_deck_list_shows_due_counts(student, student_client, course):
    card = Card.objects.filter(deck__slug="section-9-1").first()
    review_card(user=student, card=card, rating=3, now=timezone.now())

    html = student_client.get(reverse("flashcards:index")).content.decode()

    assert "9.1 Tiny Networks" in html and "Glossary: Regularization" in html
    assert "<strong>2</strong> due" in html  # 3 cards, one just reviewed
    assert reverse("flashcards:study", args=["section-9-1"]) in html
