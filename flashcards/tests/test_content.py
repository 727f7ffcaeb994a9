"""flashcards.content.load: a deck per section and per glossary category, idempotent."""

import io
import shutil

import pytest
import yaml

from flashcards import content
from flashcards.models import Card, Deck, ReviewState
from flashcards.services import review_card
from lessons.content import ContentError
from lessons.tests.factories import FIXTURE_SECTIONS


def test_section_and_glossary_decks(course):
    section_deck = Deck.objects.get(slug="section-9-1")
    assert section_deck.section == course["9.1"] and section_deck.title == "9.1 Tiny Networks"
    assert list(section_deck.cards.values_list("topic", flat=True)) == [
        "perceptron",
        "activation",
        "",
    ]
    assert "\n\nthen a step function." in section_deck.cards.first().back
    glossary = Deck.objects.get(slug="glossary-regularization")
    assert glossary.glossary_category == "regularization" and glossary.section is None
    assert list(glossary.cards.values_list("front", "back")) == [
        ("Dropout", "Randomly zeroing units while training.")
    ]


def test_reload_is_idempotent_and_keeps_review_state(course, student):
    card = Card.objects.get(front="What is a bias?")
    from django.utils import timezone

    review_card(user=student, card=card, rating=3, now=timezone.now())
    before = Card.objects.count()

    summary = content.load(stdout=io.StringIO(), directory=FIXTURE_SECTIONS)

    assert "0 cards created, 0 updated" in summary
    assert Card.objects.count() == before and Deck.objects.count() == 5
    assert ReviewState.objects.filter(card=card).exists()


def test_unknown_topic_is_an_error_naming_file_and_key(course, tmp_path):
    for path in FIXTURE_SECTIONS.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    data = yaml.safe_load((tmp_path / "9.2.yaml").read_text())
    data["flashcards"][0]["topic"] = "nonsense"
    (tmp_path / "9.2.yaml").write_text(yaml.safe_dump(data))

    with pytest.raises(ContentError, match=r"9\.2\.yaml: flashcards\[0\]\.topic: 'nonsense'"):
        content.load(stdout=io.StringIO(), directory=tmp_path)


def test_glossary_cards_show_the_abbreviation(course):
    from glossary.models import Term

    Term.objects.create(
        slug="gated-recurrent-unit",
        name="Gated Recurrent Unit",
        abbreviation="GRU",
        category="sequence-models",
        definition="A recurrent cell with two gates.",
    )

    content.load(stdout=io.StringIO(), directory=FIXTURE_SECTIONS)

    deck = Deck.objects.get(slug="glossary-sequence-models")
    assert list(deck.cards.values_list("front", "back")) == [
        ("Gated Recurrent Unit (GRU)", "A recurrent cell with two gates.")
    ]
