"""Deck list, study page, history page and the section redirect: login required."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from flashcards.models import Card, ReviewLog
from flashcards.services import review_card

PAGES = [
    ("flashcards:index", []),
    ("flashcards:history", []),
    ("flashcards:study", ["section-9-1"]),
    ("flashcards:section", ["9.1"]),
]


def test_deck_list_shows_due_counts(student, student_client, course):
    card = Card.objects.filter(deck__slug="section-9-1").first()
    review_card(user=student, card=card, rating=3, now=timezone.now())

    html = student_client.get(reverse("flashcards:index")).content.decode()

    assert "9.1 Tiny Networks" in html and "Glossary: Regularization" in html
    assert "<strong>2</strong> due" in html  # 3 cards, one just reviewed
    assert reverse("flashcards:study", args=["section-9-1"]) in html


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


def test_history_page_draws_the_chart(student, student_client, course):
    card = Card.objects.first()
    now = timezone.now()
    for rating in (3, 3, 1):
        ReviewLog.objects.create(
            user=student, card=card, rating=rating, reviewed_at=now, due_after=now
        )
    ReviewLog.objects.create(
        user=student, card=card, rating=3, reviewed_at=now - timedelta(days=3), due_after=now
    )

    html = student_client.get(reverse("flashcards:history")).content.decode()

    assert "<svg" in html and html.count('class="chart-bar"') == 2
    assert html.count('class="chart-bar-again"') == 1
    assert "75%" in html and ">4<" in html


def test_section_redirects_to_its_deck(student_client, course):
    response = student_client.get(reverse("flashcards:section", args=["9.1"]))

    assert response.status_code == 302
    assert response["Location"] == reverse("flashcards:study", args=["section-9-1"])
    assert student_client.get(reverse("flashcards:section", args=["4.4"])).status_code == 404


def test_unknown_deck_is_404(student_client, course):
    assert student_client.get(reverse("flashcards:study", args=["nope"])).status_code == 404


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_anonymous_goes_to_login(anon_client, course, name, args):
    response = anon_client.get(reverse(name, args=args))

    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_post_is_405(student_client, course, name, args):
    assert student_client.post(reverse(name, args=args)).status_code == 405
