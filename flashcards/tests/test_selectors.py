"""Due cards, due counts and study history for one user."""

from datetime import UTC, datetime, timedelta

import pytest

from flashcards import selectors
from flashcards.models import Card, Deck, ReviewLog
from flashcards.services import review_card

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def deck(db):
    deck = Deck.objects.create(slug="d", title="D")
    for i in range(4):
        Card.objects.create(deck=deck, front=f"Q{i}?", back=f"A{i}.", order=i)
    return deck


def test_new_cards_are_due_and_reviewed_cards_wait(student, other_student, deck):
    cards = list(deck.cards.all())
    review_card(user=student, card=cards[0], rating=3, now=NOW)

    due_now = list(selectors.due_cards(user=student, deck=deck, now=NOW))
    assert due_now == cards[1:]
    assert list(selectors.due_cards(user=other_student, deck=deck, now=NOW)) == cards
    later = NOW + timedelta(days=30)
    # Once its time comes the reviewed card is first: overdue reviews before new cards.
    assert list(selectors.due_cards(user=student, deck=deck, now=later))[0] == cards[0]


def test_due_counts(student, deck):
    other = Deck.objects.create(slug="empty", title="Empty")
    cards = list(deck.cards.all())
    review_card(user=student, card=cards[0], rating=3, now=NOW)
    review_card(user=student, card=cards[1], rating=3, now=NOW - timedelta(days=60))

    counts = selectors.due_counts(user=student, decks=[deck, other], now=NOW)

    assert counts[deck.pk] == selectors.DeckCounts(total=4, new=2, due=3)
    assert counts[other.pk] == selectors.DeckCounts(total=0, new=0, due=0)


def test_study_history_per_day_and_retention(student, other_student, deck):
    card = deck.cards.first()
    for days_ago, rating in [(0, 3), (0, 1), (0, 4), (2, 3), (40, 1)]:
        ReviewLog.objects.create(
            user=student,
            card=card,
            rating=rating,
            reviewed_at=NOW - timedelta(days=days_ago),
            due_after=NOW,
        )
    ReviewLog.objects.create(
        user=other_student, card=card, rating=1, reviewed_at=NOW, due_after=NOW
    )

    history = selectors.study_history(user=student, now=NOW, days=30)

    assert len(history.days) == 30 and history.days[-1][0] == NOW.date()
    assert history.days[-1][1:] == (3, 1)
    assert history.days[-3][1:] == (1, 0)
    assert history.total == 4 and history.peak == 3
    assert history.retention == pytest.approx(3 / 4)


def test_history_without_reviews(student):
    history = selectors.study_history(user=student, now=NOW)

    assert history.total == 0 and history.retention is None


def test_next_due_at_is_the_earliest_future_due(student, other_student, deck):
    cards = list(deck.cards.all())
    assert selectors.next_due_at(user=student, deck=deck, now=NOW) is None
    review_card(user=student, card=cards[0], rating=1, now=NOW)  # Again: back in a minute
    review_card(user=student, card=cards[1], rating=4, now=NOW)  # Easy: back in days
    review_card(user=other_student, card=cards[2], rating=1, now=NOW - timedelta(minutes=5))

    next_due = selectors.next_due_at(user=student, deck=deck, now=NOW)

    assert NOW < next_due <= NOW + timedelta(minutes=10)
