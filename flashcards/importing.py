"""Plain-text items (parsed by glossary/textformats.py) into a flashcard deck.

The glossary's import form and `import_content --deck` reach this through glossary/hooks.py
(registered in apps.py): the glossary sits below flashcards and does not import it. A deck import
is recorded in the glossary's import log (glossary.ImportRecord, target "deck") like a term import,
so `import_content --history/--undo` cover both.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.text import slugify

from glossary.import_log import CARD_FIELDS, UndoReport, card_snapshot, record_import
from glossary.models import ImportRecord
from glossary.textformats import Item

from .models import Deck
from .services import ImportSummary, deck_import_cards, deck_upsert


@dataclass
class DeckImportReport:
    """What a deck import did: the flashcards app's summary, and whether the deck is new."""

    summary: ImportSummary
    deck_slug: str
    deck_created: bool
    record_id: int | None = None

    @property
    def created_fronts(self) -> list[str]:
        return self.summary.created_fronts

    @property
    def updated_fronts(self) -> list[str]:
        return self.summary.updated_fronts

    def __str__(self) -> str:
        verb = "would create" if self.summary.dry_run else "created"
        made = f"{verb} deck {self.deck_slug}; " if self.deck_created else ""
        return made + str(self.summary)


def _deck_changes(before: dict, after: dict, deck_created: bool) -> list[dict]:
    changes = [{"action": "deck-created", "key": "", "before": None, "after": None}]
    changes = changes if deck_created else []
    for key, now in after.items():
        if key not in before:
            changes.append({"action": "card-created", "key": key, "before": None, "after": now})
        elif before[key] != now:
            changes.append(
                {"action": "card-updated", "key": key, "before": before[key], "after": now}
            )
    return changes


def deck_import_items(
    *,
    deck_slug: str,
    items: list[Item],
    dry_run: bool,
    actor: str = "",
    user: object | None = None,
    filename: str = "",
) -> DeckImportReport:
    """Hand (front, back) pairs to the flashcards app, which owns decks and cards; a missing
    deck is created (titled after its slug). Recorded like a glossary import."""
    if not slugify(deck_slug) == deck_slug:
        raise ValueError(f"{deck_slug!r} is not a valid deck slug (lowercase, digits, hyphens)")
    with transaction.atomic():
        deck = Deck.objects.filter(slug=deck_slug).first()
        created = deck is None
        if deck is None:
            deck = deck_upsert(slug=deck_slug, title=deck_slug.replace("-", " ").capitalize())
        before = {c.key: card_snapshot(c) for c in deck.cards.all()}
        summary = deck_import_cards(
            deck=deck, cards=[(item.front, item.back) for item in items], dry_run=dry_run
        )
        report = DeckImportReport(summary=summary, deck_slug=deck_slug, deck_created=created)
        if dry_run:
            transaction.set_rollback(True)  # the new deck too
            return report
        after = {c.key: card_snapshot(c) for c in deck.cards.all()}
        changes = _deck_changes(before, after, created)
        if changes:
            report.record_id = record_import(
                target=ImportRecord.Target.DECK,
                filename=filename,
                actor=actor,
                user=user,
                summary=str(report),
                changes=changes,
                deck_slug=deck_slug,
            ).pk
    return report


def deck_import_drifted(record: ImportRecord) -> list[str]:
    """The keys of the cards a recorded import touched that were edited since."""
    deck = Deck.objects.filter(slug=record.deck_slug).first()
    drifted = (_card_drift(deck, c) for c in record.changes if c["action"] != "deck-created")
    return [key for key in drifted if key]


def _card_drift(deck: Deck | None, change: dict) -> str | None:
    card = deck.cards.filter(key=change["key"]).first() if deck else None
    current = card_snapshot(card) if card else None
    return None if current == change["after"] else change["key"]


def deck_import_undo(record: ImportRecord, report: UndoReport) -> None:
    """Revert a recorded deck import (inside import_undo's transaction): delete the cards it
    created, restore the ones it changed, and the deck itself if it made it and it is empty."""
    deck = Deck.objects.filter(slug=record.deck_slug).first()
    if deck is None:
        return
    for change in reversed(record.changes):
        if change["action"] == "card-created":
            deck.cards.filter(key=change["key"]).delete()
            report.deleted.append(change["after"]["front"][:60])
        elif change["action"] == "card-updated":
            card = deck.cards.filter(key=change["key"]).first()
            if card is not None:
                for name, value in change["before"].items():
                    setattr(card, name, value)
                card.save(update_fields=list(CARD_FIELDS))
                report.restored.append(card.front[:60])
        elif change["action"] == "deck-created" and not deck.cards.exists():
            deck.delete()
            report.deleted.append(f"deck {record.deck_slug}")
