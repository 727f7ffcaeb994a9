"""Decks of cards and each user's FSRS review state and review history."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models

if TYPE_CHECKING:
    from .selectors import DeckCounts


def card_key(front: str) -> str:
    """Stable identity of a card inside its deck: re-imports update instead of duplicating."""
    normalized = " ".join(front.split()).casefold()
    return hashlib.sha1(normalized.encode()).hexdigest()


def term_front(term) -> str:
    """A glossary deck's card front for `term`: 'Gated Recurrent Unit (GRU)', since students meet
    the abbreviation as often as the name."""
    return f"{term.name} ({term.abbreviation})" if term.abbreviation else term.name


class Deck(models.Model):
    counts: DeckCounts  # set by selectors.decks_with_counts, not a column
    slug = models.SlugField(max_length=140, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    section = models.ForeignKey(
        "lessons.Section", null=True, blank=True, on_delete=models.CASCADE, related_name="decks"
    )
    # A glossary category slug ("architectures"); set on decks built from glossary terms.
    glossary_category = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["section__chapter__number", "section__order", "glossary_category", "title"]

    def __str__(self) -> str:
        return self.title


class Card(models.Model):
    deck = models.ForeignKey(Deck, on_delete=models.CASCADE, related_name="cards")
    key = models.CharField(max_length=40)
    front = models.TextField()
    back = models.TextField()
    topic = models.SlugField(max_length=120, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["deck", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["deck", "key"], name="flashcards_card_key")]

    def __str__(self) -> str:
        return self.front[:60]

    def save(self, *args, **kwargs) -> None:
        if not self.key:
            self.key = card_key(self.front)
        super().save(*args, **kwargs)


class ReviewState(models.Model):
    """The FSRS memory state of one card for one user; absent until the first review."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_states"
    )
    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="review_states")
    fsrs_card = models.JSONField()
    # Copied out of fsrs_card so due queries can use an index.
    due = models.DateTimeField()
    reps = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "card"], name="flashcards_state_once")
        ]
        indexes = [models.Index(fields=["user", "due"], name="flashcards_state_due")]

    def __str__(self) -> str:
        return f"{self.user} / card {self.card_id} due {self.due:%Y-%m-%d %H:%M}"


class Rating(models.IntegerChoices):
    AGAIN = 1, "Again"
    HARD = 2, "Hard"
    GOOD = 3, "Good"
    EASY = 4, "Easy"


class ReviewLog(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_logs"
    )
    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="review_logs")
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    reviewed_at = models.DateTimeField()
    review_duration_ms = models.PositiveIntegerField(null=True, blank=True)
    due_after = models.DateTimeField()

    class Meta:
        ordering = ["-reviewed_at"]
        indexes = [models.Index(fields=["user", "reviewed_at"], name="flashcards_log_user_time")]

    def __str__(self) -> str:
        return f"{self.user} rated card {self.card_id} {self.get_rating_display()}"
