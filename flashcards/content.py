"""Build the bundled decks: one per lesson section (from its YAML `flashcards:`) and one per
glossary category (term name on the front, its one-sentence definition on the back).

Runs after glossary and lessons are loaded; idempotent (decks by slug, cards by front text).
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from django.db import transaction

from lessons.content import ContentError, read_section_files
from lessons.models import Section

from .models import term_front
from .services import CardData, ImportSummary, deck_upsert, deck_upsert_cards


def section_deck_slug(number: str) -> str:
    return "section-" + number.replace(".", "-")


def parse_flashcards(filename: str, data: dict) -> list[CardData]:
    """The `flashcards:` list of one section file, with errors naming the file and the key."""
    raw = data.get("flashcards") or []
    if not isinstance(raw, list):
        raise ContentError(f"{filename}: flashcards: must be a list")
    topics = {t.get("slug") for t in data.get("topics") or [] if isinstance(t, dict)}
    cards = []
    for i, item in enumerate(raw):
        where = f"{filename}: flashcards[{i}]"
        if not isinstance(item, dict):
            raise ContentError(f"{where}: must be a mapping with front and back")
        front, back = str(item.get("front") or "").strip(), str(item.get("back") or "").strip()
        if not front or not back:
            raise ContentError(f"{where}: front and back must be non-empty strings")
        topic = str(item.get("topic") or "")
        if topic and topic not in topics:
            raise ContentError(f"{where}.topic: {topic!r} is not a topic of this section")
        cards.append(CardData(front=front, back=back, topic=topic))
    return cards


def _load_section_decks(stdout: TextIO, directory: Path | None) -> list[ImportSummary]:
    sections = {s.number: s for s in Section.objects.all()}
    summaries = []
    for filename, data in read_section_files(directory):
        cards = parse_flashcards(filename, data)
        section = sections.get(str(data.get("number")))
        if section is None or not cards:
            continue
        deck = deck_upsert(
            slug=section_deck_slug(section.number),
            title=f"{section.number} {section.title}",
            description=f"Questions on section {section.number}, {section.title}.",
            section=section,
        )
        summary = deck_upsert_cards(deck=deck, cards=cards, dry_run=False, prune=True)
        stdout.write(f"  deck {deck.slug}: {summary}\n")
        summaries.append(summary)
    return summaries


def _load_glossary_decks(stdout: TextIO) -> list[ImportSummary]:
    from glossary.models import Category, Term

    summaries = []
    for value, label in Category.choices:
        terms = Term.objects.filter(category=value).order_by("name")
        cards = [CardData(front=term_front(t), back=t.definition) for t in terms if t.definition]
        if not cards:
            continue
        deck = deck_upsert(
            slug=f"glossary-{value}",
            title=f"Glossary: {label}",
            description=f"Every {label.lower()} term of the glossary: name to definition.",
            glossary_category=value,
        )
        summary = deck_upsert_cards(deck=deck, cards=cards, dry_run=False, prune=True)
        stdout.write(f"  deck {deck.slug}: {summary}\n")
        summaries.append(summary)
    return summaries


def load(*, stdout: TextIO, directory: Path | None = None) -> str:
    """Load every bundled deck idempotently; returns a one-line summary."""
    with transaction.atomic():
        summaries = _load_section_decks(stdout, directory) + _load_glossary_decks(stdout)
    created = sum(s.created for s in summaries)
    updated = sum(s.updated for s in summaries)
    return f"flashcards: {len(summaries)} decks, {created} cards created, {updated} updated"
