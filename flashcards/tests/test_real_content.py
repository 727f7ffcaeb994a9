"""The content gate for decks: the REAL bundled content builds a deck per section and per
glossary category, and every section's flashcards link leads to its deck."""

import io

import pytest
from django.urls import reverse

from flashcards.models import Deck
from lessons.models import Section

pytestmark = pytest.mark.slow


@pytest.fixture
def real_decks(db):
    from flashcards import content as flashcards_content
    from glossary import content as glossary_content
    from lessons import content as lessons_content

    glossary_content.load(stdout=io.StringIO())
    lessons_content.load(stdout=io.StringIO())
    summary = flashcards_content.load(stdout=io.StringIO())
    return summary


def test_every_section_has_a_deck_of_10_to_15_cards(real_decks, student_client):
    for section in Section.objects.all():
        deck = Deck.objects.get(section=section)
        assert 10 <= deck.cards.count() <= 15, section.number
        response = student_client.get(reverse("flashcards:section", args=[section.number]))
        assert response["Location"] == reverse("flashcards:study", args=[deck.slug])


def test_glossary_category_decks_cover_every_term(real_decks):
    from glossary.models import Term

    glossary_decks = Deck.objects.filter(section=None).exclude(glossary_category="")
    assert glossary_decks.count() == Term.objects.values("category").distinct().count()
    assert sum(d.cards.count() for d in glossary_decks) == Term.objects.count()


def test_loading_twice_changes_nothing(real_decks):
    again = __import__("flashcards.content", fromlist=["load"]).load(stdout=io.StringIO())

    assert "0 cards created, 0 updated" in again
