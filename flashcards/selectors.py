"""Reads for flashcards: due cards, due counts and study history, always for one user."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, F, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncDate

from dlplatform.accounts.models import User

from .models import Card, Deck, Rating, ReviewLog, ReviewState, card_key, term_front


def due_cards(*, user: User, deck: Deck, now: datetime) -> QuerySet[Card]:
    """Cards of `deck` due for `user`: overdue reviews first (oldest due first), then new cards."""
    state_due = ReviewState.objects.filter(user=user, card=OuterRef("pk")).values("due")[:1]
    return (
        Card.objects.filter(deck=deck)
        .annotate(user_due=Subquery(state_due))
        .filter(Q(user_due__isnull=True) | Q(user_due__lte=now))
        .order_by(F("user_due").asc(nulls_last=True), "order", "id")
    )


def next_due_at(*, user: User, deck: Deck, now: datetime) -> datetime | None:
    """When the next card of `deck` that is not yet due becomes due (learning steps: minutes)."""
    states = ReviewState.objects.filter(user=user, card__deck=deck, due__gt=now)
    return states.aggregate(next_due=Min("due"))["next_due"]


@dataclass
class DeckCounts:
    total: int = 0
    new: int = 0
    due: int = 0  # everything studyable now: new cards plus reviews whose time has come


def due_counts(*, user: User, decks: list[Deck], now: datetime) -> dict[int, DeckCounts]:
    """Counts per deck id in two queries, whatever the number of decks."""
    ids = [d.pk for d in decks]
    totals = dict(
        Card.objects.filter(deck_id__in=ids).values_list("deck_id").annotate(n=Count("id"))
    )
    seen = (
        ReviewState.objects.filter(user=user, card__deck_id__in=ids)
        .values("card__deck_id")
        .annotate(seen=Count("id"), waiting=Count("id", filter=Q(due__gt=now)))
    )
    by_deck = {row["card__deck_id"]: row for row in seen}
    counts = {}
    for deck_id in ids:
        total = totals.get(deck_id, 0)
        row = by_deck.get(deck_id, {"seen": 0, "waiting": 0})
        counts[deck_id] = DeckCounts(
            total=total, new=total - row["seen"], due=total - row["waiting"]
        )
    return counts


def decks_with_counts(
    *, user: User, now: datetime, decks: Iterable[Deck] | None = None
) -> list[Deck]:
    """Decks with `.counts` set (a DeckCounts) for `user`."""
    chosen = list(decks if decks is not None else Deck.objects.select_related("section"))
    counts = due_counts(user=user, decks=chosen, now=now)
    for deck in chosen:
        deck.counts = counts[deck.pk]
    return chosen


@dataclass
class History:
    days: list[tuple[date, int, int]]  # (day, reviews, of which Again)
    total: int
    retention: float | None  # share of reviews not graded Again; None without reviews

    @property
    def peak(self) -> int:
        return max((n for _, n, _ in self.days), default=0)


def study_history(*, user: User, now: datetime, days: int = 30) -> History:
    """Reviews per day over the last `days` days (every day present, zero or not) and retention."""
    start = (now - timedelta(days=days - 1)).date()
    rows = (
        ReviewLog.objects.filter(user=user, reviewed_at__date__gte=start)
        .annotate(day=TruncDate("reviewed_at"))
        .values("day")
        .annotate(n=Count("id"), again=Count("id", filter=Q(rating=Rating.AGAIN)))
    )
    per_day = {row["day"]: (row["n"], row["again"]) for row in rows}
    series = [
        (day, *per_day.get(day, (0, 0))) for day in (start + timedelta(days=i) for i in range(days))
    ]
    total = sum(n for _, n, _ in series)
    again = sum(a for _, _, a in series)
    retention = (total - again) / total if total else None
    return History(days=series, total=total, retention=retention)


def term_cards(*, terms: Iterable[Any]) -> dict[int, Card]:
    """The glossary deck's card of each term (by term id), for the terms that have one: the card
    whose front `content.load` built from the term, in the deck of the term's category."""
    wanted = {(f"glossary-{t.category}", card_key(term_front(t))): t.pk for t in terms}
    if not wanted:
        return {}
    cards = Card.objects.filter(
        deck__slug__in={slug for slug, _ in wanted}, key__in={key for _, key in wanted}
    ).select_related("deck")
    return {wanted[(c.deck.slug, c.key)]: c for c in cards if (c.deck.slug, c.key) in wanted}


def has_review_state(*, user: User, card: Card) -> bool:
    return ReviewState.objects.filter(user=user, card=card).exists()
