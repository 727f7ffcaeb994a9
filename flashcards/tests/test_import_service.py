"""services.deck_import_cards: upsert by front text, dry run, all or nothing."""

import pytest

from flashcards.models import Card, Deck
from flashcards.services import deck_import_cards


@pytest.fixture
def deck(db):
    return Deck.objects.create(slug="imported", title="Imported")


def test_creates_then_skips_identical_and_updates_changed(deck):
    first = deck_import_cards(
        deck=deck,
        cards=[("What is a tensor?", "An n-d array."), ("ReLU?", "max(0, x)")],
        dry_run=False,
    )
    assert (first.created, first.updated, first.skipped) == (2, 0, 0)

    second = deck_import_cards(
        deck=deck,
        cards=[
            ("What is a tensor?", "A multi-dimensional array."),
            ("ReLU?", "max(0, x)"),
            ("New?", "Yes."),
        ],
        dry_run=False,
    )

    assert (second.created, second.updated, second.skipped) == (1, 1, 1)
    assert deck.cards.count() == 3
    assert deck.cards.get(front="What is a tensor?").back == "A multi-dimensional array."
    assert second.updated_fronts == ["What is a tensor?"] and second.created_fronts == ["New?"]


def test_front_matching_ignores_case_and_spacing(deck):
    deck_import_cards(deck=deck, cards=[("What is  a Tensor?", "A.")], dry_run=False)

    summary = deck_import_cards(deck=deck, cards=[("what is a tensor?", "A.")], dry_run=False)

    assert deck.cards.count() == 1
    assert summary.updated == 1  # the front's spelling changed, so the card is updated in place


def test_dry_run_reports_without_writing(deck):
    deck_import_cards(deck=deck, cards=[("Old?", "Old.")], dry_run=False)

    summary = deck_import_cards(
        deck=deck, cards=[("Old?", "Changed."), ("New?", "New.")], dry_run=True
    )

    assert (summary.created, summary.updated, summary.skipped) == (1, 1, 0)
    assert summary.dry_run and str(summary).startswith("would create 1")
    assert list(deck.cards.values_list("front", "back")) == [("Old?", "Old.")]


def test_bad_card_rejects_the_whole_import(deck):
    with pytest.raises(ValueError, match="card 2"):
        deck_import_cards(
            deck=deck, cards=[("Fine?", "Yes."), ("Empty back?", "  ")], dry_run=False
        )

    assert not Card.objects.exists()


def test_multi_paragraph_backs_are_kept_intact(deck):
    back = "First paragraph.\n\n- a bullet\n- another\n\nLast paragraph."
    deck_import_cards(deck=deck, cards=[("Q?", back)], dry_run=False)

    assert deck.cards.get().back == back
