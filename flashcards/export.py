"""Export a deck as CSV (front, back, topic) or as an Anki package (.apkg, via genanki)."""

from __future__ import annotations

import csv
import hashlib
import io
import tempfile
from pathlib import Path

import genanki

from dlplatform.csv_safe import spreadsheet_safe
from glossary.rendering import markdown_to_html

from .models import Deck


def _stable_id(text: str) -> int:
    """Anki needs fixed numeric ids so a re-imported package updates the same deck and notes."""
    return int(hashlib.sha1(text.encode()).hexdigest()[:12], 16) % (1 << 31) + (1 << 30)


def deck_csv(deck: Deck) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["front", "back", "topic"])
    for card in deck.cards.order_by("order", "id"):
        writer.writerow([spreadsheet_safe(v) for v in (card.front, card.back, card.topic)])
    return out.getvalue()


_MODEL = genanki.Model(
    _stable_id("dlplatform-basic-model"),
    "DeepLearn Basic",
    fields=[{"name": "Front"}, {"name": "Back"}],
    templates=[
        {
            "name": "Card 1",
            "qfmt": "{{Front}}",
            "afmt": '{{FrontSide}}<hr id="answer">{{Back}}',
        }
    ],
)


def deck_apkg(deck: Deck) -> bytes:
    package_deck = genanki.Deck(
        _stable_id(f"dlplatform-deck-{deck.slug}"), f"DeepLearn::{deck.title}"
    )
    for card in deck.cards.order_by("order", "id"):
        note = genanki.Note(
            model=_MODEL,
            fields=[markdown_to_html(card.front), markdown_to_html(card.back)],
            tags=[deck.slug] + ([card.topic] if card.topic else []),
            # Identity by deck and front text: a re-imported package updates notes in place.
            guid=genanki.guid_for(deck.slug, card.key),
        )
        package_deck.add_note(note)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "deck.apkg"
        genanki.Package(package_deck).write_to_file(str(path))
        return path.read_bytes()
