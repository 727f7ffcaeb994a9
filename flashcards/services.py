"""Writes for flashcards: FSRS reviews, deck creation and card imports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import fsrs
from django.db import transaction

from .models import Card, Deck, ReviewLog, ReviewState, card_key

# One scheduler for the process: FSRS default parameters, 90% desired retention (Anki's default).
SCHEDULER = fsrs.Scheduler(desired_retention=0.9)


@dataclass(frozen=True)
class CardData:
    front: str
    back: str
    topic: str = ""


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    dry_run: bool = False
    created_fronts: list[str] = field(default_factory=list)
    updated_fronts: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        verb = "would create" if self.dry_run else "created"
        return f"{verb} {self.created}, updated {self.updated}, skipped {self.skipped}"


def review_card(
    *, user, card: Card, rating: int, now: datetime, duration_ms: int | None = None
) -> ReviewLog:
    """Grade `card` for `user` (1 Again .. 4 Easy), reschedule it with FSRS and log the review."""
    grade = fsrs.Rating(rating)  # ValueError for anything outside 1..4
    with transaction.atomic():
        state, created = ReviewState.objects.select_for_update().get_or_create(
            user=user, card=card, defaults={"fsrs_card": {}, "due": now}
        )
        memory = (
            fsrs.Card(card_id=card.pk, due=now) if created else fsrs.Card.from_dict(state.fsrs_card)
        )
        memory, _ = SCHEDULER.review_card(memory, grade, now, duration_ms)
        state.fsrs_card = memory.to_dict()
        state.due = memory.due
        state.reps += 1
        state.save(update_fields=["fsrs_card", "due", "reps"])
        log = ReviewLog.objects.create(
            user=user,
            card=card,
            rating=rating,
            reviewed_at=now,
            review_duration_ms=duration_ms,
            due_after=memory.due,
        )
    return log


def deck_upsert(
    *, slug: str, title: str, description: str = "", section=None, glossary_category: str = ""
) -> Deck:
    deck, _ = Deck.objects.update_or_create(
        slug=slug,
        defaults={
            "title": title,
            "description": description,
            "section": section,
            "glossary_category": glossary_category,
        },
    )
    return deck


def _clean(cards: list[CardData]) -> dict[str, tuple[int, CardData]]:
    """Validate and key the cards; a later duplicate front replaces an earlier one."""
    keyed: dict[str, tuple[int, CardData]] = {}
    for index, card in enumerate(cards):
        if not card.front.strip() or not card.back.strip():
            raise ValueError(f"card {index + 1}: front and back must not be empty")
        keyed[card_key(card.front)] = (index, card)
    return keyed


def deck_upsert_cards(
    *, deck: Deck, cards: list[CardData], dry_run: bool, prune: bool = False
) -> ImportSummary:
    """Create new cards, update changed ones and skip identical ones, all or nothing.

    `prune` deletes cards no longer listed (bundled content); user imports never delete. The
    writes are three statements whatever the deck's size (a bulk insert, a bulk update, a delete).
    """
    summary = ImportSummary(dry_run=dry_run)
    keyed = _clean(cards)
    existing = {c.key: c for c in deck.cards.all()}
    new: list[Card] = []
    changed: list[Card] = []
    for key, (order, data) in keyed.items():
        front, back = data.front.strip(), data.back.strip()
        card = existing.get(key)
        if card is None:
            summary.created += 1
            summary.created_fronts.append(data.front)
            new.append(
                Card(deck=deck, key=key, front=front, back=back, topic=data.topic, order=order)
            )
        elif (card.front, card.back, card.topic) == (front, back, data.topic):
            summary.skipped += 1
        else:
            summary.updated += 1
            summary.updated_fronts.append(data.front)
            card.front, card.back, card.topic, card.order = front, back, data.topic, order
            changed.append(card)
    if dry_run:
        return summary
    with transaction.atomic():
        Card.objects.bulk_create(new, batch_size=500)
        Card.objects.bulk_update(changed, ["front", "back", "topic", "order"], batch_size=500)
        if prune:
            deck.cards.exclude(key__in=keyed.keys()).delete()
    return summary


def deck_import_cards(*, deck: Deck, cards: list[tuple[str, str]], dry_run: bool) -> ImportSummary:
    """Import (front, back) pairs into `deck`; re-importing updates instead of duplicating."""
    data = [CardData(front=front, back=back) for front, back in cards]
    return deck_upsert_cards(deck=deck, cards=data, dry_run=dry_run)
