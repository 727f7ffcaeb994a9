"""services.review_card: the FSRS round trip through the database."""

from datetime import UTC, datetime, timedelta

import fsrs
import pytest

from flashcards.models import Card, Deck, ReviewLog, ReviewState
from flashcards.services import review_card

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def card(db):
    deck = Deck.objects.create(slug="d", title="D")
    return Card.objects.create(deck=deck, front="Q?", back="A.")


def test_good_moves_due_forward_and_writes_a_log(student, card):
    log = review_card(user=student, card=card, rating=3, now=NOW)

    state = ReviewState.objects.get(user=student, card=card)
    assert state.due > NOW and state.reps == 1
    assert log.rating == 3 and log.reviewed_at == NOW and log.due_after == state.due
    assert ReviewLog.objects.filter(user=student, card=card).count() == 1
    # The stored JSON is a real FSRS card that the library can read back.
    restored = fsrs.Card.from_dict(state.fsrs_card)
    assert restored.card_id == card.pk and restored.due == state.due
    assert restored.stability is not None


def test_repeated_good_reviews_space_the_card_further_out(student, card):
    intervals = []
    now = NOW
    for _ in range(4):
        review_card(user=student, card=card, rating=3, now=now)
        due = ReviewState.objects.get(user=student, card=card).due
        intervals.append(due - now)
        now = due
    assert intervals == sorted(intervals) and intervals[-1] >= timedelta(days=1)
    assert ReviewLog.objects.filter(user=student).count() == 4
    assert ReviewState.objects.get(user=student, card=card).reps == 4


def test_again_comes_back_sooner_than_easy(student, other_student, card):
    review_card(user=student, card=card, rating=1, now=NOW)
    review_card(user=other_student, card=card, rating=4, now=NOW)

    again = ReviewState.objects.get(user=student, card=card).due
    easy = ReviewState.objects.get(user=other_student, card=card).due
    assert again < easy


def test_states_are_per_user(student, other_student, card):
    review_card(user=student, card=card, rating=3, now=NOW)

    assert not ReviewState.objects.filter(user=other_student).exists()


def test_invalid_rating_writes_nothing(student, card):
    with pytest.raises(ValueError):
        review_card(user=student, card=card, rating=5, now=NOW)

    assert not ReviewState.objects.exists() and not ReviewLog.objects.exists()
